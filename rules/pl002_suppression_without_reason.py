"""A suppression that does not say why (off unless `--require-reason` or the config turns it on).

## Why it matters
A suppression is a decision that a finding does not apply: "this pod never runs with
hostNetwork", "the nodes reserve the NodePort range". Without the reason, the next reader
cannot tell a deliberate exception from a way to make CI pass, and cannot tell when it stops
being true. The reason goes into the SARIF report as the suppression's `justification`, where
GitHub code scanning and SARIF viewers show it.

## Bad
```yaml
# portlint check --require-reason
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    portlint.io/ignore: "PL302"
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 8080
```

## Good
```yaml
# portlint check --require-reason
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    portlint.io/ignore: "PL302: our API servers run --service-node-port-range=1-32767"
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 8080
```
or, on the line: `nodePort: 8080  # portlint: ignore[PL302] our API servers allow 1-32767`.

## How to fix
Write the reason after the ids: after `]` in a comment, after `:` in the annotation (entries
separated by `;`, e.g. `"PL301: reserved; PL201: runs on tainted nodes only"`), in the `reason`
key of a config `ignore` entry.

## References
- SARIF 2.1.0, suppression.justification: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
"""

ID = "PL002"
NAME = "suppression-without-reason"
LEVEL = "off"  # opt-in: --require-reason, or rules: {PL002: warning} in the config
SCOPE = "suppressions"  # no check: the engine reports it after every other finding
SUMMARY = "A portlint: ignore comment or portlint.io/ignore annotation entry gives no reason."
TAGS = ("maintainability",)
PRECISION = "very-high"
SECURITY_SEVERITY = None

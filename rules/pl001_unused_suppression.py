"""A suppression that no finding needs any more.

## Why it matters
A `# portlint: ignore[PL101]` comment or a `portlint.io/ignore` annotation outlives the problem
it was written for: the write was guarded, the script moved, the line changed. Left in place,
it hides the next problem that lands on that line or object without anyone deciding so. As
ruff's unused-noqa, portlint reports a suppression that matched no finding, so that stale ones
are removed. An `ignore` entry of the config file is one too (reported at the entry), when the
run linted a file its `path` can match, or it has none (docs/baseline.md).

Only suppressions of rules that look at one object at a time (the PL1xx and PL2xx rules, and
PL000) are checked: whether a port rule (PL3xx) fires depends on the other files of the run,
and pre-commit passes only the changed files, so an unused suppression of a port rule, or of
`ALL`, is never reported. Rules turned off in the run are not checked either.

## Bad
```yaml
apiVersion: v1
kind: Pod
metadata: {name: tune}
spec:
  initContainers:
    - name: tune
      image: busybox:1.36
      securityContext: {privileged: true}
      env:
        - name: POD_IP
          valueFrom: {fieldRef: {fieldPath: status.podIP}}
        - name: HOST_IP
          valueFrom: {fieldRef: {fieldPath: status.hostIP}}
      command: [sh, -c, 'if [ "$POD_IP" != "$HOST_IP" ]; then sysctl -w net.core.somaxconn=1024; fi']  # portlint: ignore[PL101]
  containers:
    - name: app
      image: nginx:1.27
```
The write is guarded: PL101 does not fire, and the comment would hide a later unguarded write.

## Good
```yaml
apiVersion: v1
kind: Pod
metadata: {name: tune}
spec:
  initContainers:
    - name: tune
      image: busybox:1.36
      securityContext: {privileged: true}
      env:
        - name: POD_IP
          valueFrom: {fieldRef: {fieldPath: status.podIP}}
        - name: HOST_IP
          valueFrom: {fieldRef: {fieldPath: status.hostIP}}
      command: [sh, -c, 'if [ "$POD_IP" != "$HOST_IP" ]; then sysctl -w net.core.somaxconn=1024; fi']
  containers:
    - name: app
      image: nginx:1.27
```

## How to fix
Remove the suppression, or the ids in it that no longer match (the message names them).

## References
- ruff's unused-noqa (RUF100): https://docs.astral.sh/ruff/rules/unused-noqa/
"""

ID = "PL001"
NAME = "unused-suppression"
LEVEL = "note"
SCOPE = "suppressions"  # no check: the engine reports it after every other finding
SUMMARY = "A portlint: ignore comment, portlint.io/ignore annotation entry or config ignore entry suppresses no finding."
TAGS = ("maintainability",)
PRECISION = "high"
SECURITY_SEVERITY = None

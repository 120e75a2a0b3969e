"""A POD_IP/HOST_IP guard is there but does not protect the sysctl write.

The guard only works when the write runs exactly when the pod's IP differs from the
node's IP, with both values from the downward API. Common mistakes, each of which lets the
write reach the node in a `hostNetwork: true` pod (or makes the guard meaningless):
- a compared variable is not in the container's `env` (the shell sees an empty string);
- a variable comes from the wrong `fieldPath` (both from `status.podIP`, or `spec.nodeName`),
  or holds a literal value instead of a `fieldRef`;
- the comparison is inverted: `if [ "$POD_IP" = "$HOST_IP" ]; then sysctl -w ...` runs the
  write only in hostNetwork pods, which is exactly where it must not run.

Reported instead of PL101/PL201 for the writes the guard was meant to protect.

## Bad
```yaml
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: tune}
spec:
  template:
    spec:
      hostNetwork: true
      initContainers:
        - name: tune
          image: busybox:1.36
          env:
            - name: POD_IP
              valueFrom: {fieldRef: {fieldPath: status.podIP}}
            # HOST_IP is missing: "$HOST_IP" is empty, so the test is always true
          command:
            - sh
            - -c
            - |
              if [ "$POD_IP" != "$HOST_IP" ]; then
                sysctl -w net.core.somaxconn=1024
              fi
      containers:
        - name: app
          image: nginx:1.27
```

## Good
```yaml
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: tune}
spec:
  template:
    spec:
      hostNetwork: true
      initContainers:
        - name: tune
          image: busybox:1.36
          env:
            - name: POD_IP
              valueFrom: {fieldRef: {fieldPath: status.podIP}}
            - name: HOST_IP
              valueFrom: {fieldRef: {fieldPath: status.hostIP}}
          command:
            - sh
            - -c
            - |
              if [ "$POD_IP" != "$HOST_IP" ]; then
                sysctl -w net.core.somaxconn=1024
              fi
      containers:
        - name: app
          image: nginx:1.27
```

## How to fix
Make the guard compare a variable from `status.podIP` with one from `status.hostIP` (both in
that container's `env`, through `valueFrom.fieldRef`), and run the write only when they
differ: `!=` around the write, or `=` with an early `exit 0`.

## References
- Downward API: https://kubernetes.io/docs/concepts/workloads/pods/downward-api/
- Using sysctls in a Kubernetes cluster: https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/
"""

from .. import writes
from ..findings import Location
from ._sysctl_owners import evidence, one_per_cause

ID = "PL102"
NAME = "broken-sysctl-guard"
LEVEL = "error"
SCOPE = "pod"  # check(manifest, ctx): each object with a pod spec
SUMMARY = "A POD_IP/HOST_IP guard around a sysctl write is broken: a variable is missing or wrong, or the test is inverted."
TAGS = ("reliability", "sysctl", "networking")
PRECISION = "high"
SECURITY_SEVERITY = "6.5"


def check(manifest, ctx):
    return check_writes(writes.container_writes(manifest), ctx)


def check_writes(cws, ctx):
    """The findings of this rule among ``cws``: a manifest's own writes, or after the run's
    last input those of scripts kept in ConfigMaps (engine: writes.join)."""
    return one_per_cause(ID, cws, _message, _guard)


def _message(cw, what: str, count: int) -> str:
    writes_of = "its write" if count == 1 else "its writes"
    return f"The guard of {cw.who} does not protect {writes_of} of {what}: {cw.verdict.reason}{evidence(cw)}"


def _guard(cw) -> list[Location]:
    g = cw.verdict.guard
    return [Location(g.path or cw.file, g.line, g.column, g.end_line, g.end_column, "The broken guard")]

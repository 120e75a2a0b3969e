"""A container writes a namespaced sysctl without the POD_IP/HOST_IP guard.

In a pod with its own network namespace, `sysctl -w net.*` (or a write to `/proc/sys/net`)
only changes that pod. The same script in a `hostNetwork: true` pod changes the node: one
values change, a copied chart or a patch that turns on hostNetwork, and the write reaches
every node the pod lands on. Widening `net.ipv4.ip_local_port_range` there makes the
ephemeral range cover the NodePort range, and kubelet health checks start failing.

The guard makes the write a no-op wherever the pod shares the node's network: run it only
when the pod's IP differs from the node's IP, both taken from the downward API.

## Bad
```yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: proxy}
spec:
  template:
    spec:
      initContainers:
        - name: tune
          image: busybox:1.36
          securityContext: {privileged: true}
          command: [sh, -c, 'sysctl -w net.ipv4.ip_local_port_range="1024 65535"']
      containers:
        - name: proxy
          image: envoyproxy/envoy:v1.31.0
```

## Good
```yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: proxy}
spec:
  template:
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
          command:
            - sh
            - -c
            - |
              if [ "$POD_IP" != "$HOST_IP" ]; then
                sysctl -w net.ipv4.ip_local_port_range="1024 65535"
              fi
      containers:
        - name: proxy
          image: envoyproxy/envoy:v1.31.0
```
Better still, when the sysctl is in the safe set of the target Kubernetes version (here
`net.ipv4.ip_local_port_range`): drop the init container and set it in
`spec.securityContext.sysctls`, which the kubelet applies to the pod's namespace only. For
a sysctl outside the safe set (`net.core.somaxconn`, say) that is no way out: the pod then
fails with SysctlForbidden unless the kubelets allow it with `--allowed-unsafe-sysctls`
(which needs a dedicated node pool, and Pod Security baseline rejects the pod), so keep the
guarded write, or set a value meant for the nodes in the node configuration.

## How to fix
Wrap the write in the guard (`if [ "$POD_IP" != "$HOST_IP" ]; then ... fi`, or `[ "$POD_IP"
= "$HOST_IP" ] && exit 0` before it) and add `POD_IP` and `HOST_IP` to the container's `env`
from `fieldRef: {fieldPath: status.podIP}` and `status.hostIP`; or move a sysctl of the safe
set (of the version given with `--kubernetes-version`) to `spec.securityContext.sysctls` and
drop the privileged container (`portlint explain PL203` lists the safe set of each version).

## References
- Using sysctls in a Kubernetes cluster: https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/
- Downward API (status.podIP, status.hostIP): https://kubernetes.io/docs/concepts/workloads/pods/downward-api/
- Linux ip-sysctl documentation (ip_local_port_range): https://docs.kernel.org/networking/ip-sysctl.html
"""

from .. import writes
from ._sysctl_owners import evidence, nsenter_note, one_per_cause

ID = "PL101"
NAME = "unguarded-sysctl-write"
LEVEL = "warning"
SCOPE = "pod"  # check(manifest, ctx): each object with a pod spec
SUMMARY = "A container writes a namespaced sysctl without the POD_IP/HOST_IP guard; with hostNetwork it would change the node."
TAGS = ("reliability", "sysctl", "networking")
PRECISION = "high"
SECURITY_SEVERITY = "4.0"


def check(manifest, ctx):
    return check_writes(writes.container_writes(manifest), ctx)


def check_writes(cws, ctx):
    """The findings of this rule among ``cws``: a manifest's own writes, or after the run's
    last input those of scripts kept in ConfigMaps (engine: writes.join)."""
    return one_per_cause(ID, cws, _message, lambda cw: [])


def _message(cw, what: str, count: int) -> str:
    return f"{cw.who} writes {what} without the POD_IP/HOST_IP guard{nsenter_note(cw)}{evidence(cw)}"


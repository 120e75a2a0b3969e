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
Better still, when the sysctl is in the safe set: drop the init container and set it in
`spec.securityContext.sysctls`, which the kubelet applies to the pod's namespace only.

## How to fix
Wrap the write in the guard (`if [ "$POD_IP" != "$HOST_IP" ]; then ... fi`, or `[ "$POD_IP"
= "$HOST_IP" ] && exit 0` before it) and add `POD_IP` and `HOST_IP` to the container's `env`
from `fieldRef: {fieldPath: status.podIP}` and `status.hostIP`; or move a safe sysctl to
`spec.securityContext.sysctls` and drop the privileged container.

## References
- Using sysctls in a Kubernetes cluster: https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/
- Downward API (status.podIP, status.hostIP): https://kubernetes.io/docs/concepts/workloads/pods/downward-api/
- Linux ip-sysctl documentation (ip_local_port_range): https://docs.kernel.org/networking/ip-sysctl.html
"""

from .. import writes
from ._sysctl_owners import GUARD_HINT, evidence, write_owner
from ..findings import report

ID = "PL101"
NAME = "unguarded-sysctl-write"
LEVEL = "warning"
SCOPE = "object"  # check(manifest, ctx): each object
SUMMARY = "A container writes a namespaced sysctl without the POD_IP/HOST_IP guard; with hostNetwork it would change the node."
TAGS = ("reliability", "sysctl", "networking")
PRECISION = "high"
SECURITY_SEVERITY = "4.0"


def check(manifest, ctx):
    for cw in writes.container_writes(manifest):
        if write_owner(cw) != ID:
            continue
        yield report(
            ID,
            manifest,
            cw.location,
            f"{cw.container.label} writes {cw.what} without the POD_IP/HOST_IP guard. "
            f"In {cw.network_mode} this only changes the pod's own namespace, but the same write in a "
            f"{cw.flag} pod changes the node; "
            f"{GUARD_HINT}, or set the sysctl in securityContext.sysctls instead.{evidence(cw)}",
            cw.path,
        )

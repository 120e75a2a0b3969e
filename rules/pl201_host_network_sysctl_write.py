"""A container of a hostNetwork pod writes a namespaced sysctl: it changes the node.

A `hostNetwork: true` pod shares the node's network namespace, so `sysctl -w net.*` from
any of its privileged containers changes the node's kernel for every pod on it. The classic
outage: `net.ipv4.ip_local_port_range="1024 65535"` makes the ephemeral range cover the
NodePort range (30000-32767); outbound connections from the node then take ports that
kube-proxy intercepts, and kubelet health checks fail at random. (The same holds for IPC
sysctls in a `hostIPC: true` pod.)

The same holds without hostNetwork when the write runs behind `nsenter` into PID 1's network
(or IPC) namespace (`nsenter -t 1 -n`, `--net=/proc/1/ns/net`, `-a`): with `hostPID`, or with
the node's /proc mounted from a hostPath (`--net=/host/proc/1/ns/net`), PID 1 is the node's
init, so the write changes the node. (Without either, PID 1 is the container's own and the
write stays in the pod: PL101.) `chroot` changes no namespace.

A valid POD_IP/HOST_IP guard makes the write a no-op in such a pod: no finding then. The
guard compares IPs, so it only knows about the network: in a `hostIPC: true` pod without
`hostNetwork` the IPs differ, the guarded IPC write runs, and it is reported all the same;
so is a guarded write behind such an nsenter.

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
          securityContext: {privileged: true}
          command: [sh, -c, 'sysctl -w net.ipv4.ip_local_port_range="1024 65535"']
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
        - name: app
          image: nginx:1.27
```
Or drop `hostNetwork` when the pod does not need it.

## How to fix
Add the POD_IP/HOST_IP guard around the write (see PL101), or drop `hostNetwork: true` if
the pod does not need the node's network; if the node really must be tuned, do it with node
configuration instead of a workload.

## References
- Using sysctls in a Kubernetes cluster: https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/
- kube-proxy and NodePorts in the ephemeral range: https://github.com/kubernetes/kubernetes/pull/108496
- Linux ip-sysctl documentation: https://docs.kernel.org/networking/ip-sysctl.html
"""

from .. import writes
from ._sysctl_owners import evidence, nsenter_reason, nsenter_related, one_per_cause

ID = "PL201"
NAME = "host-network-sysctl-write"
LEVEL = "error"
SCOPE = "pod"  # check(manifest, ctx): each object with a pod spec
SUMMARY = "A container of a hostNetwork (or hostIPC) pod writes a namespaced sysctl without a valid guard: it changes the node's kernel."
TAGS = ("reliability", "sysctl", "networking", "security")
PRECISION = "high"
SECURITY_SEVERITY = "7.5"


def check(manifest, ctx):
    return check_writes(writes.container_writes(manifest), ctx)


def check_writes(cws, ctx):
    """The findings of this rule among ``cws``: a manifest's own writes, or after the run's
    last input those of scripts kept in ConfigMaps (engine: writes.join)."""
    return one_per_cause(ID, cws, _message, _related)


def _message(cw, what: str, count: int) -> str:
    if cw.via_nsenter:  # nsenter into PID 1's namespace, the node's by hostPID or a host /proc
        return (
            f"{cw.who} writes {what} in the node's {cw.namespace_name} namespace through "
            f"{cw.nsenter.words} ({nsenter_reason(cw)}){evidence(cw)}"
        )
    if cw.verdict.state == "guarded":  # an IPC write in a hostIPC pod without hostNetwork
        guard = "its POD_IP/HOST_IP guard cannot stop it" if count == 1 else "its POD_IP/HOST_IP guard cannot stop them"
        return f"{cw.who} writes {what} in {cw.network_mode}, where {guard}{evidence(cw)}"
    return f"{cw.who} writes {what} in {cw.network_mode} without a POD_IP/HOST_IP guard{evidence(cw)}"


def _related(cw):
    """Where the pod gets the node's namespace: the nsenter's hostPID or host /proc, else the flag."""
    return nsenter_related(cw) if cw.via_nsenter else cw.container.flag_location(cw.flag)

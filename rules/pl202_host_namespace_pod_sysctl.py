"""A pod sets a namespaced sysctl in securityContext.sysctls while sharing the node's namespace.

`securityContext.sysctls` is applied to the pod's own namespaces. With `hostNetwork: true`
the pod has no network namespace of its own, so a `net.*` sysctl would have to change the
node: since Kubernetes 1.29 the API server rejects such a pod ("may not be specified when
'hostNetwork' is true"), and older kubelets reject it at admission with reason
`SysctlForbidden`. The same holds for IPC sysctls (`kernel.shm*`, `kernel.msg*`,
`kernel.sem`, `fs.mqueue.*`) with `hostIPC: true`.

## Bad
```yaml
apiVersion: v1
kind: Pod
metadata: {name: edge}
spec:
  hostNetwork: true
  securityContext:
    sysctls:
      - name: net.ipv4.ip_local_port_range
        value: "32768 60999"
  containers:
    - name: app
      image: nginx:1.27
```

## Good
```yaml
apiVersion: v1
kind: Pod
metadata: {name: edge}
spec:
  # no hostNetwork: the sysctl applies to the pod's own network namespace
  securityContext:
    sysctls:
      - name: net.ipv4.ip_local_port_range
        value: "32768 60999"
  containers:
    - name: app
      image: nginx:1.27
```

## How to fix
Drop `hostNetwork` (or `hostIPC`) so that the sysctl applies to the pod's own namespace, or
remove the sysctl and tune the node by other means.

## References
- Using sysctls in a Kubernetes cluster: https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/
- API validation of pod sysctls with host namespaces (Kubernetes 1.29): https://github.com/kubernetes/kubernetes/pull/118705
"""

from .. import podsysctls
from ..findings import report
from ._sysctl_owners import pod_sysctl_owner

ID = "PL202"
NAME = "host-namespace-pod-sysctl"
LEVEL = "error"
SCOPE = "pod"  # check(manifest, ctx): each object with a pod spec
SUMMARY = (
    "securityContext.sysctls sets a net.* sysctl in a hostNetwork pod (or an IPC sysctl in a hostIPC pod): the pod is rejected."
)
TAGS = ("correctness", "sysctl")
PRECISION = "very-high"
SECURITY_SEVERITY = None


def check(manifest, ctx):
    for sysctl in podsysctls.pod_sysctls(manifest):
        if pod_sysctl_owner(sysctl, ctx.kubernetes_version) != ID:
            continue
        flag = podsysctls.rejected_for_host_namespace(sysctl)
        doc = manifest.doc
        yield report(
            ID,
            manifest,
            doc.location(sysctl.name_node),
            f"securityContext.sysctls sets {sysctl.name} in a {flag} pod",
            sysctl.path,
            sysctl.pod.flag_location(flag),
        )

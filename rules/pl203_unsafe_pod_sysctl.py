"""A pod sets a sysctl outside the safe set in securityContext.sysctls.

The kubelet only applies "safe" sysctls by default: namespaced ones that cannot affect
other pods. Any other sysctl makes the pod fail with `SysctlForbidden` on every node whose
kubelet does not list it in `--allowed-unsafe-sysctls`, and the Pod Security "baseline"
level rejects the pod. Node-wide sysctls (`vm.*`, most `kernel.*`) cannot be set per pod
at all. (A namespaced sysctl in a pod that shares that namespace with the node is PL202's,
not reported again here.)

The safe set grows with Kubernetes versions (`--kubernetes-version` or `kubernetesVersion`
picks it; default: the newest portlint knows):
1.0 `kernel.shm_rmid_forced`, `net.ipv4.ip_local_port_range`, `net.ipv4.tcp_syncookies`,
`net.ipv4.ping_group_range`, `net.ipv4.ip_unprivileged_port_start`;
1.27 `net.ipv4.ip_local_reserved_ports`; 1.29 `net.ipv4.tcp_keepalive_time`,
`net.ipv4.tcp_fin_timeout`, `net.ipv4.tcp_keepalive_intvl`, `net.ipv4.tcp_keepalive_probes`;
1.32 `net.ipv4.tcp_rmem`, `net.ipv4.tcp_wmem`; 1.37 `net.ipv4.tcp_slow_start_after_idle`,
`net.ipv4.tcp_notsent_lowat`.

## Bad
```yaml
apiVersion: v1
kind: Pod
metadata: {name: queue}
spec:
  securityContext:
    sysctls:
      - name: net.core.somaxconn
        value: "1024"
  containers:
    - name: app
      image: nginx:1.27
```

## Good
```yaml
apiVersion: v1
kind: Pod
metadata: {name: queue}
spec:
  securityContext:
    sysctls:
      - name: net.ipv4.tcp_keepalive_time
        value: "600"
  containers:
    - name: app
      image: nginx:1.27
```
If the unsafe sysctl is needed, allow it on a dedicated node pool
(`--allowed-unsafe-sysctls`), schedule the pod there, and acknowledge the finding with a
`portlint.io/ignore: "PL203"` annotation.

## How to fix
Use a sysctl from the safe set of your Kubernetes version (`--kubernetes-version`), or allow
the sysctl on a dedicated node pool with the kubelet's `--allowed-unsafe-sysctls`, schedule
the pod there, and acknowledge the finding with `portlint.io/ignore: "PL203"`.

## References
- Safe and unsafe sysctls: https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/#safe-and-unsafe-sysctls
- Pod Security Standards, baseline, Sysctls: https://kubernetes.io/docs/concepts/security/pod-security-standards/
"""

from .. import podsysctls
from ..findings import report
from ..sysctls import namespace_of
from ._sysctl_owners import pod_sysctl_owner

ID = "PL203"
NAME = "unsafe-pod-sysctl"
LEVEL = "warning"
SCOPE = "pod"  # check(manifest, ctx): each object with a pod spec
SUMMARY = (
    "securityContext.sysctls sets a sysctl outside the safe set: the pod fails with SysctlForbidden unless kubelets allow it."
)
TAGS = ("correctness", "sysctl", "security")
PRECISION = "very-high"
SECURITY_SEVERITY = "4.0"


def check(manifest, ctx):
    version = ctx.kubernetes_version
    for sysctl in podsysctls.pod_sysctls(manifest):
        if pod_sysctl_owner(sysctl, version) != ID:
            continue
        if "." not in sysctl.name and "/" not in sysctl.name:
            what = "which is not a sysctl name"
        elif namespace_of(sysctl.name) is None:
            what = "a node-wide sysctl that no pod can set"
        else:
            what = f"which is not in the safe sysctl set of Kubernetes {version[0]}.{version[1]}"
        yield report(
            ID,
            manifest,
            manifest.doc.location(sysctl.name_node),
            f"securityContext.sysctls sets {sysctl.name}, {what}",
            sysctl.path,
        )

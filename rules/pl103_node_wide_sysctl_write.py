"""A container writes a node-wide sysctl: it changes the node, whatever the pod's network.

Only `net.*` (except the conntrack table limits) and the IPC sysctls (`kernel.shm*`,
`kernel.msg*`, `kernel.sem`, `fs.mqueue.*`) live in a pod's own namespace. Everything else,
`vm.max_map_count`, `kernel.pid_max`, `kernel.core_pattern`, `fs.file-max`,
`net.netfilter.nf_conntrack_max`, is one value for the whole node: a privileged container
that writes it changes the kernel for every pod on the node, and the POD_IP/HOST_IP guard
does not help (the pod and node namespaces are not involved).

Reported instead of PL101/PL201 for such writes. When the write is intended (Elasticsearch's
`vm.max_map_count` init container), own it at the node level, or acknowledge it with a
`portlint.io/ignore: "PL103"` annotation so that reviewers see the decision.

## Bad
```yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: search}
spec:
  template:
    spec:
      initContainers:
        - name: sysctl
          image: busybox:1.36
          securityContext: {privileged: true}
          command: [sysctl, -w, vm.max_map_count=262144]
      containers:
        - name: search
          image: elasticsearch:8.15.0
```

## Good
```yaml
# vm.max_map_count is set on the nodes (node image, machine config, a tuning operator);
# the workload has no privileged init container.
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: search}
spec:
  template:
    spec:
      containers:
        - name: search
          image: elasticsearch:8.15.0
```

## How to fix
Set the sysctl on the nodes (node image, kubelet or machine configuration, a node tuning
operator) and drop the privileged container; if the workload must own it, acknowledge the
finding with the `portlint.io/ignore: "PL103"` annotation.

## References
- Namespaced vs node-level sysctls: https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/#listing-all-sysctl-parameters
- Linux /proc/sys/vm documentation: https://docs.kernel.org/admin-guide/sysctl/vm.html
"""

from .. import writes
from ._sysctl_owners import evidence, one_per_cause

ID = "PL103"
NAME = "node-wide-sysctl-write"
LEVEL = "warning"
SCOPE = "pod"  # check(manifest, ctx): each object with a pod spec
SUMMARY = "A container writes a node-wide sysctl (vm.*, most kernel.*): it changes every node the pod runs on, guard or not."
TAGS = ("reliability", "sysctl", "security")
PRECISION = "very-high"
SECURITY_SEVERITY = "5.0"


def check(manifest, ctx):
    return check_writes(writes.container_writes(manifest), ctx)


def check_writes(cws, ctx):
    """The findings of this rule among ``cws``: a manifest's own writes, or after the run's
    last input those of scripts kept in ConfigMaps (engine: writes.join)."""
    return one_per_cause(ID, cws, _message, lambda cw: [])


def _message(cw, what: str, count: int) -> str:
    return f"{cw.who} writes {what}, {'a node-wide sysctl' if count == 1 else 'all node-wide'}{evidence(cw)}"

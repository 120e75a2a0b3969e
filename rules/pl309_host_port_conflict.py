"""Two workloads that can share a node hold the same host port and protocol.

A node has one port 9100/TCP. A `hostPort`, a `containerPort` of a `hostNetwork: true` pod
(the API server defaults its `hostPort` to it) and a port a hostNetwork container listens
on without declaring it (a probe's port, a `--port=`/`--listen-address=` flag) all take it.

kube-scheduler's NodePorts filter keeps two pods that *declare* the same hostPort apart
(`fitsPorts` in pkg/scheduler/framework/plugins/nodeports, "node(s) didn't have free ports
for the requested pod ports"). For two Deployments that only limits where they can run.
For two DaemonSets it means one of them stays Pending on every node where both are
eligible: an error. The scheduler cannot see an undeclared listener: both pods start and
the second to bind fails with EADDRINUSE ("address already in use") and crash-loops: an
error too. Two declared ports of other workloads are a warning.

Two holders conflict only when their pods can land on one node (linter/placement.py): a
different value for the same `nodeSelector` key, required node-affinity terms that
exclude each other, or one pod bound to control-plane nodes and the other not tolerating
their taint keep them apart. Binds to two different addresses (`hostIP`,
`--listen-address=127.0.0.1:9100` against `$(POD_IP):9100`) do not collide; a bind to every
address collides with all. Ports held twice by one workload are not reported here.

## Bad
```yaml
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-agent}
spec:
  template:
    spec:
      containers:
        - name: agent
          image: example.com/agent:1.0
          ports:
            - {containerPort: 8080, hostPort: 9500}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: log-shipper}
spec:
  template:
    spec:
      containers:
        - name: shipper
          image: example.com/shipper:2.1
          ports:
            - {containerPort: 9500, hostPort: 9500}
```

## Good
```yaml
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-agent}
spec:
  template:
    spec:
      nodeSelector: {pool: edge}
      containers:
        - name: agent
          image: example.com/agent:1.0
          ports:
            - {containerPort: 8080, hostPort: 9500}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: log-shipper}
spec:
  template:
    spec:
      nodeSelector: {pool: batch}
      containers:
        - name: shipper
          image: example.com/shipper:2.1
          ports:
            - {containerPort: 9500, hostPort: 9501}
```

## How to fix
Give each workload its own host port (and the program its own `--port`), or keep the two
apart with node selectors or required node affinity. Declare every port a hostNetwork
container listens on as a `containerPort`, so that the scheduler sees it.

## References
- kube-scheduler NodePorts filter: https://github.com/kubernetes/kubernetes/blob/master/pkg/scheduler/framework/plugins/nodeports/node_ports.go
- Assigning pods to nodes: https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/
- Container ports (hostPort): https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports
"""

from ..findings import report
from ..ledger import EVERY_ADDRESS, Holder, same_workload, shares_address
from ..placement import can_share_a_node
from ._node_ports import in_file_order

ID = "PL309"
NAME = "host-port-conflict"
LEVEL = "error"
SCOPE = "run"  # check(ctx): once, after every object
SUMMARY = "Two workloads that can run on one node hold the same host port and protocol."
TAGS = ("correctness", "networking", "ports")
PRECISION = "high"
SECURITY_SEVERITY = None


def check(ctx):
    by_port: dict[tuple[int, str], _Earlier] = {}
    # in file and position order, not input order: which side is reported must not depend on
    # the order the files were given in
    for holder in in_file_order(ctx.facts.ledger):
        earlier = by_port.setdefault((holder.port, holder.protocol), _Earlier())
        other = earlier.first_collision(holder)
        earlier.add(holder)
        if other is None:
            continue
        where = f"{other.location.path}:{other.location.line}"
        yield report(
            ID,
            holder.obj,
            holder.location,
            f"{holder.holder} is also held by {other.obj.label} ({other.what}, {where})"
            f"{'' if certain(holder, other) else ', if both run on one node'}",
            holder.path,
            [other.location.at(f"The other holder of port {holder.port}")],
            level=level(holder, other),
        )


def collide(a: Holder, b: Holder) -> bool:
    """Two workloads, one address, pods that can share a node (same port and protocol)."""
    return not same_workload(a.obj, b.obj) and shares_address(a.host, b.host) and can_share_a_node(a.placement, b.placement)


def level(a: Holder, b: Holder) -> str:
    """An error when one never runs (two DaemonSets) or the scheduler cannot see it (inferred)."""
    if a.inferred or b.inferred or (a.kind == "DaemonSet" and b.kind == "DaemonSet"):
        return "error"
    return "warning"


def certain(a: Holder, b: Holder) -> bool:
    """Both run on one node for sure: two DaemonSets eligible for the same nodes."""
    return a.kind == "DaemonSet" and b.kind == "DaemonSet" and a.placement == b.placement


class _Earlier:
    """The holders of one port and protocol that a later holder may collide with first, in
    file order. Not kept: a holder that collides exactly when an earlier one does (the same
    workload, address and placement), and one with the placement of two earlier holders on
    every address from workloads no holder can both belong to (another kind or name): whatever
    it collides with, one of those two collides with first. So a port that thousands of
    workloads hold keeps a few holders, not thousands."""

    __slots__ = ("holders", "covered")

    def __init__(self) -> None:
        self.holders: dict[tuple, Holder] = {}
        self.covered: dict = {}  # placement -> (kind, name) of up to two holders on every address

    def first_collision(self, holder: Holder) -> Holder | None:
        return next((e for e in self.holders.values() if collide(e, holder)), None)

    def add(self, holder: Holder) -> None:
        workloads = self.covered.setdefault(holder.placement, set())
        if len(workloads) >= 2:
            return
        self.holders.setdefault((holder.obj.ident, holder.host, holder.placement), holder)
        if holder.host in EVERY_ADDRESS:
            kind, _, name = holder.obj.ident.split("/", 2)
            workloads.add((kind, name))

"""Two Services pin the same nodePort, or one Service uses the same protocol and nodePort twice.

NodePorts are allocated cluster-wide: the second Service to claim a port fails with
"provided port is already allocated", so whichever is applied later breaks, and which one
that is depends on apply order. Within one Service the same nodePort may serve TCP and UDP
(two entries with different protocols), but not the same protocol twice.

portlint sees the Services of one run: pass all manifests of a cluster together (a
directory, or pre-commit with `require_serial: true`). When only some files are linted,
conflicts with Services in other files cannot be seen.

## Bad
```yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {type: NodePort, ports: [{port: 80, nodePort: 30080}]}
---
apiVersion: v1
kind: Service
metadata: {name: admin}
spec: {type: NodePort, ports: [{port: 80, nodePort: 30080}]}
```

## Good
```yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {type: NodePort, ports: [{port: 80, nodePort: 30080}]}
---
apiVersion: v1
kind: Service
metadata: {name: admin}
spec: {type: NodePort, ports: [{port: 80, nodePort: 30081}]}
```

## How to fix
Give each Service its own nodePort (or leave `nodePort` out and let the API server choose);
within one Service, reuse a nodePort only for a different protocol.

## References
- Service type NodePort: https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport
"""

from ..findings import report
from . import _node_ports as ports

ID = "PL303"
NAME = "nodeport-conflict"
LEVEL = "error"
SCOPE = "run"  # check(ctx): once, after every object
SUMMARY = "Two Services use the same nodePort, or one Service uses the same protocol and nodePort twice."
TAGS = ("correctness", "networking", "ports")
PRECISION = "very-high"
SECURITY_SEVERITY = None


def check(ctx):
    claims: dict[int, _Claims] = {}
    # in file and position order, not input order: which side is reported must not depend on
    # the order the files were given in
    for use in ports.in_file_order(ctx.facts.node_ports):
        if not ports.is_open(use, ctx.network):  # a rejected port is PL302's
            continue
        held = claims.get(use.port)
        if held is None:
            claims[use.port] = _Claims(use)
            continue
        clash = held.clash(use)
        held.add(use)
        if clash is None:
            continue
        where = f"{clash.location.path}:{clash.location.line}"
        if clash.obj.origin == use.obj.origin:
            by = f"for {use.protocol} by {clash.owner} ({where})"
        else:
            by = f"by {clash.obj.label} ({clash.owner}, {where})"
        yield report(
            ID,
            use.obj,
            use.location,
            f"{use.field} {use.port} of {use.obj.label} is already used {by}",
            use.path,
            [clash.location.at(f"The other user of nodePort {use.port}")],
        )


class _Claims:
    """The earlier uses of one nodePort that a later use can clash with, in file order: the
    first, the first of each (origin, protocol) among the uses of the first one's Service
    that come before another Service's, and that other Service's first use. A later use
    clashes with the first of them it is not the same Service as, or that is the same
    definition of its Service with its protocol; the uses after the first other Service's
    are never that one, so they are not kept (a run may pin 150,000 nodePorts)."""

    __slots__ = ("first", "own", "other")

    def __init__(self, first) -> None:
        self.first = first
        self.own = {(first.obj.origin, first.protocol): first}  # the first Service's uses, by definition and protocol
        self.other = None  # the first use by another Service

    def clash(self, use):
        """The earlier use ``use`` clashes with, or None."""
        if self.first.obj.ident != use.obj.ident:
            return self.first
        return self.own.get((use.obj.origin, use.protocol)) or self.other

    def add(self, use) -> None:
        if self.other is not None:
            return
        if use.obj.ident == self.first.obj.ident:
            self.own.setdefault((use.obj.origin, use.protocol), use)
        else:
            self.other = use

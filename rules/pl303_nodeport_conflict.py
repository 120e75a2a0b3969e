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
    first_by_port = {}
    # in file and position order, not input order: which side is reported must not depend on
    # the order the files were given in
    for use in ports.in_file_order(ctx.facts.node_ports):
        if not ports.is_open(use, ctx.network):  # a rejected port is PL302's
            continue
        first = first_by_port.get(use.port)
        if first is None:
            first_by_port[use.port] = [use]
            continue
        clash = None
        for other in first:
            if other.obj.ident != use.obj.ident:
                clash = other
                break
            if other.obj.origin != use.obj.origin:
                continue  # the same Service defined twice (say, a base and an overlay): not a clash
            if other.protocol == use.protocol:
                clash = other
                break
        first.append(use)
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

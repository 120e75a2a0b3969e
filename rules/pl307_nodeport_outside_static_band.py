"""An explicit nodePort lies outside the static band of the NodePort range.

Since Kubernetes 1.27 (KEP-3668) the API server splits the NodePort range in two: it
allocates nodePorts for Services that do not pin one from the upper band first, and keeps
the lowest ports, the static band, for Services that do. The static band is the lowest
min(max(16, size/32), 128) ports: 30000-30085 for the default range 30000-32767. A pinned
port above the band can already be taken by a dynamically allocated Service, and a later
`kubectl apply` fails with "provided port is already allocated".

## Bad
```yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 31080
```

## Good
```yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 30080
```

## How to fix
Pin nodePorts inside the static band (30000-30085 for the default range), or leave
`nodePort` out and let the API server choose.

## References
- KEP-3668, reserved NodePort ranges for dynamic and static allocation: https://github.com/kubernetes/enhancements/tree/master/keps/sig-network/3668-reserved-service-nodeport-range
"""

from ..findings import report
from . import _node_ports as ports

ID = "PL307"
NAME = "nodeport-outside-static-band"
LEVEL = "note"
SCOPE = "run"  # check(ctx): once, after every object
SUMMARY = (
    "An explicit nodePort lies in the upper band of the NodePort range, which the API server fills first for dynamic allocation."
)
TAGS = ("reliability", "ports")
PRECISION = "medium"
SECURITY_SEVERITY = None


def static_band(low: int, high: int) -> tuple[int, int]:
    size = high - low + 1
    band = min(max(16, size // 32), 128)
    return low, min(high, low + band - 1)


def check(ctx):
    net = ctx.network
    low, high = static_band(net.node_ports.low, net.node_ports.high)
    for use in ctx.facts.node_ports:
        if not ports.is_open(use, net) or use.port <= high:
            continue
        yield report(
            ID,
            use.obj,
            use.location,
            f"{use.field} {use.port} of {use.obj.label} is outside the static band {low}-{high} of the NodePort range",
            use.path,
        )

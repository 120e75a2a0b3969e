"""A Service pins a nodePort inside the nodes' ephemeral port range.

The kernel hands out ports of `net.ipv4.ip_local_port_range` to outbound connections from
the node. When one of them is also a NodePort, the reply to that connection is captured by
the NodePort rule (kube-proxy stopped holding NodePorts open in Kubernetes 1.21-1.24, PR
108496), and connections fail at random with "Address not available" or are hijacked.
The Linux default range is 32768-60999, which does not reach the default NodePort range
30000-32767; it does once a node's range is widened (e.g. to "1024 65535"). Ports listed in
`net.ipv4.ip_local_reserved_ports` are never handed out, so they cannot collide.

portlint takes the nodes' range from `--ephemeral-port-range`, the config file, or the
linted manifests (an unguarded write by a hostNetwork pod, an OpenShift Tuned profile, a
kops Cluster), in that order, else the Linux default; findings cite where it came from.
When the manifests declare several ranges or reservations (one per node pool), the port is
reported if any declared range holds it and any declared reservation lacks it: the worst
node, whatever the order of the files. The finding cites every declaration involved.

## Bad
```yaml
# portlint check --ephemeral-port-range "1024 65535"   (the nodes' widened range)
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 30080
```

## Good
```yaml
# portlint check --ephemeral-port-range "1024 65535" --reserved-ports 30000-32767
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
Reserve the NodePort range on the nodes (`net.ipv4.ip_local_reserved_ports=30000-32767`),
narrow the ephemeral range so that it starts above the NodePort range, or pick a nodePort
outside the ephemeral range. Tell portlint the nodes' ranges with
`--ephemeral-port-range`/`--reserved-ports` or `.portlint.yaml`.

## References
- kube-proxy NodePort and ephemeral ports: https://github.com/kubernetes/kubernetes/pull/108496
- Linux ip-sysctl (ip_local_port_range, ip_local_reserved_ports): https://docs.kernel.org/networking/ip-sysctl.html
- Service NodePort range: https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport
"""

from ..findings import report
from . import _node_ports as ports

ID = "PL301"
NAME = "nodeport-in-ephemeral-range"
LEVEL = "error"
SCOPE = "run"  # check(ctx): once, after every object
SUMMARY = "An explicit nodePort lies in the nodes' ephemeral port range and is not reserved: outbound connections can take it."
TAGS = ("reliability", "networking", "ports")
PRECISION = "high"
SECURITY_SEVERITY = "5.5"


def check(ctx):
    net = ctx.network
    for use in ctx.facts.node_ports:
        if not ports.is_open(use, net):
            continue
        holding, lacking = ports.exposure(use.port, net)
        if not holding or not lacking:
            continue
        where, reservation, related = ports.exposure_text(use.port, net, holding, lacking)
        yield report(
            ID,
            use.obj,
            use.location,
            f"{use.field} {use.port} of {use.obj.label} is in the ephemeral port range {where}{reservation}",
            use.path,
            related,
        )

"""A host port, or a port a hostNetwork pod listens on, lies in the nodes' ephemeral port range.

A `hostPort` is forwarded by the CNI portmap plugin with NAT rules on the node, just like a
NodePort: when the kernel hands the same port to an outbound connection from the node,
its replies are captured by the hostPort rule. The pod may also fail to start when the
port is taken. Ports in `net.ipv4.ip_local_reserved_ports` are safe.

A `hostNetwork: true` pod has no portmap rule: its container binds the port in the node's
own network namespace, and the bind fails with EADDRINUSE ("address already in use") when
an outbound connection from the node already holds the port; the container then crashes or
retries until that connection closes, at random, after any reboot. That holds for every port
such a pod listens on: its `hostPort`s, its `containerPort`s (the API server defaults
`hostPort` to them), and the ports it listens on without declaring them, read from its
probes and its `--port`/`--*-port`/`--*listen*`/`--*addr*` flags (see PL309). The message
names such a pod "hostNetwork". With several declared ranges or reservations, the worst node
counts (see PL301).

## Bad
```yaml
# portlint check --ephemeral-port-range "1024 65535"   (the nodes' widened range)
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: exporter}
spec:
  template:
    spec:
      containers:
        - name: exporter
          image: quay.io/prometheus/node-exporter:v1.8.2
          ports:
            - {containerPort: 9100, hostPort: 9100}
```

## Good
```yaml
# portlint check --ephemeral-port-range "1024 65535" --reserved-ports 9100
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: exporter}
spec:
  template:
    spec:
      containers:
        - name: exporter
          image: quay.io/prometheus/node-exporter:v1.8.2
          ports:
            - {containerPort: 9100, hostPort: 9100}
```

## How to fix
Reserve the port on the nodes with `net.ipv4.ip_local_reserved_ports`, use a port outside
the ephemeral range, or expose the pod through a Service instead of a hostPort or
hostNetwork.

## References
- CNI portmap plugin: https://www.cni.dev/plugins/current/meta/portmap/
- Linux ip-sysctl (ip_local_reserved_ports): https://docs.kernel.org/networking/ip-sysctl.html
"""

from ..findings import report
from . import _node_ports as ports

ID = "PL305"
NAME = "hostport-in-ephemeral-range"
LEVEL = "warning"
SCOPE = "run"  # check(ctx): once, after every object
SUMMARY = "A hostPort, or a port a hostNetwork pod declares or listens on, lies in the nodes' ephemeral port range, unreserved."
TAGS = ("reliability", "networking", "ports")
PRECISION = "high"
SECURITY_SEVERITY = "4.0"


def check(ctx):
    net = ctx.network
    for holder in ctx.facts.ledger:
        holding, lacking = ports.exposure(holder.port, net)
        if not holding or not lacking:
            continue
        where, reservation, related = ports.exposure_text(holder.port, net, holding, lacking)
        yield report(
            ID,
            holder.obj,
            holder.location,
            f"{holder.holder} is in the ephemeral port range {where}{reservation}",
            holder.path,
            related,
        )

"""A host port or hostNetwork listener lies inside the NodePort range.

The API server hands out NodePorts from `--service-node-port-range` (30000-32767 by
default) to every Service of type NodePort or LoadBalancer that does not pin one, and
every node then claims that port for the Service: kube-proxy's iptables and nftables modes
rewrite packets to it before any listener sees them, and Cilium's kube-proxy replacement
does the same in eBPF. A `hostPort` or a listener of a `hostNetwork: true` pod in that
range works until the allocator gives its port to a Service; from then on the pod's
traffic goes to the Service (or the Service's to the pod), on every node, with no error
anywhere. A Service of the run that pins the same nodePort is named in the finding.

The range is the one declared (kube-apiserver flag, kops, `nodePortRange`, see PL308), else
the kube-apiserver default; with several declared ranges, a port inside any of them counts.

## Bad
```yaml
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ingress}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
        - name: proxy
          image: example.com/proxy:3.0
          ports:
            - {containerPort: 30443, name: https}
```

## Good
```yaml
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ingress}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
        - name: proxy
          image: example.com/proxy:3.0
          ports:
            - {containerPort: 8443, name: https}
```

## How to fix
Move the host port or listener out of the NodePort range, or narrow the range
(`--service-node-port-range`) so that it excludes the port.

## References
- Service type NodePort: https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport
- kube-apiserver --service-node-port-range: https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
"""

from ..findings import report
from . import _node_ports as ports

ID = "PL311"
NAME = "host-port-in-nodeport-range"
LEVEL = "error"
SCOPE = "run"  # check(ctx): once, after every object
SUMMARY = "A host port or hostNetwork listener lies inside the NodePort range, where a Service can be given it."
TAGS = ("correctness", "networking", "ports")
PRECISION = "high"
SECURITY_SEVERITY = None


def check(ctx):
    net = ctx.network
    pinned = {}
    for use in ports.in_file_order(ctx.facts.node_ports):
        if ports.is_open(use, net):
            pinned.setdefault((use.port, use.protocol), use)
    for holder in ctx.facts.ledger:
        inside = [(r, d) for r, d in net.node_port_ranges if holder.port in r]
        if not inside:
            continue
        rng, decl = inside[0]
        related = ports.related(decl, "The NodePort range is declared here")
        service = pinned.get((holder.port, holder.protocol))
        pinning = ""
        if service is not None:
            pinning = f"; {service.obj.label} pins it ({service.location.path}:{service.location.line})"
            related.append(service.location.at(f"The Service's nodePort {holder.port}"))
        yield report(
            ID,
            holder.obj,
            holder.location,
            f"{holder.holder} is in the NodePort range {rng} ({net.where(decl)}){pinning}",
            holder.path,
            related,
        )

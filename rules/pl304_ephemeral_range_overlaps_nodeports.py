"""A declared ephemeral port range overlaps the NodePort range (or a declared NodePort range
overlaps the ephemeral range), and the overlap is not reserved.

Every port in the overlap can be handed to an outbound connection from the node while a
Service may hold it as a NodePort, now or after the next allocation: the failure shows up
later, on whichever Service gets such a port. Reported once per declaration, at the
declaration that creates the overlap: a declared ephemeral range, or a declared NodePort
range when the ephemeral range is the Linux default.

In detail:
- a declared ephemeral range (an unguarded `sysctl -w net.ipv4.ip_local_port_range` in a
  hostNetwork pod, an OpenShift Tuned profile, a kops Cluster/InstanceGroup, the portlint
  config) owns every overlap it has, whether the NodePort range is the default or declared;
- a declared NodePort range (kube-apiserver `--service-node-port-range`, kops
  `spec.kubeAPIServer.serviceNodePortRange`, kubeadm, kind, k3s/RKE2, Cilium, the portlint
  config) owns its overlap with the default ephemeral range (Linux's 32768-60999, or the
  provider profile's) when no ephemeral range is declared: widening the NodePort range to
  30000-50000 is the same hazard as widening the ephemeral range.

With several declarations (one per node pool or cluster), each one is checked against every
declared range of the other side and the declared reservation that leaves most of the
overlap unreserved, and the finding names the worst combination and cites its declarations.
A range given with a flag is a finding of the run, without a file.

## Bad
```yaml
apiVersion: kops.k8s.io/v1alpha2
kind: Cluster
metadata: {name: prod.example.com}
spec:
  sysctlParameters:
    - net.ipv4.ip_local_port_range=1024 65535
```
```yaml
# NodePorts up to 50000 overlap the Linux default ephemeral range 32768-60999
apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver, namespace: kube-system}
spec:
  hostNetwork: true
  containers:
    - name: kube-apiserver
      image: registry.k8s.io/kube-apiserver:v1.31.0
      command: [kube-apiserver, --service-node-port-range=30000-50000]
```

## Good
```yaml
apiVersion: kops.k8s.io/v1alpha2
kind: Cluster
metadata: {name: prod.example.com}
spec:
  sysctlParameters:
    - net.ipv4.ip_local_port_range=1024 65535
    - net.ipv4.ip_local_reserved_ports=30000-32767
```

## How to fix
Reserve the overlap with `net.ipv4.ip_local_reserved_ports` on the nodes, start the
ephemeral range above the NodePort range, or keep the NodePort range out of the ephemeral
range (the default 30000-32767 is below the Linux default 32768-60999).

## References
- Linux ip-sysctl (ip_local_port_range, ip_local_reserved_ports): https://docs.kernel.org/networking/ip-sysctl.html
- kube-proxy NodePort and ephemeral ports: https://github.com/kubernetes/kubernetes/pull/108496
"""

from ..findings import report, run_report
from ..network import DEFAULT
from ._node_ports import related, reservation_text

ID = "PL304"
NAME = "ephemeral-range-overlaps-nodeports"
LEVEL = "error"
SCOPE = "run"  # check(ctx): once, after every object
SUMMARY = "A declared ephemeral port range or NodePort range makes the two overlap, and the reserved ports do not cover the overlap."
TAGS = ("reliability", "networking", "ports")
PRECISION = "high"
SECURITY_SEVERITY = "5.5"


def check(ctx):
    net = ctx.network
    # The ephemeral side owns an overlap whenever it is declared; a NodePort range declaration
    # owns one only against the Linux default (no ephemeral range declared anywhere).
    for value, decl in net.declared.get("ephemeral", []):
        worst = _worst(net, value, net.node_port_ranges)
        if worst is None:
            continue
        node_ports, node_ports_from, gaps, reserved, reserved_from = worst
        message = (
            f"The ephemeral port range {value}{_unplaced(net, decl)} overlaps the NodePort range {node_ports} "
            f"({net.where(node_ports_from)}) and ports {_ports(gaps)} are not reserved{_by(net, reserved, reserved_from)}"
        )
        locations = related(node_ports_from, "The NodePort range is declared here")
        yield _finding(decl, message, f"ephemeral:{decl.description}", locations, reserved_from)
    if net.ephemeral_from.origin != DEFAULT:
        return
    for value, decl in net.declared.get("node_ports", []):
        worst = _worst(net, value, net.ephemerals)
        if worst is None:
            continue
        ephemeral, ephemeral_from, gaps, reserved, reserved_from = worst
        message = (
            f"The NodePort range {value}{_unplaced(net, decl)} overlaps the ephemeral port range {ephemeral} "
            f"({net.where(ephemeral_from)}) and ports {_ports(gaps)} are not reserved{_by(net, reserved, reserved_from)}"
        )
        yield _finding(decl, message, f"node_ports:{decl.description}", [], reserved_from)


def _worst(net, value, others):
    """Against each candidate range on the other side, the unreserved part of the overlap under
    the worst reservation; the pair leaving the most ports unreserved (ties: the first)."""
    best = None
    for other, other_from in others:
        overlap = value.overlap(other)
        if overlap is None:
            continue
        gaps, reserved, reserved_from = net.worst_reservation(overlap)
        count = sum(g.size for g in gaps)
        if count and (best is None or count > best[0]):
            best = (count, (other, other_from, gaps, reserved, reserved_from))
    return best[1] if best else None


def _ports(gaps) -> str:
    return ", ".join(str(g) for g in gaps)


def _unplaced(net, decl) -> str:
    """A range given with a flag has no place to report it at: the message names the flag."""
    return "" if decl.location is not None else f" ({net.where(decl)})"


def _by(net, reserved, reserved_from) -> str:
    if reserved_from is None:
        return ""
    return f" by {reservation_text(net, reserved, reserved_from)}"


def _finding(decl, message, key, locations, reserved_from):
    locations = locations + related(reserved_from, "The reserved ports are declared here") if reserved_from else locations
    if decl.from_settings:  # the config file (located there) or a flag (no file)
        finding = run_report(ID, decl.location, message, key)
        finding.related = locations
        return finding
    return report(ID, decl.obj, decl.location, message, key, locations)

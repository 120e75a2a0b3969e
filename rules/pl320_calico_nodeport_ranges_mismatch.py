"""Calico's `kubeNodePortRanges` differ from the API server's NodePort range.

When kube-proxy runs in IPVS mode, Calico's Felix cannot tell NodePort traffic from traffic
to the host's own listeners by looking at the rules kube-proxy writes, so it uses
`FelixConfiguration.spec.kubeNodePortRanges` (default `30000:32767`) as its copy of the API
server's `--service-node-port-range`. A NodePort outside those ranges is treated as traffic
to the host: host endpoint policy applies to it and Services on that port can stop working
where host endpoints are used. A port inside them but outside the API server's range is
treated as a NodePort: traffic to a host listener on it skips the policy meant for the host.

The rule compares each `kubeNodePortRanges` written in the manifests with every NodePort
range the run knows (declared by a kube-apiserver flag, kubeadm, kind, k3s, kops, Cilium,
the portlint config or flags, else the default) and names the ports that differ. When the
run sets kube-proxy's mode (a `KubeProxyConfiguration`, a kind `Cluster`'s
`networking.kubeProxyMode`, a k3s/RKE2 `kube-proxy-arg` `proxy-mode=`) and none of them is
`ipvs`, Felix does not read the ranges and nothing is reported.

## Bad
```yaml
apiVersion: crd.projectcalico.org/v1
kind: FelixConfiguration
metadata: {name: default}
spec:
  kubeNodePortRanges: ["30000:32000"]
```

## Good
```yaml
apiVersion: crd.projectcalico.org/v1
kind: FelixConfiguration
metadata: {name: default}
spec:
  kubeNodePortRanges: ["30000:32767"]
```

## How to fix
Write the API server's `--service-node-port-range` in `kubeNodePortRanges` (as `MIN:MAX`),
and change both together.

## References
- Felix configuration (kubeNodePortRanges): https://docs.tigera.io/calico/latest/reference/resources/felixconfig
- Use IPVS kube-proxy with Calico: https://docs.tigera.io/calico/latest/networking/configuring/use-ipvs
- kube-apiserver --service-node-port-range: https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
"""

from ..clusterconfig import CALICO_NODE_PORTS, KUBE_PROXY_MODES
from ..findings import report
from ..network import PortRange, RangeError, parse_port_set, written_order
from ._node_ports import related

ID = "PL320"
NAME = "calico-nodeport-ranges-mismatch"
LEVEL = "warning"
SCOPE = "run"  # check(ctx): once, after every object
SUMMARY = "Calico's FelixConfiguration kubeNodePortRanges differ from the API server's NodePort range."
TAGS = ("correctness", "networking", "ports")
PRECISION = "high"
SECURITY_SEVERITY = None


def check(ctx):
    declared = ctx.facts.declarations
    modes = declared.get(KUBE_PROXY_MODES, [])
    if modes and not any(mode.value.lower() == "ipvs" for mode in modes):
        return  # Felix reads kubeNodePortRanges only when kube-proxy runs in IPVS mode
    net = ctx.network
    for decl in sorted(declared.get(CALICO_NODE_PORTS, []), key=written_order):
        try:
            calico = parse_port_set(decl.value)
        except RangeError:
            continue  # Calico's validation rejects it when it is applied
        for node_ports, node_ports_from in net.node_port_ranges:
            differences = _differences(calico, node_ports)
            if not differences:
                continue
            where = net.where(node_ports_from)
            message = f"kubeNodePortRanges {calico} differ from the NodePort range {node_ports} ({where}): {differences}"
            locations = related(node_ports_from, "The NodePort range is declared here")
            yield report(ID, decl.obj, decl.location, message, f"calico:{decl.description}:{node_ports}", locations)


def _differences(calico, node_ports: PortRange) -> str:
    """'32001-32767 missing', '40000 extra', or both; '' when they match."""
    missing = calico.uncovered(node_ports)
    extra = [part for r in calico.ranges for part in _outside(r, node_ports)]
    said = []
    if missing:
        said.append(", ".join(str(r) for r in missing) + " missing")
    if extra:
        said.append(", ".join(str(r) for r in extra) + " extra")
    return "; ".join(said)


def _outside(r: PortRange, node_ports: PortRange) -> list[PortRange]:
    """The parts of ``r`` below and above ``node_ports``."""
    parts = []
    if r.low < node_ports.low:
        parts.append(PortRange(r.low, min(r.high, node_ports.low - 1)))
    if r.high > node_ports.high:
        parts.append(PortRange(max(r.low, node_ports.high + 1), r.high))
    return parts

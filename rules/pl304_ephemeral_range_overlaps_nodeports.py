"""A declared ephemeral port range overlaps the NodePort range, and the overlap is not reserved.

Every port in the overlap can be handed to an outbound connection from the node while a
Service may hold it as a NodePort, now or after the next allocation: the failure shows up
later, on whichever Service gets such a port. Reported once per declaration, at the
declaration: an unguarded `sysctl -w net.ipv4.ip_local_port_range` in a hostNetwork pod,
an OpenShift Tuned profile, a kops Cluster/InstanceGroup, or the portlint config (a range
given with `--ephemeral-port-range` is a finding of the run, without a file).

## Bad
```yaml
apiVersion: kops.k8s.io/v1alpha2
kind: Cluster
metadata: {name: prod.example.com}
spec:
  sysctlParameters:
    - net.ipv4.ip_local_port_range=1024 65535
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
Reserve the overlap with `net.ipv4.ip_local_reserved_ports` where the range is declared, or
start the ephemeral range above the NodePort range.

## References
- Linux ip-sysctl (ip_local_port_range, ip_local_reserved_ports): https://docs.kernel.org/networking/ip-sysctl.html
- kube-proxy NodePort and ephemeral ports: https://github.com/kubernetes/kubernetes/pull/108496
"""

from ..findings import report, run_report
from ..network import RangeError, parse_range

ID = "PL304"
NAME = "ephemeral-range-overlaps-nodeports"
LEVEL = "error"
SCOPE = "run"  # check(ctx): once, after every object
SUMMARY = "A declared ephemeral port range overlaps the NodePort range and the reserved ports do not cover the overlap."
TAGS = ("reliability", "networking", "ports")
PRECISION = "high"
SECURITY_SEVERITY = "5.5"

def check(ctx):
    net = ctx.network
    declarations = list(ctx.facts.declarations.get("ephemeral", []))
    if net.ephemeral_from.from_settings:
        declarations.append(net.ephemeral_from)
    for decl in declarations:
        try:
            declared = parse_range(decl.value)
        except RangeError:
            continue  # PL306
        overlap = declared.overlap(net.node_ports)
        if overlap is None:
            continue
        gaps = net.reserved.uncovered(overlap)
        if not gaps:
            continue
        unreserved = ", ".join(str(g) for g in gaps)
        message = (
            f"The ephemeral port range {declared} {net.where(decl)} overlaps the NodePort range "
            f"{net.node_ports.low}-{net.node_ports.high}, and ports {unreserved} are not reserved. Outbound "
            "connections from the node can take ports that Services hold as NodePorts; add "
            f'net.ipv4.ip_local_reserved_ports="{net.node_ports.low}-{net.node_ports.high}" or start the range above '
            f"{net.node_ports.high}."
        )
        key = f"ephemeral:{decl.description}"
        if decl.from_settings:  # the config file (located there) or a flag (no file)
            yield run_report(ID, decl.location, message, key)
        else:
            yield report(ID, decl.obj, decl.location, message, key)

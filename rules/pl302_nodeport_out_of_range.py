"""A nodePort the API server rejects: outside the NodePort range, not an integer, or on a
Service type that has no node ports.

The API server only accepts an explicit `nodePort` inside `--service-node-port-range`
(default 30000-32767): "provided port is not in the valid range". It must be an integer
(a quoted `"30080"` or a fraction such as `30080.5` fails to decode; YAML 1.1 forms such as
`0x7580`, `072600` (octal), `30_080` and `30080.0` are integers to Kubernetes, and portlint
reads them so), and it is forbidden on `ClusterIP` and `ExternalName`
Services ("may not be used when `type` is 'ClusterIP'"). The same holds for
`healthCheckNodePort`, which is only allowed on a LoadBalancer Service with
`externalTrafficPolicy: Local`. `kubectl apply` fails, often only
in the environment whose range differs. When the manifests declare several NodePort ranges
(two API servers, see PL308), a nodePort outside any of them is reported, citing that range.

## Bad
```yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 8080      # outside 30000-32767
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
Pick a nodePort inside the API server's `--service-node-port-range` (default 30000-32767),
write it as a plain integer, or leave `nodePort` out and let the API server choose; on
ClusterIP and ExternalName Services remove it or change the type to NodePort.

## References
- Service type NodePort: https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport
- kube-apiserver --service-node-port-range: https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
"""

from ..findings import report
from ..numbers import yaml_number
from . import _node_ports as ports

ID = "PL302"
NAME = "nodeport-out-of-range"
LEVEL = "error"
SCOPE = "run"  # check(ctx): once, after every object
SUMMARY = (
    "An explicit nodePort is outside the NodePort range, not an integer in 1-65535, or set on a ClusterIP/ExternalName Service."
)
TAGS = ("correctness", "networking", "ports")
PRECISION = "very-high"
SECURITY_SEVERITY = None


def check(ctx):
    net = ctx.network
    for use in ctx.facts.node_ports:
        verdict, reason = ports.admission(use, net)
        if verdict != ports.REJECTED:
            continue
        yield report(
            ID,
            use.obj,
            use.location,
            _problem(use, reason, net),
            use.path,
            ports.related(_range_of(use, reason, net)[1], "The NodePort range is declared here"),
        )


def _problem(use, reason: str, net) -> str:
    """What the API server says about a rejected port, with the values."""
    if reason == ports.HEALTH_CHECK_TYPE:
        return (
            f"healthCheckNodePort {use.raw} of {use.obj.label} is set on a Service of type {use.service_type} with "
            f"externalTrafficPolicy {use.traffic_policy}"
        )
    if reason == ports.NO_NODE_PORTS_TYPE:
        return f"{use.field} {use.raw} of {use.obj.label} is set on a Service of type {use.service_type}"
    if reason == ports.NOT_INTEGER:
        shown = f'"{use.raw}"' if use.quoted else (use.raw or "")
        what = f"{use.field} {shown}".rstrip()
        kind = _kind(use)
        return f"{what} of {use.obj.label} is {kind}, not an integer"
    if reason == ports.NOT_A_PORT:
        return f"{use.field} {use.port} of {use.obj.label} is not a port (1-65535)"
    return f"{use.field} {use.port} of {use.obj.label} is outside the NodePort range {ports.node_port_text(net, use.port)}"


def _kind(use) -> str:
    """What a port that is not an integer is to the API server's decoder."""
    if use.quoted:
        return "a string"
    if not use.raw:
        return "a list or mapping"
    return "a string" if yaml_number(use.raw) is None else "a number with a fraction"


def _range_of(use, reason: str, net):
    """The NodePort range to cite: the declared one that rejects the port (several API servers
    may declare different ranges), else the range of the run."""
    found = net.rejecting_range(use.port) if reason == ports.OUTSIDE_RANGE else None
    return found or (net.node_ports, net.node_ports_from)

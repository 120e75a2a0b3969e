"""A host port or hostNetwork listener takes a port of the node's own components.

The kubelet (10250, and 10248 on 127.0.0.1), kube-proxy (10256, and 10249 on 127.0.0.1),
the control plane (kube-apiserver 6443, etcd 2379-2380, kube-scheduler 10259,
kube-controller-manager 10257, on control-plane nodes), node-exporter (9100) and the CNI
agent (Cilium, Calico, flannel: their documented ports, when the run deploys that agent in a
hostNetwork pod) listen on the node outside any pod spec the scheduler reads. A pod that binds one of their
ports first keeps the component from starting after its next restart; a pod that binds
second fails with EADDRINUSE ("address already in use"). A `hostPort` (without
hostNetwork) on such a port makes the CNI portmap rule capture the component's traffic.

The table is in linter/node_components.py, each entry with its source; the config's
`nodeServicePorts` replaces an entry's ports or adds the cluster's own services, and a
provider profile (`--profile`, docs/profiles.md) adds the ports its image's or
distribution's components hold (EKS add-ons, OpenShift's host port registry, k3s), cited as
"(the eks-al2023 profile)". A port is reported once, as its first entry's. A
workload that *is* the component (its image: node-exporter's DaemonSet holding 9100, a
kube-apiserver static Pod holding 6443) is not reported against its own entry; two such
workloads are PL309's. Control-plane ports count only for pods that tolerate the
control-plane taint; ports on 127.0.0.1 only for binds of hostNetwork pods to every
address or to 127.0.0.1.

## Bad
```yaml
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: metrics-agent}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
        - name: agent
          image: example.com/metrics-agent:1.0
          args: ["--listen-address=:9100"]
```

## Good
```yaml
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: metrics-agent}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
        - name: agent
          image: example.com/metrics-agent:1.0
          args: ["--listen-address=:9105"]
          ports:
            - {containerPort: 9105, name: metrics}
```

## How to fix
Pick a port no node component uses (and declare it as a `containerPort`), or drop
`hostNetwork` and expose the pod through a Service. If the cluster moved the component
(say, kube-proxy's `--healthz-bind-address`) or does not run it (no node-exporter), tell
portlint with `nodeServicePorts` (`node-exporter: []` drops an entry).

## References
- Kubernetes ports and protocols: https://kubernetes.io/docs/reference/networking/ports-and-protocols/
- kubelet and kube-proxy flags: https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/, https://kubernetes.io/docs/reference/command-line-tools-reference/kube-proxy/
- Prometheus default port allocations (node-exporter 9100): https://github.com/prometheus/prometheus/wiki/Default-port-allocations
- Cilium firewall rules: https://docs.cilium.io/en/stable/operations/system_requirements/#firewall-rules
- Calico network requirements: https://docs.tigera.io/calico/latest/getting-started/kubernetes/requirements#network-requirements
- flannel backends: https://github.com/flannel-io/flannel/blob/master/Documentation/backends.md
"""

from ..findings import report
from ..ledger import Holder, shares_address
from ..node_components import Component, PortSpec, profile_components, table

ID = "PL310"
NAME = "node-component-port"
LEVEL = "error"
SCOPE = "run"  # check(ctx): once, after every object
SUMMARY = "A host port or hostNetwork listener takes a port of a node component (kubelet, kube-proxy, control plane, node-exporter, CNI agent)."
TAGS = ("correctness", "networking", "ports")
PRECISION = "high"
SECURITY_SEVERITY = None


def check(ctx):
    settings = ctx.settings
    deployed = tuple(ctx.facts.images)
    components = [
        c
        for c in table(settings.node_service_ports, settings.node_service_ports_at) + profile_components(settings.profile)
        if c.always or c.is_component(deployed)
    ]
    for holder in ctx.facts.ledger:
        for component in components:
            spec = taken(holder, component)
            if spec is None:
                continue
            where = " on control-plane nodes" if component.control_plane_only else ""
            source = f" ({component.origin})" if component.origin else ""
            related = [component.location.at(f"The ports of {component.name} are set here")] if component.location else []
            yield report(
                ID,
                holder.obj,
                holder.location,
                f"{holder.holder} is {component.name}'s port {spec}{where}{source}",
                f"{holder.path}:{component.name}",
                related,
            )
            break  # one finding a port: a profile entry that repeats the table's is not a second cause


def taken(holder: Holder, component: Component) -> PortSpec | None:
    """The component's port that ``holder`` takes, if any."""
    spec = component.port_at(holder.port, holder.protocol)
    if spec is None or component.is_component(holder.images):
        return None
    if component.control_plane_only and not holder.placement.control_plane:
        return None
    if spec.host and not holder.host_network:  # a portmap rule does not reach a loopback bind
        return None
    return spec if shares_address(holder.host, spec.host) else None

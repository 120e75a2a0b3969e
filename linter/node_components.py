"""The ports the node's own components hold: a table, each entry with its source.

These programs listen on every node (or every control-plane node) whether or not the linted
manifests mention them, so a pod that takes one of their ports breaks the node: whichever
binds second fails with EADDRINUSE. The config key ``nodeServicePorts`` replaces an entry's
ports by its name (an empty list drops it) or adds a service of the cluster's own.

Two kinds of entries:
- ``always``: present on the nodes whatever is deployed (kubelet, kube-proxy, the control
  plane's static Pods, node-exporter as the monitoring stacks install it);
- not ``always``: a CNI agent's ports count only when the run deploys that agent (its image in
  a hostNetwork pod, where CNI agents run), since a cluster runs one CNI.

A workload that *is* the component (its images match the entry's ``images`` pattern: the
node-exporter DaemonSet holding 9100, a kube-apiserver static Pod holding 6443, the Cilium
agent) holds the component's port itself: never a finding against its own entry.
"""

from __future__ import annotations

import re

from .findings import Location
from .network import PortRange, RangeError, parse_range
from .records import frozen

PROTOCOLS = ("TCP", "UDP", "SCTP")
LOOPBACK = "127.0.0.1"

_K8S_PORTS = "https://kubernetes.io/docs/reference/networking/ports-and-protocols/"
_KUBELET = "https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/"
_KUBE_PROXY = "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-proxy/"
_NODE_EXPORTER = "https://github.com/prometheus/prometheus/wiki/Default-port-allocations"
_CILIUM = "https://docs.cilium.io/en/stable/operations/system_requirements/#firewall-rules"
_CALICO = "https://docs.tigera.io/calico/latest/getting-started/kubernetes/requirements#network-requirements"
_FLANNEL = "https://github.com/flannel-io/flannel/blob/master/Documentation/backends.md"


@frozen
class PortSpec:
    """Ports of one protocol a component binds, on ``host`` ("" for every address)."""

    ports: PortRange
    protocol: str = "TCP"
    host: str = ""

    def __str__(self) -> str:
        return str(self.ports) if self.protocol == "TCP" else f"{self.ports}/{self.protocol}"


@frozen
class Component:
    """A node component: its ``ports``, whether it runs on every node or only on control-plane
    nodes, whether it is always there, the images that are it, and the source of the ports
    (a URL, or the config key that set them, with ``location``)."""

    name: str
    ports: tuple[PortSpec, ...]
    control_plane_only: bool = False
    always: bool = True
    images: str = ""  # a regular expression searched in an image repository ('' matches none)
    source: str = ""
    location: Location | None = None
    origin: str = ""  # where the entry comes from when not from this table, for the message

    def port_at(self, port: int, protocol: str) -> PortSpec | None:
        for spec in self.ports:
            if spec.protocol == protocol and port in spec.ports:
                return spec
        return None

    def is_component(self, images: tuple[str, ...]) -> bool:
        """Whether a pod with these image repositories is this component itself."""
        return bool(self.images) and any(re.search(self.images, image) for image in images)


_SPEC = re.compile(r"^\s*([0-9]+(?:\s*-\s*[0-9]+)?)\s*(?:/\s*([A-Za-z]+))?\s*$")


def parse_port_spec(text: str) -> PortSpec:
    """'10250', '2379-2380', '8472/UDP'. Raises RangeError naming what is wrong."""
    match = _SPEC.match(str(text))
    protocol = (match.group(2) or "TCP").upper() if match else ""
    if match is None or protocol not in PROTOCOLS:
        raise RangeError(f'"{text}" is not a port, a range or either with a protocol, like "10250", "2379-2380", "8472/UDP"')
    return PortSpec(parse_range(match.group(1), allow_single=True), protocol)


def _ports(*specs: str, host: str = "") -> tuple[PortSpec, ...]:
    return tuple(PortSpec(p.ports, p.protocol, host) for p in map(parse_port_spec, specs))


TABLE: tuple[Component, ...] = (
    # kubelet: --port 10250 (the API, "Used By: Self, Control plane" on every node) and
    # --healthz-port 10248 (on 127.0.0.1)
    Component("kubelet", _ports("10248", host=LOOPBACK) + _ports("10250"), source=_KUBELET),
    # kube-proxy: --metrics-bind-address 127.0.0.1:10249, --healthz-bind-address 0.0.0.0:10256
    Component(
        "kube-proxy", _ports("10249", host=LOOPBACK) + _ports("10256"), images=r"(^|/)kube-proxy(-amd64)?$", source=_KUBE_PROXY
    ),
    Component("kube-apiserver", _ports("6443"), True, images=r"(^|/)kube-apiserver(-amd64)?$", source=_K8S_PORTS),
    Component("etcd", _ports("2379-2380"), True, images=r"(^|/)etcd(-amd64)?$", source=_K8S_PORTS),
    Component("kube-scheduler", _ports("10259"), True, images=r"(^|/)kube-scheduler(-amd64)?$", source=_K8S_PORTS),
    Component(
        "kube-controller-manager",
        _ports("10257"),
        True,
        images=r"(^|/)kube-controller-manager(-amd64)?$",
        source=_K8S_PORTS,
    ),
    Component("node-exporter", _ports("9100"), images=r"(^|/)node[-_]exporter$", source=_NODE_EXPORTER),
    # Cilium's firewall table: 4240 cluster health checks, 4244 Hubble server, 8472/UDP VXLAN,
    # 51871/UDP WireGuard
    Component(
        "cilium-agent",
        _ports("4240", "4244", "8472/UDP", "51871/UDP"),
        always=False,
        images=r"(^|/)cilium(/|$)",
        source=_CILIUM,
    ),
    # Calico's network requirements: 179 BGP, 4789/UDP VXLAN, 5473 Typha, 51820/UDP WireGuard
    Component(
        "calico-node",
        _ports("179", "4789/UDP", "5473", "51820/UDP"),
        always=False,
        images=r"(^|/)calico/",
        source=_CALICO,
    ),
    # flannel's backends: vxlan Port 8472 (Linux), udp Port 8285
    Component("flannel", _ports("8285/UDP", "8472/UDP"), always=False, images=r"flannel", source=_FLANNEL),
)


def table(overrides: dict[str, list[str]] | None = None, location: Location | None = None) -> tuple[Component, ...]:
    """The table with the config's ``nodeServicePorts`` applied: a name in the table gets the
    configured ports (none: dropped), a new name is a service on every node."""
    overrides = overrides or {}
    result = []
    for component in TABLE:
        if component.name not in overrides:
            result.append(component)
        elif overrides[component.name]:
            result.append(_configured(component, overrides[component.name], location))
    for name, specs in overrides.items():
        if specs and all(c.name != name for c in TABLE):
            result.append(_configured(Component(name, ()), specs, location))
    return tuple(result)


def _configured(component: Component, specs: list[str], location: Location | None) -> Component:
    where = "nodeServicePorts in the portlint config"
    return Component(
        component.name, _ports(*specs), component.control_plane_only, component.always, component.images, where, location, where
    )


def profile_components(name: str | None) -> tuple[Component, ...]:
    """The node listeners of provider profile ``name`` (linter/profiles.py) as components on
    every node, after the table's: a port both hold is reported once, as the table's."""
    from .profiles import PROFILES

    profile = PROFILES.get(name) if name else None
    if profile is None:
        return ()
    return tuple(
        Component(
            item.holder,
            _ports(f"{item.ports}/{item.protocol}"),
            item.control_plane_only,
            images=item.images,
            source=profile.listeners_source,
            origin=f"the {profile.name} profile",
        )
        for item in profile.node_listeners
    )

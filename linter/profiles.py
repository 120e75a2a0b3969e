"""Provider profiles: what a node image or distribution sets for the node's port space.

A profile replaces portlint's defaults (the Linux ephemeral range 32768-60999, no reserved
ports, the kube-apiserver NodePort range 30000-32767) with what the image or distribution
ships, each value with the source it was read from. A value portlint could not read from a
source is left out, and the default stays (docs/profiles.md lists each profile, its values and
its sources). A profile is a default, not a declaration: the manifests' declarations, the
config file and the flags all override it, as they override the Linux default.

``node_listeners`` are the ports the image or distribution's own components hold on every
node (or every server/control-plane node); PL310 reports a pod that takes one
(``node_components.profile_components``), unless the pod is that component (its image).
They are documented with their source like the ranges.
"""

from __future__ import annotations

from .network import DEFAULT, Declaration
from .records import frozen

EKS_RESERVED_PORTS = (
    "https://github.com/awslabs/amazon-eks-ami/blob/81fec2e895854f599974fe4d3d72f61c0a9aaffa/"
    "templates/al2023/runtime/rootfs/etc/sysctl.d/67-eks-reserved-ports.conf"
)
BOTTLEROCKET_SYSCTL = (
    "https://github.com/bottlerocket-os/bottlerocket-core-kit/blob/16f54fff16eed78e4ac45491ee174441a0fb7a59/"
    "packages/release/release-sysctl.conf"
)
K3S_REQUIREMENTS = "https://docs.k3s.io/installation/requirements#inbound-rules-for-k3s-server-nodes"
OPENSHIFT_PORT_REGISTRY = "https://github.com/openshift/enhancements/blob/master/dev-guide/host-port-registry.md"


@frozen
class Sourced:
    """A value and the address of the file or page it was read from."""

    value: str
    source: str


@frozen
class Listener:
    """A port (or range) a component of the image or distribution holds on every node, or
    only on control-plane (server) nodes; ``images``: a regular expression matching the image
    repository of the component when it runs as a pod ('' when it is part of the node)."""

    ports: str
    protocol: str
    holder: str
    control_plane_only: bool = False
    images: str = ""


@frozen
class Profile:
    name: str
    title: str
    ephemeral: Sourced | None = None  # net.ipv4.ip_local_port_range
    reserved: Sourced | None = None  # net.ipv4.ip_local_reserved_ports
    node_ports: Sourced | None = None  # the API server's --service-node-port-range
    node_listeners: tuple[Listener, ...] = ()
    listeners_source: str = ""


_EKS_ADDONS = (  # add-ons that run as pods: their own images hold these ports
    Listener("2703", "TCP", "EKS Pod Identity Agent", images=r"(^|/)eks-pod-identity-agent$"),
    Listener("9808", "TCP", "Amazon EBS CSI driver node plugin", images=r"(^|/)aws-ebs-csi-driver$"),
    Listener("9809", "TCP", "Amazon EFS CSI driver node plugin", images=r"(^|/)aws-efs-csi-driver$"),
    Listener("61678", "TCP", "Amazon VPC CNI (aws-node) metrics", images=r"(^|/)amazon-k8s-cni$"),
    Listener("61679", "TCP", "Amazon VPC CNI (aws-node) introspection", images=r"(^|/)amazon-k8s-cni$"),
)

PROFILES = {
    p.name: p
    for p in (
        Profile(
            "eks-al2", "Amazon EKS optimized Amazon Linux 2 AMI", node_listeners=_EKS_ADDONS, listeners_source=EKS_RESERVED_PORTS
        ),
        Profile(
            "eks-al2023",
            "Amazon EKS optimized Amazon Linux 2023 AMI",
            reserved=Sourced("2703,9808,9809,10249,10250,10256,61678,61679", EKS_RESERVED_PORTS),
            node_listeners=_EKS_ADDONS,
            listeners_source=EKS_RESERVED_PORTS,
        ),
        Profile("bottlerocket", "Bottlerocket (aws-k8s variants)", ephemeral=Sourced("32768-60999", BOTTLEROCKET_SYSCTL)),
        Profile("gke-cos", "GKE Container-Optimized OS node image"),
        Profile("gke-ubuntu", "GKE Ubuntu node image"),
        Profile("aks-ubuntu", "AKS Ubuntu node image"),
        Profile("aks-azurelinux", "AKS Azure Linux node image"),
        Profile(
            "openshift",
            "OpenShift Container Platform 4 (RHCOS nodes)",
            node_listeners=(
                # the registry also reserves 9000-9999 for host-level services: a policy for new
                # services, not a port any component holds, so not an entry (docs/profiles.md)
                Listener("9100", "TCP", "node-exporter", images=r"(^|/)node[-_]exporter$"),
                Listener("9537", "TCP", "CRI-O metrics"),
                Listener("10010", "TCP", "CRI-O stream port"),
                Listener("10250", "TCP", "kubelet"),
            ),
            listeners_source=OPENSHIFT_PORT_REGISTRY,
        ),
        Profile(
            "k3s",
            "k3s",
            node_listeners=(
                Listener("6443", "TCP", "k3s supervisor and Kubernetes API server (servers)", control_plane_only=True),
                Listener("2379-2380", "TCP", "embedded etcd (HA servers)", control_plane_only=True),
                Listener("8472", "UDP", "Flannel VXLAN"),
                Listener("10250", "TCP", "kubelet"),
                Listener("51820", "UDP", "Flannel WireGuard (IPv4)"),
                Listener("51821", "UDP", "Flannel WireGuard (IPv6)"),
            ),
            listeners_source=K3S_REQUIREMENTS,
        ),
        Profile("kind", "kind (Kubernetes in Docker)"),
    )
}


def check(name: str | None, where: str) -> str | None:
    """The profile name when it is known; else ValueError naming ``where`` and the choices."""
    if name is None or name in PROFILES:
        return name
    raise ValueError(f"{where}: unknown profile '{name}' (profiles: {', '.join(PROFILES)})")


def defaults(name: str | None) -> dict[str, Declaration]:
    """The defaults a profile gives, by kind, as DEFAULT declarations that name the profile."""
    profile = PROFILES.get(name) if name else None
    if profile is None:
        return {}
    found = {}
    for kind in ("ephemeral", "reserved", "node_ports"):  # network.KINDS, named as the fields are
        sourced = getattr(profile, kind)
        if sourced is not None:
            found[kind] = Declaration(DEFAULT, f"the {profile.name} profile", None, sourced.value)
    return found


def describe(name: str) -> str:
    """A profile as Markdown, for ``portlint explain`` and docs/profiles.md."""
    profile = PROFILES[name]
    lines = [f"# {profile.name}: {profile.title}", ""]
    for label, sourced, default in (
        ("Ephemeral port range", profile.ephemeral, "the Linux default 32768-60999 applies"),
        ("Reserved ports", profile.reserved, "no port is reserved"),
        ("NodePort range", profile.node_ports, "the kube-apiserver default 30000-32767 applies"),
    ):
        if sourced is None:
            lines.append(f"- {label}: not set by the profile ({default})")
        else:
            lines.append(f"- {label}: {sourced.value} (source: {sourced.source})")
    if profile.node_listeners:
        lines.append(f"- Ports its components hold on the node (source: {profile.listeners_source}):")
        lines.extend(f"  - {item.ports}/{item.protocol}: {item.holder}" for item in profile.node_listeners)
    else:
        lines.append("- Ports its components hold on the node: none beyond Kubernetes' own")
    return "\n".join(lines) + "\n"

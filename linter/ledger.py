"""The node's port ledger: every port a pod makes its node hold, with who holds it and where.

A pod holds a port of its node when it declares a ``hostPort`` (the CNI portmap plugin
forwards it), and, in a ``hostNetwork: true`` pod, for each ``containerPort`` (the API
server defaults ``hostPort`` to it there) and each port a container listens on without
declaring it (linter/listeners.py: probes and flags; marked inferred). The rest of the
ledger exists already: explicit nodePorts and healthCheckNodePorts are
``facts.RunFacts.node_ports``, and the node components' own ports are the table of
linter/node_components.py. The rules on the ledger are PL305 and PL309-PL311.

Within one workload a port is held once: a probe on a declared port is that port, and
replicas of one workload are the scheduler's business (it spreads pods that declare a
hostPort). Only pods' holders are kept here, as plain values, like every run fact.
"""

from __future__ import annotations

from sys import intern

from . import k8s
from .findings import Location
from .k8s import ObjectRef, ref
from .listeners import listeners
from .placement import Placement, placement
from .records import frozen
from .tree import as_int, as_str, dig, sequence_items

HOST_PORT, CONTAINER_PORT, PROBE, FLAG = "hostPort", "containerPort", "probe", "flag"
EVERY_ADDRESS = frozenset(("", "0.0.0.0", "::", "*"))


@frozen
class Holder:
    """One port a pod holds on its node. ``source``: HOST_PORT | CONTAINER_PORT (declared) or
    PROBE | FLAG (inferred, ``detail`` says which probe or flag); ``host``: the address it
    binds ("" for every address)."""

    port: int
    protocol: str
    host: str
    source: str
    detail: str
    host_network: bool
    obj: ObjectRef
    kind: str  # the workload's kind: DaemonSet, Deployment, Pod, ...
    container: str  # 'container "agent"'
    location: Location
    path: str
    placement: Placement
    images: tuple[str, ...]  # the image repositories of the pod's containers (node_components.is_component)

    @property
    def inferred(self) -> bool:
        """Read from a probe or a flag: the scheduler does not know it."""
        return self.source in (PROBE, FLAG)

    @property
    def what(self) -> str:
        """How messages name it: 'hostPort 9100', 'containerPort 53/UDP', 'port 8081 of its
        livenessProbe', 'port 9100 of --web.listen-address=:9100'."""
        port = str(self.port) if self.protocol == "TCP" else f"{self.port}/{self.protocol}"
        if self.source == PROBE:
            return f"port {port} of its {self.detail}"
        if self.source == FLAG:
            return f"port {port} of {self.detail}"
        return f"{self.source} {port}"

    @property
    def holder(self) -> str:
        """'hostPort 9100 of container "agent" in hostNetwork DaemonSet "a"'."""
        pod = f"hostNetwork {self.obj.label}" if self.host_network else self.obj.label
        return f"{self.what} of {self.container} in {pod}"


def same_workload(a: ObjectRef, b: ObjectRef) -> bool:
    """One workload written twice (a base and an overlay, or a copy without
    ``metadata.namespace``, which lands in the namespace ``kubectl -n`` names): the same kind
    and name, and the same namespace or none on either."""
    kind_a, namespace_a, name_a = a.ident.split("/", 2)
    kind_b, namespace_b, name_b = b.ident.split("/", 2)
    return kind_a == kind_b and name_a == name_b and (namespace_a == namespace_b or not namespace_a or not namespace_b)


def shares_address(a: str, b: str) -> bool:
    """Two binds of one port and protocol collide unless both name different addresses."""
    return a in EVERY_ADDRESS or b in EVERY_ADDRESS or a == b


def holders(manifest: k8s.Manifest, pod: k8s.PodSpec) -> list[Holder]:
    """The ports the pods of one workload hold on their node: declared ones first, then the
    inferred ones the workload does not already hold."""
    host_network = pod.flag("hostNetwork")
    found: list[Holder] = []
    held: set[tuple[int, str]] = set()
    shared = None
    containers = list(k8s.containers(pod))
    for container in containers:
        for i, port in enumerate(sequence_items(container.node.get("ports"))):
            field, node = HOST_PORT, dig(port, HOST_PORT)
            if node is None and host_network:
                field, node = CONTAINER_PORT, dig(port, CONTAINER_PORT)
            number = as_int(node)
            if number is None or not 0 < number < 65536:
                continue
            shared = shared or _shared(manifest, pod, containers)
            protocol = (as_str(dig(port, "protocol")) or "TCP").upper()
            host = as_str(dig(port, "hostIP")) or ""
            name = as_str(dig(port, "name")) or str(i)
            path = f"{container.path}.ports[{name}].{field}"
            found.append(_holder(number, protocol, host, field, "", host_network, container, manifest, node, path, shared))
            held.add((number, protocol))
    if not host_network:
        return found
    for container in containers:
        if not _long_running(container):
            continue
        for listener in listeners(container):
            if (listener.port, "TCP") in held:
                continue
            held.add((listener.port, "TCP"))
            shared = shared or _shared(manifest, pod, containers)
            source = PROBE if listener.source == "probe" else FLAG
            found.append(
                _holder(
                    listener.port,
                    "TCP",
                    listener.host,
                    source,
                    listener.detail,
                    True,
                    container,
                    manifest,
                    listener.node,
                    listener.path,
                    shared,
                )
            )
    return found


def _shared(manifest: k8s.Manifest, pod: k8s.PodSpec, containers: list[k8s.Container]) -> tuple:
    """What every holder of one pod shares, read once: (object, placement, images)."""
    return ref(manifest), placement(pod), _images(containers)


def agent_images(pod: k8s.PodSpec) -> tuple[str, ...]:
    """The image repositories of a hostNetwork pod (none for others): what tells which node
    agents the run deploys (node_components: a CNI agent always runs in hostNetwork pods)."""
    return _images(k8s.containers(pod)) if pod.flag("hostNetwork") else ()


def _images(containers) -> tuple[str, ...]:
    """The image repositories of containers (node_components.Component.is_component)."""
    return tuple(intern(image_repository(as_str(c.node.get("image")) or "")) for c in containers)


def _holder(port, protocol, host, source, detail, host_network, container, manifest, node, path, shared) -> Holder:
    """One holder. Its strings are interned: the run keeps every holder until the run rules
    have read it, and containers, ports and probes repeat across workloads ('container "app"',
    'spec.template.spec.containers[app].ports[http].containerPort')."""
    obj, where, images = shared
    return Holder(
        port,
        intern(protocol),
        intern(host.lower()),
        source,
        intern(detail),
        host_network,
        obj,
        intern(manifest.kind) or "pod template patch",
        intern(container.label),
        manifest.doc.location(node),
        intern(path),
        where,
        images,
    )


def _long_running(container: k8s.Container) -> bool:
    """A regular container, or an init container that keeps running (a sidecar)."""
    return container.group == "containers" or (
        container.group == "initContainers" and as_str(container.node.get("restartPolicy")) == "Always"
    )


def image_repository(image: str) -> str:
    """'quay.io/prometheus/node-exporter:v1.8.2@sha256:...' -> 'quay.io/prometheus/node-exporter'."""
    image = image.partition("@")[0]
    head, _, last = image.rpartition("/")
    last = last.partition(":")[0]
    return f"{head}/{last}" if head else last

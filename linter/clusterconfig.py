"""The nodes' port ranges as cluster configuration files write them.

Beside kube-apiserver static Pods, kops and Tuned profiles (linter.facts), a cluster's
NodePort range is written in its installer's or its network plugin's configuration:

- kubeadm ``ClusterConfiguration``: ``apiServer.extraArgs`` as a map (v1beta3) or as a list of
  ``{name, value}`` (v1beta4, where the last entry of a name wins, as the flag parser does);
- kind ``Cluster``: the same, inside the YAML strings of ``kubeadmConfigPatches`` (top level
  and the first control-plane node's), parsed here and located in the outer file (exactly for ``|`` block scalars,
  at the patch's start otherwise, as linter.scalarpos says);
- k3s and RKE2 ``config.yaml``: ``service-node-port-range`` and ``kube-apiserver-arg``
  (which k3s passes after its own flags, so it wins). Such a file has no apiVersion or kind:
  it is recognised by its path (``.../rancher/k3s/config.yaml``, ``.../rancher/rke2/
  config.yaml`` and their ``config.yaml.d/*.yaml`` drop-ins);
- Cilium's ``cilium-config`` ConfigMap: ``node-port-range`` ("30000,32767"), used only when
  Cilium serves NodePorts itself (``kube-proxy-replacement`` or ``enable-node-port``); and
  its Helm values ``nodePort.range`` (with ``kubeProxyReplacement`` or ``nodePort.enabled``)
  where a release object holds them: a k3s/RKE2 ``HelmChart`` or ``HelmChartConfig`` of the
  cilium chart (``spec.valuesContent``, a YAML string, read as kind's patches are) or a Flux
  ``HelmRelease`` (``spec.values``);
- Calico ``FelixConfiguration.spec.kubeNodePortRanges``: not the API server's range but
  Felix's copy of it, kept apart (CALICO_NODE_PORTS) for PL320 to compare;
- ``KubeProxyConfiguration.mode``, kind's ``networking.kubeProxyMode`` and k3s's
  ``kube-proxy-arg`` ``proxy-mode=...``: Felix reads
  kubeNodePortRanges only when kube-proxy runs in IPVS mode, so PL320 needs the mode when the
  run declares it (KUBE_PROXY_MODES).

Every value becomes a declaration of the manifests (``RunFacts.declare``), located at the value.
"""

from __future__ import annotations

import re

from . import k8s
from .findings import Location
from .k8s import ObjectRef, ref
from .scalarpos import ScalarMap
from .sources import Document
from .tree import Mapping, Node, Scalar, as_str, dig, parse, sequence_items

NODE_PORTS = "node_ports"  # network.KINDS: the API server's NodePort range
CALICO_NODE_PORTS = "calico_node_ports"  # Felix's kubeNodePortRanges, for PL320 only
KUBE_PROXY_MODES = "kube_proxy_modes"  # kube-proxy's mode (KubeProxyConfiguration, kind), for PL320 only
FLAG = "service-node-port-range"

_KINDS = frozenset(
    (
        "ClusterConfiguration",
        "Cluster",
        "ConfigMap",
        "FelixConfiguration",
        "KubeProxyConfiguration",
        "HelmChart",
        "HelmChartConfig",
        "HelmRelease",
    )
)
_KUBE_PROXY_REPLACEMENT = ("true", "strict")  # the kube-proxy replacement modes that serve NodePorts by themselves
_CILIUM_SERVES_NODE_PORTS = {"kube-proxy-replacement": _KUBE_PROXY_REPLACEMENT, "enable-node-port": ("true",)}
_DISTRIBUTION_CONFIG = r"(?:^|/)rancher/(k3s|rke2)/config\.yaml(?:\.d/[^/]+\.ya?ml)?$"  # compiled at first use (start-up)


def collect(manifest: k8s.Manifest, facts) -> None:
    """The range declarations of one object, when it is a cluster configuration object."""
    kind = manifest.kind
    if kind not in _KINDS:
        return
    group = manifest.api_version.partition("/")[0]
    if kind == "ClusterConfiguration" and group == "kubeadm.k8s.io":
        _api_server_args(manifest.doc, manifest.node, None, facts, ref(manifest), manifest.label)
    elif kind == "Cluster" and group == "kind.x-k8s.io":
        _kind_patches(manifest, facts)
        _kube_proxy_mode(manifest, manifest.get("networking", "kubeProxyMode"), "networking.kubeProxyMode", facts)
    elif kind == "ConfigMap" and manifest.name == "cilium-config":
        _cilium(manifest, facts)
    elif kind == "FelixConfiguration" and group in ("crd.projectcalico.org", "projectcalico.org"):
        _calico(manifest, facts)
    elif kind in ("HelmChart", "HelmChartConfig") and group == "helm.cattle.io":
        _cilium_values_content(manifest, facts)
    elif kind == "HelmRelease" and group == "helm.toolkit.fluxcd.io":
        if as_str(manifest.get("spec", "chart", "spec", "chart")) == "cilium":
            _cilium_values(manifest, manifest.get("spec", "values"), None, facts)
    elif kind == "KubeProxyConfiguration" and group == "kubeproxy.config.k8s.io":
        _kube_proxy_mode(manifest, manifest.get("mode"), "mode", facts)


def _api_server_args(doc: Document, config: Node, patch: tuple[str, ScalarMap] | None, facts, obj: ObjectRef, label: str) -> None:
    """``apiServer.extraArgs`` of a kubeadm ClusterConfiguration: a map (v1beta3) or a list of
    name/value pairs (v1beta4). ``patch``: (its name, its positions) when the configuration is
    a string inside ``doc``."""
    args = dig(config, "apiServer", "extraArgs")
    value = None
    if type(args) is Mapping:
        value = args.get(FLAG)
    else:
        for item in sequence_items(args):
            if as_str(dig(item, "name")) == FLAG:
                value = dig(item, "value")  # later entries override earlier ones
    text = as_str(value)
    if text:
        where = patch[0] if patch is not None else "apiServer.extraArgs"
        location = _inner_location(doc, patch[1], value) if patch is not None else doc.location(value)
        facts.declare(NODE_PORTS, f"{FLAG} in {where} of {label}", location, text, obj)


def _inner_location(doc: Document, patch: ScalarMap, node: Scalar) -> Location:
    """Where a scalar of a YAML text held in a string of ``doc`` is, in ``doc``'s file."""
    line, col, end_line, end_col = patch.span(node.start_mark.index, node.end_mark.index)
    return Location(doc.path, line, col, end_line, end_col)


def _kind_patches(manifest: k8s.Manifest, facts) -> None:
    """kind's ``kubeadmConfigPatches``: the ClusterConfiguration ones at the top level and on
    the first control-plane node, the one that runs ``kubeadm init`` (the others join, and
    kubeadm join takes the cluster's configuration, not theirs). A patch that is not YAML is
    kind's to refuse; it declares nothing here."""
    places = [("", manifest.get("kubeadmConfigPatches"))]
    for i, node in enumerate(sequence_items(manifest.get("nodes"))):
        if (as_str(dig(node, "role")) or "control-plane") == "control-plane":
            places.append((f"nodes[{i}].", dig(node, "kubeadmConfigPatches")))
            break
    obj = None
    for prefix, patches in places:
        for i, patch in enumerate(sequence_items(patches)):
            if type(patch) is not Scalar or "ClusterConfiguration" not in patch.value:
                continue
            root, problems = parse(patch.value)
            if problems or as_str(dig(root, "kind")) != "ClusterConfiguration":
                continue
            obj = obj or ref(manifest)
            where = f"{prefix}kubeadmConfigPatches[{i}]"
            _api_server_args(manifest.doc, root, (where, ScalarMap(manifest.doc, patch)), facts, obj, manifest.label)


def _cilium(manifest: k8s.Manifest, facts) -> None:
    """``node-port-range`` of cilium-config ("MIN,MAX"), when Cilium serves NodePorts."""
    data = manifest.get("data")
    node = dig(data, "node-port-range")
    text = as_str(node)
    if not text or not any(as_str(dig(data, key)) in values for key, values in _CILIUM_SERVES_NODE_PORTS.items()):
        return
    description = f'node-port-range of ConfigMap "{manifest.name}"'
    facts.declare(NODE_PORTS, description, manifest.doc.location(node), _cilium_range(text), ref(manifest))


def _cilium_range(text: str) -> str:
    """Cilium writes its range "MIN,MAX"; the API server's form is "MIN-MAX"."""
    low, comma, high = text.partition(",")
    return f"{low.strip()}-{high.strip()}" if comma else text


def _cilium_values_content(manifest: k8s.Manifest, facts) -> None:
    """A k3s/RKE2 HelmChart or HelmChartConfig of the cilium chart (a HelmChartConfig names
    its chart by its own name, e.g. rke2-cilium): ``spec.valuesContent`` parsed as YAML."""
    chart = as_str(manifest.get("spec", "chart")) or manifest.name
    content = manifest.get("spec", "valuesContent")
    if "cilium" not in chart or type(content) is not Scalar:
        return
    values, problems = parse(content.value)
    if not problems:
        _cilium_values(manifest, values, ScalarMap(manifest.doc, content), facts)


def _cilium_values(manifest: k8s.Manifest, values: Node | None, positions: ScalarMap | None, facts) -> None:
    """``nodePort.range`` of Cilium's Helm values, when Cilium serves NodePorts (kube-proxy
    replacement, or ``nodePort.enabled``). ``positions``: where the values are a string."""
    replacement = (as_str(dig(values, "kubeProxyReplacement")) or "").lower()
    if replacement not in _KUBE_PROXY_REPLACEMENT and (as_str(dig(values, "nodePort", "enabled")) or "").lower() != "true":
        return
    node = dig(values, "nodePort", "range")
    text = as_str(node)
    if text:
        location = _inner_location(manifest.doc, positions, node) if positions is not None else manifest.doc.location(node)
        description = f"nodePort.range in the Cilium values of {manifest.label}"
        facts.declare(NODE_PORTS, description, location, _cilium_range(text), ref(manifest))


def _calico(manifest: k8s.Manifest, facts) -> None:
    """``spec.kubeNodePortRanges``: ports and "MIN:MAX" ranges, kept as a port set."""
    node = manifest.get("spec", "kubeNodePortRanges")
    items = sequence_items(node)
    if not items:
        return
    value = ",".join((as_str(item) or "?").replace(":", "-") for item in items)
    description = f"spec.kubeNodePortRanges of {manifest.label}"
    facts.declare(CALICO_NODE_PORTS, description, manifest.doc.location(node), value, ref(manifest))


def _kube_proxy_mode(manifest: k8s.Manifest, node: Node | None, key: str, facts) -> None:
    """kube-proxy's mode where the object sets it ("" is the default: iptables on Linux)."""
    mode = as_str(node)
    if mode is not None:
        description = f"{key} of {manifest.label}"
        facts.declare(KUBE_PROXY_MODES, description, manifest.doc.location(node), mode or "iptables", ref(manifest))


def is_distribution_config(path: str) -> bool:
    """A k3s or RKE2 config.yaml (or one of its config.yaml.d drop-ins), by its path."""
    return "rancher/" in path and re.search(_DISTRIBUTION_CONFIG, path) is not None


def collect_distribution_config(doc: Document, root: Node | None, facts) -> None:
    """A k3s/RKE2 config.yaml: its NodePort range (a ``kube-apiserver-arg`` entry
    ``service-node-port-range=...``, else the ``service-node-port-range`` key) and kube-proxy's
    mode (a ``kube-proxy-arg`` entry ``proxy-mode=...``)."""
    if type(root) is not Mapping:
        return
    distribution = re.search(_DISTRIBUTION_CONFIG, doc.path).group(1)
    obj = ObjectRef(
        f"{distribution}-config/{doc.path}", f"the {distribution} config", doc.template, (), f"{doc.path}#{doc.index}"
    )
    node, text, where = _last_arg(root, "kube-apiserver-arg", FLAG) or (root.get(FLAG), as_str(root.get(FLAG)), FLAG)
    if text:
        facts.declare(NODE_PORTS, f"{where} in the {distribution} config", doc.location(node), text, obj)
    proxy = _last_arg(root, "kube-proxy-arg", "proxy-mode")
    if proxy is not None:
        node, mode, where = proxy
        facts.declare(KUBE_PROXY_MODES, f"{where} in the {distribution} config", doc.location(node), mode or "iptables", obj)


def _last_arg(root: Mapping, key: str, flag: str) -> tuple[Scalar, str, str] | None:
    """The last ``flag=value`` entry of ``key`` and ``key+`` (one string or a list), as
    (entry, value, the key it is under): k3s passes these after its own flags, so the last wins."""
    found = None
    for where in (key, key + "+"):
        entries = root.get(where)
        for item in [entries] if type(entries) is Scalar else sequence_items(entries):
            name, equals, value = (as_str(item) or "").lstrip("-").partition("=")
            if name == flag and equals:
                found = (item, value, where)
    return found

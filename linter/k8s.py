"""The Kubernetes view of a parsed document: objects, their pod templates and containers.

Everything here tolerates wrong types: a string where a list belongs, ``null``, numbers
as names. What does not have the expected shape is skipped, and the rest is still seen.
"""

from __future__ import annotations

import re
from typing import Iterator

from .findings import Location
from .records import field, frozen, mutable
from .sources import Document
from .suppressions import NONE, Suppression, annotation, find
from .tree import Mapping, Node, Scalar, Sequence, as_bool, as_str, dig, sequence_items

CONTAINER_KINDS = ("initContainers", "containers", "ephemeralContainers")
IGNORE_ANNOTATION = "portlint.io/ignore"


@mutable
class Manifest:
    """One Kubernetes object. ``path`` is its place in the document ('' or 'items[2]')."""

    doc: Document
    node: Mapping
    api_version: str
    kind: str
    name: str
    namespace: str
    path: str = ""
    suppressions: tuple[Suppression, ...] = NONE  # from the portlint.io/ignore annotation
    cache: dict = field(default_factory=dict)  # analyses shared by several rules (linter.writes)

    @property
    def ident(self) -> str:
        """Stable identity for fingerprints: kind/namespace/name, or the position in the stream."""
        name = self.name or f"#{self.doc.index}{self.path}"
        return f"{self.kind}/{self.namespace}/{name}"

    @property
    def template(self) -> str | None:
        return self.doc.template

    @property
    def label(self) -> str:
        """How messages name the object: 'Deployment "web"' (a kind-less patch: 'the patch')."""
        kind = self.kind or "the pod template patch"
        return f'{kind} "{self.name}"' if self.name else kind

    def get(self, *keys: str) -> Node | None:
        return dig(self.node, *keys)

    def suppression(self, rule_id: str) -> Suppression | None:
        return find(self.suppressions, rule_id)


def ident_parts(ident: str) -> tuple[str, str, str]:
    """(kind, namespace, name) of a ``Manifest.ident``, which findings keep as their
    ``resource``; a nameless object's name is ""."""
    kind, namespace, name = ident.split("/", 2)
    return kind, namespace, "" if name.startswith("#") else name


@mutable
class PodSpec:
    """A pod spec inside a manifest; ``path`` is the dotted path to it ('spec.template.spec')."""

    manifest: Manifest
    node: Mapping
    path: str

    def flag(self, key: str) -> bool:
        """hostNetwork / hostIPC / hostPID as Kubernetes reads them: only ``true`` is true."""
        return as_bool(self.node.get(key)) is True

    def flag_location(self, key: str) -> list[Location]:
        """Where ``key: true`` is set, as a related location (empty when it is not there)."""
        entry = self.node.entry(key)
        if entry is None:
            return []
        return [self.manifest.doc.location(entry[0], entry[1], f"{key}: true is set here")]


@mutable
class Container:
    """One container of a pod spec; ``group`` is initContainers, containers or ephemeralContainers;
    ``name`` its name, or its place in the group when it has none."""

    pod: PodSpec
    node: Mapping
    group: str
    index: int
    name: str

    @property
    def path(self) -> str:
        return f"{self.pod.path}.{self.group}[{self.name}]"

    @property
    def label(self) -> str:
        kind = {"initContainers": "init container", "ephemeralContainers": "ephemeral container"}.get(self.group, "container")
        return f'{kind} "{self.name}"'


_API_VERSION_KEY = re.compile(r"""(?:^|[{,])\s*["']?apiVersion["']?\s*:""", re.M)
_KIND_KEY = re.compile(r"""(?:^|[{,])\s*["']?kind["']?\s*:""", re.M)


def is_object(root: Node | None) -> bool:
    """A Kubernetes object (apiVersion and kind) or a kind-less pod template patch."""
    if type(root) is not Mapping:
        return False
    if as_str(root.get("kind")) and as_str(root.get("apiVersion")):
        return True
    return not root.get("kind") and not root.get("apiVersion") and _is_pod_template_patch(root)


def looks_like_object(text: str) -> bool:
    """For a document that does not parse: does its text hold apiVersion and kind keys?
    Compose files, workflows, values files and JSON with comments do not, and their syntax
    is not portlint's business."""
    return _API_VERSION_KEY.search(text) is not None and _KIND_KEY.search(text) is not None


def manifests(doc: Document, root: Node | None) -> Iterator[Manifest]:
    """The Kubernetes objects of a document: the root object, or the items of a List."""
    if type(root) is not Mapping:
        return
    kind = as_str(root.get("kind"))
    api_version = as_str(root.get("apiVersion"))
    if not kind and not api_version and _is_pod_template_patch(root):
        yield _patch(doc, root)
        return
    if not kind or not api_version:
        return  # not a Kubernetes object: skipped quietly
    if is_list(root):
        for i, item in enumerate(sequence_items(root.get("items"))):
            yield from list_item(doc, item, i)
        return
    yield _one(doc, root, kind, api_version, "")


def is_list(root: Node | None) -> bool:
    """Is the document a List (v1 List, ConfigMapList...) whose items are the objects?"""
    if type(root) is not Mapping:
        return False
    kind = as_str(root.get("kind"))
    items = root.get("items")
    return bool(kind and kind.endswith("List") and as_str(root.get("apiVersion")) and items is not None and type(items) is not Mapping)


def list_item(doc: Document, item: Node, index: int) -> Iterator[Manifest]:
    """The object that is item ``index`` of a List (nothing for an item that is not a mapping,
    or has no kind or apiVersion)."""
    if type(item) is Mapping:
        kind, api_version = as_str(item.get("kind")), as_str(item.get("apiVersion"))
        if kind and api_version:
            yield _one(doc, item, kind, api_version, f"items[{index}]")


def _one(doc: Document, node: Mapping, kind: str, api_version: str, path: str) -> Manifest:
    metadata = node.get("metadata")
    return Manifest(
        doc,
        node,
        api_version,
        kind,
        as_str(dig(metadata, "name")) or "",
        as_str(dig(metadata, "namespace")) or "",
        path,
        _suppressions(doc, metadata),
    )


@frozen
class ObjectRef:
    """Enough of an object to report on it after its document is gone."""

    ident: str
    label: str
    template: str | None
    suppressions: tuple[Suppression, ...]
    origin: str = ""  # file, document and item: tells two definitions of one object apart

    def suppression(self, rule_id: str) -> Suppression | None:
        return find(self.suppressions, rule_id)


def ref(manifest: Manifest) -> ObjectRef:
    """The object's reference, made once: the writes, the ledger and the facts each keep it."""
    found = manifest.cache.get("ref")
    if found is None:
        origin = f"{manifest.doc.path}#{manifest.doc.index}{manifest.path}"
        found = manifest.cache["ref"] = ObjectRef(manifest.ident, manifest.label, manifest.doc.template, manifest.suppressions, origin)
    return found


def _suppressions(doc: Document, metadata: Node | None) -> tuple[Suppression, ...]:
    """The entries of the ``portlint.io/ignore`` annotation, located at its value."""
    node = dig(metadata, "annotations", IGNORE_ANNOTATION)
    value = as_str(node)
    if not value:
        return NONE
    return annotation(value, doc.location(node))


def _is_pod_template_patch(root: Mapping) -> bool:
    """A patch for ``kubectl patch`` (no kind, no apiVersion) that adds containers to a
    workload's pod template: its scripts run in the cluster just the same."""
    spec = dig(root, "spec", "template", "spec")
    return type(spec) is Mapping and any(type(spec.get(group)) is Sequence for group in CONTAINER_KINDS)


def _patch(doc: Document, root: Mapping) -> Manifest:
    metadata = root.get("metadata")
    return Manifest(doc, root, "", "", as_str(dig(metadata, "name")) or "", "", "", _suppressions(doc, metadata))


_POD_SPEC_PATHS = {
    "Pod": ("spec",),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    "PodTemplate": ("template", "spec"),
}


def pod_spec(manifest: Manifest) -> PodSpec | None:
    """The pod spec of a workload: Pod, CronJob, PodTemplate, and any kind with
    ``spec.template.spec`` (Deployment, StatefulSet, DaemonSet, Job, Argo Rollout, ...).
    Found once per object: several rules ask."""
    cached = manifest.cache.get("pod", False)
    if cached is not False:
        return cached
    manifest.cache["pod"] = found = _find_pod_spec(manifest)
    return found


def _find_pod_spec(manifest: Manifest) -> PodSpec | None:
    keys = _POD_SPEC_PATHS.get(manifest.kind, ("spec", "template", "spec"))
    node = manifest.get(*keys)
    if type(node) is not Mapping:
        return None
    prefix = f"{manifest.path}." if manifest.path else ""
    return PodSpec(manifest, node, prefix + ".".join(keys))


def containers(pod: PodSpec) -> tuple[Container, ...]:
    """Every container of a pod spec: init containers first, then regular, then ephemeral.
    Read once per pod spec: the writes, the ledger and the images each walk them."""
    cached = pod.manifest.cache.get("containers")
    if cached is not None and cached[0] is pod:
        return cached[1]
    found = tuple(
        Container(pod, node, group, i, as_str(node.get("name")) or f"{group}[{i}]")
        for group in CONTAINER_KINDS
        for i, node in enumerate(sequence_items(pod.node.get(group)))
        if type(node) is Mapping
    )
    pod.manifest.cache["containers"] = (pod, found)
    return found


def env_field_paths(container: Container) -> dict[str, str | None]:
    """Env var name -> its downward API fieldPath (None for a literal or another source);
    the last one wins, as in Kubernetes. Anchors and merge keys are already resolved."""
    found: dict[str, str | None] = {}
    for entry in sequence_items(container.node.get("env")):
        name = as_str(dig(entry, "name"))
        if name:
            found[name] = as_str(dig(entry, "valueFrom", "fieldRef", "fieldPath"))
    return found


def string_list(node: Node | None) -> list[Scalar] | None:
    """A list of scalars (command/args); None when it is not a list. Items that are not
    scalars are left out: Kubernetes would reject them, and descending into them would
    let an alias bomb expand."""
    if type(node) is not Sequence:
        return None
    return [item for item in node.items if type(item) is Scalar]

"""The fix of PL304/PL301: reserve the NodePort range on the nodes whose ephemeral port range
a kops Cluster/InstanceGroup widens, next to the ``spec.sysctlParameters`` item that widens it.

- A new item ``net.ipv4.ip_local_reserved_ports=RANGES`` goes on the line after the
  ``net.ipv4.ip_local_port_range=...`` item, at the list's indentation and in that item's
  quoting.
- When the list already sets ``net.ipv4.ip_local_reserved_ports``, that value is widened to
  the union of its ports and the NodePort range (the kernel keeps only the last value
  written: a second item would replace the first, not add to it).
- The ports reserved are every candidate NodePort range of the file linted alone with the
  run's settings (the default, the provider profile's, a flag, the config, a declaration).

One fix per declaration, for every PL304 at it and every PL301 that cites it as the only
ephemeral range holding the port. Refused (with the reason): a range given by a flag or the
portlint config, a declaration in another file or not in a kops sysctlParameters list (Tuned,
a script, kubeadm, kind, k3s, Cilium), a NodePort range declared in another file, a flow
list, an item that does not stand on its own line, anchors, and a list that sets the
reserved ports more than once or to a value that does not parse.
"""

from __future__ import annotations

import re

from .. import facts as run_facts
from .. import k8s, network, tree
from ..config import Settings
from ..findings import Finding, Location
from ..sources import Document
from ..network import PortRange, PortSet, RangeError, parse_port_set
from ..sysctls import EPHEMERAL_RANGE, RESERVED_PORTS, normalize
from ..tree import Scalar, Sequence, as_str
from .edits import Edit
from .model import Fix, Refusal
from .targets import place
from .yamltext import anchored_spans, crosses, documents, is_flow, line_end, line_start, node_span

DOES = (
    "adds `net.ipv4.ip_local_reserved_ports=<the NodePort range>` after the kops `spec.sysctlParameters` item "
    "that widens the ephemeral range (or widens the list's reserved ports item to include it)"
)
DECLARED_HERE = "The ephemeral port range is declared here"  # PL301's related location (rules/_node_ports.py)
NODE_PORTS_HERE = "The NodePort range is declared here"  # PL304's
_ITEM_LINE = re.compile(r"[ \t]*- +$")  # what stands before an item that is alone on its line


def fixes(text: str, path: str, findings: list[Finding], settings: Settings | None = None) -> list[Fix | Refusal]:
    """One fix (or refusal) per ephemeral range declaration the ``findings`` (PL304/PL301 of
    the file ``path``, LF ``text``) point at."""
    out: list[Fix | Refusal] = []
    by_place: dict[tuple, list[Finding]] = {}
    for f in findings:
        declared = declaration(f, path)
        if isinstance(declared, str):
            out.append(Refusal(declared, (f,)))
        else:
            by_place.setdefault(place(declared), []).append(f)
    if by_place:
        ports = node_port_ranges(text, path, settings or Settings())
        items = kops_items(text, path)
        for at, mine in by_place.items():
            out.append(_fix(text, items.get(at), ports, tuple(mine)))
    return out


def declaration(f: Finding, path: str) -> Location | str:
    """Where the ephemeral range ``f`` is about is declared, or why no edit of ``path`` reserves ports."""
    if f.rule_id == "PL304":
        if not f.resource:  # a run finding: the range is in the portlint config
            return "the range is given by the portlint config: no file edit reserves ports on nodes"
        if not f.key.startswith(f"{f.resource}:ephemeral:"):  # the key rules/pl304 gives
            return "the finding is at a NodePort range declaration, not at an ephemeral range one"
        elsewhere = [loc for loc in f.related if loc.label == NODE_PORTS_HERE and loc.path != path]
        if elsewhere:
            return f"the NodePort range is declared in another file ({elsewhere[0].path})"
        return f.location
    declared = [loc for loc in f.related if loc.label == DECLARED_HERE]
    if not declared:
        return "the ephemeral port range is given by a flag, the portlint config or a default: no file edit reserves ports on nodes"
    if len(declared) > 1:
        return "the port is in several declared ephemeral ranges: each needs its own reservation"
    if declared[0].path != path:
        return f"the ephemeral port range is declared in another file ({declared[0].path})"
    return declared[0]


def node_port_ranges(text: str, path: str, settings: Settings) -> list[PortRange]:
    """Every candidate NodePort range of ``text`` linted alone with ``settings`` (as the
    verifier lints the fixed text)."""
    found = run_facts.RunFacts()
    for doc, _ in documents(text, path):
        root, _ = tree.parse(doc.text, doc.first_line)
        for manifest in k8s.manifests(doc, root):
            run_facts.collect(manifest, found)
    return [r for r, _ in network.resolve(settings, found).node_port_ranges]


def kops_items(text: str, path: str) -> dict[tuple, tuple]:
    """The place of each kops sysctlParameters item -> (its document, its offset in ``text``,
    the list, the item)."""
    out: dict[tuple, tuple] = {}
    for doc, base in documents(text, path):
        root, _ = tree.parse(doc.text, doc.first_line)
        for manifest in k8s.manifests(doc, root):
            if manifest.kind not in ("Cluster", "InstanceGroup") or not manifest.api_version.startswith("kops.k8s.io/"):
                continue
            items = manifest.get("spec", "sysctlParameters")
            for item in tree.sequence_items(items):
                out[place(doc.location(item))] = (doc, base, items, item)
    return out


def _fix(text: str, found: tuple | None, ports: list[PortRange], findings: tuple[Finding, ...]) -> Fix | Refusal:
    if found is None:
        return Refusal("the ephemeral port range is not declared by a kops sysctlParameters item", findings)
    doc, base, items, item = found
    edit = reserve_edit(doc, items, item, ports)
    if isinstance(edit, str):
        return Refusal(edit, findings)
    if crosses(anchored_spans(doc.text), edit.start, edit.end):
        return Refusal("the edit would change a YAML anchor (&) that aliases (*) reuse", findings)
    title = f"Reserve the NodePort range {PortSet(tuple(ports))} next to {as_str(item)}"
    return Fix(title, (Edit(edit.start + base, edit.end + base, edit.replacement),), findings)


def reserve_edit(doc: Document, items: Sequence, item: Scalar, ports: list[PortRange]) -> Edit | str:
    """The edit of ``doc`` that reserves ``ports`` beside the ephemeral range ``item`` of the
    sysctlParameters list ``items``, or why there is none."""
    text = doc.text
    if is_flow(doc, items):
        return "the sysctlParameters list is a flow list ([...])"
    reserved = [other for other in items.items if type(other) is Scalar and _key(other.value) == RESERVED_PORTS]
    if len(reserved) > 1:
        return "the sysctlParameters list sets net.ipv4.ip_local_reserved_ports more than once"
    if reserved:
        return widen(text, reserved[0], ports)
    start, end = node_span(item)
    if not _ITEM_LINE.match(text[line_start(text, start) : start]) or line_end(text, start) < end:
        return "the ephemeral range item does not stand alone on its line"
    indent = text[line_start(text, start) : start]
    quote = text[start] if item.style in ("'", '"') else ""
    at = line_end(text, end)
    return Edit(at, at, f"\n{indent}{quote}{RESERVED_PORTS}={PortSet(tuple(ports))}{quote}")


def widen(text: str, item: Scalar, ports: list[PortRange]) -> Edit | str:
    """The reserved ports ``item``'s value replaced by its union with ``ports``."""
    start, end = node_span(item)
    inner = (start + 1, end - 1) if item.style in ("'", '"') else (start, end)
    if text[inner[0] : inner[1]] != item.value:
        return "the reserved ports item is not written as its value (escapes or line breaks)"
    key, equals, value = item.value.partition("=")
    try:
        present = parse_port_set(value)
    except RangeError:
        return f"the reserved ports value {value.strip()} does not parse"
    at = inner[0] + len(key) + len(equals) + len(value) - len(value.lstrip())
    return Edit(at, at + len(value.strip()), str(union(present, ports)))


def union(present: PortSet, ports: list[PortRange]) -> PortSet:
    """The ports of ``present`` and ``ports`` as the fewest ranges, lowest first."""
    merged: list[PortRange] = []
    for r in sorted([*present.ranges, *ports], key=lambda r: (r.low, r.high)):
        if merged and r.low <= merged[-1].high + 1:
            merged[-1] = PortRange(merged[-1].low, max(merged[-1].high, r.high))
        else:
            merged.append(r)
    return PortSet(tuple(merged))


def _key(item: str) -> str:
    return normalize(item.partition("=")[0].strip())

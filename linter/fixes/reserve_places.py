"""Where node configuration declares the port sysctls, and the edit that reserves ports there:
the items of a kops Cluster/InstanceGroup ``spec.sysctlParameters`` list and the ``[sysctl]``
lines of an OpenShift Tuned profile's ``data``, each found by the (line, column) the port
rules cite (linter/facts.py reads them there).

At the declaration of the ephemeral range, reserving ``ports`` means: widening the one
``net.ipv4.ip_local_reserved_ports`` entry of the same list or profile to the union of its
ports and ``ports`` (the kernel keeps only the last value written: a second entry would
replace the first, not add to it), else a new entry on the line after the declaration, at its
indentation, written as it is written (separator and quotes)."""

from __future__ import annotations

import re
from typing import Callable, Iterator

from .. import k8s, tree
from ..network import PortRange, PortSet, RangeError, parse_port_set
from ..records import frozen
from ..scalarpos import ScalarMap
from ..sources import Document
from ..sysctls import RESERVED_PORTS, normalize
from ..tree import Scalar, Sequence, dig, sequence_items
from .edits import Edit, offset
from .yamltext import documents, is_flow, line_end, line_start, node_span

_ITEM_LINE = re.compile(r"[ \t]*- +$")  # what stands before an item that is alone on its line
_INI_SECTION = re.compile(r"^\s*\[([^\]]+)\]\s*$")  # as linter/facts.py reads a Tuned profile
_ENTRY = re.compile(r"[^=]*?([ \t]*=[ \t]*)(['\"]?)")  # key, separator, opening quote


@frozen
class Place:
    """A declaration of a port sysctl, in the document ``doc`` at offset ``base`` of the
    file; ``reserve(ports)`` is the edit (document offsets) that reserves ``ports`` beside it,
    or why there is none."""

    doc: Document
    base: int
    entry: str  # the declaration as written ("net.ipv4.ip_local_port_range=1024 65535")
    reserve: Callable[[list[PortRange]], "Edit | str"]


def places(text: str, path: str) -> dict[tuple[int, int], Place]:
    """The (line, column) of each kops sysctlParameters item and Tuned [sysctl] line of
    ``text`` -> its Place."""
    out: dict[tuple[int, int], Place] = {}
    for doc, base in documents(text, path):
        root, _ = tree.parse(doc.text, doc.first_line)
        for manifest in k8s.manifests(doc, root):
            if manifest.kind in ("Cluster", "InstanceGroup") and manifest.api_version.startswith("kops.k8s.io/"):
                out.update(_kops(doc, base, manifest.get("spec", "sysctlParameters")))
            elif manifest.kind == "Tuned" and manifest.api_version.startswith("tuned.openshift.io/"):
                for profile in sequence_items(manifest.get("spec", "profile")):
                    data = dig(profile, "data")
                    if type(data) is Scalar:
                        out.update(_tuned(doc, base, data))
    return out


def _kops(doc: Document, base: int, items) -> Iterator[tuple[tuple[int, int], Place]]:
    for item in sequence_items(items):
        if type(item) is Scalar:
            loc = doc.location(item)
            yield (loc.line, loc.column), Place(doc, base, item.value, lambda ports, item=item: kops_edit(doc, items, item, ports))


def kops_edit(doc: Document, items: Sequence, item: Scalar, ports: list[PortRange]) -> Edit | str:
    """The reservation beside the ephemeral range ``item`` of the sysctlParameters ``items``."""
    text = doc.text
    if is_flow(doc, items):
        return "the sysctlParameters list is a flow list ([...])"
    reserved = [other for other in items.items if type(other) is Scalar and key_of(other.value) == RESERVED_PORTS]
    if len(reserved) > 1:
        return "the sysctlParameters list sets net.ipv4.ip_local_reserved_ports more than once"
    if reserved:
        start, end = node_span(reserved[0])
        inner = start + 1 if reserved[0].style in ("'", '"') else start
        if text[inner : inner + len(reserved[0].value)] != reserved[0].value or "\n" in text[start:end]:
            return "the reserved ports item is not written as its value (escapes or line breaks)"
        return widen(reserved[0].value, inner, ports)
    start, end = node_span(item)
    if not _ITEM_LINE.match(text[line_start(text, start) : start]) or line_end(text, start) < end:
        return "the ephemeral range item does not stand alone on its line"
    quote = text[start] if item.style in ("'", '"') else ""
    return _after_line(text, start, f"{quote}{entry_like(item.value, ports)}{quote}")


@frozen
class _Line:
    """A ``key=value`` line of a Tuned profile's [sysctl] section: its text (stripped) and
    the offset in the data's value where that text starts."""

    key: str
    text: str
    at: int


def _tuned(doc: Document, base: int, data: Scalar) -> Iterator[tuple[tuple[int, int], Place]]:
    positions = ScalarMap(doc, data)
    lines = list(sysctl_lines(data.value))
    for line in lines:
        yield positions.locate(line.at), Place(doc, base, line.text, lambda ports, line=line: tuned_edit(doc, data, positions, lines, line, ports))


def sysctl_lines(value: str) -> Iterator[_Line]:
    """The ``key=value`` lines of the [sysctl] sections of a Tuned profile's ``value``."""
    section, at = "", 0
    for raw in value.split("\n"):
        start, at = at, at + len(raw) + 1
        match = _INI_SECTION.match(raw)
        if match:
            section = match.group(1).strip()
        elif section == "sysctl" and "=" in raw and not raw.lstrip().startswith(("#", ";")):
            yield _Line(key_of(raw), raw.strip(), start + len(raw) - len(raw.lstrip()))


def tuned_edit(doc: Document, data: Scalar, positions: ScalarMap, lines: list[_Line], line: _Line, ports: list[PortRange]) -> Edit | str:
    """The reservation beside the ephemeral range ``line`` of the profile ``data``."""
    if data.style != "|" or not positions.exact:
        return "the profile's data is not a literal block (|) whose lines can be edited where they stand"
    reserved = [other for other in lines if other.key == RESERVED_PORTS]
    if len(reserved) > 1:
        return "the profile's [sysctl] section sets net.ipv4.ip_local_reserved_ports more than once"
    if reserved:
        return widen(reserved[0].text, _doc_offset(doc, positions, reserved[0].at), ports)
    return _after_line(doc.text, _doc_offset(doc, positions, line.at), entry_like(line.text, ports))


def _doc_offset(doc: Document, positions: ScalarMap, at: int) -> int:
    row, column = positions.locate(at)
    return offset(doc.text, row - doc.first_line + 1, column)


def _after_line(text: str, start: int, entry: str) -> Edit:
    """``entry`` on a new line after the line of ``start``, indented as that line is up to ``start``."""
    at = line_end(text, start)
    return Edit(at, at, f"\n{text[line_start(text, start) : start]}{entry}")


def entry_like(entry: str, ports: list[PortRange]) -> str:
    """``net.ipv4.ip_local_reserved_ports=PORTS`` with the separator and quotes of ``entry``."""
    match = _ENTRY.match(entry)
    separator, quote = match.group(1), match.group(2)
    return f"{RESERVED_PORTS}{separator}{quote}{PortSet(tuple(ports))}{quote}"


def widen(entry: str, start: int, ports: list[PortRange]) -> Edit | str:
    """The value of the reserved ports ``entry`` (written at offset ``start``) replaced by its
    union with ``ports``, inside its quotes."""
    key, equals, value = entry.partition("=")
    written = value.strip()
    quoted = len(written) > 1 and written[0] in "'\"" and written[-1] == written[0]
    inner = written[1:-1] if quoted else written
    try:
        present = parse_port_set(inner)
    except RangeError:
        return f"the reserved ports value {written} does not parse"
    at = start + len(key) + len(equals) + len(value) - len(value.lstrip()) + quoted
    return Edit(at, at + len(inner), str(union(present, ports)))


def union(present: PortSet, ports: list[PortRange]) -> PortSet:
    """The ports of ``present`` and ``ports`` as the fewest ranges, lowest first."""
    merged: list[PortRange] = []
    for r in sorted([*present.ranges, *ports], key=lambda r: (r.low, r.high)):
        if merged and r.low <= merged[-1].high + 1:
            merged[-1] = PortRange(merged[-1].low, max(merged[-1].high, r.high))
        else:
            merged.append(r)
    return PortSet(tuple(merged))


def key_of(entry: str) -> str:
    return normalize(entry.partition("=")[0].strip())

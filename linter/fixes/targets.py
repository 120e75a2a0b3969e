"""The containers whose sysctl writes a file's findings report, found again in its text: each
with its document, the document's offset in the file, the spans of its anchored nodes, the
writes and the findings. The fixes of the sysctl rules (sysctl_guard.py, guard_repair.py)
start here."""

from __future__ import annotations

from typing import Callable, Iterator

from .. import k8s, tree, writes
from ..findings import Finding
from ..records import frozen
from ..sources import Document
from .edits import Edit
from .model import Fix, Refusal
from .yamltext import anchored_spans, crosses, documents


@frozen
class Target:
    doc: Document
    spans: list  # (start, end) of the document's anchored nodes
    container: k8s.Container
    writes: list  # the container's writes.ContainerWrite the findings report
    findings: tuple[Finding, ...]

    def narrowed(self, cws: list) -> "Target":
        """The same container with only the writes ``cws`` and the findings naming them."""
        places = {place(cw.location) for cw in cws}
        mine = tuple(f for f in self.findings if any(place(loc) in places for loc in [f.location, *f.related]))
        return Target(self.doc, self.spans, self.container, cws, mine)


def each_target(text: str, path: str, findings: list[Finding], fix: Callable[[Target, int], list]) -> list[Fix | Refusal]:
    """``fix(target, base)`` for each container the ``findings`` (of the file ``path``) point
    at, then one refusal for the findings no container of the file holds: writes in a script
    or file a ConfigMap or Secret keeps (the fix would edit two objects)."""
    out: list[Fix | Refusal] = []
    matched: set[int] = set()
    for target, base in targets(text, path, findings):
        out += fix(target, base)
        matched.update(id(f) for f in target.findings)
    elsewhere = tuple(f for f in findings if id(f) not in matched)
    if elsewhere:
        out.append(Refusal("the write is in a script or file kept in a ConfigMap or Secret, not in the container", elsewhere))
    return out


def targets(text: str, path: str, findings: list[Finding]) -> Iterator[tuple[Target, int]]:
    """(Target, the offset of its document in ``text``) for each container holding writes
    that ``findings`` (of the file ``path``) report."""
    wanted: dict[tuple, list[Finding]] = {}
    for f in findings:  # a finding names its first write; the others are related places
        for at in dict.fromkeys(place(loc) for loc in [f.location, *f.related]):
            wanted.setdefault(at, []).append(f)
    for doc, base in documents(text, path):
        root, _ = tree.parse(doc.text, doc.first_line)
        if root is None:  # empty, or a syntax error: nothing to fix, and no events to read
            continue
        spans = anchored_spans(doc.text)
        for manifest in k8s.manifests(doc, root):
            pod = k8s.pod_spec(manifest)
            cws = [cw for cw in writes.container_writes(manifest) if place(cw.location) in wanted]
            for container in k8s.containers(pod) if cws else ():  # writes come from a pod's containers
                mine = [cw for cw in cws if cw.container.path == container.path]
                if mine:
                    found = tuple({id(f): f for cw in mine for f in wanted[place(cw.location)]}.values())
                    yield Target(doc, spans, container, mine, found), base


def place(location) -> tuple[int, int, int, int]:
    return location.line, location.column, location.end_line, location.end_column


def finished(target: Target, base: int, title: str, edits: list[Edit] | str) -> Fix | Refusal:
    """The Fix of ``edits`` (offsets in the target's document), moved to file offsets; a
    Refusal when ``edits`` says why not or an edit would change an anchored node."""
    if isinstance(edits, str):
        return Refusal(edits, target.findings)
    if any(crosses(target.spans, e.start, e.end) for e in edits):
        return Refusal("the edit would change a YAML anchor (&) that aliases (*) reuse", target.findings)
    return Fix(title, tuple(Edit(e.start + base, e.end + base, e.replacement) for e in edits), target.findings)

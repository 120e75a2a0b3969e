"""Suppress a finding on its object: the ``portlint.io/ignore`` annotation (suppressions.py
reads it), added as the first entry of a block ``metadata.annotations``, or as a new
``annotations`` key opening a block ``metadata``. Why not, where it cannot be added so: flow
style, an annotation the object already has (its ids are the author's to extend), an
anchored metadata."""

from __future__ import annotations

from .. import tree
from ..k8s import IGNORE_ANNOTATION
from ..tree import Mapping
from .edits import Edit
from .yamltext import anchored_spans, column, crosses, documents, is_flow, node_span


def object_annotation(text: str, path: str, line: int, rule_id: str) -> Edit | str:
    """The edit of LF ``text`` that suppresses ``rule_id`` on the object holding 1-based
    ``line`` (the last object of the file starting at or before it), or why there is none."""
    holder = None
    for doc, base in documents(text, path):
        root, _ = tree.parse(doc.text, doc.first_line)
        if type(root) is Mapping and doc.first_line + root.sm.line <= line:
            holder = doc, base, root
    if holder is None:
        return "the finding is not inside an object of the file"
    doc, base, root = holder
    edit = _annotate(doc, root, rule_id)
    if isinstance(edit, str):
        return edit
    if crosses(anchored_spans(doc.text), edit.start, edit.end):
        return "the object's metadata is inside a YAML anchor (&) that aliases (*) reuse"
    return Edit(edit.start + base, edit.end + base, edit.replacement)


def _annotate(doc, root: Mapping, rule_id: str) -> Edit | str:
    entry = f'{IGNORE_ANNOTATION}: "{rule_id}"'
    metadata = root.get("metadata")
    if type(metadata) is not Mapping or not metadata.entries or is_flow(doc, metadata):
        return "the object's metadata is not a block mapping"
    annotations = metadata.get("annotations")
    if annotations is None:
        at = node_span(metadata)[0]
        pad = " " * column(doc.text, at)
        return Edit(at, at, f"annotations:\n{pad}  {entry}\n{pad}")
    if type(annotations) is not Mapping or not annotations.entries or is_flow(doc, annotations):
        return "the object's annotations are not a block mapping"
    if annotations.get(IGNORE_ANNOTATION) is not None:
        return f"the object already has a {IGNORE_ANNOTATION} annotation: add {rule_id} to it"
    at = node_span(annotations)[0]
    return Edit(at, at, f"{entry}\n" + " " * column(doc.text, at))

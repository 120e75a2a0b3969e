"""Where things are in a YAML document's text, for edits that keep every other byte: the
offsets of nodes, the spans that anchors share with their aliases, flow collections, and the
text of new block entries at a given indentation."""

from __future__ import annotations

from typing import Iterator

from .. import sources
from ..sources import Document, SourceFile
from ..tree import Mapping, Node, end_mark, start_mark
from .edits import offset


def documents(text: str, path: str) -> Iterator[tuple[Document, int]]:
    """Each document of ``text`` with the offset of its first character in ``text``; a
    document whose text is not a verbatim slice (a BOM after '---' was dropped) is skipped."""
    for doc in sources.split_documents(SourceFile(path, text)):
        start = offset(text, doc.first_line, 1)
        if text.startswith(doc.text, start):
            yield doc, start


def anchored_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of every node with an anchor (``&x``): an edit inside one would
    change each alias (``*x``) of it too."""
    from .. import eventtree  # here: ruamel.yaml comes with it, and the SARIF report imports the fixers (start-up)

    spans, open_ = [], []
    for event in eventtree.events(text):
        kind = event.__class__.__name__
        if kind in ("MappingStartEvent", "SequenceStartEvent"):
            open_.append((event.anchor, event.start_mark.index))
        elif kind in ("MappingEndEvent", "SequenceEndEvent"):
            anchor, start = open_.pop()
            if anchor:
                spans.append((start, event.end_mark.index))
        elif kind == "ScalarEvent" and event.anchor:
            spans.append((event.start_mark.index, event.end_mark.index))
    return spans


def crosses(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether the region [start, end] touches an anchored span."""
    return any(start <= span_end and span_start <= end for span_start, span_end in spans)


def is_flow(doc: Document, node: Node) -> bool:
    """A flow collection (``{...}``, ``[...]``): new block entries cannot go inside it."""
    return doc.text[start_mark(node).index] in "{["


def node_span(node: Node) -> tuple[int, int]:
    return start_mark(node).index, end_mark(node).index


def line_start(text: str, at: int) -> int:
    return text.rfind("\n", 0, at) + 1


def line_end(text: str, at: int) -> int:
    end = text.find("\n", at)
    return len(text) if end < 0 else end


def column(text: str, at: int) -> int:
    """0-based column of offset ``at``."""
    return at - line_start(text, at)


def entry_key(mapping: Mapping, key: str) -> Node | None:
    found = mapping.entry(key)
    return found[0] if found is not None else None

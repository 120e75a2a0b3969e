"""The reference tree builder: a document's tree folded from ruamel.yaml's parser events.

tree.parse uses it for every document the C builder (linter/_fasttree.c) leaves alone, and
everywhere when that extension was not built; tests build every document both ways and
compare (tests/tree_compare.py). Imported on first use: a run whose documents all go through
the C builder never imports ruamel.yaml.
"""

from __future__ import annotations

import re
from bisect import bisect_right

try:  # the C parser (ruamel.yaml.clib); fall back to the pure-Python one
    from _ruamel_yaml import CParser as _Parser  # type: ignore[import-not-found]

    C_PARSER = True
except ImportError:  # pragma: no cover - exercised only without the C extension
    from ruamel.yaml.main import YAML as _YAML

    C_PARSER = False

    def _Parser(text: str):  # type: ignore[no-redef]
        return _YAML(typ="safe", pure=True).parse(text)


from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from .tree import MERGE_KEY, Mapping, Node, Problem, Scalar, Sequence, has_other_breaks, start_mark


def parse(text: str, first_line: int) -> tuple[Node | None, list[Problem]]:
    """tree.parse over ruamel's events (the caller pauses the garbage collector)."""
    problems = _Problems(first_line - 1)
    lines = EditorLines(text) if has_other_breaks(text) else None
    try:
        root = _build(_events(text, lines), problems)
    except _TooDeep as exc:
        problems.add(
            f"flow collections nested deeper than {MAX_FLOW_DEPTH} levels; portlint does not parse this document "
            "(no Kubernetes object comes near that depth, and parsing it would take quadratic time)",
            exc.mark.line,
            exc.mark.column,
        )
        return None, problems.found
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if mark is not None and lines is not None:
            mark = lines.mark(mark)
        what = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            what = f"{exc.problem} ({exc.context})"
        line, col = (mark.line, mark.column) if mark is not None else (0, 0)
        line, col = _inside(text, line, col)
        problems.add(f"YAML syntax error: {what}", line, col)
        return None, problems.found
    except YAMLError as exc:  # a character libyaml refuses (ReaderError): no mark, an offset
        line, col = _reader_position(text, getattr(exc, "position", 0))
        problems.add(f"YAML syntax error: {str(exc).splitlines()[0]}", line, col)
        return None, problems.found
    return root, problems.found


MAX_FLOW_DEPTH = 1000


class _TooDeep(Exception):
    """Flow collections nested deeper than MAX_FLOW_DEPTH: libyaml's time grows with the
    square of the flow depth (20,000 levels take seconds), so the document is abandoned as
    soon as the builder sees that depth, after a few milliseconds of parsing."""

    def __init__(self, mark) -> None:
        self.mark = mark


def _inside(text: str, line: int, col: int) -> tuple[int, int]:
    """Keep an error position inside the document: libyaml reports an unexpected end of
    input on the line after the last one, which in a stream is the next document's '---'."""
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    if lines and line >= len(lines):
        line = len(lines) - 1
        while line > 0 and not lines[line].strip():
            line -= 1
        col = len(lines[line])
    return line, col


def _reader_position(text: str, offset: int) -> tuple[int, int]:
    """0-based (line, column) of the character a reader error names, lines counted at LF as
    editors count them: the C parser gives its offset in the UTF-8 bytes of the text, the pure
    one in characters."""
    before = text.encode("utf-8", "surrogatepass")[:offset].decode("utf-8", "ignore") if C_PARSER else text[:offset]
    return before.count("\n"), len(before) - before.rfind("\n") - 1


class _Problems:
    """Collects problems, turning the parser's 0-based positions into 1-based file positions."""

    __slots__ = ("offset", "found")

    def __init__(self, offset: int) -> None:
        self.offset = offset
        self.found: list[Problem] = []

    def line(self, parser_line: int) -> int:
        return parser_line + self.offset + 1

    def add(self, message: str, line: int, col: int, end_line: int | None = None, end_col: int | None = None) -> None:
        self.found.append(
            Problem(
                message,
                self.line(line),
                col + 1,
                None if end_line is None else self.line(end_line),
                None if end_col is None else end_col + 1,
            )
        )


def events(text: str):
    """The parser's events of ``text`` as they are (fixes read anchors and flow styles)."""
    return _events(text)


def _events(text: str, lines: "EditorLines | None" = None):
    """The parser's events, from the C parser when it is there; with ``lines``, their
    marks are moved to the editors' line model."""
    if not C_PARSER:  # pragma: no cover
        events = iter(_Parser(text))
    else:
        events = iter(_Parser(text).get_event, None)
    return events if lines is None else _remarked(events, lines)


# A document holding a line break only libyaml counts (tree.OTHER_BREAKS) gets its marks
# recomputed from their character index, the one thing libyaml counts as editors do; every
# position (nodes, problems) comes from these marks.


class EditorMark:
    """A position as editors count it: ``line`` and ``column`` 0-based, like the parser's."""

    __slots__ = ("index", "line", "column")

    def __init__(self, index: int, line: int, column: int) -> None:
        self.index, self.line, self.column = index, line, column


class EditorLines:
    """Where each line of a text starts, lines ending at LF only."""

    __slots__ = ("starts",)

    def __init__(self, text: str) -> None:
        self.starts = [0, *(match.end() for match in re.finditer("\n", text))]

    def mark(self, mark) -> EditorMark:
        line = bisect_right(self.starts, mark.index) - 1
        return EditorMark(mark.index, line, mark.index - self.starts[line])


def _remarked(events, lines: EditorLines):
    for event in events:
        event.start_mark = lines.mark(event.start_mark)
        event.end_mark = lines.mark(event.end_mark)
        yield event


def _build(events, problems: _Problems) -> Node | None:
    """Fold the event stream of one document into a tree, without recursion.

    This loop is the hot path of the whole linter: keep the work per event small. The open
    collection's ``append`` (a sequence) or ``entries`` (a mapping) are kept in locals.
    """
    anchors: dict[str, Node] = {}
    root: Node | None = None
    # one frame per open collection: (node, pending key, anchor, flow style)
    frames: list[tuple] = []
    flow_depth = 0
    parent: Node | None = None
    append = None  # parent.items.append when the parent is a sequence
    entries: dict | None = None  # parent.entries when the parent is a mapping
    pending_key: Node | None = None
    scalar_event, alias_event = ScalarEvent, AliasEvent
    mapping_start, sequence_start = MappingStartEvent, SequenceStartEvent
    collection_end = (MappingEndEvent, SequenceEndEvent)
    merge_key = MERGE_KEY

    to_scalar = None if Scalar is ScalarEvent else _scalar
    for event in events:
        cls = event.__class__
        if cls is scalar_event:
            node = event if to_scalar is None else to_scalar(event)
            if event.anchor:
                anchors[event.anchor] = node
            opened = False
        elif cls is mapping_start or cls is sequence_start:
            node = Mapping(event.start_mark) if cls is mapping_start else Sequence(event.start_mark)
            if event.flow_style:
                flow_depth += 1
                if flow_depth > MAX_FLOW_DEPTH:
                    raise _TooDeep(event.start_mark)
            opened = True
        elif cls in collection_end:
            parent.em = event.end_mark  # type: ignore[union-attr]
            node, pending_key, anchor, flow = frames.pop()
            if flow:
                flow_depth -= 1
            if anchor:  # registered when complete: an alias inside its own anchor stays unknown
                anchors[anchor] = parent  # type: ignore[assignment]
            if entries is not None and parent.merges:  # type: ignore[union-attr]
                parent.merges = _merge_sources(parent.merges, problems)  # type: ignore[union-attr]
            parent = frames[-1][0] if frames else None
            append = parent.items.append if parent.__class__ is Sequence else None  # type: ignore[union-attr]
            entries = parent.entries if parent.__class__ is Mapping else None  # type: ignore[union-attr]
            continue
        elif cls is alias_event:
            node = anchors.get(event.anchor)  # type: ignore[assignment]
            if node is None:  # the parser normally reports this itself
                problems.add(f"unknown alias *{event.anchor}", event.start_mark.line, event.start_mark.column)
                continue
            opened = False
        else:
            continue
        # attach the node to the open collection
        if append is not None:
            append(node)
        elif entries is not None:
            if pending_key is None:
                pending_key = node
            else:
                text = pending_key.value if pending_key.__class__ is Scalar else None
                if text is not None and text != merge_key and text not in entries:
                    entries[text] = (pending_key, node)
                else:
                    _set_entry(parent, pending_key, node, problems)  # type: ignore[arg-type]
                pending_key = None
        elif root is None:
            root = node
        if opened:
            frames.append((node, pending_key, event.anchor, event.flow_style))
            parent = node
            pending_key = None
            if cls is sequence_start:
                append, entries = node.items.append, None  # type: ignore[union-attr]
            else:
                append, entries = None, node.entries  # type: ignore[union-attr]
    return root


def _scalar(event: ScalarEvent) -> Scalar:
    """The C module's scalar for one of ruamel's scalar events (the same fields)."""
    return Scalar(event.value, event.style, event.tag, event.anchor, event.start_mark, event.end_mark)


def _set_entry(mapping: Mapping, key: Node, value: Node, problems: _Problems) -> None:
    if key.__class__ is not Scalar:
        return  # complex keys never name a Kubernetes field
    text = key.value  # type: ignore[attr-defined]
    previous = mapping.entries.get(text)
    if previous is None:
        if text == MERGE_KEY and not key.style:  # type: ignore[attr-defined]
            _add_merge(mapping, key, value, problems)  # type: ignore[arg-type]
            return
    else:
        problems.add(
            f'duplicate key "{text}" (first defined on line {problems.line(previous[0].start_mark.line)})',
            key.start_mark.line,
            key.start_mark.column,
            key.end_mark.line,
            key.end_mark.column,
        )
    mapping.entries[text] = (key, value)


def _add_merge(mapping: Mapping, key: Scalar, value: Node, problems: _Problems) -> None:
    """Remember a ``<<`` value; it is checked once the mapping is complete (see _merge_sources)."""
    if mapping.merges is None:
        mapping.merges = []
    mapping.merges.append(value)  # type: ignore[arg-type]


def _merge_sources(values: list[Node], problems: _Problems) -> list[Mapping]:
    """The mappings that ``<<`` values merge, in priority order, as Kubernetes' decoder reads them."""
    sources: list[Mapping] = []
    for value in values:
        items = value.items if value.__class__ is Sequence else [value]  # type: ignore[attr-defined]
        bad = next((item for item in items if item.__class__ is not Mapping), None)
        if bad is not None:  # one problem per merge value
            mark = start_mark(bad)
            problems.add(
                'merge key "<<" needs a mapping or a list of mappings',
                mark.line,
                mark.column,
            )
        sources.extend(item for item in items if item.__class__ is Mapping)  # type: ignore[misc]
    return sources

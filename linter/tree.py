"""A light, position-aware YAML tree built straight from the C parser's events.

Two builders make the same tree: ``_fasttree`` (C, over the system libyaml, in
linter/_fasttree.c) for the documents it can take, and ``_build`` here, over ruamel.yaml's
events, for everything else and wherever the C module was not built. ruamel.yaml is the
reference: the C builder refuses (raises Fallback on) every document whose tree could differ.

Why not ruamel's own composer or constructor: we need every node's position, aliases
kept as shared nodes (an alias bomb must stay as cheap as its text), merge keys (``<<``)
resolved the way Kubernetes' YAML decoder does, duplicate keys reported instead of
silently dropped, and no tag ever constructed (``!!python/object`` stays a string).
Building from events keeps the Python work per node to one small object.

Positions are stored as the parser's own mark objects and turned into 1-based
line/column numbers only when a finding needs them (see ``linter.document``).
"""

from __future__ import annotations

import gc
import re
from bisect import bisect_right
from typing import Iterator, Union

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

from .numbers import integral, yaml_number

# The libyaml version whose differences from ruamel.yaml.clib's copy _fasttree.c knows (found
# by comparing both on the yaml-test-suite and fuzzed input): with any other, ruamel builds all.
FASTTREE_LIBYAML = "0.2.5"

try:  # the C tree builder; portlint works the same without it, only slower
    from . import _fasttree  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - exercised only where the extension was not built
    _fasttree = None
if _fasttree is not None and _fasttree.libyaml_version() != FASTTREE_LIBYAML:  # pragma: no cover
    _fasttree = None

MERGE_KEY = "<<"
INT_TAG = "tag:yaml.org,2002:int"


if _fasttree is not None:
    # The C module's node types; the builder here makes them too (one class per kind of node).
    Scalar = _fasttree.Scalar
    _SequenceBase, _MappingBase = _fasttree.SequenceBase, _fasttree.MappingBase
else:  # pragma: no cover - exercised only where the extension was not built
    # A scalar is the parser's own ScalarEvent: ``value`` is the text, ``style`` is '' or None
    # for plain scalars, or one of ``'"|>``; ``tag`` is None unless written; ``start_mark``/
    # ``end_mark`` are its marks. Reusing the event saves one object per scalar.
    Scalar = ScalarEvent

    class _SequenceBase:
        __slots__ = ("items", "sm", "em")

        def __init__(self, sm) -> None:
            self.items: list = []
            self.sm = self.em = sm

    class _MappingBase:
        __slots__ = ("entries", "merges", "sm", "em")

        def __init__(self, sm) -> None:
            self.entries: dict = {}
            self.merges: list | None = None
            self.sm = self.em = sm


def is_plain(node: Scalar) -> bool:
    return not node.style and node.tag is None


def start_mark(node: Node):
    return node.start_mark if node.__class__ is Scalar else node.sm


def end_mark(node: Node):
    return node.end_mark if node.__class__ is Scalar else node.em


class Sequence(_SequenceBase):
    """A sequence: ``items`` are its nodes; ``sm``/``em`` its start and end marks."""

    __slots__ = ()

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Sequence({len(self.items)} items)"


class Mapping(_MappingBase):
    """A mapping with string keys. ``entries`` maps key text to (key node, value node).

    Merged mappings (``<<: *base``) are kept as references in ``merges`` and consulted
    on lookup, never copied: copying would make a merge bomb quadratic.
    """

    __slots__ = ()

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Mapping({list(self.entries)})"


    def entry(self, key: str) -> tuple[Scalar, Node] | None:
        """The (key node, value node) pair for ``key``, own keys first, then merged ones."""
        found = self.entries.get(key)
        if found is not None or self.merges is None:
            return found
        seen: set[int] = {id(self)}
        stack = list(reversed(self.merges))
        while stack:
            m = stack.pop()
            if id(m) in seen:
                continue
            seen.add(id(m))
            found = m.entries.get(key)
            if found is not None:
                return found
            if m.merges:
                stack.extend(reversed(m.merges))
        return None

    def get(self, key: str) -> Node | None:
        found = self.entries.get(key)  # the common case, without a second call
        if found is None and self.merges is not None:
            found = self.entry(key)
        return found[1] if found is not None else None

    def items(self) -> Iterator[tuple[str, Scalar, Node]]:
        """(key, key node, value node) for own keys, then merged keys not overridden."""
        yield from ((k, kv[0], kv[1]) for k, kv in self.entries.items())
        if self.merges is None:
            return
        done = set(self.entries)
        seen: set[int] = {id(self)}
        stack = list(reversed(self.merges))
        while stack:
            m = stack.pop()
            if id(m) in seen:
                continue
            seen.add(id(m))
            for k, kv in m.entries.items():
                if k not in done:
                    done.add(k)
                    yield k, kv[0], kv[1]
            if m.merges:
                stack.extend(reversed(m.merges))


Node = Union[Mapping, Sequence, Scalar]  # the tree's node types
if _fasttree is not None:
    _fasttree.configure(Mapping, Sequence)  # the classes the C builder makes


class Problem:
    """A problem found while building the tree: becomes a PL000 finding."""

    __slots__ = ("message", "line", "col", "end_line", "end_col")

    def __init__(self, message: str, line: int, col: int, end_line: int | None = None, end_col: int | None = None):
        self.message = message
        self.line = line  # 1-based, in the file
        self.col = col
        self.end_line = line if end_line is None else end_line
        self.end_col = col + 1 if end_col is None else end_col


def parse(text: str, first_line: int = 1, accelerated: bool = True) -> tuple[Node | None, list[Problem]]:
    """Parse one YAML document into a tree; syntax errors end the document with a Problem.

    Returns the root (``None`` for an empty document or a syntax error) and the problems
    (syntax error, duplicate keys, invalid merges), 1-based in the file whose line
    ``first_line`` is the first line of ``text``. ``accelerated=False`` builds from ruamel's
    events even where the C builder could (tests compare the two).
    """
    problems = _Problems(first_line - 1)
    lines = _editor_lines(text)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # the tree has no cycles; the collector would triple the parse time
    try:
        if accelerated and lines is None and _fasttree is not None:
            try:
                return _fasttree.build(text), problems.found
            except _fasttree.Fallback:
                pass  # a document the C builder leaves to ruamel's events (see _fasttree.c)
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
    finally:
        if gc_was_enabled:
            gc.enable()
    return root, problems.found


def parse_streaming_items(text: str, first_line: int, on_item) -> tuple[Node | None, list[Problem], bool]:
    """``parse``, but each item of the root mapping's ``items`` sequence (the objects of a List)
    goes to ``on_item`` as soon as it is complete and is dropped from the tree: a List of
    70,000 objects in one JSON document is never held whole. The flag says whether items were
    taken out; when it is False the tree is whole (a document the C builder leaves to ruamel's
    events, or no items), and ``on_item``'s work on any items it got must be thrown away."""
    taken = 0

    def counted(item) -> None:
        nonlocal taken
        taken += 1
        on_item(item)

    if _fasttree is not None and _editor_lines(text) is None:
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            return _fasttree.build(text, counted), [], taken > 0
        except _fasttree.Fallback:
            pass
        finally:
            if gc_was_enabled:
                gc.enable()
    return (*parse(text, first_line, accelerated=False), False)


def _editor_lines(text: str) -> "EditorLines | None":
    """The editors' line starts, for a text holding line breaks only libyaml counts."""
    return EditorLines(text) if not text.isascii() and _OTHER_BREAKS.search(text) else None  # isascii(): 40x faster


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


# libyaml (and go-yaml) count U+0085, U+2028 and U+2029 as line breaks; editors, GitHub and
# every other tool count only LF, CRLF and CR (which sources.py turns into LF). A document
# holding one gets its marks recomputed from their character index, the one thing libyaml
# counts as editors do; every position (nodes, problems) comes from these marks.
_OTHER_BREAKS = re.compile("[\u0085\u2028\u2029]")


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


# -- typed views on scalars, as Kubernetes' decoder (YAML 1.1 via sigs.k8s.io/yaml) reads them

_TRUE = frozenset({"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"})
_FALSE = frozenset({"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"})
_NULL = frozenset({"", "~", "null", "Null", "NULL"})


def is_null(node: Node | None) -> bool:
    return node is None or (node.__class__ is Scalar and is_plain(node) and node.value in _NULL)


def as_bool(node: Node | None) -> bool | None:
    """True/False for a plain boolean scalar (or one tagged !!bool); None for anything else."""
    if node.__class__ is not Scalar or node.style:
        return None
    if node.tag not in (None, "tag:yaml.org,2002:bool"):
        return None
    if node.value in _TRUE:
        return True
    if node.value in _FALSE:
        return False
    return None


def as_int(node: Node | None) -> int | None:
    """The integer an int field (nodePort, port, hostPort, defaultMode...) decodes from a
    plain scalar as Kubernetes reads it: 0x7530, 072460, 30_000, +30000 and 30000.0 are all
    30000 (linter/numbers.py cites the decoder). None for quoted strings, fractions and
    anything else; a ``!!int`` tag must resolve to an integer."""
    if node.__class__ is not Scalar or node.style or node.tag not in (None, INT_TAG):
        return None
    number = yaml_number(node.value)
    if node.tag == INT_TAG and number.__class__ is not int:
        return None
    return integral(number)


def as_str(node: Node | None) -> str | None:
    """The text of a scalar that is not null; None for collections and nulls."""
    if node.__class__ is not Scalar or is_null(node):
        return None
    return node.value


def dig(node: Node | None, *keys: str) -> Node | None:
    """Follow mapping keys; None as soon as a step is missing or not a mapping."""
    for key in keys:
        if type(node) is not Mapping:
            return None
        node = node.get(key)
    return node


def sequence_items(node: Node | None) -> list[Node]:
    return node.items if type(node) is Sequence else []

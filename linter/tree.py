"""A light, position-aware YAML tree built straight from the C parser's events.

Two builders make the same tree: ``_fasttree`` (C, over the system libyaml, in
linter/_fasttree.c) for the documents it can take, and eventtree.py, over ruamel.yaml's
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
from typing import Iterator, Union

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
    from ruamel.yaml.events import ScalarEvent

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

        def get(self, key: str):
            """The value node of ``key``, own keys first, then merged ones (``Mapping.entry``);
            _fasttree.MappingBase has the same in C."""
            found = self.entries.get(key)  # the common case, without a second call
            if found is None and self.merges is not None:
                found = self.entry(key)
            return found[1] if found is not None else None


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
    gc_was_enabled = gc.isenabled()
    gc.disable()  # the tree has no cycles; the collector would triple the parse time
    try:
        if accelerated and _c_builder_may_take(text):
            try:
                return _fasttree.build(text), []
            except _fasttree.Fallback:
                pass  # a document the C builder leaves to ruamel's events (see _fasttree.c)
        from . import eventtree  # the reference builder, and ruamel.yaml with it, imported when needed

        return eventtree.parse(text, first_line)
    finally:
        if gc_was_enabled:
            gc.enable()


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

    if _c_builder_may_take(text):  # the engine, its one caller, has paused the collector
        try:
            return _fasttree.build(text, counted), [], taken > 0
        except _fasttree.Fallback:
            pass
    return (*parse(text, first_line, accelerated=False), False)


# libyaml (and go-yaml) count U+0085, U+2028 and U+2029 as line breaks; editors, GitHub and
# every other tool count only LF, CRLF and CR (which sources.py turns into LF). A document
# holding one is built by eventtree.py, which moves every mark to the editors' lines.
OTHER_BREAKS = re.compile("[\u0085\u2028\u2029]")


def has_other_breaks(text: str) -> bool:
    return not text.isascii() and OTHER_BREAKS.search(text) is not None  # isascii(): 40x faster


def _c_builder_may_take(text: str) -> bool:
    """The C builder is there and its marks count lines as editors do for this text."""
    return _fasttree is not None and not has_other_breaks(text)


# -- typed views on scalars, as Kubernetes' decoder (YAML 1.1 via sigs.k8s.io/yaml) reads them

_TRUE = frozenset({"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"})
_FALSE = frozenset({"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"})
_NULL = frozenset({"", "~", "null", "Null", "NULL"})


def is_null(node: Node | None) -> bool:
    return node is None or (node.__class__ is Scalar and not node.style and node.tag is None and node.value in _NULL)


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
    if node.__class__ is not Scalar or (not node.style and node.tag is None and node.value in _NULL):  # is_null, inline
        return None
    return node.value


def _dig(node: Node | None, *keys: str) -> Node | None:
    """Follow mapping keys; None as soon as a step is missing or not a mapping."""
    for key in keys:
        if type(node) is not Mapping:
            return None
        node = node.get(key)
    return node


dig = _dig if _fasttree is None else _fasttree.dig  # the same, in C (a hot path of every rule)


def sequence_items(node: Node | None) -> list[Node]:
    return node.items if type(node) is Sequence else []

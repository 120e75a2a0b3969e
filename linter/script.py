"""A shell script parsed with tree-sitter-bash, and where its nodes are in the YAML file.

tree-sitter tolerates syntax errors and gives byte offsets. ``Script`` maps those back
through the YAML scalar the script came from (``ScalarMap``) and, for a script nested in
another one (``sh -c '...'`` inside a script), through the script around it. The commands
and redirections are found by walking the tree in Python until a process has walked
WALK_BUDGET nodes, then by one tree-sitter query (in C): building the query costs about as
much as walking 35,000 nodes (5 ms), and a run of a few files has far fewer (start-up); past
the budget the query takes about a quarter less time a node.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from .argv import basename
from .records import frozen
from .scalarpos import ScalarMap

if TYPE_CHECKING:
    from .conditions import Fact


@cache
def _parser():
    """The tree-sitter-bash parser (imported lazily: most runs that only lint Services never
    load tree-sitter)."""
    import tree_sitter

    return tree_sitter.Parser(tree_sitter.Language(_bash_grammar()))


def _bash_grammar():
    """``tree_sitter_bash.language()``, from the package's compiled binding loaded without
    running the package's ``__init__``, which imports importlib.resources (with pathlib and
    urllib: 4 ms, a tenth of a plain check) for query files portlint does not read. A package
    laid out otherwise is imported as usual."""
    import sys
    from importlib.machinery import PathFinder

    if "tree_sitter_bash" not in sys.modules:
        try:
            package = PathFinder.find_spec("tree_sitter_bash")
            spec = PathFinder.find_spec("tree_sitter_bash._binding", package.submodule_search_locations)
            binding = spec.loader.create_module(spec)
            spec.loader.exec_module(binding)
            return binding.language()
        except Exception:  # noqa: BLE001 - any other layout: the package's own import below
            pass
    import tree_sitter_bash

    return tree_sitter_bash.language()


@cache
def _query():
    """A query for the nodes that can write, built once the walk budget is spent."""
    import tree_sitter

    return tree_sitter.QueryCursor(tree_sitter.Query(_parser().language, "(command) @c (redirected_statement) @r"))


WALK_BUDGET = 50_000  # nodes walked in Python per process before the query is built
_walked = 0  # nodes walked so far in this process


def _writing_nodes(tree) -> tuple[list, list]:
    """The commands and the redirected statements of ``tree``, in no set order: walked in
    Python within the process's budget, else found by the query."""
    global _walked
    count = tree.root_node.descendant_count
    if _walked + count <= WALK_BUDGET:
        _walked += count
        return _walk(tree)
    captured = _query().captures(tree.root_node)
    return captured.get("c", []), captured.get("r", [])


def _walk(tree) -> tuple[list, list]:
    """What the query captures, by visiting every node once with a cursor."""
    commands, redirects = [], []
    cursor = tree.walk()
    while True:
        kind = (node := cursor.node).type
        if kind == "command":
            commands.append(node)
        elif kind == "redirected_statement":
            redirects.append(node)
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return commands, redirects


# The deepest syntax tree analysed (levels of nodes below the script's root: subshells,
# braces, && and || lists, conditions, ...). Far beyond what people write; deep enough
# that the analysis stays fast (finding a node's parent costs tree-sitter a walk down
# from the root), and far below the 65,535 levels past which tree-sitter's queries stop
# finding nodes. A deeper script is not analysed and is reported instead (PL000).
MAX_NESTING = 2_000
_UNKNOWN = object()


def _deeper_than(tree, limit: int) -> bool:
    """True when a node of ``tree`` lies more than ``limit`` levels below its root. A tree
    of at most ``limit`` nodes cannot be (the common case: no walk)."""
    if tree.root_node.descendant_count <= limit:
        return False
    cursor = tree.walk()
    depth = 0
    while True:
        if cursor.goto_first_child():
            depth += 1
            if depth > limit:
                return True
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return False
            depth -= 1


@frozen
class Enclosing:
    """Where a nested script (``sh -c '...'`` inside a script) sits in the script that runs it."""

    script: Script
    start: int | None  # byte where the inner text starts in ``script``; None when not exact (escapes)
    command: object  # the ``sh -c`` node in ``script``: every position when ``start`` is None
    facts: tuple[Fact, ...]  # what holds wherever that command runs


class Script:
    """One parsed script: its bytes, its commands and redirections, and their positions.

    ``shell`` is the program that runs it: at the top level of a script, ``return`` leaves
    it in sh, dash, ash and bash's POSIX mode, but plain ``bash`` reports an error and
    goes on (``top_level_return_exits``)."""

    __slots__ = (
        "data", "positions", "enclosing", "tree", "commands", "redirects", "top_level_return_exits", "shell", "too_deep",
        "memo", "_parents", "_ascii",
    )  # fmt: skip

    def __init__(self, text: str, positions: ScalarMap, shell: str, enclosing: Enclosing | None = None) -> None:
        self.data = text.encode("utf-8")
        self.positions = positions
        self.enclosing = enclosing
        self.shell = basename(shell)
        self.top_level_return_exits = self.shell != "bash"
        self._ascii = self.data.isascii()
        self.tree = _parser().parse(self.data)
        self.memo = None  # what linter.conditions learnt about this script
        self._parents: dict[int, object] = {}
        self.too_deep = _deeper_than(self.tree, MAX_NESTING)
        # every command (also the calls of functions) and redirected statement, in no set order
        self.commands, self.redirects = _writing_nodes(self.tree) if not self.too_deep else ([], [])

    def parent(self, node):
        """``node.parent``, remembered: tree-sitter finds a parent by searching down from the
        root on every call, so walking up a deep script without this is quadratic."""
        known = self._parents.get(node.id, _UNKNOWN)
        if known is _UNKNOWN:
            known = self._parents[node.id] = node.parent
        return known

    def _offset(self, byte: int) -> int:
        """Character offset in the YAML scalar of a byte of this script."""
        outer = self.enclosing
        if outer is not None:
            return outer.script._offset(outer.start + byte if outer.start is not None else outer.command.start_byte)
        return byte if self._ascii else len(self.data[:byte].decode("utf-8", errors="replace"))

    def _exact(self) -> bool:
        outer = self.enclosing
        return self.positions.exact and (outer is None or (outer.start is not None and outer.script._exact()))

    def locate(self, node) -> tuple[int, int]:
        """1-based (line, column) of the start of ``node`` in the file."""
        return self.positions.locate(self._offset(node.start_byte))

    def region(self, node, end_byte: int | None = None) -> tuple[int, int, int, int]:
        """(line, column, end line, end column) of ``node`` (up to ``end_byte`` when given:
        ``echo 1 > /proc/sys/x`` spans the command and its target) in the file, ended at its
        first line's end so that the region stays on the flagged line; one character when
        the mapping cannot be exact."""
        return self.span(node.start_byte, node.end_byte if end_byte is None else end_byte)

    def span(self, start: int, end: int) -> tuple[int, int, int, int]:
        """The region of the bytes ``start``..``end`` of this script, as ``region`` gives it."""
        offset = self._offset(start)
        line, col = self.positions.locate(offset)
        if not self._exact():
            return line, col, line, col + 1
        end = start + len(self.data[start:end].partition(b"\n")[0])  # its first line only
        end_line, end_col = self.positions.locate(self._offset(end))
        if end_line != line:  # a folded scalar joins lines: stop where the source line ends
            end_line, end_col = line, self.positions.line_end(offset)
        return line, col, end_line, end_col


def redirections_of(command):
    """The redirected_statement whose redirections apply to ``command``, or None: the one
    around it, or around a list it ends (``a && tee F <<EOF``: the shell applies the
    redirections to the last command)."""
    node, parent = command, command.parent
    while parent is not None and parent.type == "list" and parent.named_children[-1] == node:
        node, parent = parent, parent.parent
    if parent is None or parent.type != "redirected_statement" or parent.child_by_field_name("body") != node:
        return None
    return parent


def command_arguments(command) -> list:
    """The argument words of ``command``, with those written after a here-document operator:
    tree-sitter-bash puts the words of ``tee <<EOF FILE`` after ``<<EOF`` inside the
    statement's heredoc_redirect, not in the command, but the shell passes them to it all
    the same."""
    found = command.children_by_field_name("argument")
    statement = redirections_of(command)
    if statement is not None:
        for redirect in statement.children_by_field_name("redirect"):
            if redirect.type == "heredoc_redirect":
                found.extend(redirect.children_by_field_name("argument"))
    return found


def word_text(node) -> str:
    """A shell word without its quotes ("a"'b'c -> abc); expansions kept as written."""
    kind = node.type
    if kind == "raw_string":
        return node.text.decode("utf-8", "replace")[1:-1]
    if kind == "string":
        return "".join(c.text.decode("utf-8", "replace") if c.type != '"' else "" for c in node.children)
    if kind in ("concatenation", "command_name"):
        return "".join(word_text(c) for c in node.children)
    return node.text.decode("utf-8", "replace")

"""Constant values of a script's variables, for the words of the commands that write sysctls.

Simple constant propagation, only where it is certain: ``P=/proc/sys/net/core/somaxconn;
echo 1 > "$P"``, ``KEY=vm.max_map_count; sysctl -w $KEY=262144`` and ``for k in a=1 b=2; do
sysctl -w "$k"; done`` (one value per word of the list). A variable is known at a use when
every binding of it in the script is a top-level constant assignment (``V=...``, ``export
V=...``, directly in the script, not in a branch, loop or function; its value may use other
known constants) and the last one before the use is taken, or when the use is inside a
``for V in WORDS`` loop that is the only binding of V in its body. Anything else (``read V``,
``V=$(cmd)``, an assignment in an ``if``, a use before any assignment) leaves it unknown:
the word is then kept as written (``$KEY=262144``).

Only the names a write's words expand are looked up, and only where the name occurs in the
script's bytes (a byte search, then the node at that place): no walk over the whole script,
which is the hot path.
"""

from __future__ import annotations

import re
from itertools import product

from .script import Script, word_text

MAX_ENVIRONMENTS = 64  # nested loops: at most this many combinations are expanded
MAX_DEPTH = 8  # a value is followed through at most this many names (V2=$V1, V1=$V0, sh -c levels)
_EXPANSIONS = frozenset({"simple_expansion", "expansion"})
_READERS = frozenset({"read", "getopts", "mapfile", "readarray", "printf"})


_DECLARATIONS = frozenset({"unset_command", "declaration_command"})
_PLAIN_EXPANSIONS = (["$", "variable_name"], ["${", "variable_name", "}"])  # the node types of $V and ${V}


class Variables:
    """The constants of one script; ``outer`` is (the Variables of the script around a nested
    ``sh -c "..."`` whose double-quoted text the outer shell expands, the ``sh`` command)."""

    __slots__ = ("script", "outer", "_bindings", "_scopes")  # _bindings: name -> its binding nodes, filled on demand

    def __init__(self, script: Script, outer: tuple[Variables, object] | None = None) -> None:
        self.script = script
        self.outer = outer
        self._bindings: dict[str, list] | None = None
        self._scopes: dict[int, tuple[bool, tuple]] = {}  # node id -> _scope

    def _of(self, name: str) -> list:
        """The bindings of ``name``: assignments, for loops, unset/local/declare, read and the
        like, in document order; found where the name occurs as a word in the script."""
        if self._bindings is None:
            self._bindings = {}
        found = self._bindings.get(name)
        if found is not None:
            return found
        found = []
        data = self.script.data
        # not $NAME or ${NAME}, which are uses (the regex skips them before any node lookup)
        pattern = re.compile(rb"(?<![\w$])(?<!\$\{)" + re.escape(name.encode()) + rb"(?!\w)")
        root = self.script.tree.root_node
        for match in pattern.finditer(data):
            node = root.descendant_for_byte_range(match.start(), match.end())
            binder = _binder(node)
            if binder is not None and (not found or found[-1] != binder):
                found.append(binder)
        self._bindings[name] = found
        return found

    def values(self, name: str, at, depth: int) -> list[str] | None:
        """The values $name can have where ``at`` runs: a loop's words, or the one value of a
        constant; None when they are not known."""
        if depth >= MAX_DEPTH:
            return None
        bindings = self._of(name)
        if not bindings:
            if self.outer is not None:
                outer, command = self.outer
                return outer.values(name, command, depth + 1)
            return None
        in_function, loops = self._scope(at)
        loop = _enclosing_loop(loops, at, name)
        if loop is not None:
            body = loop.child_by_field_name("body")
            if body is None or any(_inside(b, body) for b in bindings):  # V is bound again in the body
                return None
            words = [w for w in loop.children_by_field_name("value")]
            if not words:
                return None  # for V; do: the positional parameters
            found: list[str] = []
            for word in words:
                for fields in self._fields_at(word, loop, depth + 1):
                    found.extend(fields)
            return found
        constants = []
        for binding in bindings:
            value = self._constant(binding, depth + 1)
            if value is None:
                return None
            constants.append((binding, value))
        if in_function:
            return [constants[0][1]] if len(constants) == 1 else None
        before = [value for binding, value in constants if binding.end_byte <= at.start_byte]
        return [before[-1]] if before else None

    def _scope(self, node) -> tuple[bool, tuple]:
        """(whether ``node`` is inside a function, the for loops around it, innermost first),
        from its parent's: one walk up a deep script serves every write in it."""
        scopes = self._scopes
        path = []
        current = node
        while current.id not in scopes:
            parent = self.script.parent(current)
            if parent is None:
                scopes[current.id] = (False, ())
                break
            path.append((current, parent))
            current = parent
        for child, parent in reversed(path):
            in_function, loops = scopes[parent.id]
            if parent.type == "for_statement":
                loops = (parent, *loops)
            scopes[child.id] = (in_function or parent.type == "function_definition", loops)
        return scopes[node.id]

    def _constant(self, binding, depth: int) -> str | None:
        """The value of a top-level constant assignment, else None."""
        if binding.type != "variable_assignment":
            return None
        parent = binding.parent
        if parent is not None and parent.type in ("variable_assignments", "declaration_command"):
            if parent.type == "declaration_command" and word_text(parent.children[0]) not in ("export", "readonly", "declare"):
                return None
            parent = parent.parent
        if parent is None or parent.type != "program":
            return None
        value = binding.child_by_field_name("value")
        if value is None:
            return ""
        if value.type in ("command_substitution", "process_substitution", "arithmetic_expansion", "array"):
            return None
        fields = self._fields_at(value, binding, depth)
        if len(fields) != 1 or len(fields[0]) != 1 or _unresolved(fields[0][0]):
            return None
        return fields[0][0]

    def _fields_at(self, node, at, depth: int) -> list[list[str]]:
        """The fields of one word, per environment of the loops around ``at``."""
        return [per_node[0] for per_node in self.expand([node], at, depth)]

    def expand(self, nodes: list, at, depth: int = 0) -> list[list[list[str]]]:
        """The words ``nodes`` expand to where ``at`` runs: per environment (one per
        iteration of the for loops whose variables they use), per node, its fields (known
        constants substituted, an unquoted expansion split on blanks, unknown ones kept as
        written)."""
        names = [name for node in nodes for name in _used_names(node)]
        if not names:
            return [[[word_text(node)] for node in nodes]]
        choices: dict[str, list[str | None]] = {}
        for name in dict.fromkeys(names):
            found = self.values(name, at, depth)
            choices[name] = [None] if found is None else list(found)  # a loop over no words: no environment
        environments: list[dict[str, str | None]] = []
        for combination in product(*choices.values()):
            environments.append(dict(zip(choices, combination)))
            if len(environments) >= MAX_ENVIRONMENTS:
                break
        return [[_fields(node, env) for node in nodes] for env in environments]


def _binder(node):
    """The statement that binds the name at ``node``, or None when the name is only
    mentioned there (``echo KEY``, ``$KEY``)."""
    if node is None:
        return None
    parent = node.parent
    if node.type == "variable_name" and parent is not None:
        if parent.type == "variable_assignment":
            if parent.parent.type == "command":
                return None  # V=1 cmd: only cmd's environment
            return parent
        if parent.type == "for_statement":
            return parent
        if parent.type in _DECLARATIONS:
            if parent.type == "declaration_command" and word_text(parent.children[0]) in ("export", "readonly"):
                return None  # export V: the value stays
            return parent
        return None
    argument = parent if node.type == "string_content" else node  # read "V": the string
    command = argument.parent
    if command is not None and command.type == "command":
        name = command.child_by_field_name("name")
        if name is not None and name != argument and word_text(name) in _READERS:
            return command  # read V, read 'V', printf -v V, mapfile V
    return None


def _unresolved(text: str) -> bool:
    return "$" in text or "`" in text


def _used_names(node) -> list[str]:
    """The variables a word expands (a walk over the word's few nodes, not the script)."""
    if b"$" not in (node.text or b""):
        return []
    names = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in _EXPANSIONS:
            name = plain_name(current)
            if name is not None:
                names.append(name)
            continue
        if current.type == "command_substitution":
            continue
        stack.extend(current.children)
    return names


def plain_name(expansion) -> str | None:
    """V in $V or ${V}; None for ${V:-x}, ${#V} (a length), ${!V} (another variable), ${V[0]},
    $@..., whose value is not V's, and for any node that is not an expansion."""
    if [c.type for c in expansion.children] in _PLAIN_EXPANSIONS:
        return expansion.children[1].text.decode("utf-8", "replace")
    return None


def _fields(node, env: dict[str, str | None]) -> list[str]:
    kind = node.type
    if kind in _EXPANSIONS:
        name = plain_name(node)
        value = env.get(name) if name is not None else None
        if value is None:
            return [node.text.decode("utf-8", "replace")]
        return value.split()  # unquoted: split into fields
    if b"$" not in (node.text or b""):
        return [word_text(node)]
    if kind == "string":
        return ["".join(_quoted(c, env) for c in node.children if c.type != '"')]
    if kind == "concatenation":
        return ["".join(" ".join(_fields(c, env)) for c in node.children)]
    return [word_text(node)]


def _quoted(node, env: dict[str, str | None]) -> str:
    if node.type in _EXPANSIONS:
        name = plain_name(node)
        value = env.get(name) if name is not None else None
        if value is not None:
            return value
    return node.text.decode("utf-8", "replace")


def _enclosing_loop(loops: tuple, node, name: str):
    """The innermost of ``loops`` (those around ``node``) that is ``for NAME in ...`` with
    ``node`` in its body."""
    for loop in loops:
        variable = loop.child_by_field_name("variable")
        body = loop.child_by_field_name("body")
        if variable is not None and variable.text.decode("utf-8", "replace") == name and body is not None and _inside(node, body):
            return loop
    return None


def _inside(node, ancestor) -> bool:
    """Whether ``node`` starts in ``ancestor``'s bytes (walking up parents is slow in tree-sitter)."""
    return node.start_byte in range(ancestor.start_byte, ancestor.end_byte)

"""The sysctl writes an argv makes, each with its exact position and the facts that guard it.

The exec form (``[sysctl, -w, k=v]``) is read word by word. A shell script (``sh -c
SCRIPT``) is parsed with tree-sitter-bash (``linter.script``) and searched for ``sysctl``
writes (``-w``, ``-p``, ``--system``, bare ``k=v``), redirections into ``/proc/sys``, ``tee
/proc/sys/...`` and nested ``sh -c`` scripts; each write gets the conditions that dominate
it (``linter.conditions``) so that its POD_IP/HOST_IP guard can be judged
(``linter.guard``). Which command a word list runs, behind wrappers such as ``sudo``, is
``linter.argv``'s decision, for both forms.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .argv import SHELLS, WRAPPERS, basename, command_index, script_index
from .conditions import Fact, facts_at
from .scalarpos import ScalarMap
from .script import Enclosing, Script, word_text
from .sources import Document
from .sysctls import normalize
from .tree import Scalar

MAX_NESTED_SHELLS = 3  # sh -c 'sh -c "..."': deeper nesting is not searched
PROC_SYS = "/proc/sys/"
_WRITERS = frozenset({"sysctl", "tee", "mount"})
# the command names worth a closer look; every other command (echo, set, ulimit...) is skipped
# after one set lookup, which keeps long scripts cheap
_INTERESTING = _WRITERS | SHELLS | frozenset(WRAPPERS)


@dataclass(slots=True)
class Write:
    """One sysctl write. ``key`` is None for ``sysctl -p`` (keys in a file)."""

    key: str | None
    value: str | None
    how: str  # "sysctl" | "sysctl -p" | "/proc/sys"
    line: int
    column: int
    end_line: int
    end_column: int
    facts: list[Fact] = field(default_factory=list)
    source_file: str | None = None  # for sysctl -p


@dataclass(slots=True)
class Program:
    """What a container runs, as far as it can be read statically."""

    writes: list[Write]
    remounts_proc_sys: bool = False


def analyze(argv: list[Scalar], doc: Document) -> Program:
    """The sysctl writes of one argv (``linter.argv.of_container``); ``doc`` is the document
    its scalars come from, for positions."""
    words = [a.value for a in argv]
    start = command_index(words)
    if start is None:
        return Program([])
    program = basename(words[start])
    if program == "sysctl":
        return Program(_exec_writes(doc, argv[start:], words[start + 1 :]))
    if program in SHELLS:
        index = script_index(words[start + 1 :])
        if index is not None:
            return _script_program(doc, argv[start + 1 + index], program)
    return Program([])


def _exec_writes(doc: Document, argv: list[Scalar], args: list[str]) -> list[Write]:
    """``[sysctl, ARGS...]``: each write at the list item that makes it (``k=v``, ``-p``)."""
    writes = []
    for index, key, value, how in sysctl_arguments(args):
        loc = doc.location(argv[index + 1])
        writes.append(
            Write(
                key,
                value,
                how,
                loc.line,
                loc.column,
                loc.end_line,
                loc.end_column,
                source_file=value if how == "sysctl -p" else None,
            )
        )
    return writes


def sysctl_arguments(args: list[str]) -> list[tuple[int, str | None, str | None, str]]:
    """The writes of ``sysctl ARGS``: (argument index, key, value, how).
    ``key=value`` pairs write (with or without -w); ``-p [FILE]``, ``--load``, ``--system``
    load keys from files (key None). Plain names only read."""
    out: list[tuple[int, str | None, str | None, str]] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("-p", "--load") or arg.startswith("--load=") or (arg.startswith("-p") and not arg.startswith("--")):
            if arg.startswith("--load="):
                out.append((i, None, arg.split("=", 1)[1], "sysctl -p"))
            elif arg in ("-p", "--load"):
                nxt = args[i + 1] if i + 1 < len(args) and not args[i + 1].startswith("-") and "=" not in args[i + 1] else None
                out.append((i, None, nxt or "/etc/sysctl.conf", "sysctl -p"))
                if nxt is not None:
                    i += 1
            else:  # -pFILE
                out.append((i, None, arg[2:] or "/etc/sysctl.conf", "sysctl -p"))
        elif arg == "--system":
            out.append((i, None, "the system sysctl.d files", "sysctl -p"))
        elif not arg.startswith("-") and "=" in arg:
            key, value = arg.split("=", 1)
            out.append((i, normalize(key), value, "sysctl"))
        i += 1
    return out


def _might_write(text: str) -> bool:
    """Cheap pre-check: a script that never names sysctl or /proc/sys is not parsed."""
    return "sysctl" in text or PROC_SYS in text


def _script_program(doc: Document, scalar: Scalar, shell: str) -> Program:
    text = scalar.value
    if not _might_write(text):
        return Program([])
    finder = _WriteFinder(Script(text, ScalarMap(doc, scalar), shell), 0)
    finder.run()
    return Program(finder.writes, finder.remounts)


class _WriteFinder:
    """The writes of one parsed script (and of the scripts nested in it)."""

    def __init__(self, script: Script, depth: int) -> None:
        self.script = script
        self.depth = depth
        self.writes: list[Write] = []
        self.remounts = False

    def run(self) -> None:
        """Commands and redirections in document order."""
        nodes = self.script.commands + self.script.redirects
        nodes.sort(key=lambda n: (n.start_byte, -n.end_byte))
        for node in nodes:
            if node.type == "command":
                self._command(node)
            else:
                self._redirect(node)
        self.writes.sort(key=lambda w: (w.line, w.column))

    def _command(self, node) -> None:
        name_node = node.child_by_field_name("name")
        if name_node is None:
            return
        name = basename(word_text(name_node))
        if name not in _INTERESTING:
            return
        arguments = node.children_by_field_name("argument")
        words = [name] + [word_text(a) for a in arguments]
        start = command_index(words)
        if start is None:
            return
        program, args = basename(words[start]), words[start + 1 :]  # args[i] is arguments[start + i]
        if program == "sysctl":
            for _, key, value, how in sysctl_arguments(args):
                self._add(node, key, value, how)
        elif program in SHELLS:
            if self.depth < MAX_NESTED_SHELLS:
                self._nested_script(node, program, arguments[start:], args)
        elif program == "tee":
            for word in args:
                if word.startswith(PROC_SYS):
                    self._add(node, normalize(word[len(PROC_SYS) :]), _piped_value(node), "/proc/sys")
        elif program == "mount" and any(w.startswith("/proc/sys") for w in args) and any("remount" in w for w in args):
            self.remounts = True

    def _redirect(self, node) -> None:
        for redirect in node.children_by_field_name("redirect"):
            if redirect.type != "file_redirect":
                continue
            operator = next((c.type for c in redirect.children if c.type in (">", ">>", ">|", "&>", "&>>")), None)
            destination = redirect.child_by_field_name("destination")
            if operator is None or destination is None:
                continue
            target = word_text(destination)
            if target.startswith(PROC_SYS):
                writer = _redirected_command(node)
                value = _printed(writer) if writer.type == "command" else None
                self._add(writer, normalize(target[len(PROC_SYS) :]), value, "/proc/sys")

    def _nested_script(self, node, shell: str, arguments: list, texts: list[str]) -> None:
        """``sh -c '...'`` inside the script: search the inner script too. Its writes run
        only where the sh command runs, so they inherit that command's facts."""
        index = script_index(texts)
        if index is None or not _might_write(texts[index]):
            return
        argument = arguments[index]
        exact = argument.type == "raw_string" or (argument.type == "string" and b"\\" not in (argument.text or b""))
        start = argument.start_byte + 1 if exact else None
        enclosing = Enclosing(self.script, start, node, tuple(self._facts(node)))
        inner = _WriteFinder(Script(texts[index], self.script.positions, shell, enclosing), self.depth + 1)
        inner.run()
        self.writes.extend(inner.writes)
        self.remounts = self.remounts or inner.remounts

    def _facts(self, node) -> list[Fact]:
        """What holds where ``node`` runs, in this script and in the scripts around it."""
        enclosing = self.script.enclosing
        own = facts_at(self.script, node)
        return list(enclosing.facts) + own if enclosing is not None else own

    def _add(self, node, key, value, how) -> None:
        line, col, end_line, end_col = self.script.region(node)
        source_file = value if how == "sysctl -p" else None
        self.writes.append(Write(key, value, how, line, col, end_line, end_col, self._facts(node), source_file))


def _redirected_command(statement):
    """The command a redirection applies to. tree-sitter-bash attaches ``> f`` in
    ``a && b > f`` to the whole list, but the shell applies it to ``b`` only: take the
    rightmost command, so that its position and its guarding ``a`` are right."""
    body = statement.child_by_field_name("body")
    while body is not None and body.type == "list":
        operands = [c for c in body.children if c.is_named]
        body = operands[-1] if operands else None
    return body if body is not None else statement


def _piped_value(tee_command) -> str | None:
    """The value echoed into ``tee``: ``echo 1 | tee /proc/sys/...``."""
    pipeline = tee_command.parent
    if pipeline is None or pipeline.type != "pipeline":
        return None
    commands = [c for c in pipeline.children if c.is_named]
    index = commands.index(tee_command) if tee_command in commands else 0
    if index == 0:
        return None
    source = commands[index - 1]
    if source.type != "command":
        return None
    return _printed(source)


def _printed(command) -> str | None:
    """What ``echo ARGS`` or ``printf FORMAT ARGS`` prints, roughly; None for other commands."""
    name = command.child_by_field_name("name")
    if name is None or word_text(name) not in ("echo", "printf"):
        return None
    words = [w for w in (word_text(c) for c in command.children_by_field_name("argument")) if not w.startswith("-")]
    if word_text(name) == "printf" and len(words) > 1 and "%" in words[0]:
        words = words[1:]
    return " ".join(words) or None

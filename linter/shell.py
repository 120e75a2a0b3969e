"""The sysctl writes an argv makes, each with its exact position and the facts that guard it.

The exec form (``[sysctl, -w, k=v]``) is read word by word. A shell script (``sh -c
SCRIPT``) is parsed with tree-sitter-bash (``linter.script``) and searched for ``sysctl``
writes (``-w``, ``-p``, ``--system``, bare ``k=v``), redirections into ``/proc/sys``, ``tee``,
``dd of=``, ``cp``, ``python -c``/``perl -e`` one-liners and nested ``sh -c`` scripts; each
write gets the conditions that dominate it (``linter.conditions``) so that its POD_IP/HOST_IP
guard can be judged (``linter.guard``). Which command a word list runs, behind wrappers such
as ``sudo``, ``nsenter`` or ``xargs``, and what those wrappers change (the namespaces nsenter
enters, the words xargs appends), is ``linter.argv``'s decision, for both forms; shell
functions that run ``"$@"`` behind a wrapper are wrappers too. Words are expanded with the
script's constants (``linter.variables``). A path is a sysctl target when it is under
``/proc/sys`` or, through one of the container's hostPath mounts (``HostMounts``), under the
node's ``/proc/sys`` or ``/etc/sysctl.d``.
"""

from __future__ import annotations

import re

from . import script_memo
from .argv import SHELLS, WRAPPERS, Entered, Invocation, basename, script_file_index, script_index, unwrap
from .conditions import MAX_CALL_DEPTH, Fact, facts_at
from .records import copy_with, field, frozen, mutable
from .scalarpos import ScalarMap
from .script import MAX_NESTING, Enclosing, Script, command_arguments, redirections_of, word_text
from .sources import Document
from .sysctls import normalize
from .tree import Scalar
from .variables import Variables
from .volumes import NO_CONFIG, ConfigMounts

MAX_NESTED_SHELLS = 3  # sh -c 'sh -c "..."': deeper nesting is not searched
PROC_SYS = "/proc/sys/"
SYSCTL_FILES = ("/etc/sysctl.d/", "/usr/lib/sysctl.d/", "/run/sysctl.d/", "/lib/sysctl.d/")
# what `sysctl --system` loads (procps): the *.conf files of these directories, then /etc/sysctl.conf
SYSTEM = "the system sysctl.d files"
SYSTEM_DIRS = ("/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d", "/lib/sysctl.d")
SYSCTL_CONF = "/etc/sysctl.conf"


def loaded_files(source_file: str) -> tuple[list[str], tuple[str, ...]]:
    """(files, directories whose *.conf files) a ``sysctl -p FILE`` / ``--system`` loads."""
    if source_file == SYSTEM:
        return [SYSCTL_CONF], SYSTEM_DIRS
    return [source_file], ()


def loader_of(source_file: str) -> str:
    return "sysctl --system" if source_file == SYSTEM else "sysctl -p"
_COPIERS = frozenset({"cp", "install", "mv"})
_WRITERS = frozenset({"sysctl", "tee", "mount", "dd", "perl"}) | _COPIERS
_SOURCE = frozenset({"source", "."})  # run a script file in the same shell
# the command names worth a closer look; every other command (echo, set, ulimit...) is skipped
# after one set lookup, which keeps long scripts cheap
_INTERESTING = _WRITERS | SHELLS | frozenset(WRAPPERS) | _SOURCE
_INTERESTING_BYTES = frozenset(name.encode() for name in _INTERESTING)
_PLAIN_NAME = re.compile(rb"[\w.+-]+")  # a command name without quotes, slashes or expansions
_PYTHON = re.compile(r"python[0-9.]*$")
_ALL_ARGS = frozenset({'"$@"', "$@", '"${@}"', "${@}", "$*", '"$*"'})
_ALL_ARGS_BYTES = re.compile(rb"\$@|\$\{@\}|\$\*")


@mutable
class Write:
    """One sysctl write. ``key`` is None when it is not known: ``sysctl -p`` (keys in a file,
    ``source_file``), keys from a variable or from xargs' input, a file copied into the
    node's sysctl.d. ``entered``: the namespaces nsenter wrappers made it run in, innermost
    last; ``host``: 'proc' or 'sysctl.d' when the write goes through a hostPath mount of
    the node's /proc or sysctl.d, at ``target`` (the path as the container sees it)."""

    key: str | None
    value: str | None
    how: str  # "sysctl" | "sysctl -p" | "/proc/sys" | "sysctl.d"
    line: int
    column: int
    end_line: int
    end_column: int
    facts: list[Fact] = field(default_factory=list)
    source_file: str | None = None  # for sysctl -p
    entered: tuple[Entered, ...] = ()
    host: str | None = None
    target: str | None = None
    loader: str | None = None  # a key read from a file: "sysctl -p" or "sysctl --system" loads it

    def moved(self, lines: int) -> Write:
        """A copy ``lines`` further down the file, with its facts (linter.script_memo)."""
        return copy_with(self, line=self.line + lines, end_line=self.end_line + lines, facts=[f.moved(lines) for f in self.facts])


@mutable
class ScriptRun:
    """A script the program runs by path (``bash /scripts/init.sh``, ``. /x.sh``,
    ``/opt/tune.sh``): ``shell`` runs it (None: executed directly, its ``#!`` line decides),
    ``facts`` hold where it runs, ``entered`` the namespaces nsenter wrappers entered."""

    path: str
    shell: str | None
    facts: list[Fact] = field(default_factory=list)
    entered: tuple[Entered, ...] = ()

    def moved(self, lines: int) -> ScriptRun:
        return copy_with(self, facts=[f.moved(lines) for f in self.facts])


@frozen
class Unread:
    """A script nested deeper than the analysis reads (``linter.script.MAX_NESTING``): its
    writes are not known, so the script itself is reported, at its first line."""

    line: int
    column: int
    end_line: int
    end_column: int

    def moved(self, lines: int) -> Unread:
        return copy_with(self, line=self.line + lines, end_line=self.end_line + lines)

    @property
    def message(self) -> str:
        return (
            f"this shell script is nested more than {MAX_NESTING:,} levels deep (subshells, braces, && and || "
            "lists, conditions), beyond what portlint analyses: its sysctl writes and their guards are not checked"
        )


@mutable
class Program:
    """What a container runs, as far as it can be read statically; ``unread``: its scripts
    too deep to analyse."""

    writes: list[Write]
    remounts_proc_sys: bool = False
    runs: list[ScriptRun] = field(default_factory=list)
    unread: list[Unread] = field(default_factory=list)

    def moved(self, lines: int) -> Program:
        """A copy ``lines`` further down the file: a remembered analysis reused for another
        scalar of the same shape (linter.script_memo)."""
        writes = [w.moved(lines) for w in self.writes]
        return copy_with(self, writes=writes, runs=[r.moved(lines) for r in self.runs], unread=[u.moved(lines) for u in self.unread])


class HostMounts:
    """A container's writable hostPath mounts: where a path it writes lands on the node."""

    __slots__ = ("_mounts",)

    def __init__(self, mounts: list[tuple[str, str]]) -> None:
        # (mountPath, host path), the longest mountPath first so that nested mounts win
        self._mounts = tuple(sorted(((m.rstrip("/") or "/", h.rstrip("/") or "/") for m, h in mounts), key=lambda p: -len(p[0])))

    def __eq__(self, other: object) -> bool:  # a value: part of linter.script_memo's keys
        return isinstance(other, HostMounts) and self._mounts == other._mounts

    def __hash__(self) -> int:
        return hash(self._mounts)

    def host_path(self, path: str) -> str | None:
        """The node's path behind ``path``, or None when no hostPath mount holds it."""
        for mount, host in self._mounts:
            if path == mount or path.startswith(mount + "/") or mount == "/":
                rest = path[len(mount) :] if mount != "/" else path
                return (host.rstrip("/") + rest) if rest else host
        return None

    def mentioned(self, text: str) -> bool:
        return any(mount in text for mount, _ in self._mounts)


NO_MOUNTS = HostMounts([])


@frozen
class Target:
    """A path a command writes, when it is a sysctl: the key (None for a sysctl.d file)
    and, through a hostPath mount, which of the node's trees it reaches."""

    key: str | None
    how: str  # "/proc/sys" | "sysctl.d"
    host: str | None  # None | "proc" | "sysctl.d"
    path: str


def sysctl_target(path: str, mounts: HostMounts) -> Target | None:
    """What writing ``path`` changes: a key under /proc/sys (the container's own, or the
    node's through a hostPath mount of /proc), a node sysctl.d file; None for anything else."""
    path = re.sub("/+", "/", path)
    host = mounts.host_path(path)
    if host is not None:
        if host.startswith(PROC_SYS):
            return Target(_key(host[len(PROC_SYS) :]), "/proc/sys", "proc", path)
        if host.startswith(SYSCTL_FILES) or host == "/etc/sysctl.conf" or host.rstrip("/") + "/" in SYSCTL_FILES:
            return Target(None, "sysctl.d", "sysctl.d", path)
    if path.startswith(PROC_SYS):
        return Target(_key(path[len(PROC_SYS) :]), "/proc/sys", None, path)
    return None


def _key(text: str) -> str | None:
    """A key as written: None when it is not known at all (``$KEY``); a key with a variable
    part (``net.ipv4.conf.$IF.rp_filter``) keeps it, its prefix still says its namespace."""
    key = normalize(text)
    return None if not key or key.startswith(("$", "`")) else key


def _value(text: str | None) -> str | None:
    return None if text is None or "$" in text or "`" in text else text


def analyze(argv: list[Scalar], doc: Document, mounts: HostMounts = NO_MOUNTS, files: ConfigMounts = NO_CONFIG) -> Program:
    """The sysctl writes of one argv (``linter.argv.of_container``); ``doc`` is the document
    its scalars come from, for positions; ``mounts`` the container's hostPath mounts;
    ``files`` its ConfigMap/Secret mounts, whose scripts it may run by path (``runs``)."""
    words = [a.value for a in argv]
    invocation = unwrap(words)
    start = invocation.index
    if start is None:
        return Program([])
    program = basename(words[start])
    if program == "sysctl":
        return Program(_exec_writes(doc, argv[start:], words[start + 1 :], invocation))
    if program in SHELLS:
        index = script_index(words[start + 1 :])
        if index is not None:
            return _script_program(doc, argv[start + 1 + index], program, mounts, invocation.entered, files)
        operand = script_file_index(words[start + 1 :])
        if operand is not None and files.holds(words[start + 1 + operand]):
            return Program([], runs=[ScriptRun(words[start + 1 + operand], program, [], invocation.entered)])
        return Program([])
    if files.holds(words[start]):
        return Program([], runs=[ScriptRun(words[start], None, [], invocation.entered)])
    if _PYTHON.match(program) or program == "perl":
        code = _code_index(program, words[start + 1 :])
        if code is not None:
            scalar = argv[start + 1 + code]
            loc = doc.location(scalar)
            return Program(
                [
                    Write(t.key, v, t.how, loc.line, loc.column, loc.end_line, loc.end_column, entered=invocation.entered,
                          host=t.host, target=t.path)  # fmt: skip
                    for t, v in _one_liner_writes(program, scalar.value, mounts)
                ]
            )
    return Program([])


def _write_flag(arg: str) -> bool:
    """sysctl's -w: alone, among bundled short options (-qw), or as --write."""
    return arg == "--write" or (arg[:1] == "-" and arg[1:2] != "-" and "w" in arg)


def _exec_writes(doc: Document, argv: list[Scalar], args: list[str], invocation: Invocation) -> list[Write]:
    """``[sysctl, ARGS...]``: each write at the list item that makes it (``k=v``, ``-p``);
    behind xargs, whose input the manifest does not show, a ``-w`` is a write of unknown keys."""
    writes = []
    found = sysctl_arguments(args)
    if invocation.input_args and not found and any(_write_flag(a) for a in args):
        found = [(-1, None, None, "sysctl")]
    for index, key, value, how in found:
        loc = doc.location(argv[index + 1])
        source = value if how == "sysctl -p" else None
        writes.append(
            Write(key, value, how, loc.line, loc.column, loc.end_line, loc.end_column, source_file=source, entered=invocation.entered)
        )
    return writes


def sysctl_arguments(args: list[str]) -> list[tuple[int, str | None, str | None, str]]:
    """The writes of ``sysctl ARGS``: (argument index, key, value, how).
    ``key=value`` pairs write (with or without -w); ``-p [FILE]``, ``--load``, ``--system``
    load keys from files (key None). Plain names only read; after ``-w`` a word whose key
    is not known (``$KV``) still writes."""
    out: list[tuple[int, str | None, str | None, str]] = []
    i = 0
    write = False
    while i < len(args):
        arg = args[i]
        if arg in ("-p", "--load"):
            nxt = args[i + 1] if i + 1 < len(args) and not args[i + 1].startswith("-") and "=" not in args[i + 1] else None
            out.append((i, None, nxt or "/etc/sysctl.conf", "sysctl -p"))
            if nxt is not None:
                i += 1
        elif arg.startswith("--load="):
            out.append((i, None, arg.removeprefix("--load="), "sysctl -p"))
        elif arg.startswith("-p"):  # -pFILE
            out.append((i, None, arg[2:], "sysctl -p"))
        elif arg == "--system":
            out.append((i, None, SYSTEM, "sysctl -p"))
        elif _write_flag(arg):
            write = True
        elif not arg.startswith("-") and "=" in arg:
            key, value = arg.split("=", 1)
            out.append((i, _key(key), _value(value), "sysctl"))
        elif write and arg.startswith(("$", "`")):
            out.append((i, None, None, "sysctl"))  # -w "$KV": a write, its key unknown
        i += 1
    return out


def _code_index(program: str, args: list[str]) -> int | None:
    """Index of the code in ``python [opts] -c CODE`` or ``perl [opts] -e CODE`` (-le, -ne...)."""
    for i, arg in enumerate(args[:-1]):
        if not arg.startswith("-") or arg == "--":
            return None
        if program == "perl" and re.fullmatch(r"-[a-zA-Z]*[eE]", arg):
            return i + 1
        if program != "perl" and re.fullmatch(r"-[a-zA-Z]*c", arg):
            return i + 1
    return None


# The one-liners' patterns, compiled (and cached by re) at the first one-liner that names
# /proc/sys or a mount, not at start-up.
_PY_OPEN = r"""open\(\s*(?:r?['"])([^'"]+)['"]\s*,\s*(?:mode\s*=\s*)?['"]([^'"]*)['"]"""
_PY_PATH = r"""Path\(\s*['"]([^'"]+)['"]\s*\)\s*\.\s*write_(?:text|bytes)\("""
_PY_WRITE = r"""\.write(?:_text)?\(\s*b?(['"])([^'"]*)\1"""
_PERL_OPEN = r"""open\s*\(?\s*(?:my\s+)?[$\w]+\s*,\s*(?:['"](\+?>>?)['"]\s*,\s*['"]([^'"]+)['"]|['"]\s*(\+?>>?)\s*([^'"]+)['"])"""


def _one_liner_writes(program: str, code: str, mounts: HostMounts) -> list[tuple[Target, str | None]]:
    """The sysctl paths a ``python -c``/``perl -e`` one-liner opens for writing: a literal
    path with a 'w'/'a' mode (``open('/proc/sys/...', 'w')``, ``Path(...).write_text``), or
    perl's ``open(F, '>', '/proc/sys/...')``; the written value when it is a literal."""
    if PROC_SYS not in code and not mounts.mentioned(code):
        return []
    found: list[tuple[Target, str | None]] = []
    paths: list[str] = []
    if program == "perl":
        for match in re.finditer(_PERL_OPEN, code):
            paths.append(match.group(2) or match.group(4).strip())
        value = None
    else:
        for match in re.finditer(_PY_OPEN, code):
            if any(c in match.group(2) for c in "wax+"):
                paths.append(match.group(1))
        paths.extend(m.group(1) for m in re.finditer(_PY_PATH, code))
        written = re.search(_PY_WRITE, code)
        value = written.group(2).strip() if written else None
    for path in paths:
        target = sysctl_target(path, mounts)
        if target is not None:
            found.append((target, value))
    return found


def _might_write(text: str, mounts: HostMounts, files: ConfigMounts = NO_CONFIG) -> bool:
    """Cheap pre-check: a script that never names sysctl, /proc/sys, a hostPath mount or a
    ConfigMap/Secret mount is not parsed."""
    return "sysctl" in text or PROC_SYS in text or mounts.mentioned(text) or files.mentioned(text)


def _script_program(
    doc: Document, scalar: Scalar, shell: str, mounts: HostMounts, entered: tuple[Entered, ...], files: ConfigMounts
) -> Program:
    """The writes of an inline script (``sh -c SCRIPT``), analysed once per distinct script
    and shape of its scalar (linter.script_memo): a rendered stream repeats its scripts."""
    text = scalar.value
    if not _might_write(text, mounts, files):
        return Program([])
    positions = ScalarMap(doc, scalar)
    key = (text, shell, mounts, files, entered, positions.shape())
    return script_memo.analysed(key, text, positions.line, lambda: analyze_script(text, positions, shell, mounts, files, [], entered))


def analyze_script(
    text: str,
    positions: ScalarMap,
    shell: str,
    mounts: HostMounts = NO_MOUNTS,
    files: ConfigMounts = NO_CONFIG,
    facts: list[Fact] | None = None,
    entered: tuple[Entered, ...] = (),
) -> Program:
    """The writes of a script whose text sits at ``positions`` (a container's ``sh -c``
    argument, or a ConfigMap key that a container runs: then ``facts`` hold wherever the
    container runs it, and ``entered`` the namespaces it entered on the way)."""
    if not _might_write(text, mounts, files):
        return Program([])
    finder = _WriteFinder(Script(text, positions, shell), 0, mounts, entered, files=files, context=tuple(facts or ()))
    finder.run()
    return Program(finder.writes, finder.remounts, finder.runs, finder.unread)


@mutable
class _Function:
    """A shell function that runs ``"$@"`` behind wrappers: ``wrap() { nsenter -t 1 -n -- "$@"; }``."""

    prefix: list[str]  # the words before "$@": wrappers and their options only, never the command
    command: object  # the command inside the function that runs "$@"


class _WriteFinder:
    """The writes of one parsed script (and of the scripts nested in it)."""

    def __init__(
        self,
        script: Script,
        depth: int,
        mounts: HostMounts,
        entered: tuple[Entered, ...] = (),
        outer: tuple[Variables, object] | None = None,
        files: ConfigMounts = NO_CONFIG,
        context: tuple[Fact, ...] = (),
    ) -> None:
        self.script = script
        self.depth = depth
        self.mounts = mounts
        self.entered = entered
        self.files = files
        self.context = context  # what holds wherever the whole script runs (the container's call of it)
        self.variables = Variables(script, outer)
        self.writes: list[Write] = []
        self.runs: list[ScriptRun] = []
        self.heredocs: dict[str, object] = {}  # file -> the heredoc_body written to it (cat > F <<EOF)
        self.remounts = False
        self.unread: list[Unread] = []
        self.functions = self._wrapper_functions() if not script.too_deep else {}

    def run(self) -> None:
        """Commands and redirections in document order; a script too deep to read is one
        ``Unread`` at its start instead."""
        if self.script.too_deep:
            root = self.script.tree.root_node
            self.unread.append(Unread(*self.script.region(root)))
            return
        nodes = self.script.commands + self.script.redirects
        nodes.sort(key=lambda n: (n.start_byte, -n.end_byte))
        for node in nodes:
            if node.type == "command":
                self._command(node)
            else:
                self._redirect(node)
        self.writes.sort(key=lambda w: (w.line, w.column))

    def _wrapper_functions(self) -> dict[str, _Function]:
        """Functions whose body runs ``"$@"`` as a command behind wrappers (or alone): found
        from where ``$@`` occurs in the bytes, not by looking at every command."""
        found: dict[str, _Function] = {}
        root = self.script.tree.root_node
        for match in _ALL_ARGS_BYTES.finditer(self.script.data):
            command = root.descendant_for_byte_range(match.start(), match.end())
            while command is not None and command.type != "command":
                command = self.script.parent(command)
            if command is None:
                continue
            name_node = command.child_by_field_name("name")
            if name_node is None:
                continue
            arguments = command_arguments(command)
            words = [word_text(name_node)] + [word_text(a) for a in arguments]
            texts = [name_node.text.decode("utf-8", "replace")] + [a.text.decode("utf-8", "replace") for a in arguments]
            at = next((i for i, t in enumerate(texts) if t in _ALL_ARGS), None)
            if at is None or unwrap(words).index != at:
                continue
            function = self.script.parent(command)
            while function is not None and function.type != "function_definition":
                function = self.script.parent(function)
            name = function.child_by_field_name("name") if function is not None else None
            if name is not None:
                found[name.text.decode("utf-8", "replace")] = _Function(words[:at], command)
        return found

    def _command(self, node) -> None:
        name_node = node.child_by_field_name("name")
        if name_node is None:
            return
        raw = name_node.text
        if raw not in _INTERESTING_BYTES and not raw.startswith(b"python") and _PLAIN_NAME.fullmatch(raw):
            if raw.decode("utf-8", "replace") not in self.functions:
                return  # echo, grep, set...: one set lookup and one match, the common case
        name = basename(word_text(name_node))
        function = self.functions.get(name)
        if name not in _INTERESTING and function is None and not _PYTHON.match(name):
            self._run(node, word_text(name_node), None, self.entered, [])  # /scripts/tune.sh
            return
        arguments = command_arguments(node)
        nodes: list = [name_node, *arguments]
        inner: list[Fact] = []
        if function is not None:  # host_exec sysctl -w k=v: the function's wrappers, then the call's words
            # the prefix only wraps (unwrap stops at "$@"), so the command and its arguments are the call's own nodes
            nodes = [None] * len(function.prefix) + arguments
            words = function.prefix + [word_text(a) for a in arguments]
            inner = facts_at(self.script, function.command, MAX_CALL_DEPTH)
        else:
            words = [name] + [word_text(a) for a in arguments]
        invocation = unwrap(words)
        start = invocation.index
        if start is None:
            return
        entered = self.entered + invocation.entered
        program, arg_nodes = basename(words[start]), nodes[start + 1 :]
        args = words[start + 1 :]
        if program == "sysctl":
            self._sysctl(node, arg_nodes, args, invocation, entered, inner)
        elif program in SHELLS:
            operand = script_file_index(args)
            if operand is not None:
                self._run(node, args[operand], program, entered, inner)  # bash /scripts/init.sh
            elif self.depth < MAX_NESTED_SHELLS:
                self._nested_script(node, program, arg_nodes, args, entered)
        elif program in _SOURCE:
            if args:
                self._run(node, args[0], self.script.shell, entered, inner)  # . /scripts/common.sh
        elif self.files.holds(words[start]):
            self._run(node, words[start], None, entered, inner)  # sudo /scripts/tune.sh
        elif program in ("tee", "dd"):
            for words_now in self._expanded(arg_nodes, node):
                for word in words_now:
                    if program == "dd":
                        path = word[3:] if word.startswith("of=") else None
                    else:
                        path = word if not word.startswith("-") else None
                    target = sysctl_target(path, self.mounts) if path else None
                    if target is None:
                        if path and program == "tee":
                            self._heredoc_file(node, path, "-a" in words_now or "--append" in words_now)
                        continue
                    if target.how == "sysctl.d":
                        entries = _entries(_piped_value(node, self, raw=True)) or [(None, None)]
                    else:
                        entries = [(target.key, _piped_value(node, self))]
                    for key, value in entries:
                        self._add(node, key, value, target.how, entered=entered, facts=inner, host=target.host, path=target.path)
        elif program in _COPIERS:
            for words_now in self._expanded(arg_nodes, node):
                operands = [w for w in words_now if not w.startswith("-")]
                target = sysctl_target(operands[-1], self.mounts) if len(operands) >= 2 else None
                if target is not None:
                    self._add(node, target.key, None, target.how, entered=entered, facts=inner, host=target.host, path=target.path)
        elif _PYTHON.match(program) or program == "perl":
            code = _code_index(program, args)
            if code is not None:
                for target, value in _one_liner_writes(program, args[code], self.mounts):
                    self._add(node, target.key, value, target.how, entered=entered, facts=inner, host=target.host, path=target.path)
        elif program == "mount" and any(w.startswith("/proc/sys") for w in args) and any("remount" in w for w in args):
            self.remounts = True

    def _sysctl(self, node, arg_nodes: list, args: list[str], invocation: Invocation, entered, inner: list[Fact]) -> None:
        """``sysctl ARGS``: one write per key=value word, per iteration of the loops whose
        variables the words use; behind xargs, the piped words are arguments too."""
        if not any(b"$" in n.text for n in arg_nodes):
            expansions = [args]
        else:
            expansions = self._expanded(arg_nodes, node)
        seen: set[tuple] = set()
        for words in expansions:
            if invocation.input_args:
                words = self._with_input(node, words, invocation)
                if words is None:  # xargs with input that is not known
                    if any(_write_flag(a) for a in args):
                        self._add(node, None, None, "sysctl", entered=entered, facts=inner)
                    return
            for _, key, value, how in sysctl_arguments(words):
                if (key, value, how) in seen:
                    continue
                seen.add((key, value, how))
                if how == "sysctl -p" and self._load(node, value, entered, inner):
                    continue
                self._add(node, key, value, how, entered=entered, facts=inner)

    def _run(self, node, path: str, shell: str | None, entered, inner: list[Fact]) -> None:
        """A script the command runs by path, when a ConfigMap or Secret mount holds it."""
        if self.files.holds(path):
            self.runs.append(ScriptRun(path, shell, self._facts(node) + list(inner), entered))

    def _heredoc_file(self, writer, path: str, append: bool) -> None:
        """``cat > FILE <<EOF`` / ``tee FILE <<EOF`` (in any order, also ending an ``&&``
        list): FILE now holds the here-document."""
        statement = redirections_of(writer)
        if statement is None:
            return
        body = _heredoc_body(statement)
        if body is None:
            return
        if append and path in self.heredocs:
            self.heredocs[path] = self.heredocs[path] + [body]
        else:
            self.heredocs[path] = [body]

    def _load(self, node, source_file: str, entered, inner: list[Fact]) -> bool:
        """``sysctl -p FILE`` / ``--system`` of files written earlier in the script by a
        here-document: one write per ``key = value`` line, at that line. False when no file
        it loads is known that way."""
        if not self.heredocs:
            return False
        files, directories = loaded_files(source_file)
        known = [f for f in self.heredocs if f in files or (f.endswith(".conf") and f.rsplit("/", 1)[0] in directories)]
        known = [f for f in known if all(b.start_byte < node.start_byte for b in self.heredocs[f])]
        for path in sorted(known):
            for body in self.heredocs[path]:
                for start, end, key, value in _body_entries(self.script.data, body):
                    line, col, end_line, end_col = self.script.span(start, end)
                    self.writes.append(
                        Write(key, value, "sysctl -p", line, col, end_line, end_col, self._facts(node) + list(inner), path,
                              entered, loader=loader_of(source_file))  # fmt: skip
                    )
        return bool(known)

    def _with_input(self, node, words: list[str], invocation: Invocation) -> list[str] | None:
        """The words xargs gives the command: its own, then the words piped into it (or, with
        ``-I R``, its own with R replaced by each input line); None when the input is not
        literal text."""
        if invocation.input_file:
            return None
        printed = _piped_value(node, self, raw=True)
        if printed is None:
            return None
        if invocation.replace is None:
            return words + printed.replace("\\n", " ").split()
        out: list[str] = []
        for line in re.split(r"\n|\\n", printed):
            if line.strip():
                out.extend(w.replace(invocation.replace, line.strip()) for w in words)
        return out

    def _expanded(self, nodes: list, at) -> list[list[str]]:
        """The words of ``nodes`` per environment of the loops around ``at`` (fields flattened)."""
        return [[w for fields in per_node for w in fields] for per_node in self.variables.expand(nodes, at)]

    def _redirect(self, node) -> None:
        writer = None
        redirects = []
        for redirect in node.children_by_field_name("redirect"):
            if redirect.type == "file_redirect":
                redirects.append(redirect)
            elif redirect.type == "heredoc_redirect":  # cat <<EOF > FILE: the file redirect sits inside
                redirects.extend(r for r in redirect.children_by_field_name("redirect") if r.type == "file_redirect")
        for redirect in redirects:
            operator = next((c.type for c in redirect.children if c.type in (">", ">>", ">|", "&>", "&>>")), None)
            destination = redirect.child_by_field_name("destination")
            if operator is None or destination is None:
                continue
            if writer is None:
                writer = _redirected_command(node)
            for per_node in self.variables.expand([destination], writer):
                for path in per_node[0]:
                    target = sysctl_target(path, self.mounts)
                    if target is None:
                        if writer.type == "command" and word_text(writer.child_by_field_name("name") or writer) == "cat":
                            self._heredoc_file(writer, path, operator == ">>")
                        continue
                    if target.how == "sysctl.d":
                        self._sysctl_file(node, writer, destination, target)
                        continue
                    value = _printed(writer, self) if writer.type == "command" else None
                    self._add(writer, target.key, value, target.how, end=destination.end_byte, host=target.host, path=target.path)

    def _sysctl_file(self, statement, writer, destination, target: Target) -> None:
        """A file written into the node's sysctl.d: one write per ``key = value`` line of a
        here-document (at that line) or of what echo/printf print, else one of unknown keys."""
        body = _heredoc_body(statement)
        found = False
        if body is not None:
            for start, end, key, value in _body_entries(self.script.data, body):
                self._add_span(statement, start, end, key, value, "sysctl.d", target)
                found = True
        elif writer.type == "command":
            for key, value in _entries(_printed(writer, self, raw=True)):
                self._add(writer, key, value, "sysctl.d", end=destination.end_byte, host=target.host, path=target.path)
                found = True
        if not found:
            self._add(writer, None, None, "sysctl.d", end=destination.end_byte, host=target.host, path=target.path)

    def _nested_script(self, node, shell: str, arguments: list, texts: list[str], entered) -> None:
        """``sh -c '...'`` inside the script: search the inner script too. Its writes run
        only where the sh command runs, so they inherit that command's facts."""
        index = script_index(texts)
        if index is None or not _might_write(texts[index], self.mounts):
            return
        argument = arguments[index]
        exact = argument.type == "raw_string" or (argument.type == "string" and b"\\" not in argument.text)
        start = argument.start_byte + 1 if exact else None
        enclosing = Enclosing(self.script, start, node, tuple(self._facts(node)))
        outer = (self.variables, node) if argument.type == "string" else None  # "...": this shell expands it
        inner = _WriteFinder(
            Script(texts[index], self.script.positions, shell, enclosing), self.depth + 1, self.mounts, entered, outer,
            self.files,
        )  # fmt: skip
        inner.run()
        self.writes.extend(inner.writes)
        self.runs.extend(inner.runs)
        self.unread.extend(inner.unread)
        self.remounts = self.remounts or inner.remounts

    def _facts(self, node) -> list[Fact]:
        """What holds where ``node`` runs, in this script and in the scripts around it (and
        where the container runs this script, for a script kept in a ConfigMap)."""
        enclosing = self.script.enclosing
        own = facts_at(self.script, node)
        if enclosing is not None:
            return list(enclosing.facts) + own
        return list(self.context) + own if self.context else own

    def _add(self, node, key, value, how, *, end=None, entered=None, facts=(), host=None, path=None) -> None:
        line, col, end_line, end_col = self.script.region(node, end)
        source_file = value if how == "sysctl -p" else None
        self.writes.append(
            Write(key, value, how, line, col, end_line, end_col, self._facts(node) + list(facts), source_file,
                  self.entered if entered is None else entered, host, path)  # fmt: skip
        )

    def _add_span(self, node, start: int, end: int, key, value, how, target: Target) -> None:
        line, col, end_line, end_col = self.script.span(start, end)
        self.writes.append(
            Write(key, value, how, line, col, end_line, end_col, self._facts(node), None, self.entered, target.host, target.path)
        )


def _heredoc_body(statement):
    heredoc = next((r for r in statement.children_by_field_name("redirect") if r.type == "heredoc_redirect"), None)
    return next((c for c in heredoc.children if c.type == "heredoc_body"), None) if heredoc is not None else None


def _body_entries(data: bytes, body) -> list[tuple[int, int, str | None, str | None]]:
    """(start byte, end byte, key, value) of each ``key = value`` line of a here-document."""
    found = []
    pos = body.start_byte
    for raw in data[body.start_byte : body.end_byte].split(b"\n"):
        for key, value in _entries(raw.decode("utf-8", "replace")):
            indent = len(raw) - len(raw.lstrip())
            found.append((pos + indent, pos + len(raw.rstrip()), key, value))
        pos += len(raw) + 1
    return found


def conf_entries(text: str) -> list[tuple[int, int, str | None, str | None]]:
    """(start, end character offset, key, value) of each ``key = value`` line of a sysctl.conf text."""
    found = []
    pos = 0
    for line in text.split("\n"):
        for key, value in _entries(line):
            indent = len(line) - len(line.lstrip())
            found.append((pos + indent, pos + len(line.rstrip()), key, value))
        pos += len(line) + 1
    return found


def _entries(text: str | None) -> list[tuple[str | None, str | None]]:
    """The ``key = value`` lines of a sysctl.d file's text (comments and blank lines skipped)."""
    if not text:
        return []
    found = []
    for line in re.split(r"\n|\\n", text):
        entry = line.strip()
        if not entry or entry.startswith(("#", ";")) or "=" not in entry:
            continue
        key, value = (part.strip() for part in entry.lstrip("-").split("=", 1))
        found.append((_key(key), _value(value)))
    return found


def _redirected_command(statement):
    """The command a redirection applies to. tree-sitter-bash attaches ``> f`` in
    ``a && b > f`` to the whole list, but the shell applies it to ``b`` only: take the
    rightmost command, so that its position and its guarding ``a`` are right."""
    body = statement.child_by_field_name("body")
    while body is not None and body.type == "list":
        operands = [c for c in body.children if c.is_named]
        body = operands[-1] if operands else None
    return body if body is not None else statement


def _piped_value(command, finder: _WriteFinder, raw: bool = False) -> str | None:
    """The value echoed into ``command``: ``echo 1 | tee /proc/sys/...``."""
    pipeline = command.parent
    if pipeline is None or pipeline.type != "pipeline":
        return None
    commands = [c for c in pipeline.children if c.is_named]
    index = commands.index(command) if command in commands else 0
    if index == 0:
        return None
    source = commands[index - 1]
    if source.type != "command":
        return None
    return _printed(source, finder, raw)


def _printed(command, finder: _WriteFinder, raw: bool = False) -> str | None:
    """What ``echo ARGS`` or ``printf FORMAT ARGS`` prints, roughly (None for other commands
    or, unless ``raw``, when it is not known)."""
    name = command.child_by_field_name("name")
    if name is None or word_text(name) not in ("echo", "printf"):
        return None
    arguments = command_arguments(command)
    expansions = finder._expanded(arguments, command) if arguments else [[]]
    if len(expansions) != 1:
        return None  # a different value per iteration
    words = [w for w in expansions[0] if not w.startswith("-")]
    if word_text(name) == "printf" and len(words) > 1 and "%" in words[0]:
        words = words[1:]
    text = " ".join(words) or None
    if text is not None and not raw:
        text = _value(text.replace("\\n", "").strip())
    elif text is not None and ("$" in text or "`" in text):
        return None
    return text

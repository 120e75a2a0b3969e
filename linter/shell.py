"""What a container runs: its sysctl writes, where they are, and what guards them.

A container runs either an exec form (``command: [sysctl, -w, k=v]``) or a shell script
(``sh -c SCRIPT``, with command/args split any way Kubernetes allows). Scripts are parsed
with tree-sitter-bash, which tolerates syntax errors and gives byte positions; each write
(``sysctl -w``, ``sysctl -p``, ``> /proc/sys/...``, ``tee /proc/sys/...``) is found with
the conditions that dominate it (enclosing ``if``/``&&``/``||`` and earlier early exits),
so that the POD_IP/HOST_IP guard can be judged (see ``linter.guard``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache

from .k8s import Container, string_list
from .scalarpos import ScalarMap
from .sysctls import normalize
from .tree import Scalar

SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh"})
MAX_NESTED_SHELLS = 3  # sh -c 'sh -c "..."': deeper nesting is not searched
PROC_SYS = "/proc/sys/"


@dataclass(slots=True)
class Operand:
    """One side of a comparison: a variable ($POD_IP, ${POD_IP}) or literal text."""

    var: str | None
    text: str


@dataclass(slots=True)
class Fact:
    """What must hold for a write to run: ``left`` and ``right`` are equal (or not)."""

    left: Operand
    right: Operand
    equal: bool
    line: int  # 1-based line of the condition in the file
    column: int


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
    in_script: bool = False
    source_file: str | None = None  # for sysctl -p


@dataclass(slots=True)
class Program:
    """What a container runs, as far as it can be read statically."""

    writes: list[Write]
    remounts_proc_sys: bool = False


def analyze(container: Container) -> Program:
    """The sysctl writes of one container (exec or shell form)."""
    doc = container.pod.manifest.doc
    command = string_list(container.node.get("command"))
    args = string_list(container.node.get("args"))
    argv = (command or []) + (args or []) if command is not None else (args or [])
    if not argv:
        return Program([])
    words = [a.value for a in argv]
    program = _basename(words[0])
    start = 0
    if program == "busybox" and len(words) > 1:
        start, program = 1, _basename(words[1])
    elif program in ("env", "exec", "command", "nice") and len(words) > 1:
        start, program = 1, _basename(words[1])
    if program == "sysctl":
        return Program(_exec_writes(doc, argv[start:], words[start:]))
    if program in SHELLS:
        script = _script_argument(argv[start + 1 :])
        if script is not None:
            return _script_program(doc, script)
    return Program([])


def _basename(word: str) -> str:
    return os.path.basename(word.strip())


def _script_argument(rest: list[Scalar]) -> Scalar | None:
    """The SCRIPT of ``sh [-opts] -c SCRIPT``, with combined flags (-ec, -euxc) and -o NAME."""
    index = _script_index([item.value for item in rest])
    return rest[index] if index is not None else None


def _script_index(rest: list[str]) -> int | None:
    """Index of SCRIPT in the arguments of ``sh [-opts] -c SCRIPT``, or None."""
    has_c = False
    i = 0
    while i < len(rest):
        word = rest[i]
        if word == "--":
            i += 1
            break
        if word in ("-o", "+o"):
            i += 2
            continue
        if len(word) > 1 and word[0] in "-+" and word[1] != "-":
            if word[0] == "-" and "c" in word[1:]:
                has_c = True
            i += 1
            continue
        if word.startswith("--"):  # long options (bash --norc)
            i += 1
            continue
        break
    if has_c and i < len(rest):
        return i
    return None


# -- exec form ---------------------------------------------------------------------------


def _exec_writes(doc, argv: list[Scalar], words: list[str]) -> list[Write]:
    writes = []
    for index, key, value, how in sysctl_arguments(words[1:]):
        node = argv[index + 1] if index is not None else argv[0]
        loc = doc.location(node)
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


def sysctl_arguments(args: list[str]) -> list[tuple[int | None, str | None, str | None, str]]:
    """The writes of ``sysctl ARGS``: (argument index, key, value, how).
    ``key=value`` pairs write (with or without -w); ``-p [FILE]``, ``--load``, ``--system``
    load keys from files (key None). Plain names only read."""
    out: list[tuple[int | None, str | None, str | None, str]] = []
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


# -- shell form --------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _parser():
    """The tree-sitter-bash parser and a query for the nodes that can write (imported lazily:
    most runs that only lint Services never load tree-sitter)."""
    import tree_sitter
    import tree_sitter_bash

    language = tree_sitter.Language(tree_sitter_bash.language())
    query = tree_sitter.QueryCursor(tree_sitter.Query(language, "(command) @c (redirected_statement) @r"))
    return tree_sitter.Parser(language), query


def _script_program(doc, script: Scalar) -> Program:
    text = script.value
    if "sysctl" not in text and PROC_SYS not in text:
        return Program([])  # nothing to find: skip the parse
    data = text.encode("utf-8")
    parser, query = _parser()
    tree = parser.parse(data)
    walker = _ScriptWalker(data, ScalarMap(doc, script))
    walker.visit(query, tree.root_node)
    return Program(walker.writes, walker.remounts)


class _ScriptWalker:
    """Finds writes in a parsed script and the facts that dominate each of them."""

    def __init__(self, data: bytes, positions: ScalarMap, outer=None, depth: int = 0) -> None:
        self.data = data
        self.positions = positions
        self.writes: list[Write] = []
        self.remounts = False
        self._ascii = data.isascii()
        # for a script nested in this one (sh -c '...' inside a script): the enclosing walker,
        # the byte where the inner text starts in it (None when the mapping is not exact),
        # the enclosing sh command, and the facts that hold where it runs
        self.outer = outer
        self.depth = depth
        self.commands: list = []  # every command of the script (call sites of functions)

    # positions
    def _offset(self, byte: int) -> int:
        """Character offset in the YAML scalar of a byte of this script."""
        if self.outer is not None:
            walker, base, shell_node, _ = self.outer
            return walker._offset(base + byte if base is not None else shell_node.start_byte)
        return byte if self._ascii else len(self.data[:byte].decode("utf-8", errors="replace"))

    def _exact(self) -> bool:
        return self.positions.exact and (self.outer is None or (self.outer[1] is not None and self.outer[0]._exact()))

    def _where(self, node) -> tuple[int, int, int, int]:
        line, col = self.positions.locate(self._offset(node.start_byte))
        end = node.end_byte
        # end of the command's first line: a region that stays inside the file's line
        newline = self.data.find(b"\n", node.start_byte, end)
        if newline >= 0:
            end = newline
        end_line, end_col = self.positions.locate(self._offset(end))
        if not self._exact():
            end_line, end_col = line, col + 1
        return line, col, end_line, end_col

    def visit(self, query, root) -> None:
        """Commands and redirections in document order, found by a tree-sitter query (in C)
        rather than by walking every node in Python."""
        captured = query.captures(root)
        self.commands = captured.get("c", [])
        nodes = self.commands + captured.get("r", [])
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
        name = _basename(word_text(name_node))
        if name not in _WRITERS and name not in _PREFIXES and name not in SHELLS:
            return  # echo, set, ulimit...: nothing to read (most commands)
        words = [word_text(c) for c in node.children_by_field_name("argument")]
        if name == "busybox" and words:
            name, words = _basename(words[0]), words[1:]
        elif name in _PREFIXES and words:
            name, words = _basename(words[0]), words[1:]
        if name == "sysctl":
            for _, key, value, how in sysctl_arguments(words):
                self._add(node, key, value, how)
        elif name in SHELLS and self.depth < MAX_NESTED_SHELLS:
            self._nested_script(node)
        elif name == "tee":
            for word in words:
                if word.startswith(PROC_SYS):
                    self._add(node, normalize(word[len(PROC_SYS) :]), _piped_value(node), "/proc/sys")
        elif name == "mount" and any(w.startswith("/proc/sys") for w in words) and any("remount" in w for w in words):
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

    def _nested_script(self, node) -> None:
        """``sh -c '...'`` inside the script: search the inner script too. Its writes run
        only where the sh command runs, so they inherit that command's facts."""
        arguments = node.children_by_field_name("argument")
        texts = [word_text(a) for a in arguments]
        script_index = _script_index(texts)
        if script_index is None:
            return
        argument = arguments[script_index]
        inner = word_text(argument)
        if "sysctl" not in inner and PROC_SYS not in inner:
            return
        raw = argument.text or b""
        exact = argument.type == "raw_string" or (argument.type == "string" and b"\\" not in raw)
        base = argument.start_byte + 1 if exact else None
        data = inner.encode("utf-8")
        parser, query = _parser()
        walker = _ScriptWalker(data, self.positions, (self, base, node, self._facts(node)), self.depth + 1)
        walker.visit(query, parser.parse(data).root_node)
        self.writes.extend(walker.writes)
        self.remounts = self.remounts or walker.remounts

    def _add(self, node, key, value, how) -> None:
        line, col, end_line, end_col = self._where(node)
        facts = self._facts(node)
        if self.outer is not None:
            facts = self.outer[3] + facts
        write = Write(key, value, how, line, col, end_line, end_col, facts, True)
        if how == "sysctl -p":
            write.source_file = value
        self.writes.append(write)

    # guards
    def _facts(self, node, depth: int = 0) -> list[Fact]:
        """Facts that hold whenever ``node`` runs: from enclosing conditions and from
        earlier statements that exit when the opposite holds. Inside a shell function, the
        facts that hold at every call of it count too."""
        facts: list[Fact] = []
        child = node
        parent = node.parent
        while parent is not None:
            kind = parent.type
            if kind == "list":
                self._list_facts(parent, child, facts)
            elif kind in ("if_statement", "elif_clause", "else_clause"):
                self._if_facts(parent, child, facts)
            elif kind == "case_item":
                facts.extend(self._case_item_facts(parent))
            if kind in _SEQUENCES or kind in ("if_statement", "elif_clause", "else_clause"):
                self._early_exit_facts(parent, child, facts)
            if kind == "function_definition":
                if depth < 3:
                    facts.extend(self._call_site_facts(parent, depth))
                break
            child, parent = parent, parent.parent
        return facts

    def _call_site_facts(self, function, depth: int) -> list[Fact]:
        """The facts that hold at every call of ``function`` (none when it is never called)."""
        name_node = function.child_by_field_name("name")
        if name_node is None:
            return []
        name = name_node.text.decode("utf-8", "replace")
        calls = [
            c
            for c in self.commands
            if c.child_by_field_name("name") is not None and word_text(c.child_by_field_name("name")) == name
        ]
        common: list[Fact] | None = None
        for call in calls:
            found = self._facts(call, depth + 1)
            if common is None:
                common = found
            else:
                keys = {(f.left.text, f.right.text, f.equal) for f in found}
                common = [f for f in common if (f.left.text, f.right.text, f.equal) in keys]
        return common or []

    def _list_facts(self, lst, child, facts: list[Fact]) -> None:
        operands = [c for c in lst.children if c.is_named]
        operator = next((c.type for c in lst.children if c.type in ("&&", "||")), None)
        if len(operands) == 2 and child == operands[1] and operator:
            facts.extend(self.condition_facts(operands[0], operator == "&&"))

    def _if_facts(self, clause, child, facts: list[Fact]) -> None:
        """Facts for a statement inside an if/elif/else body."""
        if clause.type == "if_statement":
            if child.type in ("elif_clause", "else_clause"):
                return  # handled when we are inside that clause
            condition, body = _split_clause(clause)
            if child in body:
                facts.extend(self._last_condition(condition, True))
            return
        statement = clause.parent
        if statement is None:
            return
        condition, body = _split_clause(clause) if clause.type == "elif_clause" else ([], _clause_body(clause))
        if child not in body:
            return
        facts.extend(self._last_condition(condition, True))
        # every earlier branch was not taken
        first_condition, _ = _split_clause(statement)
        facts.extend(self._last_condition(first_condition, False))
        for sibling in statement.children:
            if sibling == clause:
                break
            if sibling.type == "elif_clause":
                facts.extend(self._last_condition(_split_clause(sibling)[0], False))

    def _last_condition(self, condition: list, truth: bool) -> list[Fact]:
        return self.condition_facts(condition[-1], truth) if condition else []

    def _early_exit_facts(self, block, child, facts: list[Fact]) -> None:
        """``[ "$POD_IP" = "$HOST_IP" ] && exit 0`` before the write: the opposite holds after."""
        statements = (
            _clause_body(block)
            if block.type in ("if_statement", "elif_clause", "else_clause")
            else [c for c in block.children if c.is_named]
        )
        if block.type == "if_statement":
            statements = _split_clause(block)[1]
        if child not in statements:
            return
        for statement in statements:
            if statement == child:
                break
            if statement.type == "list":
                facts.extend(self._exit_list_facts(statement))
            elif statement.type == "case_statement":
                facts.extend(self._case_exit_facts(statement))
            elif statement.type == "if_statement":
                condition, body = _split_clause(statement)
                clauses = [c for c in statement.children if c.type in ("elif_clause", "else_clause")]
                if not clauses and any(_exits(s) for s in body):
                    facts.extend(self._last_condition(condition, False))
                elif len(clauses) == 1 and clauses[0].type == "else_clause":
                    if any(_exits(s) for s in body) and not any(_exits(s) for s in _clause_body(clauses[0])):
                        facts.extend(self._last_condition(condition, False))
                    elif any(_exits(s) for s in _clause_body(clauses[0])) and not any(_exits(s) for s in body):
                        facts.extend(self._last_condition(condition, True))

    def _case_patterns(self, item):
        """The single exact pattern of a case item (an operand), '*' for the default, or None."""
        patterns = item.children_by_field_name("value")
        if len(patterns) != 1:
            return None
        text = word_text(patterns[0])
        if text == "*":
            return "*"
        if patterns[0].type in ("extglob_pattern",) or any(ch in text for ch in "*?[|"):
            return None
        return operand(patterns[0])

    def _case_item_facts(self, item) -> list[Fact]:
        """Inside ``case S in P) ...``: S equals P; inside ``*)``: S differs from every
        earlier single pattern."""
        statement = item.parent
        subject = statement.child_by_field_name("value") if statement is not None else None
        if subject is None:
            return []
        pattern = self._case_patterns(item)
        if pattern is None:
            return []
        if pattern != "*":
            return [self._fact(operand(subject), pattern, True, item)]
        facts = []
        for earlier in statement.children:
            if earlier == item:
                break
            if earlier.type == "case_item":
                other = self._case_patterns(earlier)
                if other is not None and other != "*":
                    facts.append(self._fact(operand(subject), other, False, earlier))
        return facts

    def _case_exit_facts(self, statement) -> list[Fact]:
        """``case S in P) exit 0;; esac`` before the write: S differs from P after it."""
        subject = statement.child_by_field_name("value")
        if subject is None:
            return []
        facts = []
        for item in statement.children:
            if item.type != "case_item":
                continue
            pattern = self._case_patterns(item)
            body = [c for c in item.children if c.is_named and c not in item.children_by_field_name("value")]
            if pattern is not None and pattern != "*" and any(_exits(c) for c in body):
                facts.append(self._fact(operand(subject), pattern, False, item))
        return facts

    def _exit_list_facts(self, statement) -> list[Fact]:
        """``C && exit`` (C is false after it), ``C || exit`` (C is true after it), also
        followed by ``|| true`` as scripts under ``set -e`` write it."""
        operands = [c for c in statement.children if c.is_named]
        operator = next((c.type for c in statement.children if c.type in ("&&", "||")), None)
        if len(operands) != 2 or operator is None:
            return []
        if _exits(operands[1]):
            return self.condition_facts(operands[0], operator == "||")
        if operator == "||" and operands[0].type == "list":  # (C && exit) || true
            return self._exit_list_facts(operands[0])
        return []

    def condition_facts(self, node, truth: bool) -> list[Fact]:
        """What ``node`` succeeding (truth=True) or failing (False) says about equalities."""
        kind = node.type
        if kind == "negated_command":
            inner = [c for c in node.children if c.is_named]
            return self.condition_facts(inner[0], not truth) if inner else []
        if kind == "test_command":
            inner = [c for c in node.children if c.is_named]
            return self.condition_facts(inner[0], truth) if len(inner) == 1 else []
        if kind in ("parenthesized_expression", "subshell", "compound_statement"):
            inner = [c for c in node.children if c.is_named]
            return self.condition_facts(inner[-1], truth) if inner else []
        if kind == "unary_expression":
            children = node.children
            if children and children[0].type == "!":
                inner = [c for c in children[1:] if c.is_named]
                return self.condition_facts(inner[0], not truth) if inner else []
            return []
        if kind == "binary_expression":
            operator = node.child_by_field_name("operator")
            op = operator.type if operator is not None else None
            if op in ("&&", "-a"):
                return self._conjunction(node, truth, True)
            if op in ("||", "-o"):
                return self._conjunction(node, truth, False)
            if op in ("=", "==", "!="):
                left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
                if left is None or right is None:
                    return []
                equal = (op != "!=") == truth
                return [self._fact(operand(left), operand(right), equal, node)]
            return []
        if kind == "list":
            operator = next((c.type for c in node.children if c.type in ("&&", "||")), None)
            operands = [c for c in node.children if c.is_named]
            if len(operands) != 2:
                return []
            if (operator == "&&" and truth) or (operator == "||" and not truth):
                return self.condition_facts(operands[0], truth) + self.condition_facts(operands[1], truth)
            return []
        if kind == "command":
            name = node.child_by_field_name("name")
            if name is None or word_text(name) not in ("test", "["):
                return []
            args = node.children_by_field_name("argument")
            texts = [word_text(a) for a in args]
            if texts and texts[-1] == "]":
                args, texts = args[:-1], texts[:-1]
            negate = False
            if texts and texts[0] == "!":
                negate, args, texts = True, args[1:], texts[1:]
            if len(texts) == 3 and texts[1] in ("=", "==", "!="):
                equal = (texts[1] != "!=") == (truth != negate)
                return [self._fact(operand(args[0]), operand(args[2]), equal, node)]
        return []

    def _conjunction(self, node, truth: bool, is_and: bool) -> list[Fact]:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None or truth != is_and:
            return []
        return self.condition_facts(left, truth) + self.condition_facts(right, truth)

    def _fact(self, left: Operand, right: Operand, equal: bool, node) -> Fact:
        line, col = self.positions.locate(self._offset(node.start_byte))
        return Fact(left, right, equal, line, col)


_SEQUENCES = frozenset({"program", "compound_statement", "subshell", "do_group"})
_WRITERS = frozenset({"sysctl", "tee", "mount"})
_PREFIXES = frozenset({"busybox", "sudo", "exec", "command", "env", "nice"})


def _split_clause(clause) -> tuple[list, list]:
    """(condition statements, body statements) of an if_statement or elif_clause."""
    condition: list = []
    body: list = []
    seen_then = False
    for child in clause.children:
        if child.type == "then":
            seen_then = True
            continue
        if not child.is_named or child.type in ("elif_clause", "else_clause", "comment"):
            continue
        (body if seen_then else condition).append(child)
    return condition, body


def _clause_body(clause) -> list:
    if clause.type == "else_clause":
        return [c for c in clause.children if c.is_named and c.type != "comment"]
    return _split_clause(clause)[1]


def _exits(statement) -> bool:
    """True for ``exit``/``return`` (also inside ``{ ...; exit; }``)."""
    if statement.type == "command":
        name = statement.child_by_field_name("name")
        return name is not None and word_text(name) in ("exit", "return")
    if statement.type == "compound_statement":
        return any(_exits(c) for c in statement.children if c.is_named)
    if statement.type == "list":
        operands = [c for c in statement.children if c.is_named]
        operator = next((c.type for c in statement.children if c.type in ("&&", "||", ";")), None)
        return operator is None and any(_exits(c) for c in operands)
    return False


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


def operand(node) -> Operand:
    """A comparison operand: a variable when the word is exactly one expansion."""
    inner = node
    if inner.type == "string":
        parts = [c for c in inner.children if c.is_named]
        if len(parts) == 1:
            inner = parts[0]
    if inner.type == "simple_expansion" or (inner.type == "expansion" and inner.named_child_count == 1):
        name = next((c for c in inner.children if c.type == "variable_name"), None)
        if name is not None:
            return Operand(name.text.decode("utf-8", "replace"), word_text(node))
    return Operand(None, word_text(node))


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

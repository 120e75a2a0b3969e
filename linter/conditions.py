"""What must hold for a command of a script to run: the comparisons a guard is made of.

``facts_at`` collects the equalities that dominate a node of a parsed script: enclosing
``if``/``elif``/``else`` branches and ``&&``/``||`` lists, ``case`` items, earlier
statements that leave when the opposite holds (``exit``; ``return`` inside a function, and
at the top level where the shell treats it as ``exit``), and, inside a function, what holds
at every call of it. ``linter.guard`` judges them against the container's env.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .records import copy_with, frozen
from .script import Script, word_text
from .variables import plain_name


@frozen
class Operand:
    """One side of a comparison: a variable ($POD_IP, ${POD_IP}) or literal text."""

    var: str | None
    text: str


@frozen
class Fact:
    """What must hold for a write to run: ``left`` and ``right`` are equal (or not)."""

    left: Operand
    right: Operand
    equal: bool
    line: int  # 1-based line of the condition in the file
    column: int
    end_line: int  # where the comparison ends
    end_column: int
    path: str = ""  # the file, when not the one of the write (a ConfigMap script run from a workload's script)

    def moved(self, lines: int) -> Fact:
        return copy_with(self, line=self.line + lines, end_line=self.end_line + lines)


_SEQUENCES = frozenset({"program", "compound_statement", "subshell", "do_group"})
_BRANCHES = frozenset({"if_statement", "elif_clause", "else_clause"})
_BLOCKS = _SEQUENCES | _BRANCHES  # statements in a row: an early exit guards those after it
MAX_CALL_DEPTH = 3  # a function called from a function called from...: deeper calls add nothing


class _Link(NamedTuple):
    """The facts that hold at a node, as a chain its descendants share: ``facts`` found at
    one level (never empty), then those of the levels above (``rest``)."""

    facts: list[Fact]
    rest: _Link | None


class _Memo:
    """What ``facts_at`` learnt about one script, so that each level, block, clause and
    function is read once however many writes and calls share it (a script of 16,000 writes
    or of functions calling functions stays linear). Keyed by node id."""

    __slots__ = ("chains", "blocks", "clauses", "branches", "calls")

    def __init__(self) -> None:
        self.chains: dict[tuple[int, int], tuple[_Link | None, bool]] = {}  # (node, call depth) -> (facts, returns)
        self.blocks: dict[tuple[int, bool], tuple[dict[int, int], list[int], list[Fact]]] = {}
        self.clauses: dict[int, tuple[list, list, frozenset[int]]] = {}
        self.branches: dict[int, list[Fact]] = {}
        self.calls: dict[str, list] | None = None


def _memo(script: Script) -> _Memo:
    if script.memo is None:
        script.memo = _Memo()
    return script.memo


def facts_at(script: Script, node, depth: int = 0) -> list[Fact]:
    """Facts that hold whenever ``node`` runs: from enclosing conditions and from earlier
    statements that leave when the opposite holds. Inside a shell function, the facts that
    hold at every call of it count too. Innermost first."""
    facts: list[Fact] = []
    link = _chain(script, node, depth)
    while link is not None:
        facts.extend(link.facts)
        link = link.rest
    return facts


def _chain(script: Script, node, depth: int) -> _Link | None:
    """The facts at ``node`` as a chain: walk up to the nearest level already known (or the
    script, or the function the node is in), then add each level's own facts on the way
    back down, remembering every level. No recursion: a script nested thousands of levels
    deep is read in one loop."""
    memo = _memo(script)
    path = []
    child = node
    while True:
        known = memo.chains.get((child.id, depth))
        if known is not None:
            link, returns = known
            break
        parent = script.parent(child)
        if parent is None:
            link, returns = None, script.top_level_return_exits
            break
        path.append((child, parent))
        if parent.type == "function_definition":
            link, returns = None, True
            break
        child = parent
    for child, parent in reversed(path):
        found = _level_facts(script, parent, child, returns, depth)
        if found:
            link = _Link(found, link)
        memo.chains[(child.id, depth)] = (link, returns)
    return link


def _level_facts(script: Script, parent, child, returns: bool, depth: int) -> list[Fact]:
    """What ``parent`` says about its ``child``: a condition around it, earlier statements
    of its block that leave, and, for a function's body, what holds at its calls."""
    kind = parent.type
    if kind == "function_definition":
        return _call_site_facts(script, parent, depth) if depth < MAX_CALL_DEPTH else []
    facts: list[Fact] = []
    if kind == "list":
        _list_facts(script, parent, child, facts)
    elif kind in _BRANCHES:
        _if_facts(script, parent, child, facts)
    elif kind == "case_item":
        facts.extend(_case_item_facts(script, parent))
    if kind in _BLOCKS:
        _early_exit_facts(script, parent, child, facts, returns)
    return facts


def _calls(script: Script, name: str) -> list:
    """The commands that run ``name``, in document order (indexed once per script)."""
    memo = _memo(script)
    if memo.calls is None:
        memo.calls = {}
        for command in script.commands:
            name_node = command.child_by_field_name("name")
            if name_node is not None:
                memo.calls.setdefault(word_text(name_node), []).append(command)
        for calls in memo.calls.values():
            calls.sort(key=lambda c: c.start_byte)  # a reused query cursor does not return them in order
    return memo.calls.get(name, [])


def _call_site_facts(script: Script, function, depth: int) -> list[Fact]:
    """The facts that hold at every call of ``function`` (none when it is never called),
    placed where the first call in the script finds them."""
    name_node = function.child_by_field_name("name")
    if name_node is None:
        return []
    name = name_node.text.decode("utf-8", "replace")
    common: list[Fact] | None = None
    for call in _calls(script, name):
        found = facts_at(script, call, depth + 1)
        if common is None:
            common = found
        else:
            keys = {(f.left.text, f.right.text, f.equal) for f in found}
            common = [f for f in common if (f.left.text, f.right.text, f.equal) in keys]
    return common or []


def _list_parts(lst):
    """(left, operator, right) of a list ``A && B`` or ``A || B``, comments between them not
    counted; None for another shape (error recovery in a broken script)."""
    parts = [c for c in lst.children if c.is_named and c.type != "comment"]
    operator = next((c.type for c in lst.children if c.type in ("&&", "||")), None)
    return (parts[0], operator, parts[1]) if len(parts) == 2 else None


def _list_facts(script: Script, lst, child, facts: list[Fact]) -> None:
    """``C && child`` (C held), ``C || child`` (C failed)."""
    parts = _list_parts(lst)
    if parts is not None and child == parts[2]:
        facts.extend(condition_facts(script, parts[0], parts[1] == "&&"))


def _if_facts(script: Script, clause, child, facts: list[Fact]) -> None:
    """Facts for a statement inside an if/elif/else body (an elif or else clause is not in
    the if's body: its facts are its own)."""
    if child.id in _clause(script, clause)[2]:
        facts.extend(_branch_facts(script, clause))


def _branch_facts(script: Script, clause) -> list[Fact]:
    """What holds in the body of an if/elif/else clause: its condition held, and every
    earlier branch was not taken (read once per clause)."""
    memo = _memo(script)
    known = memo.branches.get(clause.id)
    if known is not None:
        return known
    facts: list[Fact] = []
    if clause.type == "if_statement":
        facts.extend(_last_condition(script, _clause(script, clause)[0], True))
    elif script.parent(clause) is not None:
        statement = script.parent(clause)
        facts.extend(_last_condition(script, _clause(script, clause)[0], True))
        facts.extend(_last_condition(script, _clause(script, statement)[0], False))
        for sibling in statement.children:
            if sibling == clause:
                break
            if sibling.type == "elif_clause":
                facts.extend(_last_condition(script, _clause(script, sibling)[0], False))
    memo.branches[clause.id] = facts
    return facts


def _last_condition(script: Script, condition: list, truth: bool) -> list[Fact]:
    return condition_facts(script, condition[-1], truth) if condition else []


def _early_exit_facts(script: Script, block, child, facts: list[Fact], returns: bool) -> None:
    """``[ "$POD_IP" = "$HOST_IP" ] && exit 0`` before the write: the opposite holds after."""
    index, ends, found = _block_exits(script, block, returns)
    at = index.get(child.id)
    if at is not None:
        facts.extend(found[: ends[at]])


def _block_exits(script: Script, block, returns: bool) -> tuple[dict[int, int], list[int], list[Fact]]:
    """The early-exit facts of a block's statements, read in one pass: (statement id ->
    its index, per index the number of facts its earlier statements give, those facts)."""
    memo = _memo(script)
    known = memo.blocks.get((block.id, returns))
    if known is not None:
        return known
    if block.type in _BRANCHES:
        statements = _clause(script, block)[1]
    else:
        statements = [c for c in block.children if c.is_named]
    index: dict[int, int] = {}
    ends: list[int] = []
    found: list[Fact] = []
    for statement in statements:
        index[statement.id] = len(ends)
        ends.append(len(found))
        found.extend(_statement_exit_facts(script, statement, returns))
    memo.blocks[(block.id, returns)] = (index, ends, found)
    return index, ends, found


def _statement_exit_facts(script: Script, statement, returns: bool) -> list[Fact]:
    """What holds after ``statement`` because it leaves when the opposite holds."""
    if statement.type == "list":
        return _exit_list_facts(script, statement, returns)
    if statement.type == "case_statement":
        return _case_exit_facts(script, statement, returns)
    if statement.type != "if_statement":
        return []
    condition, body, _ = _clause(script, statement)
    clauses = [c for c in statement.children if c.type in ("elif_clause", "else_clause")]
    body_leaves = any(_leaves(s, returns) for s in body)
    if not clauses and body_leaves:
        return _last_condition(script, condition, False)
    if len(clauses) == 1 and clauses[0].type == "else_clause":
        else_leaves = any(_leaves(s, returns) for s in _clause(script, clauses[0])[1])
        if body_leaves != else_leaves:  # after it, the branch that stays was taken
            return _last_condition(script, condition, not body_leaves)
    return []


def _case_pattern(item):
    """The single exact pattern of a case item (an operand), '*' for the default, or None."""
    patterns = item.children_by_field_name("value")
    if len(patterns) != 1:
        return None
    text = word_text(patterns[0])
    if text == "*":
        return "*"
    if patterns[0].type == "extglob_pattern" or any(ch in text for ch in "*?[|"):
        return None
    return operand(patterns[0])


def _case_item_facts(script: Script, item) -> list[Fact]:
    """Inside ``case S in P) ...``: S equals P; inside ``*)``: S differs from every
    earlier single pattern."""
    statement = script.parent(item)
    subject = statement.child_by_field_name("value") if statement is not None else None
    if subject is None:
        return []
    pattern = _case_pattern(item)
    if pattern is None:
        return []
    if pattern != "*":
        return [_fact(script, operand(subject), pattern, True, item)]
    facts = []
    for earlier in statement.children:
        if earlier == item:
            break
        if earlier.type == "case_item":
            other = _case_pattern(earlier)
            if other is not None and other != "*":
                facts.append(_fact(script, operand(subject), other, False, earlier))
    return facts


def _case_exit_facts(script: Script, statement, returns: bool) -> list[Fact]:
    """``case S in P) exit 0;; esac`` before the write: S differs from P after it."""
    subject = statement.child_by_field_name("value")
    if subject is None:
        return []
    facts = []
    for item in statement.children:
        if item.type != "case_item":
            continue
        pattern = _case_pattern(item)  # its words and tokens are no commands: they never leave
        if pattern is not None and pattern != "*" and any(_leaves(c, returns) for c in item.children):
            facts.append(_fact(script, operand(subject), pattern, False, item))
    return facts


def _exit_list_facts(script: Script, statement, returns: bool) -> list[Fact]:
    """``C && exit`` (C is false after it), ``C || exit`` (C is true after it), also
    followed by more commands (``|| true`` as scripts under ``set -e`` write it, ``&& echo
    done``; any number of them): whichever way the list goes on, it went on because C was so."""
    while True:
        parts = _list_parts(statement)
        if parts is None:
            return []
        left, operator, right = parts
        if _leaves(right, returns):
            return condition_facts(script, left, operator == "||")
        if left.type != "list":
            return []
        statement = left  # (C && exit) || true


def condition_facts(script: Script, node, truth: bool) -> list[Fact]:
    """What ``node`` succeeding (truth=True) or failing (False) says about equalities, left
    to right. One loop over the parts still to read: conditions nested thousands of levels
    deep (``! ! ...``, ``( ( ... ) )``, long ``&&`` lists) need no recursion."""
    facts: list[Fact] = []
    pending = [(node, truth)]
    while pending:
        node, truth = pending.pop()
        pending.extend(reversed(_condition_parts(script, node, truth, facts)))
    return facts


def _condition_parts(script: Script, node, truth: bool, facts: list[Fact]) -> list[tuple[object, bool]]:
    """One step of ``condition_facts``: a comparison adds its fact to ``facts``; a compound
    condition gives its parts (node, truth) to read, in order."""
    kind = node.type
    if kind == "negated_command":
        inner = [c for c in node.children if c.is_named]
        return [(inner[0], not truth)] if inner else []
    if kind == "test_command":
        facts.extend(_test_facts(script, node, truth))
        return []
    if kind in ("subshell", "compound_statement"):
        inner = [c for c in node.children if c.is_named]
        return [(inner[-1], truth)] if inner else []
    if kind == "list":
        parts = _list_parts(node)
        if parts is not None and (parts[1] == "&&") == truth:  # A && B held, A || B failed: so did A and B
            return [(parts[0], truth), (parts[2], truth)]
        return []
    if kind == "command":
        name = node.child_by_field_name("name")
        command = word_text(name) if name is not None else ""
        if command not in ("test", "["):
            return []
        args = node.children_by_field_name("argument")
        words = [(a, word_text(a)) for a in args]
        if command == "[":  # a quoted "[" is a command, not a test_command
            if not words or words[-1][1] != "]":
                return []  # "[: missing ]": the test fails
            words.pop()
        facts.extend(_expression_facts(script, _test_tree(words, _TEST_LOGIC), truth))
    return []


# -- [ ... ] and [[ ... ]]: tree-sitter-bash nests their operators without the shell's precedence
# (it reads [ A != B -a C ] as A != (B -a C)), so the expression is read again from its words.

_COMPARE = frozenset({"=", "==", "!="})
_BINARY_TESTS = _COMPARE | {"=~", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef"}
_GROUPING = frozenset({"binary_expression", "unary_expression", "parenthesized_expression"})
_AND, _OR, _NOT = "and", "or", "not"
_BINDING = (_OR, _AND, _NOT)  # from the loosest to the tightest
_UNARY_TEST = re.compile(r"-[A-Za-z]")  # -n WORD, -f FILE, ...
_TEST_LOGIC = {"-a": _AND, "-o": _OR}  # test(1), [ ]
_DOUBLE_BRACKET_LOGIC = {"&&": _AND, "||": _OR}


def _test_facts(script: Script, node, truth: bool) -> list[Fact]:
    """The facts of ``[ EXPR ]`` or ``[[ EXPR ]]`` being ``truth``: ``!`` binds tightest, then
    the comparisons, then and (``-a`` in [ ], ``&&`` in [[ ]]), then or (``-o``, ``||``)."""
    logic = _DOUBLE_BRACKET_LOGIC if node.children[0].type == "[[" else _TEST_LOGIC
    words = []
    for inner in (c for c in node.children if c.is_named):
        words.extend(_test_words(inner))
    return _expression_facts(script, _test_tree([(w, word_text(w)) for w in words], logic), truth)


def _expression_facts(script: Script, tree, truth: bool) -> list[Fact]:
    """The comparisons that hold when the expression ``tree`` (of ``_test_tree``) is ``truth``."""
    facts: list[Fact] = []
    pending = [(tree, truth)] if tree is not None else []
    while pending:
        item, truth = pending.pop()
        if item[0] == _NOT:
            pending.append((item[1], not truth))
        elif item[0] == (_AND if truth else _OR):  # A and B true, A or B false: both sides hold
            pending.extend([(item[2], truth), (item[1], truth)])
        elif item[0] == "compare":
            _, left, op, right = item
            equal = (op != "!=") == truth
            line, col, _, _ = script.region(left)
            *_, end_line, end_col = script.region(right)
            facts.append(Fact(operand(left), operand(right), equal, line, col, end_line, end_col))
    return facts


def _test_words(node) -> list:
    """The words and operators of a test expression in source order, its groupings undone."""
    words, pending = [], [node]
    while pending:
        node = pending.pop()
        if node.type in _GROUPING:
            pending.extend(reversed(node.children))
        else:
            words.append(node)
    return words


def _test_tree(words: list[tuple[object, str]], logic: dict[str, str]):
    """The expression of ``words`` as nested tuples ('not', X), ('and'|'or', X, Y),
    ('compare', left, op, right) or ('other',); None when it is not well formed. Operator
    precedence without recursion (shunting-yard): tests nest thousands of levels deep."""
    out: list = []
    ops: list[str] = []

    def apply() -> None:  # the reading below leaves every operator its operands
        op = ops.pop()
        out.append((_NOT, out.pop()) if op == _NOT else (op, out.pop(-2), out.pop()))

    i, operand_next = 0, True
    while i < len(words):
        node, text = words[i]
        if operand_next and text in ("(", "!"):
            ops.append(_NOT if text == "!" else "(")
            i += 1
        elif operand_next:
            if i + 2 < len(words) and words[i + 1][1] in _BINARY_TESTS:
                op = words[i + 1][1]
                out.append(("compare", node, op, words[i + 2][0]) if op in _COMPARE else ("other",))
                i += 3
            else:  # -n WORD, -f FILE, or a lone word
                i += 2 if _UNARY_TEST.fullmatch(text) else 1
                out.append(("other",))
            operand_next = False
        elif text in logic:
            while ops and ops[-1] != "(" and _BINDING.index(ops[-1]) >= _BINDING.index(logic[text]):
                apply()
            ops.append(logic[text])
            i, operand_next = i + 1, True
        elif text == ")" and "(" in ops:
            while ops[-1] != "(":
                apply()
            ops.pop()
            i += 1
        else:
            return None
    if operand_next or "(" in ops:
        return None
    while ops:
        apply()
    return out[0]


def _fact(script: Script, left: Operand, right: Operand, equal: bool, node) -> Fact:
    line, col, end_line, end_col = script.region(node)
    return Fact(left, right, equal, line, col, end_line, end_col)


def _clause(script: Script, clause) -> tuple[list, list, frozenset[int]]:
    """(condition statements, body statements, the body's node ids) of an if_statement,
    elif_clause or else_clause (which has no condition), read once per clause."""
    memo = _memo(script)
    known = memo.clauses.get(clause.id)
    if known is None:
        condition: list = []
        body: list = []
        seen_then = clause.type == "else_clause"
        for child in clause.children:
            if child.type == "then":
                seen_then = True
                continue
            if not child.is_named or child.type in ("elif_clause", "else_clause", "comment"):
                continue
            (body if seen_then else condition).append(child)
        known = memo.clauses[clause.id] = (condition, body, frozenset(c.id for c in body))
    return known


def _leaves(statement, returns: bool) -> bool:
    """True when ``statement`` leaves the script (``exit``) or, with ``returns``, the
    function it is in (``return``); also inside ``{ ...; exit; }``, however deep."""
    pending = [statement]
    while pending:
        node = pending.pop()
        if node.type == "command":
            name = node.child_by_field_name("name")
            word = word_text(name) if name is not None else ""
            if word == "exit" or (returns and word == "return"):
                return True
        elif node.type == "compound_statement":
            pending.extend(c for c in node.children if c.is_named)
    return False  # a list (A && exit) may not run its exit; a subshell's exit leaves only the subshell


def operand(node) -> Operand:
    """A comparison operand: a variable when the word is exactly $V or ${V} (quoted or not)."""
    inner = node
    if inner.type == "string":
        parts = [c for c in inner.children if c.is_named]
        if len(parts) == 1:
            inner = parts[0]
    return Operand(plain_name(inner), word_text(node))

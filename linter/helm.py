"""Move findings of a Helm-rendered stream back to the chart's template lines; run helm.

``helm template`` writes ``# Source: CHART/templates/FILE`` before each document. With a
chart directory, a finding in such a document moves to ``DIR/templates/FILE``, at the
template line that produced the flagged rendered line.

How a rendered line finds its template line: the template is read as a sequence of lines
(``Entry``), each a pattern (its literal text, ``{{ ... }}`` actions as wildcards). Lines
that are only control actions (``if``, ``range``, ``end``, ``define``, assignments,
comments) emit nothing and are never a target. A line that only calls a helper
(``{{ include "x" . | nindent 8 }}``) is followed by the helper's own lines, so the lines the
helper emits match the helper's text and map to the call. The rendered document is then
aligned with that sequence, keeping order (a heaviest common subsequence over the pairs
that match, weighted by literal text and indentation: O(pairs x log lines)). A rendered
line outside the alignment is placed by its neighbours: a later iteration of a ``range``
(the same pattern between the enclosing matched lines), else the one line between them
that can emit several lines (``toYaml``, ``include``, ``nindent``). Anything less certain is
placed on the nearest matched line and the message says "(approximate template line)".
"""

from __future__ import annotations

import bisect
import os
import re
from typing import Mapping

from .bounded import Refused, read_regular
from .findings import Finding, Location
from .numbers import parse_int
from .records import field, mutable
from .sources import SourceFile, display_path, split_documents

APPROXIMATE = "approximate template line"

_ACTION = re.compile(r"\{\{-?\s*/\*.*?\*/\s*-?\}\}|\{\{.*?\}\}", re.S)
_CONTROL_WORD = re.compile(r"(?:if|else|end|range|with|define|block|break|continue)\b|/\*|\$\w*\s*:?=[^=]")
_OPENS = re.compile(r"(?:if|range|with|define|block)\b")
_CALL = re.compile(r'(?:include|template)\s+"([^"]+)"')
_INDENT = re.compile(r"\b(n?indent)\s+([0-9]+)")
_MULTI_TAIL = re.compile(r"\b(?:nindent|toYaml|tpl)\b")  # a value that may run onto the next lines
TEMPLATE_LIMIT = 8 << 20  # bytes of one template or helper file read for the mapping
_MAX_DEPTH = 6  # helpers calling helpers
_MAX_ENTRIES = 50_000  # expanded lines per template
_NEAR = 64  # candidates of one pattern per rendered line, near the alignment's front
_WINDOW = 1_000  # entries searched for a line outside the alignment
_SCALE = 1 << 20  # alignment weight of one literal character (more than any entry index)
_RESTART = 3 * _SCALE  # the cost of going back to the start of a range body: a next iteration


def _inner(action: str) -> str:
    """The words of an action: '{{- if .x }}' -> 'if .x'."""
    inner = action[2:-2]
    return inner.strip("-").strip() if inner else ""


@mutable
class Line:
    """One line of a template or helper file, as written."""

    path: str  # display path of the file
    number: int  # 1-based
    text: str
    kind: str  # "literal" | "mixed" | "output" | "control"
    indent: int
    weight: int  # non-blank literal characters outside conditional parts
    parts: list[tuple[str, int, int]] = field(default_factory=list)  # (kind, start, end): literal/optional/action
    regex: re.Pattern | None = None  # matches the rendered line with its indentation stripped
    multi: bool = False  # may emit further lines after its own (toYaml, include, nindent)
    call: tuple[str, int, int] | None = None  # (helper name, start, end) of a helper call it consists of / ends with
    emit_indent: int | None = None  # the nindent/indent of its last action
    tail: tuple[int, int] | None = None  # the span of its last output action
    loop_end: int | None = None  # inside a range: the line number of the outermost range's end

    @property
    def first_column(self) -> int:
        return len(self.text) - len(self.text.lstrip()) + 1


@mutable
class Entry:
    """A line of the expanded template: a template line, or a helper line reached through a
    call on the template line ``via``."""

    line: Line
    indent: int  # expected indentation of the rendered line
    via: Line | None = None  # the template line whose helper call emits this line
    via_span: tuple[int, int] | None = None  # the call action on that line (0-based, end exclusive)
    loop_end: int | None = field(init=False)  # the index of the last entry of the outermost range
    # body around it, None outside a range (set by _loop_bodies)


def parse_lines(path: str, text: str) -> list[Line]:
    """The lines of a template file, classified, with a pattern for each line that emits text."""
    raw = text.split("\n")
    starts = [0]
    for item in raw[:-1]:
        starts.append(starts[-1] + len(item) + 1)
    actions = [(m.start(), m.end(), _inner(m.group(0))) for m in _ACTION.finditer(text)]
    action_starts = [s for s, _, _ in actions]
    action_ends = [e for _, e, _ in actions]
    lines: list[Line] = []
    for number, (start, item) in enumerate(zip(starts, raw), 1):
        end = start + len(item)
        parts: list[tuple[str, int, int, str]] = []
        pos = start
        # the actions on this line: ending after its start (no action ends at a line's start,
        # a newline), starting before its end (none starts at the newline)
        on_line = actions[bisect.bisect_right(action_ends, start) : bisect.bisect_left(action_starts, end)]
        for s, e, words in on_line:
            if s < start:  # the tail of an action opened on an earlier line: emits nothing here
                pos = min(e, end)
                continue
            if s > pos:
                parts.append(("literal", pos - start, s - start, ""))
            parts.append(("action", s - start, min(e, end) - start, words))
            pos = min(e, end)
        if pos < end:
            parts.append(("literal", pos - start, end - start, ""))
        lines.append(_classify(path, number, item, parts))
    _mark_loops(lines, text, starts)
    return lines


def _mark_loops(lines: list[Line], text: str, starts: list[int]) -> None:
    """Set ``loop_end`` (the line of its ``end``) on every line inside an outermost ``range``."""
    stack: list[tuple[bool, int]] = []  # (is a range, its line)
    for match in _ACTION.finditer(text):
        words = _inner(match.group(0))
        if _OPENS.match(words):
            stack.append((words.startswith("range"), bisect.bisect_right(starts, match.start())))
        elif words.startswith("end") and stack:
            is_range, first = stack.pop()
            if is_range and not any(r for r, _ in stack):
                last = bisect.bisect_right(starts, match.start())
                for line in lines[first : last - 1]:
                    line.loop_end = last


def _classify(path: str, number: int, item: str, parts) -> Line:
    """The line's kind, weight and pattern from its parts: (kind, start, end, the words of the
    whole action, which may go on to later lines)."""
    literal = 0
    outputs: list[tuple[int, int, str]] = []
    shaped: list[tuple[str, int, int]] = []
    depth = 0
    for kind, s, e, words in parts:
        if kind == "literal":
            chunk = item[s:e]
            if chunk.strip():
                if depth == 0:
                    literal += len("".join(chunk.split()))
                shaped.append(("optional" if depth else "literal", s, e))
            elif shaped or depth:
                shaped.append(("optional", s, e))
            continue
        if _CONTROL_WORD.match(words):
            if _OPENS.match(words) and not words.startswith("define"):
                depth += 1
            elif words.startswith("end") and depth:
                depth -= 1
            continue
        outputs.append((s, e, words))
        shaped.append(("action", s, e))
    line = Line(path, number, item, "control", len(item) - len(item.lstrip()), literal)
    if not outputs and not literal:
        return line
    line.kind = "literal" if not outputs else ("mixed" if literal else "output")
    last = outputs[-1] if outputs else None
    if last is not None:
        line.tail = (last[0], last[1])
        indent = _INDENT.search(last[2])
        line.emit_indent = parse_int(indent.group(2)) if indent else None
        ends_with_it = shaped[-1][0] == "action"
        line.multi = line.kind == "output" or (ends_with_it and bool(_MULTI_TAIL.search(last[2])))
        call = _CALL.match(last[2])
        if call and (line.kind == "output" or indent):
            line.call = (call.group(1), last[0], last[1])
    if line.kind != "output":
        line.parts, line.regex = _pattern(item, shaped)
    return line


def _pattern(item: str, shaped) -> tuple[list[tuple[str, int, int]], re.Pattern]:
    """A regex for the line with its indentation stripped; one group per part."""
    lead = len(item) - len(item.lstrip())
    out: list[str] = []
    parts: list[tuple[str, int, int]] = []
    for i, (kind, s, e) in enumerate(shaped):
        if kind == "action":
            out.append("(.*?)")
            parts.append((kind, s, e))
            continue
        s = max(s, lead)
        chunk = item[s:e]
        nxt = shaped[i + 1] if i + 1 < len(shaped) else None
        prev = shaped[i - 1] if i else None
        trailing = ""
        if nxt is None or nxt[0] == "action":  # '{{-' trims it, an empty value leaves it dangling
            stripped = chunk.rstrip()
            trailing = r"\s*" if stripped != chunk else ""
            e = s + len(stripped)
            chunk = stripped
        if prev is not None and prev[0] == "action" and item[prev[1] : prev[2]].endswith("-}}"):
            stripped = chunk.lstrip()
            s = e - len(stripped)
            chunk = stripped
        body = re.escape(chunk)
        out.append((f"({body})?" if kind == "optional" else f"({body})") + trailing)
        parts.append(("literal", s, e))
    return parts, re.compile("".join(out), re.S)


def _loop_bodies(entries: list[Entry]) -> None:
    """``loop_end`` of each entry inside a range of the template (a helper's lines: their call's)."""
    tops = [(j, e.line.number) for j, e in enumerate(entries) if e.via is None]
    numbers = [n for _, n in tops]
    for j, entry in enumerate(entries):
        if entry.via is not None:  # follows its call, or another line of the same call
            entry.loop_end = entries[j - 1].loop_end
        elif entry.line.loop_end is None:
            entry.loop_end = None
        else:
            after = bisect.bisect_left(numbers, entry.line.loop_end)
            entry.loop_end = (tops[after][0] if after < len(tops) else len(entries)) - 1


class Unusable(Exception):
    """Why a template or helper file is not read for the mapping: one phrase."""


class Chart:
    """A chart directory: its template files and the helpers defined anywhere in it (its own
    and its subcharts' templates), read once per mapping. Only regular files inside the chart
    are read, each up to TEMPLATE_LIMIT: a ``# Source:`` comment is the rendered stream's
    word, and must not make portlint read (or point findings at) files outside the chart."""

    def __init__(self, root: str) -> None:
        self.root = root
        self._real_root = os.path.realpath(root)
        self._texts: dict[str, str] = {}
        self._lines: dict[str, list[Line]] = {}
        self._entries: dict[str, list[Entry]] = {}
        self._helpers: dict[str, list[Line]] | None = None
        self.refused: dict[str, str] = {}  # '# Source:' path -> why that template is not used
        self.unread: dict[str, str] = {}  # helper file -> why it is not read

    def template_path(self, source: str) -> str | None:
        """chart/templates/x.yaml -> ROOT/templates/x.yaml (subcharts: chart/charts/sub/templates/...);
        None when the chart has no such file, or when the path or the file is refused
        (``refused`` says why)."""
        if source in self.refused:
            return None
        try:
            return self._find(source)
        except Unusable as exc:
            self.refused[source] = str(exc)
            return None

    def _find(self, source: str) -> str | None:
        parts = source.split("/")
        if any(part in ("", ".", "..") for part in parts):
            raise Unusable("not a path inside the chart")
        for start in range(1, len(parts)):
            candidate = os.path.join(self.root, *parts[start:])
            if os.path.lexists(candidate):
                self.text(candidate)
                return candidate
        return None

    def text(self, path: str) -> str:
        """The text of a file of the chart (LF line ends); Unusable when it lies outside the
        chart (through a symlink), is not a regular file or is larger than TEMPLATE_LIMIT."""
        if path not in self._texts:
            real = os.path.realpath(path)
            if os.path.commonpath([real, self._real_root]) != self._real_root:
                raise Unusable("a symlink out of the chart")
            try:
                data = read_regular(path, TEMPLATE_LIMIT)
            except Refused as exc:
                raise Unusable(str(exc)) from None
            except OSError as exc:
                raise Unusable(exc.strerror or str(exc)) from None
            self._texts[path] = data.decode("utf-8-sig", errors="replace").replace("\r\n", "\n")
        return self._texts[path]

    def lines(self, path: str) -> list[Line]:
        """The lines of a file already read with ``text``."""
        if path not in self._lines:
            self._lines[path] = parse_lines(display_path(path), self.text(path))
        return self._lines[path]

    def notes(self, chart: str) -> list[str]:
        """What the mapping did not read, as lines for stderr and the report."""
        said = [
            f"warning: {chart}: Helm template {source} not used ({why}); findings of its documents stay on the rendered stream"
            for source, why in self.refused.items()
        ]
        return said + [f"warning: {chart}: {path} not read for Helm helpers ({why})" for path, why in self.unread.items()]

    def entries(self, path: str) -> list[Entry]:
        """The template's lines that emit text, helper calls followed by the helper's lines."""
        if path not in self._entries:
            out: list[Entry] = []
            for line in self.lines(path):
                if line.kind != "control":
                    emits = line.emit_indent if line.kind == "output" and line.emit_indent is not None else line.indent
                    self._add(out, line, emits, None, None, 0)
            _loop_bodies(out)
            self._entries[path] = out
        return self._entries[path]

    def _add(self, out: list[Entry], line: Line, indent: int, via: Line | None, span, depth: int) -> None:
        out.append(Entry(line, indent, via, span))
        if line.call is None or depth >= _MAX_DEPTH or len(out) > _MAX_ENTRIES:
            return
        body = [b for b in self.helpers().get(line.call[0], ()) if b.kind != "control"]
        if not body:
            return
        base = line.emit_indent if line.emit_indent is not None else indent
        lead = min(b.indent for b in body)
        caller, caller_span = (via, span) if via is not None else (line, (line.call[1], line.call[2]))
        for b in body:
            self._add(out, b, base + b.indent - lead, caller, caller_span, depth + 1)

    def helpers(self) -> dict[str, list[Line]]:
        """name -> the lines between ``define "name"`` and its ``end``."""
        if self._helpers is None:
            self._helpers = {}
            for dirpath, dirnames, filenames in os.walk(self.root):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                if os.path.basename(dirpath) != "templates" and "/templates/" not in dirpath.replace(os.sep, "/") + "/":
                    continue
                for name in sorted(filenames):
                    path = os.path.join(dirpath, name)
                    self._read_defines(path)
        return self._helpers

    def _read_defines(self, path: str) -> None:
        try:
            text = self.text(path)
        except Unusable as exc:
            self.unread[display_path(path)] = str(exc)
            return
        if "define" not in text:
            return
        lines = None
        stack: list[tuple[str, int]] = []
        for match in _ACTION.finditer(text):
            words = _inner(match.group(0))
            line_no = text.count("\n", 0, match.start()) + 1
            if words.startswith("define"):
                name = re.match(r'define\s+"([^"]+)"', words)
                stack.append((name.group(1) if name else "", line_no))
            elif _OPENS.match(words):
                stack.append(("", 0))
            elif words.startswith("end") and stack:
                name, first = stack.pop()
                if name:
                    if lines is None:
                        lines = self.lines(path)
                    self._helpers.setdefault(name, lines[first : line_no - 1])


def _stripped_indent(text: str) -> tuple[str, int]:
    body = text.lstrip()
    return body.rstrip(), len(text) - len(body)


def _matches(line: Line, body: str) -> re.Match | None:
    return line.regex.fullmatch(body) if line.regex is not None else None


def _fits(entry: Entry, body: str, indent: int) -> bool:
    """Whether the rendered line (body, indent) may come from the entry: its literal text,
    else its pattern, with more than two literal characters or at the expected indentation
    (a line such as '{{ .k }}: {{ .v }}' elsewhere would match anything)."""
    line = entry.line
    if line.kind == "literal":
        return line.text.strip() == body
    return (line.weight > 2 or entry.indent == indent) and _matches(line, body) is not None


def _score(entry: Entry, indent: int) -> int:
    """The weight of a fitting pair: the literal characters, more for a literal line (it
    outweighs any pattern that reads the same) and for the expected indentation."""
    bonus = 4 if entry.line.kind == "literal" else 0
    return entry.line.weight + bonus + (3 if entry.indent == indent else 0)


def align(entries: list[Entry], rendered: list[str]) -> dict[int, int]:
    """Rendered line index -> entry index, in order on both sides, maximising the weight
    of the matched literal text (a heaviest common subsequence, Fenwick tree over entries)."""
    literal: dict[str, list[int]] = {}
    by_head: dict[str, list[int]] = {}
    anywhere: list[int] = []
    for j, entry in enumerate(entries):
        line = entry.line
        if line.kind == "literal":
            literal.setdefault(line.text.strip(), []).append(j)
        elif line.kind == "mixed":
            first = line.parts[0]
            head = line.text[first[1] : first[2]] if first[0] == "literal" else ""
            token, space, _ = head.partition(" ")
            if token and space:  # a whole first word: only rendered lines starting with it
                by_head.setdefault(token, []).append(j)
            else:
                anywhere.append(j)
    bodies = [_stripped_indent(text) for text in rendered]
    windows = _windows(literal, bodies, len(entries))
    size = len(entries)
    best = [0] * (size + 1)  # Fenwick tree: the best chain ending at or before an entry
    best_id = [-1] * (size + 1)
    nodes: list[tuple[int, int, int]] = []  # (rendered index, entry index, previous node)
    top, top_id = 0, -1
    for r, (body, indent) in enumerate(bodies):
        if not body:
            continue
        lo, hi = windows[r]
        front = nodes[top_id][1] if top_id >= 0 else 0
        found: list[tuple[int, int]] = []
        head = body.partition(" ")[0]  # its first word, as the entries' heads are read
        for group in (literal.get(body, ()), by_head.get(head, ()), anywhere):
            for j in _near(_within(group, lo, hi), front):
                if _fits(entries[j], body, indent):
                    found.append((j, _score(entries[j], indent)))
        updates = []
        for j, weight in found:
            # each match costs its entry's index, a fraction of one literal character: of
            # two chains of equal weight, the one matching earlier template lines wins
            score, prev = 0, -1
            i = j
            while i > 0:
                if best[i] > score:
                    score, prev = best[i], best_id[i]
                i -= i & -i
            loop_end = entries[j].loop_end
            if loop_end is not None:  # or a next iteration of the range: back from its body
                i = loop_end + 1
                while i > 0:
                    if best[i] - _RESTART > score:
                        score, prev = best[i] - _RESTART, best_id[i]
                    i -= i & -i
            nodes.append((r, j, prev))
            updates.append((j, score + weight * _SCALE - j, len(nodes) - 1))
        for j, score, node in updates:
            i = j + 1
            while i <= size:
                if score > best[i]:
                    best[i], best_id[i] = score, node
                i += i & -i
            if score > top:
                top, top_id = score, node
    matched: dict[int, int] = {}
    node = top_id
    while node >= 0:
        r, j, node = nodes[node]
        matched[r] = j
    return matched


def _within(positions, lo: int, hi: int):
    """The sorted positions in [lo, hi]."""
    return positions[bisect.bisect_left(positions, lo) : bisect.bisect_right(positions, hi)]


def _near(positions, front: int):
    """At most _NEAR of the sorted positions, around the end of the best chain so far: keeps
    a template without anchors (every line templated) from costing lines x lines."""
    at = bisect.bisect_left(positions, front)
    start = max(0, min(at - _NEAR // 4, len(positions) - _NEAR))
    return positions[start : start + _NEAR]


def _windows(literal: dict[str, list[int]], bodies, size: int) -> list[tuple[int, int]]:
    """For each rendered line, the entries it may match: between the anchors around it.
    Anchors are the lines whose text is a literal template line that occurs once on each
    side, kept in order (a longest increasing subsequence): as in patience diff, they split
    the alignment into small independent parts, so that repeated patterns are compared only
    near where they can be."""
    count: dict[str, int] = {}
    for body, _ in bodies:
        if body in literal:
            count[body] = count.get(body, 0) + 1
    pairs = [(r, literal[body][0]) for r, (body, _) in enumerate(bodies) if count.get(body) == 1 and len(literal[body]) == 1]
    # longest increasing subsequence of the entry positions (patience sorting)
    tails: list[int] = []
    tail_at: list[int] = []
    back = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        at = bisect.bisect_left(tails, j)
        back[k] = tail_at[at - 1] if at else -1
        if at == len(tails):
            tails.append(j)
            tail_at.append(k)
        else:
            tails[at], tail_at[at] = j, k
    anchors: list[tuple[int, int]] = []
    if tail_at:
        k = tail_at[-1]
        while k >= 0:
            anchors.append(pairs[k])
            k = back[k]
        anchors.reverse()
    out: list[tuple[int, int]] = []
    a = 0
    for r in range(len(bodies)):
        while a < len(anchors) and anchors[a][0] < r:
            a += 1
        if a < len(anchors) and anchors[a][0] == r:
            out.append((anchors[a][1], anchors[a][1]))
            continue
        lo = anchors[a - 1][1] + 1 if a else 0
        hi = anchors[a][1] - 1 if a < len(anchors) else size - 1
        out.append((lo, hi))
    return out


@mutable
class Place:
    """Where a rendered line came from."""

    line: Line  # the template line (or, for a helper line, the line calling the helper)
    column: int  # 1-based
    end_column: int
    exact: bool
    helper: Location | None = None  # the helper's own line, when the text came from a helper


def _parents(items) -> list[int]:
    """For (indent, text) items, the index of each one's YAML parent (-1 for none): the
    nearest item before it that is less indented, or a key at the same indent above a list
    item. Comments and blank items are nobody's parent."""
    parents: list[int] = []
    stack: list[tuple[int, bool, int]] = []
    for i, (indent, text) in enumerate(items):
        body = text.lstrip()
        item = body.startswith("- ") or body == "-"
        while stack and not (stack[-1][0] < indent or (stack[-1][0] == indent and item and not stack[-1][1])):
            stack.pop()
        parents.append(stack[-1][2] if stack else -1)
        if body and not body.startswith("#"):
            stack.append((indent, item, i))
    return parents


class _Document:
    """One rendered document aligned with its template: ``assign[r]`` is (entry index,
    exact) for each rendered line r that has text."""

    def __init__(self, chart: Chart, template: str, first_line: int, text: str) -> None:
        self.entries = chart.entries(template)
        self.first_line = first_line
        self.rendered = text.split("\n")
        self.assign: list[tuple[int, bool] | None] = [None] * len(self.rendered)
        if self.entries:
            self._assign(align(self.entries, self.rendered))

    def _assign(self, matched: dict[int, int]) -> None:
        """Keep the aligned lines whose parent is aligned with the template parent (the key
        path agrees); place the others after their parent's template line: a later range
        iteration, or text that a value or helper emitted."""
        entries, rendered = self.entries, self.rendered
        template_parent = _parents([(e.indent, e.line.text) for e in entries])
        shape = [_stripped_indent(text) for text in rendered]
        parent = _parents([(indent, text) for text, (_, indent) in zip(rendered, shape)])
        order = sorted(matched)
        previous = 0  # the last placed entry (none yet: the first entry)
        for r, (body, indent) in enumerate(shape):
            if not body:
                continue
            p = parent[r]
            above = self.assign[p][0] if p >= 0 else -1  # a parent is an earlier line with text: placed
            j = matched.get(r)
            if j is not None and template_parent[j] == above:
                self.assign[r] = (j, True)
            elif above >= 0 and entries[above].line.multi and entries[above].line.call is None:
                self.assign[r] = (above, self.assign[p][1])  # inside what a toYaml/tpl block emits
            else:
                at = bisect.bisect_right(order, r)
                bound = next((matched[k] for k in order[at : at + 16] if matched[k] > above), len(entries))
                self.assign[r] = self._repair(body, indent, above, min(bound, above + 1 + _WINDOW), previous)
            previous = self.assign[r][0]

    def _repair(self, body: str, indent: int, above: int, bound: int, previous: int) -> tuple[int, bool]:
        best: tuple[int, int] | None = None
        for j in range(above + 1, bound):
            if _fits(self.entries[j], body, indent):
                score = _score(self.entries[j], indent)
                if best is None or score > best[0]:  # the first of equals: the nearest after the parent
                    best = (score, j)
        if best is not None:
            return best[1], True
        emitters = [j for j in range(max(previous, above), bound) if self.entries[j].line.multi]
        if emitters:
            fitting = [j for j in emitters if self.entries[j].indent <= indent] or emitters
            return fitting[-1], len(emitters) == 1
        return (max(previous, above), False)

    def _placed(self, line: int) -> tuple[int, bool] | None:
        """(entry index, exact) of a rendered line; None past the document's end (a line named
        in a message) or without text. No line is before it: the mapper picks the document by
        its first line."""
        r = line - self.first_line
        return self.assign[r] if r < len(self.rendered) else None

    def source(self, line: int) -> Line | None:
        """The template line (for a helper's line: the call) that a rendered line came from."""
        placed = self._placed(line)
        if placed is None:
            return None
        entry = self.entries[placed[0]]
        return entry.via or entry.line

    def place(self, line: int, column: int, end_line: int, end_column: int) -> Place | None:
        placed = self._placed(line)
        if placed is None:
            return None
        j, exact = placed
        r = line - self.first_line
        entry = self.entries[j]
        if exact and (entry.line.kind == "literal" or _matches(entry.line, self.rendered[r].strip())):
            return self._exact(entry, self.rendered[r], column, end_column if end_line == line else None)
        return self._whole(entry, exact)

    def _exact(self, entry: Entry, text: str, column: int, end_column: int | None) -> Place:
        line = entry.line
        body, indent = _stripped_indent(text)
        start = column - 1 - indent
        end = (end_column - 1 - indent) if end_column is not None else len(body)
        end = max(end, start + 1)  # a span of no width: the column it is at
        if line.kind == "literal":
            col = line.indent + max(start, 0) + 1
            spot = (col, max(col + 1, line.indent + min(end, len(body)) + 1))
        else:
            spot = _map_columns(line, body, start, end)
        if entry.via is None:
            return Place(line, spot[0], spot[1], True)
        helper = Location(line.path, line.number, spot[0], line.number, spot[1], "The helper line that emits it")
        s, e = entry.via_span
        return Place(entry.via, s + 1, e + 1, True, helper)

    def _whole(self, entry: Entry, exact: bool) -> Place:
        line = entry.via or entry.line
        if entry.via is not None:
            s, e = entry.via_span
            return Place(line, s + 1, e + 1, exact)
        if line.multi:  # the action that emits the block
            return Place(line, line.tail[0] + 1, line.tail[1] + 1, exact)
        return Place(line, line.first_column, len(line.text.rstrip()) + 1, exact)


def _map_columns(line: Line, body: str, start: int, end: int) -> tuple[int, int]:
    """(column, end column) in the template line of the rendered span [start, end) of body
    (which the line's pattern matches): inside literal text, the same text; inside an action's
    output, the whole action; after the text or in the indentation, the whole line."""
    match = _matches(line, body)
    spans = [(match.span(g), part) for g, part in enumerate(line.parts, 1) if match.span(g)[0] >= 0]
    first = next((item for item in spans if start < item[0][1] or item[0][0] >= start), None)
    last = next((item for item in reversed(spans) if item[0][0] < end), None)
    if first is None or last is None:  # the span is after the text, or in the indentation
        return line.first_column, len(line.text.rstrip()) + 1
    (gs, ge), (kind, s, e) = first
    col = s + max(start - gs, 0) + 1 if kind == "literal" else s + 1  # in an action's output: the action
    (gs, ge), (kind, s, e) = last
    end_col = s + min(end, ge) - gs + 1 if kind == "literal" else e + 1
    return col, max(end_col, col + 1)


class Mapper:
    """Maps locations of rendered streams to a chart's template lines. ``rendered`` holds the
    text of inputs that exist only in memory, by display path; others are read from disk."""

    def __init__(self, chart_dir: str, rendered: Mapping[str, str]) -> None:
        self.chart = Chart(chart_dir)
        self.texts = dict(rendered)
        self._streams: dict[str, tuple[list[int], list]] = {}
        self._docs: dict[tuple[str, int], _Document | None] = {}

    def _stream(self, path: str):
        if path not in self._streams:
            text = self.texts.get(path)
            if text is None:
                try:
                    with open(path, encoding="utf-8-sig", errors="replace") as handle:
                        text = handle.read().replace("\r\n", "\n").replace("\r", "\n")
                except OSError:
                    text = ""
            docs = list(split_documents(SourceFile(path, text)))
            self._streams[path] = ([d.first_line for d in docs], docs)
        return self._streams[path]

    def _document(self, path: str, line: int) -> tuple[_Document | None, str | None]:
        """The rendered document holding the line, aligned with its template, and the
        template's path on disk; (None, None) outside any template."""
        firsts, docs = self._stream(path)
        at = bisect.bisect_right(firsts, line) - 1
        if at < 0 or not docs[at].template:
            return None, None
        doc = docs[at]
        template = self.chart.template_path(doc.template)
        if template is None:
            return None, None
        key = (path, at)
        if key not in self._docs:
            self._docs[key] = _Document(self.chart, template, doc.first_line, doc.text)
        return self._docs[key], template

    def place(self, location: Location) -> tuple[Place | None, str | None]:
        """(where it came from, the template path on disk), or (None, None) outside any template."""
        document, template = self._document(location.path, location.line)
        if document is None:
            return None, None
        return document.place(location.line, location.column, location.end_line, location.end_column), template

    def name_lines(self, message: str, stream: str) -> str:
        """'STREAM:N' in a message -> the template line that rendered line N came from
        ('the rendered chart' for a line without one)."""

        def named(match: re.Match) -> str:
            document, _ = self._document(stream, int(match.group(1)))
            there = document.source(int(match.group(1))) if document is not None else None
            return f"{there.path}:{there.number}" if there is not None else "the rendered chart"

        return re.sub(re.escape(stream) + r":([0-9]{1,9})\b", named, message)

    def move(self, finding: Finding) -> None:
        rendered = finding.location
        if rendered is None or not finding.template:
            return
        where, template = self.place(rendered)
        if where is None and finding.template in self.chart.refused:
            return  # stays on the rendered stream; notes() says why
        shown = rendered.path not in self.texts  # a file on disk, not stdin or helm's output
        related: list[Location] = []
        if shown:
            related.append(rendered.at("The rendered manifest"))
        if where is None:
            fallback = self.chart.template_path(finding.template) or os.path.join(self.chart.root, "Chart.yaml")
            finding.location = Location(display_path(fallback), 1, 1, 1, 2)
            finding.message = _approximate(finding.message)
        else:
            finding.location = Location(where.line.path, where.line.number, where.column, where.line.number, where.end_column)
            if not where.exact:
                finding.message = _approximate(finding.message)
            if where.helper is not None:
                related.append(where.helper)
        for other in finding.related:
            if other.path:
                there, _ = self.place(other)
                if there is not None:
                    label = other.label if there.exact else f"{other.label} ({APPROXIMATE})"
                    n = there.line.number
                    related.append(Location(there.line.path, n, there.column, n, there.end_column, label))
                    continue
                if other.path in self.texts:  # not a file: say nothing rather than point nowhere
                    continue
            related.append(other)
        finding.related = related
        for name in self.texts:  # "(chart/(helm template):308)" in a message: the template line instead
            finding.message = self.name_lines(finding.message, name)


def _approximate(message: str) -> str:
    return f"{message} ({APPROXIMATE})"


def map_to_chart(findings: list[Finding], chart_dir: str, rendered: Mapping[str, str] | None = None) -> list[str]:
    """Move each finding of a rendered document to its template line in ``chart_dir``.
    ``rendered``: the text of in-memory inputs (stdin, `helm template` output) by name.
    Returns the chart's notes (templates not used)."""
    mapper = Mapper(chart_dir, rendered or {})
    for finding in findings:
        mapper.move(finding)
    return mapper.chart.notes(chart_dir)


class HelmError(Exception):
    """helm is missing or failed: one line for the user, exit code 2."""


def render(
    chart: str, values: list[str], sets: list[str], release: str = "portlint", namespace: str | None = None
) -> str:
    """``helm template [--namespace=NS] [--values=FILE]... [--set=K=V]... -- RELEASE CHART``;
    the rendered stream as text. Every option is one ``--flag=value`` word and the positional
    words follow ``--``: no argument can become a helm flag (``--post-renderer`` runs a program)."""
    import shutil
    import subprocess

    if not os.path.isdir(chart):
        raise HelmError(f"{chart}: no such chart directory")
    options = _options(values, sets, namespace)
    exe = shutil.which("helm")
    if exe is None:
        raise HelmError(
            "helm is not on PATH: install Helm 3, or render the chart yourself and run "
            f"`helm template {chart} | portlint check - --helm-chart {chart}`"
        )
    cmd = [exe, "template", *options, "--", release, chart]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise HelmError(f"could not run helm: {exc}") from None
    if done.returncode != 0:
        said = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        line = next((line for line in said if line.startswith("Error:")), said[-1] if said else "no output")
        raise HelmError(f"helm template failed (exit {done.returncode}): {line}")
    return done.stdout


def _options(values: list[str], sets: list[str], namespace: str | None) -> list[str]:
    """helm's options, checked: a values file must be a regular file (not a URL, a FIFO or
    stdin), a --set a KEY=VALUE with a key."""
    for item in values:
        if not os.path.isfile(item):
            raise HelmError(f"--values {item}: no such values file (a regular file is required)")
    for item in sets:
        key, equals, _ = item.partition("=")
        if not (equals and key.strip()):
            raise HelmError(f"--set {item}: not KEY=VALUE")
    words = [f"--namespace={namespace}"] if namespace else []
    return words + [f"--values={item}" for item in values] + [f"--set={item}" for item in sets]

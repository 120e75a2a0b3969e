"""Map an offset inside a scalar's value back to its line and column in the file.

Exact for literal block scalars (``|``), for folded block scalars (``>``, more-indented
lines included), for one-line plain or quoted scalars whose source text equals their value,
and for multi-line plain and quoted scalars without escapes. For the folded forms the value
is rebuilt from the source lines by YAML's folding rules and compared with the parser's
value: the mapping is exact only when they agree. Everything else (escapes, tabs in the
indentation, comments, tags in the way) maps every offset to the scalar's start, as the
design says.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Iterable, Iterator

from .sources import Document
from .tree import Scalar


def _content_indent(lines: Iterable[str], value: str) -> int:
    """The indentation of a block scalar's content, read off its first line that is not
    blank: the spaces it has in the source minus those it keeps in the value. This holds with
    or without an indentation indicator (``|2``, ``>-2``), whose indentation counts from the
    parser's enclosing block collection, which the scalar's own line does not show (``- key:
    |2`` counts from ``key``)."""
    first = next((line for line in lines if line.strip()), "")
    kept = next((row for row in value.split("\n") if row.strip()), "")
    return len(first) - len(first.lstrip(" ")) - (len(kept) - len(kept.lstrip(" ")))


def _source_lines(text: str, start: int, end_index: int) -> Iterator[str]:
    """The source lines of a block scalar's body: from offset ``start`` through the line that
    holds its end mark (``end_index``), read one at a time (a literal block needs the first
    that is not blank only)."""
    pos = start
    end_of_text = len(text)
    while pos < end_of_text:
        end = text.find("\n", pos)
        end = end_of_text if end < 0 else end
        yield text[pos:end]
        pos = end + 1
        if pos > end_index:
            return


class ScalarMap:
    """Positions inside one scalar. ``locate(offset)`` -> (line, column), 1-based.

    The value is a sequence of segments, one per source line: a segment starts at value
    offset ``_starts[i]``, on file line ``_lines[i]`` at column ``_cols[i]``, and runs for
    ``_lens[i]`` characters; what lies between two segments (a folded line break) maps to
    the end of the earlier one."""

    __slots__ = ("line", "col", "exact", "_starts", "_lines", "_cols", "_lens")

    def __init__(self, doc: Document, node: Scalar) -> None:
        sm, em = node.start_mark, node.end_mark
        self.line = sm.line + doc.first_line
        self.col = sm.column + 1
        self.exact = False
        self._starts: list[int] = []
        self._lines: list[int] = []
        self._cols: list[int] = []
        self._lens: list[int] = []
        value = node.value
        style = node.style or ""
        if style in ("|", ">"):
            self._init_block(doc, node, style == ">")
        elif "\n" not in value and sm.line == em.line:
            source = doc.text[sm.index : em.index]
            quoted = style in ("'", '"')
            if quoted:
                source = source[1:-1]
            if source == value:  # no escapes, tags or anchors in the way
                self._segment(0, self.line, self.col + (1 if quoted else 0), len(value))
                self.exact = True
        else:  # a tag or an anchor in the way makes the rebuilt value differ: not exact
            self._init_flow(doc, node, style)

    def shape(self) -> tuple:
        """Everything that decides positions, with lines counted from the scalar's first: two
        maps of one shape locate every offset on the same columns, their lines apart by the
        difference of their ``line``."""
        lines = tuple(line - self.line for line in self._lines)
        return self.col, self.exact, tuple(self._starts), lines, tuple(self._cols), tuple(self._lens)

    def _segment(self, start: int, line: int, col: int, length: int) -> None:
        self._starts.append(start)
        self._lines.append(line)
        self._cols.append(col)
        self._lens.append(length)

    def _init_block(self, doc: Document, node: Scalar, folded: bool) -> None:
        text = doc.text
        header_end = text.find("\n", node.start_mark.index)
        if header_end < 0:
            return
        header = text[node.start_mark.index : header_end].partition("#")[0]
        chomp = "-" if "-" in header else "+" if "+" in header else ""
        body_start = header_end + 1
        content_line = doc.first_line + text.count("\n", 0, body_start)
        if not folded:  # a literal block: each value row is a source line, past the indentation
            indent = _content_indent(_source_lines(text, body_start, node.end_mark.index), node.value)
            rows = node.value.split("\n")
            self._lens = [len(row) for row in rows]
            starts = self._starts = []
            pos = 0
            for length in self._lens:
                starts.append(pos)
                pos += length + 1
            self._lines = list(range(content_line, content_line + len(rows)))
            self._cols = [indent + 1] * len(rows)
            self.exact = True
            return
        lines = list(_source_lines(text, body_start, node.end_mark.index))
        indent = _content_indent(lines, node.value)
        rebuilt = self._fold(lines, indent, content_line, chomp)
        self.exact = rebuilt == node.value
        if not self.exact:
            self._starts, self._lines, self._cols, self._lens = [], [], [], []

    def _fold(self, lines: list[str], indent: int, content_line: int, chomp: str) -> str:
        """The value of a folded block scalar from its source lines (YAML 1.2, 8.1.3),
        recording a segment per content line."""
        parts: list[str] = []
        size = 0
        previous_spaced: bool | None = None  # None: no content line yet
        empty = 0
        for i, line in enumerate(lines):
            if not line.strip(" ") and len(line) <= indent:
                empty += 1
                continue
            if len(line) - len(line.lstrip(" ")) < indent:
                break  # the scalar ended (the end mark may lie past trailing comments)
            content = line[indent:]
            spaced = content[:1] in (" ", "\t")
            if previous_spaced is None:
                separator = "\n" * empty
            elif previous_spaced or spaced:
                separator = "\n" * (1 + empty)
            else:
                separator = " " if empty == 0 else "\n" * empty
            parts.append(separator)
            size += len(separator)
            self._segment(size, content_line + i, indent + 1, len(content))
            parts.append(content)
            size += len(content)
            previous_spaced = spaced
            empty = 0
        if previous_spaced is None:
            return ""
        if chomp == "+":
            parts.append("\n" * (1 + empty))
        elif chomp == "":
            parts.append("\n")
        return "".join(parts)

    def _init_flow(self, doc: Document, node: Scalar, style: str) -> None:
        """A multi-line plain or quoted scalar: line breaks fold into a space, empty lines
        into a line break, the blanks around each break go. The value is rebuilt from the
        source lines; where escapes ('' or a backslash), a tag or an anchor make it differ
        from the parser's, nothing is exact."""
        sm, em = node.start_mark, node.end_mark
        source = doc.text[sm.index : em.index]
        quote = 1 if style else 0
        body = source[quote : len(source) - quote]
        rows = body.split("\n")
        parts: list[str] = []
        size = 0
        line = sm.line + doc.first_line
        first_col = sm.column + 1 + quote
        seen = False
        for i, row in enumerate(rows):
            last = i == len(rows) - 1
            start = 0 if i == 0 else len(row) - len(row.lstrip(" \t"))
            stop = len(row) if (last and style) else len(row.rstrip(" \t"))
            content = row[start:stop]
            if i > 0 and not content and not last:  # row 0 is content: it sets ``empty``
                empty += 1
                continue
            if seen:
                separator = " " if empty == 0 else "\n" * empty
                parts.append(separator)
                size += len(separator)
            col = first_col + start if i == 0 else start + 1
            self._segment(size, line + i, col, len(content))
            parts.append(content)
            size += len(content)
            seen = True
            empty = 0
        if "".join(parts) == node.value:
            self.exact = True
        else:
            self._starts, self._lines, self._cols, self._lens = [], [], [], []

    def _find(self, offset: int) -> int:
        return max(bisect_right(self._starts, offset) - 1, 0)

    def locate(self, offset: int) -> tuple[int, int]:
        if not self.exact:
            return self.line, self.col
        i = self._find(offset)
        return self._lines[i], self._cols[i] + min(offset - self._starts[i], self._lens[i])

    def span(self, start: int, end: int) -> tuple[int, int, int, int]:
        """(line, column, end line, end column) of the value's characters ``start``..``end``
        on one source line (one character at the scalar's start when not exact)."""
        line, col = self.locate(start)
        if not self.exact:
            return line, col, line, col + 1
        end_line, end_col = self.locate(end)
        if end_line != line:
            end_line, end_col = line, self.line_end(start)
        return line, col, end_line, end_col

    def inexact(self) -> "ScalarMap":
        """This map with every offset at the scalar's start (a decoded base64 value)."""
        self.exact = False
        self._starts, self._lines, self._cols, self._lens = [], [], [], []
        return self

    def line_end(self, offset: int) -> int:
        """The column just past the end of the source line that holds ``offset``."""
        if not self.exact:
            return self.col + 1
        i = self._find(offset)
        return self._cols[i] + self._lens[i]

"""Map an offset inside a scalar's value back to its line and column in the file.

Exact for literal block scalars (``|``) and for one-line plain or quoted scalars whose
source text equals their value. Folded (``>``) scalars, multi-line flow scalars and
quoted strings with escapes cannot be mapped exactly: every offset maps to the scalar's
start, as the design says.
"""

from __future__ import annotations

from .sources import Document
from .tree import Scalar


class ScalarMap:
    """Positions inside one scalar. ``locate(offset)`` -> (line, column), 1-based."""

    __slots__ = ("line", "col", "exact", "_line_starts", "_block", "_content_line", "_indent")

    def __init__(self, doc: Document, node: Scalar) -> None:
        sm, em = node.start_mark, node.end_mark
        self.line = sm.line + doc.first_line
        self.col = sm.column + 1
        self.exact = False
        self._block = False
        value = node.value
        style = node.style or ""
        if style == "|":
            self._init_block(doc, node)
        elif "\n" not in value and sm.line == em.line:
            source = doc.text[sm.index : em.index]
            quoted = style in ("'", '"')
            if quoted:
                source = source[1:-1] if len(source) >= 2 else source
            if source == value:  # no escapes, tags or anchors in the way
                self.exact = True
                self.col += 1 if quoted else 0
        self._line_starts = _line_starts(value) if self._block else None

    def _init_block(self, doc: Document, node: Scalar) -> None:
        text = doc.text
        header_end = text.find("\n", node.start_mark.index)
        if header_end < 0:
            return
        header = text[node.start_mark.index : header_end]
        bar = header.find("|")
        indicator = "".join(ch for ch in header[bar + 1 :].split("#", 1)[0] if ch.isdigit()) if bar >= 0 else ""
        body_start = header_end + 1
        indent = None
        if indicator:
            # explicit indentation is relative to the parent node's indentation
            before = text[text.rfind("\n", 0, node.start_mark.index) + 1 : node.start_mark.index]
            indent = len(before) - len(before.lstrip(" ")) + int(indicator)
        else:
            pos = body_start
            while pos < len(text):
                end = text.find("\n", pos)
                end = len(text) if end < 0 else end
                line = text[pos:end]
                if line.strip():
                    indent = len(line) - len(line.lstrip(" "))
                    break
                pos = end + 1
        if indent is None:
            return
        self._block = True
        self.exact = True
        self._content_line = doc.first_line + text.count("\n", 0, body_start)
        self._indent = indent

    def locate(self, offset: int) -> tuple[int, int]:
        if not self.exact:
            return self.line, self.col
        if not self._block:
            return self.line, self.col + offset
        starts = self._line_starts
        lo, hi = 0, len(starts) - 1
        while lo < hi:  # the last line start at or before offset
            mid = (lo + hi + 1) // 2
            if starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return self._content_line + lo, self._indent + (offset - starts[lo]) + 1


def _line_starts(value: str) -> list[int]:
    starts = [0]
    pos = value.find("\n")
    while pos >= 0:
        starts.append(pos + 1)
        pos = value.find("\n", pos + 1)
    return starts

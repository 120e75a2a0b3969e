"""Edits over a file's text: (start offset, end offset, replacement), never a re-serialised YAML.

portlint reads a file as text with LF line ends and without its BOM (sources.py); fixes are
computed there. ``FileText`` keeps the file as it is on disk (BOM, encoding, CRLF or CR line
ends) and writes an edit back into those bytes: offsets are moved to the original text and
each line break of a replacement becomes the line end of the line it is written on, so every
byte outside the edited regions stays as it was.
"""

from __future__ import annotations

import codecs
import re
from bisect import bisect_right
from typing import Iterable

from ..records import frozen

_LINE_END = re.compile(r"\r\n|\r|\n")


@frozen
class Edit:
    """Replace ``text[start:end]`` (LF text offsets) with ``replacement`` (LF line ends)."""

    start: int
    end: int
    replacement: str


def offset(text: str, line: int, column: int) -> int:
    """The offset of 1-based (line, column) in LF ``text``."""
    start = 0
    for _ in range(line - 1):
        start = text.index("\n", start) + 1
    return start + column - 1


def apply(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with ``edits`` made; edits must not overlap (``overlapping`` says)."""
    out, at = [], 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        out.append(text[at : edit.start])
        out.append(edit.replacement)
        at = edit.end
    out.append(text[at:])
    return "".join(out)


def overlapping(edits: Iterable[Edit]) -> bool:
    """Whether two edits touch the same characters (two insertions at one offset count: their
    order would be a guess)."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    return any(later.start < earlier.end or later.start == earlier.start for earlier, later in zip(ordered, ordered[1:], strict=False))


class FileText:
    """A file as its bytes say: encoding, BOM, and the original text with its own line ends.
    ``text`` is what portlint lints (LF line ends, no BOM)."""

    def __init__(self, data: bytes) -> None:
        self.bom = b""
        self.encoding = "utf-8"
        if data.startswith(codecs.BOM_UTF8):
            self.bom, data = codecs.BOM_UTF8, data[3:]
        elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            self.bom, data = data[:2], data[2:]
            self.encoding = "utf-16-le" if self.bom == codecs.BOM_UTF16_LE else "utf-16-be"
        self.original = data.decode(self.encoding)  # raises UnicodeDecodeError: not text, no fix
        self.text = _LINE_END.sub("\n", self.original)
        self._ends = [m for m in _LINE_END.finditer(self.original)]  # one per LF of ``text``
        self._lf_starts = [0]
        for i, _ in enumerate(self._ends):
            self._lf_starts.append(self._lf_starts[-1] + len(self._line(i)) + 1)

    def _line(self, i: int) -> str:
        start = self._ends[i - 1].end() if i else 0
        return self.original[start : self._ends[i].start()]

    def _original_offset(self, at: int) -> tuple[int, str]:
        """(offset in the original text, the line end of that line) for LF offset ``at``."""
        line = bisect_right(self._lf_starts, at) - 1
        start = self._ends[line - 1].end() if line else 0
        own = self._ends[line].group() if line < len(self._ends) else (self._ends[-1].group() if self._ends else "\n")
        return start + at - self._lf_starts[line], own

    def position(self, at: int) -> tuple[int, int]:
        """1-based (line, column) of LF offset ``at``."""
        line = bisect_right(self._lf_starts, at) - 1
        return line + 1, at - self._lf_starts[line] + 1

    def replacement(self, edit: Edit) -> tuple[int, int, int, int, str]:
        """(line, column, end line, end column, text with the line ends written there)."""
        return (*self.position(edit.start), *self.position(edit.end), edit.replacement.replace("\n", self._original_offset(edit.start)[1]))

    def text_with(self, edits: Iterable[Edit]) -> str:
        """The original text (its own line ends) with ``edits`` made."""
        out, at = [], 0
        for edit in sorted(edits, key=lambda e: (e.start, e.end)):
            start, line_end = self._original_offset(edit.start)
            end, _ = self._original_offset(edit.end)
            out.append(self.original[at:start])
            out.append(edit.replacement.replace("\n", line_end))
            at = end
        out.append(self.original[at:])
        return "".join(out)

    def bytes_with(self, edits: Iterable[Edit]) -> bytes:
        """The file's bytes with ``edits`` made, in its encoding, BOM and line ends."""
        return self.bom + self.text_with(edits).encode(self.encoding)

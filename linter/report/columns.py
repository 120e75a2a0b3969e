"""UTF-8 byte columns for the formats that count columns in bytes (reviewdog's rdjson):
portlint's columns count characters (code points), as SARIF's ``unicodeCodePoints``.

The converter rereads a file the way sources.py decoded it, once (findings come sorted by
path, so one file is kept at a time). A file that cannot be read again, or whose text did
not come from the disk (stdin, a rendered Helm stream), gives no column: the consumer then
takes the whole line, which is right, where a column counted in characters would be wrong
after the first non-ASCII character."""

from __future__ import annotations

import os

from ..sources import decode


def _utf8_length(text: str) -> int:
    """Bytes of ``text`` in UTF-8; an undecodable input byte (kept as a lone surrogate by
    sources.py) was one byte, as is the ``?`` that replaces it here."""
    return len(text.encode("utf-8", errors="replace"))


class Utf8Columns:
    def __init__(self, cwd: str, unread: frozenset[str] = frozenset()) -> None:
        self.cwd = cwd
        self.unread = unread
        self.path: str | None = None
        self.lines: list[str] | None = None

    def _lines(self, path: str) -> list[str] | None:
        if path != self.path:
            self.path, self.lines = path, None
            if path not in self.unread:
                self.lines = _read_lines(os.path.join(self.cwd, path))
        return self.lines

    def column(self, path: str, line: int, column: int) -> int | None:
        """The 1-based byte column of character column ``column`` of ``line``; None when
        the file cannot be reread or no longer has that line."""
        lines = self._lines(path)
        if lines is None or line > len(lines):
            return None
        return _utf8_length(lines[line - 1][: column - 1]) + 1


def _read_lines(path: str) -> list[str] | None:
    if not os.path.isfile(path):  # gone, or no longer a regular file (a FIFO would block)
        return None
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    return decode(data)[0].split("\n")

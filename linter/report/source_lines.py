"""The inputs' lines again, for the formats that show or measure them: ``full`` prints the
source line under a finding; rdjson counts columns in UTF-8 bytes (reviewdog's unit) where
portlint counts characters (code points), as SARIF's ``unicodeCodePoints``.

A file is reread the way sources.py decoded it, once (findings come sorted by path, so one
file is kept at a time). A file that cannot be read again, or whose text did not come from the
disk (stdin, a rendered Helm stream), has no lines: ``full`` then shows no snippet and rdjson
gives whole lines, which is right, where a column counted in characters would be wrong after
the first non-ASCII character."""

from __future__ import annotations

import os

from ..sources import decode


def _utf8_length(text: str) -> int:
    """Bytes of ``text`` in UTF-8; an undecodable input byte (kept as a lone surrogate by
    sources.py) was one byte, as is the ``?`` that replaces it here."""
    return len(text.encode("utf-8", errors="replace"))


class SourceLines:
    def __init__(self, cwd: str, unread: frozenset[str] = frozenset()) -> None:
        self.cwd = cwd
        self.unread = unread
        self.path: str | None = None
        self.lines: list[str] | None = None

    def line(self, path: str, line: int) -> str | None:
        """Line ``line`` (1-based) of ``path`` without its line end; None when the file cannot
        be reread or no longer has that line."""
        if path != self.path:
            self.path, self.lines = path, None
            if path not in self.unread:
                self.lines = _read_lines(os.path.join(self.cwd, path))
        if self.lines is None or line > len(self.lines):
            return None
        return self.lines[line - 1]

    def utf8_column(self, path: str, line: int, column: int) -> int | None:
        """The 1-based byte column of character column ``column`` of ``line``."""
        text = self.line(path, line)
        return None if text is None else _utf8_length(text[: column - 1]) + 1


def _read_lines(path: str) -> list[str] | None:
    if not os.path.isfile(path):  # gone, or no longer a regular file (a FIFO would block)
        return None
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    return decode(data)[0].split("\n")

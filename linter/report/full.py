"""The text format with the source under each finding, as ruff's ``full`` and rustc show it:
the finding's line (the same gcc-style line as ``text``, so problem matchers still parse it),
the source line with its number and carets under the region, the related places, and once
per rule where its explanation is. The summary goes to stderr, as with ``text``.

The source comes from the file again (source_lines.py); a finding whose file cannot be reread
(stdin, a gone file) or of the run itself has its line alone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..findings import Finding, Location
from .source_lines import SourceLines
from .escape import printable
from .text import COLOURS, RESET, TextWriter

if TYPE_CHECKING:
    from . import RunInfo


class FullWriter(TextWriter):
    def start(self, run: RunInfo) -> str:
        self.sources = SourceLines(run.cwd, run.unread)
        self.explained: set[str] = set()
        return super().start(run)

    def result(self, f: Finding) -> str:
        head = super().result(f)
        if not head:
            return ""
        body = [] if f.location is None else self._snippet(f.location, f.level)
        body += [f"    = related: {printable(r.path)}:{r.line}:{r.column}: {printable(r.label)}" for r in f.related]
        if f.rule_id not in self.explained:
            self.explained.add(f.rule_id)
            body.append(f"    = help: portlint explain {f.rule_id}")
        return head + "".join(line + "\n" for line in body) + "\n"

    def _snippet(self, loc: Location, level: str) -> list[str]:
        """The region's first line and carets under its part on that line."""
        text = self.sources.line(loc.path, loc.line)
        if text is None:
            return []
        stop = loc.end_column - 1 if loc.end_line == loc.line else None  # None: to the line's end
        before = printable(text[: loc.column - 1])
        carets = "^" * max(1, len(printable(text[loc.column - 1 : stop])))
        if self.colour:
            carets = f"{COLOURS[level]}{carets}{RESET}"
        number = str(loc.line)
        gutter = " " * len(number)
        return [f"{gutter} |", f"{number} | {printable(text)}", f"{gutter} | {' ' * len(before)}{carets}"]

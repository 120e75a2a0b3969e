"""gcc-style lines, ``path:line:col: level: message [PLxxx]``: what editor problem matchers parse.
Paths and messages come from the inputs: control characters in them are escaped (escape.py),
so one finding is always one line.

A finding of the run itself (no file: a range given by a flag) is a line that starts like a
compiler's own diagnostics, ``portlint: level: message [PLxxx]``: it has no ``:line:col:``,
so problem matchers (VS Code, Vim's errorformat, Emacs' compile) do not take ``portlint``
for a file name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..findings import Finding
from .advice import advice
from .escape import printable

if TYPE_CHECKING:
    from . import BaselineSummary, RunInfo, Summary

COLOURS = {"error": "\033[31m", "warning": "\033[33m", "note": "\033[36m"}
BOLD, RESET = "\033[1m", "\033[0m"


class TextWriter:
    """One line a finding on stdout; suppressed findings are left out. The summary line is
    not part of the report: the runner writes ``summary_line`` on stderr after it."""

    colour = False
    SUMMARY_ON_STDERR = True  # the runner writes summary_line after the report

    def start(self, run: RunInfo) -> str:
        self.run = run
        self.colour = run.colour
        self.reported: set[str] = set()  # rule ids, for --show-fixes
        return ""

    def result(self, f: Finding) -> str:
        if f.suppressed:
            return ""
        self.reported.add(f.rule_id)
        loc = f.location
        where = "portlint:" if loc is None else f"{printable(loc.path)}:{loc.line}:{loc.column}:"
        level = f"{f.level}:"
        if self.colour:
            where = f"{BOLD}{where}{RESET}"
            level = f"{COLOURS.get(f.level, '')}{level}{RESET}"
        return f"{where} {level} {printable(f.message)} [{f.rule_id}]\n"

    def finish(self, summary: Summary) -> str:
        return advice(self.run, self.reported) if self.run.show_fixes else ""


def summary_line(summary: Summary) -> str:
    """One line for stderr: how many problems of each level, and how many were suppressed
    and fixed."""
    levels = summary.levels
    shown = sum(levels.values())
    parts = [f"{n} {level}{'s' if n != 1 else ''}" for level in ("error", "warning", "note") if (n := levels.get(level, 0))]
    checked = f"{summary.files} file{'s' if summary.files != 1 else ''}"
    text = (
        f"Found {shown} problem{'s' if shown != 1 else ''} ({', '.join(parts)}) in {checked}"
        if shown
        else f"No problems found in {checked}"
    )
    if summary.suppressed:
        text += f"; {summary.suppressed} suppressed"
    if summary.baseline is not None:
        text += baseline_part(summary.baseline)
    if summary.fixed:
        text += f"; {summary.fixed} fixed"
    return text + "."


def baseline_part(done: BaselineSummary) -> str:
    """What the baseline did, for the summary line: the findings it holds back and its
    entries no finding matches any more (fixed since it was written)."""
    fixed = len(done.fixed)
    text = f" ({done.suppressed} by the baseline)" if done.suppressed else ""
    if fixed:
        text += f"; {fixed} baseline entr{'ies' if fixed != 1 else 'y'} fixed"
    return text

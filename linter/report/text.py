"""gcc-style lines, ``path:line:col: level: message [PLxxx]``: what editor problem matchers parse."""

from __future__ import annotations

from ..findings import Finding

_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "note": "\033[36m"}
_BOLD, _RESET = "\033[1m", "\033[0m"


def render(findings: list[Finding], colour: bool = False) -> str:
    return "".join(render_lines(findings, colour))


def render_lines(findings: list[Finding], colour: bool = False):
    """One line a finding, produced as they are written (no copy of the whole report)."""
    for f in findings:
        if f.suppressed:
            continue
        loc = f.location
        where = f"{loc.path}:{loc.line}:{loc.column}:"
        level = f"{f.level}:"
        if colour:
            where = f"{_BOLD}{where}{_RESET}"
            level = f"{_COLOURS.get(f.level, '')}{level}{_RESET}"
        yield f"{where} {level} {f.message} [{f.rule_id}]\n"


def summary(levels: dict[str, int], suppressed: int, files: int) -> str:
    """One line for stderr: how many problems of each level, and how many were suppressed."""
    shown = sum(levels.values())
    parts = [f"{n} {level}{'s' if n != 1 else ''}" for level in ("error", "warning", "note") if (n := levels.get(level, 0))]
    checked = f"{files} file{'s' if files != 1 else ''}"
    text = (
        f"Found {shown} problem{'s' if shown != 1 else ''} ({', '.join(parts)}) in {checked}"
        if shown
        else f"No problems found in {checked}"
    )
    if suppressed:
        text += f"; {suppressed} suppressed"
    return text + "."

"""One ``portlint check``: lint the inputs, render the report, decide the exit code."""

from __future__ import annotations

import os
import sys
from typing import Iterable

from .rules import RULES

from . import __version__, engine
from .config import Settings


def run(
    paths: list[str],
    settings: Settings,
    *,
    format: str = "text",
    select: set[str] | None = None,
    ignore: set[str] | None = None,
    fail_on: str = "warning",
    stdin_name: str = "-",
    helm_chart: str | None = None,
    colour: bool = False,
) -> tuple[int, Iterable[str]]:
    """Returns (exit code, report as text chunks). Input errors raise sources.InputError."""
    from .sources import InputError, MemoryInput

    if helm_chart is not None and not os.path.isfile(os.path.join(helm_chart, "Chart.yaml")):
        raise InputError(f"--helm-chart {helm_chart}: not a chart directory (no Chart.yaml)")
    if helm_chart is not None and "-" in paths:
        # the Helm mapping rereads the rendered lines: keep stdin's text to read it again
        name = stdin_name if stdin_name != "-" else "(stdin)"
        paths = [MemoryInput(name, sys.stdin.buffer.read().decode("utf-8", errors="replace")) if p == "-" else p for p in paths]
    levels = engine.effective_levels(RULES, settings, select or None, ignore or set())
    result = engine.lint(paths, settings, RULES, levels, stdin_name)
    if helm_chart is not None:
        from .helm import map_to_chart

        moved = list(result.findings)
        map_to_chart(moved, helm_chart, {str(p): p.text for p in paths if isinstance(p, MemoryInput)})
        result.findings.replace_all(moved)
    names = {rule.ID: rule.NAME for rule in RULES}
    if format == "sarif":
        from .report import sarif

        report = sarif.render_chunks(result.findings, RULES, __version__, result.notifications)
    elif format == "json":
        from .report import json as json_report

        report = json_report.render_chunks(result.findings, names, result.files, result.notifications, __version__)
    elif format == "github":
        from .report import github

        report = github.render(result.findings, names)
    else:
        from .report import text

        report = text.render_lines(result.findings, colour)
    for note in result.notifications:
        sys.stderr.write(f"portlint: error: {note}\n")
    if format == "text":
        from .report import text

        sys.stderr.write(text.summary(result.findings.levels, result.findings.suppressed, result.files) + "\n")
    if result.notifications:
        return 2, report
    return (1 if engine.fails(result.findings, fail_on) else 0), report

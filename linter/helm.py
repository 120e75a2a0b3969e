"""Move findings of a Helm-rendered stream back to the chart's template files.

``helm template`` writes ``# Source: CHART/templates/FILE`` before each document. With
``--helm-chart DIR`` a finding in such a document moves to ``DIR/templates/FILE``, at the
template line that best matches the flagged rendered line: the same text first, then the
line that sets the same key, else line 1. The rendered position stays as a related location.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

from .findings import Finding, Location
from .sources import display_path

_KEY = re.compile(r"^\s*(?:-\s+)?([\w.\-/\"']+)\s*:")


def map_to_chart(findings: list[Finding], chart_dir: str) -> None:
    for finding in findings:
        if not finding.template:
            continue
        template = _template_path(chart_dir, finding.template)
        if template is None:
            continue
        rendered = finding.location
        flagged = _line(rendered.path, rendered.line)
        line, column = _best_line(template, flagged, rendered.column)
        finding.related = [r for r in finding.related if r.path != finding.template]
        finding.related.insert(0, rendered.at("The rendered manifest"))
        width = max(1, rendered.end_column - rendered.column) if rendered.end_line == rendered.line else 1
        finding.location = Location(display_path(template), line, column, line, column + width)


def _template_path(chart_dir: str, source: str) -> str | None:
    """chart/templates/x.yaml -> DIR/templates/x.yaml (subcharts: chart/charts/sub/templates/...)."""
    parts = source.split("/")
    for start in range(1, len(parts)):
        candidate = os.path.join(chart_dir, *parts[start:])
        if os.path.isfile(candidate):
            return candidate
    return None


@lru_cache(maxsize=64)
def _lines(path: str) -> tuple[str, ...]:
    from .sources import IN_MEMORY

    if path in IN_MEMORY:
        return tuple(IN_MEMORY[path].splitlines())
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            return tuple(handle.read().splitlines())
    except OSError:
        return ()


def _line(path: str, number: int) -> str:
    lines = _lines(path)
    return lines[number - 1] if 0 < number <= len(lines) else ""


def _best_line(template: str, flagged: str, column: int) -> tuple[int, int]:
    """(line, column) in the template for a flagged rendered line: the same text, then the
    same text around template actions ({{ ... }}), then the same key, else (1, 1)."""
    lines = _lines(template)
    wanted = flagged.strip()
    if not wanted:
        return 1, 1
    indent = len(flagged) - len(flagged.lstrip())
    for i, text in enumerate(lines, 1):
        if text.strip() == wanted:
            return i, max(1, column - indent + (len(text) - len(text.lstrip())))
    offset = column - indent - 1  # the flagged column within the stripped rendered line
    for i, text in enumerate(lines, 1):
        if "{{" in text and _template_pattern(text.strip()).fullmatch(wanted):
            literal = text.strip().split("{{", 1)[0]  # text before the first action is exact
            return i, len(text) - len(text.lstrip()) + min(max(offset, 0), len(literal)) + 1
    key = _KEY.match(flagged)
    if key:
        for i, text in enumerate(lines, 1):
            match = _KEY.match(text)
            if match and match.group(1) == key.group(1):
                value = len(text) - len(text[match.end() :].lstrip())
                return i, value + 1 if value < len(text) else match.start(1) + 1
    return 1, 1


@lru_cache(maxsize=1024)
def _template_pattern(line: str) -> re.Pattern:
    """'a: "{{ .Values.x }}"' -> a regex matching 'a: "anything"'."""
    parts = re.split(r"\{\{.*?\}\}", line)
    return re.compile(".*?".join(re.escape(part) for part in parts), re.S)


class HelmError(Exception):
    """helm is missing or failed: one line for the user, exit code 2."""


def render(chart: str, values: list[str], sets: list[str], release: str = "portlint") -> str:
    """``helm template RELEASE CHART -f ... --set ...``; the rendered stream as text."""
    import shutil
    import subprocess

    exe = shutil.which("helm")
    if exe is None:
        raise HelmError(
            "helm is not on PATH: install Helm 3, or render the chart yourself and run "
            f"`helm template {chart} | portlint check - --helm-chart {chart}`"
        )
    cmd = [exe, "template", release, chart]
    for item in values:
        cmd += ["--values", item]
    for item in sets:
        cmd += ["--set", item]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise HelmError(f"could not run helm: {exc}") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise HelmError(f"helm template failed (exit {done.returncode}): {last}")
    return done.stdout

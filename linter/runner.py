"""One ``portlint check``: lint the inputs, render the report, decide the exit code."""

from __future__ import annotations

import os
import sys
from typing import Iterable, Iterator, Sequence

from . import __version__, baseline, charts, engine, output, report, sources
from .config import Settings
from .excludes import Excludes
from .report.escape import printable
from .rules import RULES


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
    automation_id: str = "portlint/",
    show_fixes: bool = False,
    write_baseline: str | None = None,
    fix: str = "",
    unsafe_fixes: bool = False,
    fixed: int = 0,
    fix_notes: Sequence[str] = (),
) -> tuple[int, Iterable[str]]:
    """Returns (exit code, report as text chunks). Input errors raise sources.InputError;
    a baseline that cannot be read or written, config.ConfigError. ``fix``: FIX writes the
    fixes and reports what is left (``fixed`` counts the findings fixed before this run,
    ``fix_notes`` the fixes it refused), DIFF reports them as a diff instead (fixes/files.py)."""
    from .sources import InputError, MemoryInput

    requested = list(paths)  # linted again after --fix wrote its fixes

    # the inputs as given: a baseline's entries of other files are not judged fixed
    roots = [stdin_name if p == "-" else str(p) for p in paths] + ([helm_chart] if helm_chart else [])
    if helm_chart is not None and not os.path.isfile(os.path.join(helm_chart, "Chart.yaml")):
        raise InputError(f"--helm-chart {helm_chart}: not a chart directory (no Chart.yaml)")
    if helm_chart is not None and "-" in paths:
        # the Helm mapping rereads the rendered lines: keep stdin's text to read it again
        name = stdin_name if stdin_name != "-" else "(stdin)"
        paths = [MemoryInput(name, sys.stdin.buffer.read().decode("utf-8", errors="replace")) if p == "-" else p for p in paths]
    levels = engine.effective_levels(RULES, settings, select or None, ignore or set())
    # Helm charts among the inputs: rendered here (helm runs in a subprocess), their streams
    # handed to the engine as in-memory inputs; see linter/charts.py
    found, skipped = charts.Found(), sources.Skipped()
    paths = list(sources.discover(paths, Excludes(settings.exclude, settings.config_dir), found, skipped))
    renders, chart_lines = charts.render_charts(found)
    chart_lines = [f"note: {note}" for note in skipped.notes] + chart_lines
    defaults = [r for r in renders if r.values is None]
    result = engine.lint(paths + [r.input for r in defaults], settings, RULES, levels, stdin_name)
    result.notifications[:0] = skipped.errors
    if renders or helm_chart is not None:
        moved = list(result.findings)
        streams = {str(r.input) for r in renders}
        if helm_chart is not None:  # the rendered streams given as inputs, not the charts found
            from .helm import map_to_chart

            given = {str(p): p.text for p in paths if isinstance(p, MemoryInput)}
            chart_lines += map_to_chart([f for f in moved if f.path not in streams], helm_chart, given)
        chart_lines += charts.relocate(moved, renders)
        others = []
        for render in (r for r in renders if r.values is not None):  # ci values: one run each
            extra = engine.lint([render.input], settings, RULES, levels, stdin_name)
            result.files += extra.files
            result.notifications.extend(extra.notifications)
            findings = list(extra.findings)
            chart_lines += charts.relocate(findings, [render])
            others.append((render, findings))
        result.findings.replace_all(charts.merge(moved, others))
    marked, done = baseline.settle(result.findings, settings.baseline, write_baseline, roots)
    if done is not None:
        result.findings.replace_all(list(marked))
    chart_lines = list(fix_notes) + list(dict.fromkeys(chart_lines))  # each ci render maps again: say it once
    unread = frozenset([stdin_name] if "-" in paths else []) | {str(p) for p in paths if isinstance(p, MemoryInput)}
    if fix and not result.notifications:
        fixes = fix_files(result.findings, settings, levels, unsafe_fixes, unread)
        refused = [note for fixing in fixes for note in fixing.notes()]
        chart_lines += refused
        count = sum(len(fixing.outcome.fixed) for fixing in fixes)
        if fix == DIFF:
            diffs = [fixing.diff() for fixing in fixes if fixing.outcome.edits]
            return (1 if count else 0), _then_stderr(diffs, [f"portlint: {line}" for line in chart_lines] + [_would_fix(count)])
        for fixing in fixes:
            if fixing.outcome.edits:
                output.replace(fixing.path, [fixing.data()])
        if count:  # report what is left
            options = dict(format=format, select=select, ignore=ignore, fail_on=fail_on, colour=colour)
            options.update(show_fixes=show_fixes, write_baseline=write_baseline, unsafe_fixes=unsafe_fixes)
            return run(requested, settings, **options, automation_id=automation_id, fixed=fixed + count, fix_notes=refused)
    suggestions = {}
    if format in report.WITH_FIXES and result.findings:  # no finding, no fix: the fixers are not imported
        for fixing in fix_files(result.findings, settings, levels, unsafe_fixes, unread):
            suggestions.update(fixing.suggestions())
    notices = tuple(tuple(line.split(": ", 1)) for line in chart_lines)  # "note: ..." -> ("note", "...")
    summary = report.Summary(
        result.files, dict(result.findings.levels), result.findings.suppressed, tuple(result.notifications), notices, done, fixed
    )
    info = report.RunInfo(
        __version__, RULES, colour=colour, automation_id=automation_id, unread=unread, show_fixes=show_fixes, suggestions=suggestions
    )
    stderr = [f"portlint: {line}" for line in chart_lines] + [f"portlint: error: {note}" for note in result.notifications]
    if report.for_people(format):
        from .report.text import summary_line

        stderr.append(summary_line(summary))
    chunks = _then_stderr(report.render(format, info, result.findings, summary), stderr)
    if result.notifications:
        return 2, chunks
    return (1 if engine.fails(result.findings, fail_on) else 0), chunks


FIX, DIFF = "fix", "diff"


def fix_files(findings, settings: Settings, levels: dict[str, str], unsafe: bool, unread: frozenset[str]) -> list:
    """fixes.files.fix_files, imported at the first call: only --fix, --diff and the formats
    that carry fixes load the fixers (start-up)."""
    from .fixes import files

    return files.fix_files(findings, settings, levels, unsafe, unread)


def _would_fix(count: int) -> str:
    return f"Would fix {count} problem{'s' if count != 1 else ''}." if count else "No fixes available."


def failed(format: str, message: str, automation_id: str = "portlint/") -> Iterable[str]:
    """The report of a run that could not start (a bad config, a missing path): no findings,
    the error in it (SARIF: executionSuccessful false), so a CI step that uploads the report
    always finds a valid one. The caller writes the error line on stderr."""
    info = report.RunInfo(__version__, RULES, automation_id=automation_id)
    return report.render(format, info, (), report.Summary(errors=(message,)))


def _then_stderr(chunks: Iterable[str], lines: list[str]) -> Iterator[str]:
    """The report, then the lines for stderr once its last chunk is taken: stdout is flushed
    first, so on a terminal the summary comes after the findings. The garbage collector stays
    paused while the report is written, as during the lint (engine.collector_paused)."""
    with engine.collector_paused():
        yield from chunks
    sys.stdout.flush()
    for line in lines:
        sys.stderr.write(printable(line) + "\n")  # paths and helm's words: one line each

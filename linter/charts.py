"""Helm charts among the inputs of ``portlint check``: find them, render them, map back.

A chart is a directory holding ``Chart.yaml``. Its ``templates/`` files (and those of the
subcharts under its ``charts/``, which helm renders as part of it) are not manifests until
helm renders them, so discovery never yields them as files (``sources.discover`` asks
``chart_of``); it records the chart instead, also when a template file is passed alone (the
pre-commit hook passes staged files). ``crds/``, ``values.yaml`` and ``Chart.yaml`` stay
plain files (the last two are not Kubernetes objects and are skipped).

The runner then renders each chart (``render_charts``): once with its default values and
once per ``ci/*-values.yaml`` (one render per file, as chart-testing does). The default
renders are linted with the plain files in one run, so whole-run checks see the repository
as it deploys by default; each ci render is linted in a run of its own, as chart-testing
installs it on its own. ``relocate`` moves each finding of a rendered stream to its template
line with that chart's mapping (linter/helm.py), and ``merge`` reports a finding that several
renders of a chart share once. Without helm on PATH, each chart is one note on stderr; a
chart helm cannot render is one warning naming the chart, the values file and helm's error.
"""

from __future__ import annotations

import os
from typing import Callable, Iterable

from .findings import Finding, Location
from .records import mutable

CHART_FILE = "Chart.yaml"
TEMPLATES = "templates"
SUBCHARTS = "charts"
RELEASE = "portlint"


def is_chart(directory: str) -> bool:
    return os.path.isfile(os.path.join(directory, CHART_FILE))


def outermost(chart: str) -> str:
    """The chart that renders ``chart``: itself, or the parent whose ``charts/`` holds it."""
    while True:
        parent = os.path.dirname(os.path.abspath(chart))
        if os.path.basename(parent) != SUBCHARTS or not is_chart(os.path.dirname(parent)):
            return chart
        chart = os.path.join(chart, os.pardir, os.pardir)
        chart = os.path.normpath(chart) if not os.path.isabs(chart) else os.path.abspath(chart)


def chart_of(path: str) -> str | None:
    """The chart that renders ``path`` when it is (inside) a chart's ``templates/``, else None."""
    parts = os.path.normpath(path).split(os.sep)
    for at in range(len(parts) - 1, 0, -1):
        if parts[at] == TEMPLATES:
            chart = os.sep.join(parts[:at]) or os.sep
            if is_chart(chart):
                return outermost(chart)
    return None


def chart_input(path: str) -> str | None:
    """The chart a file passed alone belongs to when it is one of the chart's own files
    (a template, ``Chart.yaml``, ``values.yaml``, a ``ci/`` values file): staging any of them
    is a reason to render the chart again."""
    owner = chart_of(path)
    if owner is not None:
        return owner
    directory, name = os.path.split(os.path.normpath(path))
    if name in (CHART_FILE, "values.yaml", "values.yml", "values.schema.json") and is_chart(directory or os.curdir):
        return outermost(directory or os.curdir)
    if os.path.basename(directory) == "ci" and is_chart(os.path.dirname(directory) or os.curdir):
        return outermost(os.path.dirname(directory) or os.curdir)
    return None


class Found:
    """The charts met while discovering inputs, once each, in the order met."""

    def __init__(self) -> None:
        self._charts: dict[str, str] = {}

    def add(self, chart: str) -> None:
        from .sources import display_path

        self._charts.setdefault(os.path.realpath(chart), display_path(chart))

    def __iter__(self):
        return iter(list(self._charts.values()))

    def __len__(self) -> int:
        return len(self._charts)


def ci_values(chart: str) -> list[str]:
    """The chart's ``ci/*-values.yaml`` files, sorted (chart-testing's convention)."""
    import glob  # here, not at the top: only a run with a chart needs it (start-up)

    return sorted(glob.glob(os.path.join(glob.escape(chart), "ci", "*-values.yaml")))


@mutable
class Render:
    """One rendered stream of a chart: ``values`` is None for the chart's defaults, else
    the ci values file (its path inside the chart, e.g. ``ci/nodeport-values.yaml``)."""

    chart: str
    values: str | None
    input: str  # a sources.MemoryInput: its name, and the rendered text


def render_charts(charts: Iterable[str], render: Callable | None = None) -> tuple[list[Render], list[str]]:
    """Every render of every chart, and the lines for stderr ("note: ...", "warning: ...")."""
    charts = list(charts)
    if not charts:  # the common case: helm.py (and its regular expressions) not imported
        return [], []
    from .helm import HelmError
    from .helm import render as helm_render
    from .sources import MemoryInput

    if render is None:
        import shutil  # here, not at the top: only a run with a chart needs it (start-up)

        if charts and shutil.which("helm") is None:
            return [], [f"note: {c}: Helm chart not rendered (helm is not on PATH); its templates are not linted" for c in charts]
        render = helm_render
    renders: list[Render] = []
    said: list[str] = []
    for chart in charts:
        for values in (None, *ci_values(chart)):
            shown = None if values is None else os.path.relpath(values, chart).replace(os.sep, "/")
            try:
                text = render(chart, [values] if values else [], [], RELEASE, None)
            except HelmError as exc:
                which = "its default values" if shown is None else f"the values in {shown}"
                said.append(f"warning: {chart}: Helm chart not rendered with {which} and not linted with them: {exc}")
                continue
            name = f"{chart}/(helm template)" if shown is None else f"{chart}/(helm template -f {shown})"
            renders.append(Render(chart, shown, MemoryInput(name, text)))
    return renders, said


def relocate(findings: list[Finding], renders: list[Render]) -> list[str]:
    """Move each finding of a rendered stream to its template line, with the mapping of the
    chart that stream is a render of; related locations and message mentions in another
    chart's stream (a nodePort conflict between two charts) are mapped with that chart.
    Returns the charts' notes (templates not used)."""
    from .helm import Mapper

    if not renders:
        return []
    chart_of_stream = {str(r.input): r.chart for r in renders}
    mappers: dict[str, Mapper] = {}

    def mapper(chart: str) -> Mapper:
        if chart not in mappers:
            mappers[chart] = Mapper(chart, {str(r.input): r.input.text for r in renders if r.chart == chart})
        return mappers[chart]

    for finding in findings:
        chart = chart_of_stream.get(finding.path or "")
        if chart is not None:
            mapper(chart).move(finding)
        if any(loc.path in chart_of_stream for loc in finding.related):
            related = []
            for loc in finding.related:
                owner = chart_of_stream.get(loc.path)
                if owner is None:
                    related.append(loc)
                    continue
                there, _ = mapper(owner).place(loc)
                if there is not None:  # else not a file: say nothing rather than point nowhere
                    n = there.line.number
                    related.append(Location(there.line.path, n, there.column, n, there.end_column, loc.label))
            finding.related = related
        for name, owner in chart_of_stream.items():
            if f"{name}:" in finding.message:
                finding.message = mapper(owner).name_lines(finding.message, name)
    return [line for chart, m in mappers.items() for line in m.chart.notes(chart)]


def merge(first: list[Finding], others: list[tuple[Render, list[Finding]]]) -> list[Finding]:
    """The findings of the main run, then those of each ci render that the runs before did
    not already report identically (same rule, place and message); a finding only some ci
    renders have says which values files give it."""
    seen = {_identity(f) for f in first}
    extra: dict[tuple, tuple[Finding, list[str]]] = {}
    for render, findings in others:
        for finding in findings:
            key = _identity(finding)
            if key in seen:
                continue
            if key in extra:
                if render.values not in extra[key][1]:
                    extra[key][1].append(render.values)
                continue
            extra[key] = (finding, [render.values])
    out = list(first)
    for finding, values in extra.values():
        finding.message = f"{finding.message} (with the values in {', '.join(values)})"
        out.append(finding)
    return out


def _identity(finding: Finding) -> tuple:
    return (finding.rule_id, finding.location, finding.message)

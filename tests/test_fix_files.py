"""Which findings `check --fix` may fix (linter/fixes/files.py): those of files on disk, not
of stdin, Helm output or chart templates; safe fixes, and unsafe ones when asked."""

from __future__ import annotations

from pathlib import Path

from portlint.findings import Finding, Location
from portlint.fixes.files import fixable


def finding(rule: str, path: str, template: str | None = None, suppressed: bool = False) -> Finding:
    return Finding(rule, "warning", "m", Location(path, 1, 1, 1, 2), template=template, suppressed=suppressed)


def test_safe_fixes_always_unsafe_ones_when_asked_rules_without_a_fix_never(tmp_cwd):
    safe, unsafe, none = finding("PL101", "a.yaml"), finding("PL201", "a.yaml"), finding("PL302", "a.yaml")
    assert fixable([safe, unsafe, none], False, frozenset()) == {"a.yaml": [safe]}
    assert fixable([safe, unsafe, none], True, frozenset()) == {"a.yaml": [safe, unsafe]}


def test_no_fix_for_suppressed_run_level_stdin_helm_output_or_chart_templates(tmp_cwd):
    Path("chart/templates").mkdir(parents=True)
    Path("chart/Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    kept = finding("PL101", "b.yaml")
    found = [
        finding("PL101", "a.yaml", suppressed=True),
        Finding("PL101", "warning", "m", None),
        finding("PL101", "stdin.yaml"),
        finding("PL101", "rendered.yaml", template="chart/templates/pod.yaml"),
        finding("PL101", "chart/templates/pod.yaml"),
        kept,
    ]
    assert fixable(found, True, frozenset({"stdin.yaml"})) == {"b.yaml": [kept]}

"""--helm-chart: findings move from the rendered stream to the chart's template lines."""

from __future__ import annotations

from conftest import cli


def test_findings_move_to_the_template_line():
    result = cli("check", "--helm-chart", "tests/helm/netchart", "tests/helm/rendered.yaml", "--format", "json", "--fail-on", "never")
    got = [(f["rule"], f["path"], f["line"], f["column"], f["related"][0]["path"], f["related"][0]["line"]) for f in result.findings]
    assert got == [
        # exact text match around a template action: the sysctl line of the script
        ("PL201", "tests/helm/netchart/templates/daemonset.yaml", 17, 15, "tests/helm/rendered.yaml", 30),
        ("PL304", "tests/helm/netchart/templates/daemonset.yaml", 17, 15, "tests/helm/rendered.yaml", 30),
        # 'nodePort: {{ .Values.nodePort }}': the value starts at column 17
        ("PL301", "tests/helm/netchart/templates/service.yaml", 9, 17, "tests/helm/rendered.yaml", 11),
    ]
    assert all(f["related"][0]["label"] == "The rendered manifest" for f in result.findings)


def test_without_the_chart_findings_stay_in_the_rendered_stream():
    result = cli("check", "tests/helm/rendered.yaml", "--format", "json", "--fail-on", "never")
    assert [(f["rule"], f["line"], f["column"]) for f in result.findings] == [("PL301", 11, 17), ("PL201", 30, 15), ("PL304", 30, 15)]
    assert result.findings[0]["message"].endswith("Rendered from the Helm template netchart/templates/service.yaml.")

"""--helm-chart: findings move from the rendered stream to the chart's template lines."""

from __future__ import annotations

from conftest import cli


def test_findings_move_to_the_template_line():
    result = cli(
        "check", "--helm-chart", "tests/helm/netchart", "tests/helm/rendered.yaml", "--format", "json", "--fail-on", "never"
    )
    got = [
        (f["rule"], f["path"], f["line"], f["column"], f["related"][0]["path"], f["related"][0]["line"]) for f in result.findings
    ]
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
    assert [(f["rule"], f["line"], f["column"]) for f in result.findings] == [
        ("PL301", 11, 17),
        ("PL201", 30, 15),
        ("PL304", 30, 15),
    ]
    assert result.findings[0]["message"].endswith("Rendered from the Helm template netchart/templates/service.yaml.")


def test_helm_command_without_helm_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    result = cli("helm", "tests/helm/netchart")
    assert result.exit_code == 2
    assert result.stderr == (
        "portlint: error: helm is not on PATH: install Helm 3, or render the chart yourself and run "
        "`helm template tests/helm/netchart | portlint check - --helm-chart tests/helm/netchart`\n"
    )


def test_helm_command_renders_and_maps(tmp_path, monkeypatch):
    """A stand-in `helm` that prints the committed rendering checks the whole pipeline
    (real helm is not installed on the CI machines)."""
    from conftest import REPO

    fake = tmp_path / "helm"
    fake.write_text(
        f'#!/bin/sh\n[ "$1" = template ] || exit 3\necho "$@" > {tmp_path}/args\ncat {REPO}/tests/helm/rendered.yaml\n'
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    result = cli(
        "helm", "tests/helm/netchart", "-f", "v.yaml", "--set", "nodePort=30080", "--format", "json", "--fail-on", "never"
    )
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "args").read_text() == "template portlint tests/helm/netchart --values v.yaml --set nodePort=30080\n"
    got = [
        (f["rule"], f["path"], f["line"], f["column"], f["related"][0]["path"], f["related"][0]["line"]) for f in result.findings
    ]
    assert got == [
        ("PL201", "tests/helm/netchart/templates/daemonset.yaml", 17, 15, "tests/helm/netchart/(helm template)", 30),
        ("PL304", "tests/helm/netchart/templates/daemonset.yaml", 17, 15, "tests/helm/netchart/(helm template)", 30),
        ("PL301", "tests/helm/netchart/templates/service.yaml", 9, 17, "tests/helm/netchart/(helm template)", 11),
    ]


def test_failing_helm_is_reported(tmp_path, monkeypatch):
    fake = tmp_path / "helm"
    fake.write_text("#!/bin/sh\necho 'Error: Chart.yaml file is missing' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    result = cli("helm", "nochart")
    assert (result.exit_code, result.stderr) == (
        2,
        "portlint: error: helm template failed (exit 1): Error: Chart.yaml file is missing\n",
    )


def test_rendered_stream_on_stdin_maps_too():
    from conftest import REPO

    rendered = (REPO / "tests" / "helm" / "rendered.yaml").read_text()
    result = cli("check", "-", "--helm-chart", "tests/helm/netchart", "--format", "json", "--fail-on", "never", input=rendered)
    got = [(f["rule"], f["path"], f["line"], f["column"], f["related"][0]["path"]) for f in result.findings]
    assert got == [
        ("PL201", "tests/helm/netchart/templates/daemonset.yaml", 17, 15, "(stdin)"),
        ("PL304", "tests/helm/netchart/templates/daemonset.yaml", 17, 15, "(stdin)"),
        ("PL301", "tests/helm/netchart/templates/service.yaml", 9, 17, "(stdin)"),
    ]

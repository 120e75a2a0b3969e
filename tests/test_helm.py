"""Helm: findings of a rendered stream move to the template lines that produced them.

The charts under tests/charts/ are real public charts (see tests/charts/SOURCES.md), rendered
by the real helm. Every expected (line, column) below was read by hand in the template file,
with a comment saying what is on that line; none was copied from portlint's output.
"""

from __future__ import annotations

import os
import shutil

import pytest
from conftest import REPO, cli

CHARTS = "tests/charts"
APPROX = "(approximate template line)"


@pytest.fixture
def helm_installed():
    """The real helm. In CI (CI set) a missing helm fails the test: .ci/run installs it."""
    if shutil.which("helm") is None:
        if os.environ.get("CI"):
            pytest.fail("helm is not on PATH; .ci/run installs it")
        pytest.skip("helm is not on PATH (CI installs it; see .ci/run)")


def helm(chart: str, *args: str) -> list[dict]:
    """`portlint helm tests/charts/CHART ARGS --format json`; checks that every location and
    related location is a real file of the chart, then returns the findings."""
    result = cli("helm", f"{CHARTS}/{chart}", *args, "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    for finding in result.findings:
        places = ([finding] if finding["path"] is not None else []) + finding["related"]
        for place in places:
            assert os.path.isfile(place["path"]), place
            assert place["path"].startswith(f"{CHARTS}/{chart}/"), place
        assert "(helm template)" not in finding["message"]
    return result.findings


def places(findings: list[dict]) -> list[tuple]:
    """(rule, template file inside the chart, line, column, end column) of each finding."""
    return [(f["rule"], f["path"].split("/", 3)[3], f["line"], f["column"], f["endColumn"]) for f in findings]


# --- elastic/helm-charts: elasticsearch -------------------------------------------------


def test_elastic_sysctl_init_container(helm_installed):
    found = helm("elastic-elasticsearch")
    assert places(found) == [
        # 177: '        command: ["sysctl", "-w", "vm.max_map_count={{ .Values.sysctlVmMaxMapCount}}"]'
        # the third element: '"vm.max_map_count=' starts at column 35, the closing quote is column 85
        ("PL103", "templates/statefulset.yaml", 177, 35, 86),
    ]
    assert found[0]["related"] == []  # the rendered stream is not a file: no related location
    assert APPROX not in found[0]["message"]
    assert found[0]["message"].endswith("(rendered from elasticsearch/templates/statefulset.yaml)")


def test_elastic_other_renderings_keep_the_line(helm_installed):
    """Extra range iterations and a keystore init container before the sysctl line move it in
    the rendered stream, not in the template."""
    found = helm(
        "elastic-elasticsearch",
        "--set",
        "labels.team=search,labels.tier=data",
        "--set",
        "keystore[0].secretName=es-keys",
        "--release-name",
        "logs",
        "--namespace",
        "search",
    )
    # 177: the same command line as above
    assert places(found) == [("PL103", "templates/statefulset.yaml", 177, 35, 86)]


# --- kubernetes/ingress-nginx: charts/ingress-nginx ---------------------------------------


def test_ingress_nginx_equal_node_ports(helm_installed):
    found = helm(
        "ingress-nginx",
        "--set",
        "controller.service.type=NodePort",
        "--set",
        "controller.service.nodePorts.http=30080",
        "--set",
        "controller.service.nodePorts.https=30080",
    )
    # 88: '      nodePort: {{ .Values.controller.service.nodePorts.https }}' (the https port block);
    # the action starts at column 17 and is 48 characters long
    assert places(found) == [("PL303", "templates/controller-service.yaml", 88, 17, 65)]
    # 76: '      nodePort: {{ .Values.controller.service.nodePorts.http }}' (the http port block)
    [other] = found[0]["related"]
    assert (other["path"], other["line"], other["column"], other["endColumn"]) == (
        "tests/charts/ingress-nginx/templates/controller-service.yaml",
        76,
        17,
        64,
    )
    assert "(tests/charts/ingress-nginx/templates/controller-service.yaml:76)" in found[0]["message"]


def test_ingress_nginx_node_ports_in_a_range(helm_installed):
    """Two iterations of '{{- range $key, $value := .Values.tcp }}': the second one is not on
    the udp range's identical 'nodePort:' line (109) that follows it."""
    found = helm(
        "ingress-nginx",
        "--set",
        "controller.service.type=NodePort",
        "--set",
        "tcp.8080=ns/svc:8080",
        "--set",
        "tcp.9000=ns/svc:9000",
        "--set",
        "controller.service.nodePorts.tcp.8080=30090",
        "--set",
        "controller.service.nodePorts.tcp.9000=30090",
        "--select",
        "PL303",
    )
    # 98: '      nodePort: {{ index $.Values.controller.service.nodePorts.tcp $key }}' (tcp range body)
    assert places(found) == [("PL303", "templates/controller-service.yaml", 98, 17, 75)]
    assert [(r["line"], r["column"]) for r in found[0]["related"]] == [(98, 17)]  # port 8080: the same line


def test_ingress_nginx_daemonset_host_ports(helm_installed):
    found = helm(
        "ingress-nginx",
        "--set",
        "controller.kind=DaemonSet",
        "--set",
        "controller.hostPort.enabled=true",
        "--set",
        "controller.hostPort.ports.http=40080",
        "--set",
        "controller.hostPort.ports.https=40443",
        "--set",
        "tcp.45000=ns/svc:5000",
    )
    assert places(found) == [
        # 121: '              hostPort: {{ index $.Values.controller.hostPort.ports $key | default $value }}'
        # in '{{- range $key, $value := .Values.controller.containerPort }}': http, then https
        ("PL305", "templates/controller-daemonset.yaml", 121, 25, 93),
        ("PL305", "templates/controller-daemonset.yaml", 121, 25, 93),
        # 139: '              hostPort: {{ $key }}' in the '.Values.tcp' range
        ("PL305", "templates/controller-daemonset.yaml", 139, 25, 35),
    ]
    assert [f["message"].split()[1] for f in found] == ["40080", "40443", "45000"]


# --- bitnami/charts: bitnami/elasticsearch (every line a helper) ----------------------------


def test_bitnami_sysctl_helper_calls(helm_installed):
    found = helm("bitnami-elasticsearch")
    # one finding per role for the init container's two writes: at the first,
    # 100: '              {{- include "elasticsearch.sysctlIfLess" (dict "key" "vm.max_map_count" "value" "262144") | nindent 14 }}'
    roles = ("coordinating", "data", "ingest", "master")
    assert places(found) == [("PL103", f"templates/{role}/statefulset.yaml", 100, 15, 120) for role in roles]
    assert [f["message"].split(" (rendered")[0] for f in found] == [
        'init container "sysctl" writes vm.max_map_count=262144 and 1 more sysctl, all node-wide'
    ] * 4
    # _helpers.tpl 632: '    sysctl -w {{ .key }}={{ .value }};' inside define "elasticsearch.sysctlIfLess";
    # 'sysctl' at column 5, '{{ .value }}' ends at column 37; the other write is the next include,
    # 101: '              {{- include "elasticsearch.sysctlIfLess" (dict "key" "fs.file-max" "value" "65536") | nindent 14 }}'
    for role, finding in zip(roles, found):
        assert [(r["path"], r["line"], r["column"], r["endColumn"], r["label"]) for r in finding["related"]] == [
            ("tests/charts/bitnami-elasticsearch/templates/_helpers.tpl", 632, 5, 38, "The helper line that emits it"),
            (f"tests/charts/bitnami-elasticsearch/templates/{role}/statefulset.yaml", 101, 15, 114, "It also writes fs.file-max=65536 here"),
        ]
        assert APPROX not in finding["message"]


# --- prometheus-community/helm-charts: prometheus-node-exporter -----------------------------


def test_node_exporter_node_port_in_ephemeral_range(helm_installed):
    found = helm(
        "prometheus-node-exporter",
        "--set",
        "service.type=NodePort",
        "--set",
        "service.nodePort=31000",
        "--ephemeral-port-range",
        "30000 60999",
        "--select",
        "PL301,PL304",
    )
    assert [f["rule"] for f in found] == ["PL304", "PL301"]
    assert found[0]["path"] is None  # from the flag: a run-level finding, no file
    # 34: '      nodePort: {{ .Values.service.nodePort }}' (inside '{{- if ( and (eq .Values.service.type "NodePort") ...'
    assert places(found[1:]) == [("PL301", "templates/service.yaml", 34, 17, 47)]


def test_node_exporter_rbac_proxy_host_ports(helm_installed):
    found = helm(
        "prometheus-node-exporter",
        "--set",
        "kubeRBACProxy.enabled=true",
        "--set",
        "kubeRBACProxy.enableHostPort=true",
        "--set",
        "kubeRBACProxy.enableProxyEndpointsHostPort=true",
        "--ephemeral-port-range",
        "1024 65535",
        "--ignore",
        "PL304",
    )
    assert places(found) == [
        # 153: '              port: {{ $servicePortReference }}' in the livenessProbe, whose 'host: 127.0.0.1'
        # (with kubeRBACProxy) is the node itself: node-exporter listens on 8100 there (a ledger listener)
        ("PL305", "templates/daemonset.yaml", 153, 21, 48),
        # 275: '              hostPort: {{ .Values.service.port }}' (9100)
        ("PL305", "templates/daemonset.yaml", 275, 25, 51),
        # 279: '              hostPort: {{ .Values.kubeRBACProxy.proxyEndpointsPort }}' (8888)
        ("PL305", "templates/daemonset.yaml", 279, 25, 71),
    ]


def test_node_exporter_defaults_are_clean(helm_installed):
    assert helm("prometheus-node-exporter") == []


# --- the same mapping through check --helm-chart, and what stays approximate -----------------


def test_rendered_file_with_helm_chart(helm_installed, tmp_path):
    """`helm template ... > file; portlint check file --helm-chart DIR`: the file is real, so it
    stays as a related location."""
    import subprocess

    rendered = tmp_path / "out.yaml"
    rendered.write_text(
        subprocess.run(
            ["helm", "template", "es", f"{CHARTS}/elastic-elasticsearch"], capture_output=True, text=True, check=True
        ).stdout
    )
    result = cli("check", str(rendered), "--helm-chart", f"{CHARTS}/elastic-elasticsearch", "--format", "json", "--fail-on", "never")
    [finding] = result.findings
    # statefulset.yaml 177 as above
    assert (finding["path"], finding["line"], finding["column"]) == (
        f"{CHARTS}/elastic-elasticsearch/templates/statefulset.yaml",
        177,
        35,
    )
    [where] = finding["related"]
    assert (where["label"], where["column"]) == ("The rendered manifest", 35)
    assert rendered.read_text().split("\n")[where["line"] - 1].strip().startswith('command: ["sysctl", "-w", "vm.max_map_count=')


def test_findings_move_to_the_template_line():
    result = cli(
        "check", "--helm-chart", "tests/helm/netchart", "tests/helm/rendered.yaml", "--format", "json", "--fail-on", "never"
    )
    got = [
        (f["rule"], f["path"], f["line"], f["column"], f["related"][0]["path"], f["related"][0]["line"]) for f in result.findings
    ]
    assert got == [
        # daemonset.yaml 17: '              sysctl -w net.ipv4.ip_local_port_range="{{ .Values.portRange }}"'
        ("PL201", "tests/helm/netchart/templates/daemonset.yaml", 17, 15, "tests/helm/rendered.yaml", 30),
        ("PL304", "tests/helm/netchart/templates/daemonset.yaml", 17, 15, "tests/helm/rendered.yaml", 30),
        # service.yaml 9: '      nodePort: {{ .Values.nodePort }}': the value starts at column 17
        ("PL301", "tests/helm/netchart/templates/service.yaml", 9, 17, "tests/helm/rendered.yaml", 11),
    ]
    assert all(f["related"][0]["label"] == "The rendered manifest" for f in result.findings)
    # PL201's second related location, the hostNetwork key: daemonset.yaml 8 '      hostNetwork: true'
    pl201 = result.findings[0]
    assert [(r["path"], r["line"], r["column"]) for r in pl201["related"][1:]] == [
        ("tests/helm/netchart/templates/daemonset.yaml", 8, 7)
    ]


def test_without_the_chart_findings_stay_in_the_rendered_stream():
    result = cli("check", "tests/helm/rendered.yaml", "--format", "json", "--fail-on", "never")
    assert [(f["rule"], f["line"], f["column"]) for f in result.findings] == [
        ("PL301", 11, 17),
        ("PL201", 30, 15),
        ("PL304", 30, 15),
    ]
    assert result.findings[0]["message"].endswith("(rendered from netchart/templates/service.yaml)")


def test_two_in_process_runs_with_different_stdin():
    """No state survives a run: the second stdin is mapped with its own text."""
    rendered = (REPO / "tests" / "helm" / "rendered.yaml").read_text()
    shifted = "# a comment\n# and another\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: first}\n" + rendered
    args = ("check", "-", "--helm-chart", "tests/helm/netchart", "--format", "json", "--fail-on", "never", "--select", "PL301")
    for text, rendered_line in ((shifted, 17), (rendered, 11), (shifted, 17)):
        result = cli(*args, input=text)
        # service.yaml 9: '      nodePort: {{ .Values.nodePort }}'; stdin line 11 (17 with six lines before)
        assert [(f["rule"], f["path"], f["line"], f["column"]) for f in result.findings] == [
            ("PL301", "tests/helm/netchart/templates/service.yaml", 9, 17)
        ]
        assert text.split("\n")[rendered_line - 1] == "      nodePort: 30080"
        # stdin is not a file: no "rendered manifest" location; daemonset.yaml 17 declares the range:
        # '              sysctl -w net.ipv4.ip_local_port_range="{{ .Values.portRange }}"'
        assert [(r["path"], r["line"], r["column"]) for r in result.findings[0]["related"]] == [
            ("tests/helm/netchart/templates/daemonset.yaml", 17, 15)
        ]


def test_approximate_line_is_said(tmp_path):
    """Two values blocks under one key: the nodePort came from one of them, which cannot be
    told; the line is the nearer block and the message says it is approximate."""
    chart = tmp_path / "twoblocks"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: twoblocks\nversion: 0.1.0\n")
    (chart / "templates" / "svc.yaml").write_text(
        "apiVersion: v1\n"
        "kind: Service\n"
        "metadata:\n"
        "  name: web\n"
        "spec:\n"
        "  type: NodePort\n"
        "  ports:\n"
        "    {{- with .Values.ports }}\n"
        "    {{- toYaml . | nindent 4 }}\n"
        "    {{- end }}\n"
        "    {{- toYaml .Values.morePorts | nindent 4 }}\n"
    )
    rendered = (
        "---\n# Source: twoblocks/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n"
        "spec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 40000\n"
    )
    result = cli("check", "-", "--helm-chart", str(chart), "--format", "json", "--fail-on", "never", "--select", "PL302", input=rendered)
    [finding] = result.findings
    # 11: '    {{- toYaml .Values.morePorts | nindent 4 }}' (the last block that can emit it); the action
    assert (finding["path"].rsplit("/", 1)[1], finding["line"], finding["column"]) == ("svc.yaml", 11, 5)
    assert finding["message"].endswith(f"(rendered from twoblocks/templates/svc.yaml) {APPROX}")


def test_same_text_under_another_parent_is_not_taken(tmp_path):
    """The rendered 'nodePort: 40000' reads like line 11, but its parent is the port that
    toYaml emitted (line 8), not '- name: metrics' (line 10, not rendered)."""
    chart = tmp_path / "parents"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: parents\nversion: 0.1.0\n")
    (chart / "templates" / "svc.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  ports:\n"
        "    {{- toYaml .Values.extraPorts | nindent 4 }}\n"
        "    {{- if .Values.metrics }}\n"
        "    - name: metrics\n"
        "      nodePort: {{ .Values.metricsNodePort }}\n"
        "    {{- end }}\n"
    )
    rendered = (
        "---\n# Source: parents/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n"
        "spec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 40000\n"
    )
    result = cli("check", "-", "--helm-chart", str(chart), "--format", "json", "--fail-on", "never", "--select", "PL302", input=rendered)
    [finding] = result.findings
    # 8: '    {{- toYaml .Values.extraPorts | nindent 4 }}': the action from column 5
    assert (finding["line"], finding["column"]) == (8, 5)
    assert APPROX not in finding["message"]


def test_a_value_block_is_exact_when_it_is_the_only_one(tmp_path):
    chart = tmp_path / "oneblock"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: oneblock\nversion: 0.1.0\n")
    (chart / "templates" / "svc.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n"
        "  ports: {{- toYaml .Values.ports | nindent 4 }}\n"
    )
    rendered = (
        "---\n# Source: oneblock/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n"
        "spec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 40000\n"
    )
    result = cli("check", "-", "--helm-chart", str(chart), "--format", "json", "--fail-on", "never", "--select", "PL302", input=rendered)
    [finding] = result.findings
    # 7: '  ports: {{- toYaml .Values.ports | nindent 4 }}': the action, 39 characters from column 10
    assert (finding["line"], finding["column"], finding["endColumn"]) == (7, 10, 49)
    assert APPROX not in finding["message"]


# --- errors -------------------------------------------------------------------------------


def test_helm_command_without_helm_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    result = cli("helm", "tests/helm/netchart")
    assert result.exit_code == 2
    assert result.stderr == (
        "portlint: error: helm is not on PATH: install Helm 3, or render the chart yourself and run "
        "`helm template tests/helm/netchart | portlint check - --helm-chart tests/helm/netchart`\n"
    )


def test_missing_chart_is_a_clear_error():
    result = cli("helm", "nochart")
    assert (result.exit_code, result.stderr) == (2, "portlint: error: nochart: no such chart directory\n")
    result = cli("check", "-", "--helm-chart", "nochart", input="")
    assert (result.exit_code, result.stderr) == (2, "portlint: error: --helm-chart nochart: not a chart directory (no Chart.yaml)\n")


def test_helm_error_still_writes_a_sarif_report(tmp_path):
    """A CI step that uploads the report after a failed render finds a valid SARIF file."""
    import json

    report = tmp_path / "out.sarif"
    result = cli("helm", "nochart", "--format", "sarif", "--output", str(report))
    assert (result.exit_code, result.stderr) == (2, "portlint: error: nochart: no such chart directory\n")
    [run] = json.loads(report.read_text())["runs"]
    assert run["results"] == []
    assert run["invocations"][0]["executionSuccessful"] is False


def test_failing_helm_is_one_line(helm_installed, tmp_path):
    chart = tmp_path / "broken"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: broken\nversion: 0.1.0\n")
    (chart / "templates" / "cm.yaml").write_text("kind: ConfigMap\nname: {{ .Values.x | nosuchfunction }}\n")
    result = cli("helm", str(chart))
    assert result.exit_code == 2
    # helm's own error line, not its last line ("Use --debug flag to render out invalid YAML")
    assert result.stderr == (
        "portlint: error: helm template failed (exit 1): Error: parse error at (broken/templates/cm.yaml:2): "
        'function "nosuchfunction" not defined\n'
    )


def test_helm_arguments(tmp_path, monkeypatch):
    """What portlint passes to helm (a stand-in that records its arguments)."""
    fake = tmp_path / "helm"
    fake.write_text(f'#!/bin/sh\necho "$@" > {tmp_path}/args\ncat {REPO}/tests/helm/rendered.yaml\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    (tmp_path / "v.yaml").write_text("nodePort: 30080\n")
    result = cli(
        "helm", "tests/helm/netchart", "-f", f"{tmp_path}/v.yaml", "--set", "nodePort=30080", "--release-name", "demo",
        "--namespace", "web", "--format", "json", "--fail-on", "never", "--select", "PL301",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    # each option one --flag=value word, the release and the chart after '--': nothing becomes a flag
    assert (tmp_path / "args").read_text() == (
        f"template --namespace=web --values={tmp_path}/v.yaml --set=nodePort=30080 -- demo tests/helm/netchart\n"
    )
    # service.yaml 9: '      nodePort: {{ .Values.nodePort }}'; related: daemonset.yaml 17, the sysctl -w line
    # declaring the range (and no location in the rendered stream, which is not a file)
    assert [
        (f["rule"], f["path"], f["line"], f["column"], [(r["path"], r["line"]) for r in f["related"]])
        for f in result.findings
    ] == [("PL301", "tests/helm/netchart/templates/service.yaml", 9, 17, [("tests/helm/netchart/templates/daemonset.yaml", 17)])]


def test_helm_takes_checks_options(helm_installed):
    result = cli("helm", f"{CHARTS}/elastic-elasticsearch", "--format", "sarif", "--select", "PL1", "--fail-on", "warning")
    assert result.exit_code == 1
    assert "(helm template)" not in result.stdout
    assert '"uri": "tests/charts/elastic-elasticsearch/templates/statefulset.yaml"' in result.stdout
    result = cli("helm", f"{CHARTS}/elastic-elasticsearch", "--ignore", "PL103", "--kubernetes-version", "1.29")
    assert result.exit_code == 0, result.stderr

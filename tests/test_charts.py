"""`portlint check` on an ordinary repository that holds Helm charts (linter/charts.py).

The repository is built once per module under a temporary directory: elastic's
elasticsearch chart vendored from tests/charts/ with a `ci/nodeport-values.yaml` added, a
small chart of our own with a subchart and a `crds/` file, and the files a real repository
has beside them (compose, a GitHub workflow, JSON with comments, values and kustomization
files), and one real manifest with one real problem. The real helm renders the charts.
Every expected line and column was read by hand in the inputs written here or in the
vendored templates (quoted in the comments); none was copied from portlint's output.
"""

from __future__ import annotations

import json

import os
import shutil

import pytest
from conftest import REPO, cli

# deploy/tune.yaml: a hostNetwork DaemonSet whose init container runs an unguarded sysctl -w
TUNE = """apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: tune
spec:
  selector:
    matchLabels: {app: tune}
  template:
    metadata:
      labels: {app: tune}
    spec:
      hostNetwork: true
      initContainers:
        - name: tune
          image: busybox:1.36
          command:
            - sh
            - -c
            - |
              set -e
              sysctl -w net.core.somaxconn=4096
      containers:
        - name: app
          image: nginx:1.27
"""
# line 21: '              sysctl -w net.core.somaxconn=4096': 'sysctl' at column 15
# and 'sysctl -w net.core.somaxconn=4096' (33 characters) ends before column 48
TUNE_PLACE = ("PL201", "deploy/tune.yaml", 21, 15, 48)

ORDINARY = {
    # a duplicate key: a YAML error, but not a Kubernetes document
    "compose.yaml": "services:\n  web:\n    image: nginx\n    image: nginx:1.27\n    ports: ['8080:80']\n",
    ".github/workflows/ci.yml": (
        "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
    ),
    "tsconfig.json": '{\n  // strict everywhere\n  "compilerOptions": {"strict": true}, /* trailing comma */\n}\n',
    ".vscode/settings.json": '{\n  // editor settings\n  "editor.tabSize": 2,\n}\n',
    "values.yaml": "replicaCount: 2\nimage:\n  repository: nginx\n  tag: {{ .Chart.AppVersion }}\n",
    "kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deploy/tune.yaml\n",
    "deploy/tune.yaml": TUNE,
}

# charts/app: our own chart; its Service is clean (nodePort 30080 is in the static band)
APP = {
    "charts/app/Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\n",
    "charts/app/values.yaml": "nodePort: 30080\n",
    "charts/app/templates/service.yaml": (
        "apiVersion: v1\n"
        "kind: Service\n"
        "metadata:\n"
        "  name: {{ .Release.Name }}-web\n"
        "spec:\n"
        "  type: NodePort\n"
        "  selector:\n"
        "    app: web\n"
        "  ports:\n"
        "    - port: 80\n"
        "      nodePort: {{ .Values.nodePort }}\n"
    ),
    # a subchart: helm renders it as part of charts/app
    "charts/app/charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
    "charts/app/charts/sub/values.yaml": "hostNetwork: true\nfinTimeout: 30\n",
    "charts/app/charts/sub/templates/ds.yaml": (
        "apiVersion: apps/v1\n"
        "kind: DaemonSet\n"
        "metadata:\n"
        "  name: {{ .Release.Name }}-tuner\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: tuner}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: tuner}\n"
        "    spec:\n"
        "      hostNetwork: {{ .Values.hostNetwork }}\n"
        "      containers:\n"
        "        - name: tuner\n"
        "          image: busybox:1.36\n"
        '          command: ["sysctl", "-w", "net.ipv4.tcp_fin_timeout={{ .Values.finTimeout }}"]\n'
    ),
    # crds/ are plain manifests (helm does not template them)
    "charts/app/crds/widgets.yaml": (
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n"
        "spec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n"
        "  versions:\n    - name: v1\n      served: true\n      storage: true\n"
        "      schema: {openAPIV3Schema: {type: object}}\n"
    ),
}

# elastic's chart: ci/nodeport-values.yaml makes its http Service port a nodePort outside the range
ES_CI = "service:\n  type: NodePort\n  nodePort: 40000\n"

EXPECTED_CHART_FINDINGS = [
    # charts/app/charts/sub/templates/ds.yaml 16:
    # '          command: ["sysctl", "-w", "net.ipv4.tcp_fin_timeout={{ .Values.finTimeout }}"]'
    # the third element starts with its quote at column 37 and is 51 characters long
    ("PL201", "charts/app/charts/sub/templates/ds.yaml", 16, 37, 88),
    # charts/es/templates/service.yaml 33: '    nodePort: {{ .Values.service.nodePort }}' (only with
    # ci/nodeport-values.yaml); the 30-character action starts at column 15
    ("PL302", "charts/es/templates/service.yaml", 33, 15, 45),
    # charts/es/templates/statefulset.yaml 177:
    # '        command: ["sysctl", "-w", "vm.max_map_count={{ .Values.sysctlVmMaxMapCount}}"]'
    # in the default render and in the ci one: reported once
    ("PL103", "charts/es/templates/statefulset.yaml", 177, 35, 86),
]
NOTES = [
    "portlint: note: charts/app: Helm chart not rendered (helm is not on PATH); its templates are not linted",
    "portlint: note: charts/es: Helm chart not rendered (helm is not on PATH); its templates are not linted",
]


def need_helm() -> None:
    if shutil.which("helm") is None:
        if os.environ.get("CI"):
            pytest.fail("helm is not on PATH and CI is set; .ci/run installs it")
        pytest.skip("helm is not on PATH (CI installs it; see .ci/run)")


def write(root, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    root = tmp_path_factory.mktemp("repo")
    (root / ".git").mkdir()  # the config search stops here
    write(root, ORDINARY)
    write(root, APP)
    shutil.copytree(REPO / "tests" / "charts" / "elastic-elasticsearch", root / "charts" / "es")
    write(root, {"charts/es/ci/nodeport-values.yaml": ES_CI})
    return root


@pytest.fixture
def in_repo(repo, monkeypatch):
    monkeypatch.chdir(repo)
    return repo


@pytest.fixture
def no_helm(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")


def places(result) -> list[tuple]:
    return [(f["rule"], f["path"], f["line"], f["column"], f["endColumn"]) for f in result.findings]


def check(*args: str):
    return cli("check", *args, "--format", "json")


def test_discovery_skips_templates_and_finds_the_charts(in_repo):
    from portlint import charts, sources

    found = charts.Found()
    files = [sources.display_path(p) for p in sources.discover(["."], charts=found)]
    # hidden directories (.github, .vscode) are skipped; templates/ of both charts and of the
    # subchart never appear; crds/ and the values and Chart files are plain files
    assert files == [  # top-down: a directory's files, then its subdirectories
        "compose.yaml",
        "kustomization.yaml",
        "tsconfig.json",
        "values.yaml",
        "charts/app/Chart.yaml",
        "charts/app/values.yaml",
        "charts/app/charts/sub/Chart.yaml",
        "charts/app/charts/sub/values.yaml",
        "charts/app/crds/widgets.yaml",
        "charts/es/Chart.yaml",
        "charts/es/values.yaml",
        "charts/es/ci/nodeport-values.yaml",
        "deploy/tune.yaml",
    ]
    assert list(found) == ["charts/app", "charts/es"]  # the subchart is part of charts/app


def test_files_passed_alone_reach_their_chart(in_repo):
    from portlint import charts, sources

    found = charts.Found()
    given = [
        "charts/es/templates/service.yaml",
        "charts/es/templates/statefulset.yaml",
        "./charts/es/values.yaml",
        "charts/app/charts/sub/templates/ds.yaml",
        "charts/app/crds/widgets.yaml",
        "deploy/tune.yaml",
    ]
    assert list(sources.discover(given, charts=found)) == [
        "./charts/es/values.yaml",
        "charts/app/crds/widgets.yaml",
        "deploy/tune.yaml",
    ]
    assert list(found) == ["charts/es", "charts/app"]  # once each, in the order met


def test_a_charts_own_files_name_their_chart(in_repo):
    from portlint.charts import chart_input

    assert chart_input("charts/es/values.yaml") == "charts/es"
    assert chart_input("charts/es/Chart.yaml") == "charts/es"
    assert chart_input("charts/es/ci/nodeport-values.yaml") == "charts/es"
    assert chart_input("charts/app/charts/sub/values.yaml") == "charts/app"  # a subchart renders with its parent
    assert chart_input("deploy/tune.yaml") is None
    assert chart_input("charts/es/other.yaml") is None
    os.chdir("charts/es")  # a chart's files named from inside the chart
    assert chart_input("values.yaml") == "."
    assert chart_input("ci/nodeport-values.yaml") == "."
    assert chart_input("crds.yaml") is None


def test_check_with_helm_reports_the_manifest_and_the_templates(in_repo):
    need_helm()
    result = check(".")
    assert result.exit_code == 1, result.stderr
    assert places(result) == [*EXPECTED_CHART_FINDINGS, TUNE_PLACE]
    assert result.stderr == ""
    sub, pl302, pl103, _ = result.findings
    # the subchart's PL201 also points at ds.yaml 12 '      hostNetwork: {{ .Values.hostNetwork }}', the key at column 7
    assert [(r["path"], r["line"], r["column"]) for r in sub["related"]] == [("charts/app/charts/sub/templates/ds.yaml", 12, 7)]
    assert pl302["message"].endswith(
        "(rendered from elasticsearch/templates/service.yaml) (with the values in ci/nodeport-values.yaml)"
    )
    assert pl103["message"].endswith("(rendered from elasticsearch/templates/statefulset.yaml)")
    assert all("(helm template" not in f["message"] and os.path.isfile(f["path"]) for f in result.findings)


def test_check_without_helm_reports_the_manifest_and_one_note_per_chart(in_repo, no_helm):
    result = check(".")
    assert places(result) == [TUNE_PLACE]
    assert result.exit_code == 1
    assert result.stderr.splitlines() == NOTES
    # the text report: the notes, then the summary
    text = cli("check", ".", "--fail-on", "never")
    assert text.exit_code == 0
    assert text.stderr.splitlines()[:2] == NOTES and len(text.stderr.splitlines()) == 3
    # SARIF carries the notes as tool execution notifications (the run still succeeded)
    sarif = json.loads(cli("check", ".", "--format", "sarif", "--fail-on", "never").stdout)
    (invocation,) = sarif["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is True
    assert [(n["level"], n["message"]["text"]) for n in invocation["toolExecutionNotifications"]] == [
        ("note", line[len("portlint: note: ") :] + ".") for line in NOTES  # SARIF messages are sentences
    ]


def test_without_helm_a_chart_alone_is_clean_with_its_note(in_repo, no_helm):
    result = check("charts/es/templates/service.yaml", "charts/es/templates/statefulset.yaml")
    assert (result.exit_code, result.findings) == (0, [])
    assert result.stderr.splitlines() == NOTES[1:]


def test_a_template_passed_alone_is_linted_through_its_chart(in_repo):
    need_helm()
    # two templates and the values file of one chart: the chart is rendered and linted once
    result = check("charts/es/templates/service.yaml", "charts/es/templates/statefulset.yaml", "charts/es/values.yaml")
    assert places(result) == EXPECTED_CHART_FINDINGS[1:]
    assert result.exit_code == 1 and result.stderr == ""
    # a subchart's template: the parent chart is rendered
    result = check("charts/app/charts/sub/templates/ds.yaml", "--fail-on", "never")
    assert places(result) == EXPECTED_CHART_FINDINGS[:1]


def test_unrenderable_charts_are_one_warning_each(tmp_cwd):
    """A chart with a missing dependency, and a ci values file that leaves a required value
    empty: one warning line each, naming the chart, the values and helm's error; the default
    render of the second chart and the plain manifest are still linted, and the exit code
    comes from their findings (not 2)."""
    need_helm()
    write(
        tmp_cwd,
        {
            "deps/Chart.yaml": (
                "apiVersion: v2\nname: deps\nversion: 0.1.0\n"
                "dependencies:\n  - name: common\n    version: 2.x.x\n    repository: https://charts.example.com\n"
            ),
            "deps/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n",
            "req/Chart.yaml": "apiVersion: v2\nname: req\nversion: 0.1.0\n",
            "req/values.yaml": "nodePort: 40000\n",
            "req/ci/empty-values.yaml": "nodePort: null\n",
            "req/templates/svc.yaml": (
                "apiVersion: v1\n"
                "kind: Service\n"
                "metadata:\n"
                "  name: req\n"
                "spec:\n"
                "  type: NodePort\n"
                "  ports:\n"
                "    - port: 80\n"
                '      nodePort: {{ required "a nodePort is required" .Values.nodePort }}\n'
            ),
            "deploy/tune.yaml": TUNE,
        },
    )
    result = check(".")
    assert result.exit_code == 1, result.stderr
    # req/templates/svc.yaml 9: '      nodePort: {{ required "a nodePort is required" .Values.nodePort }}'
    # the 56-character action from column 17
    assert places(result) == [TUNE_PLACE, ("PL302", "req/templates/svc.yaml", 9, 17, 73)]
    deps, req = result.stderr.splitlines()
    assert deps == (
        "portlint: warning: deps: Helm chart not rendered with its default values and not linted with them: "
        "helm template failed (exit 1): Error: An error occurred while checking for chart dependencies. "
        "You may need to run `helm dependency build` to fetch missing dependencies: "
        "found in Chart.yaml, but missing in charts/ directory: common"
    )
    assert req.startswith(
        "portlint: warning: req: Helm chart not rendered with the values in ci/empty-values.yaml and not linted with them: "
        "helm template failed (exit 1): Error: execution error at (req/templates/svc.yaml:9:"
    ), req
    assert req.endswith("): a nodePort is required"), req


def test_findings_across_charts_and_ci_renders(tmp_cwd):
    """Two charts on one nodePort: the conflict is found between their default renders and both
    sides are on template lines; a finding that two ci renders share (and the defaults do not
    have) is reported once and names both values files."""
    need_helm()
    service = (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Chart.Name }}\nspec:\n  type: NodePort\n"
        "  ports:\n    - port: 80\n      nodePort: {{ .Values.nodePort }}\n"
    )
    for name in ("a", "b"):
        write(
            tmp_cwd,
            {
                f"{name}/Chart.yaml": f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n",
                f"{name}/values.yaml": "nodePort: 30080\n",
                f"{name}/templates/svc.yaml": service,
            },
        )
    write(tmp_cwd, {"b/ci/one-values.yaml": "nodePort: 40000\n", "b/ci/two-values.yaml": "nodePort: 40000\n"})
    result = check(".")
    assert result.exit_code == 1 and result.stderr == ""
    # svc.yaml 9: '      nodePort: {{ .Values.nodePort }}': the 22-character action from column 17
    assert places(result) == [("PL302", "b/templates/svc.yaml", 9, 17, 39), ("PL303", "b/templates/svc.yaml", 9, 17, 39)]
    pl302, pl303 = result.findings
    assert pl302["message"].endswith("(with the values in ci/one-values.yaml, ci/two-values.yaml)")
    # a's Service comes first: the conflict is b's, and a's side is on a's template line
    assert "(port 80, a/templates/svc.yaml:9)" in pl303["message"]
    assert [(r["path"], r["line"], r["column"]) for r in pl303["related"]] == [("a/templates/svc.yaml", 9, 17)]


def test_the_chart_of_its_templates_directory_and_of_a_nested_template(tmp_path):
    """The templates/ directory itself, and a file three directories under it, belong to the
    chart (helm renders every file under templates/); a file beside templates/ does not."""
    from portlint.charts import chart_of

    chart = tmp_path / "c"
    (chart / "templates" / "sub" / "deep").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    assert chart_of(str(chart / "templates")) == str(chart)
    assert chart_of(str(chart / "templates" / "sub" / "deep" / "x.yaml")) == str(chart)
    assert chart_of(str(chart / "x.yaml")) is None


def test_each_render_is_named_by_its_values(tmp_path):
    """The default render and each ci values file's render are streams of their own, named
    by the values they were rendered with."""
    from portlint.charts import render_charts

    chart = tmp_path / "c"
    (chart / "ci").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    (chart / "ci" / "a-values.yaml").write_text("x: 1\n")
    renders, said = render_charts([str(chart)], lambda c, values, sets, release, ns: f"# {values}\n")
    assert said == []
    assert [(str(r.input), r.values, r.input.text) for r in renders] == [
        (f"{chart}/(helm template)", None, "# []\n"),
        (f"{chart}/(helm template -f ci/a-values.yaml)", "ci/a-values.yaml", f"# ['{chart}/ci/a-values.yaml']\n"),
    ]

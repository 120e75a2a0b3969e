"""Charts found from their templates, rendered streams on stdin, ci renders counted as files,
document locations and binary inputs: each test pins a decision the other tests left free. Expected values were read by hand from the inputs written here."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
from conftest import cli


def need_helm() -> None:
    if shutil.which("helm") is None:
        if os.environ.get("CI"):
            pytest.fail("helm is not on PATH and CI is set; .ci/run installs it")
        pytest.skip("helm is not on PATH")


def write(root, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


CHART = {
    "c/Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\n",
    "c/values.yaml": "x: 1\n",
    "c/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n",
}


def discovered(given):
    from portlint import charts, sources

    found = charts.Found()
    files = [sources.display_path(p) for p in sources.discover(given, charts=found)]
    return files, list(found)


def test_a_chart_in_the_working_directory_is_found_from_its_template(tmp_cwd):
    # 'c/templates/cm.yaml' splits into ['c', 'templates', 'cm.yaml']: 'templates' is part 1,
    # the first one chart_of may look at; the template is never yielded, the chart is found
    write(tmp_cwd, CHART)
    assert discovered(["c/templates/cm.yaml"]) == ([], ["c"])
    # the templates directory itself (['c', 'templates']: its last part is 'templates')
    assert discovered(["c/templates"]) == ([], ["c"])


def test_every_chart_file_passed_alone_reaches_its_chart(tmp_cwd):
    write(
        tmp_cwd,
        {
            **CHART,
            "c/values.schema.json": "{}\n",
            "c/ci/big-values.yaml": "x: 2\n",
            "d/Chart.yaml": "apiVersion: v2\nname: d\nversion: 0.1.0\n",
            "d/values.yml": "x: 3\n",
            "plain/x.yaml": "a: 1\n",
        },
    )
    # each is a plain file too (not under templates/): yielded, and its chart recorded
    for name, chart in (("c/values.schema.json", "c"), ("c/ci/big-values.yaml", "c"), ("d/values.yml", "d")):
        assert discovered([name]) == ([name], [chart]), name
    # a file of an ordinary directory belongs to no chart
    assert discovered(["plain/x.yaml"]) == (["plain/x.yaml"], [])


def test_document_location_of_a_block_and_of_a_flow_mapping_that_ends_mid_line():
    from portlint import tree
    from portlint.sources import Document, SourceFile

    text = "a:\n  b: 1\nc: {x: 1,\n  y: 2}\nd: e\n"
    doc = Document(SourceFile("f.yaml"), text, 1, 0)
    root, problems = tree.parse(text)
    assert problems == []
    # a's value, the block '  b: 1' (line 2 from column 3): the parser ends it at the start
    # of line 3; the region ends after the 6th character of line 2, column 7
    a = doc.location(tree.dig(root, "a"))
    assert (a.line, a.column, a.end_line, a.end_column) == (2, 3, 2, 7)
    # c's value '{x: 1,' from column 4 of line 3 to '  y: 2}' on line 4: it ends in the
    # middle of line 4, after its 7th character (column 8), not at the end of line 3
    c = doc.location(tree.dig(root, "c"))
    assert (c.line, c.column, c.end_line, c.end_column) == (3, 4, 4, 8)


SERVICE_CHART = {
    "s/Chart.yaml": "apiVersion: v2\nname: s\nversion: 0.1.0\n",
    "s/values.yaml": "nodePort: 40000\n",
    "s/templates/svc.yaml": (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Chart.Name }}\nspec:\n  type: NodePort\n"
        "  ports:\n    - port: 80\n      nodePort: {{ .Values.nodePort }}\n"
    ),
}
# a Service written by hand after the rendered stream, on no template: nodePort 40001
PLAIN_SERVICE = "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: plain\nspec:\n  type: NodePort\n  ports:\n    - port: 81\n      nodePort: 40001\n"


def test_a_rendered_stream_on_stdin_is_mapped_to_the_chart(tmp_cwd):
    need_helm()
    write(tmp_cwd, SERVICE_CHART)
    rendered = subprocess.run(["helm", "template", "portlint", "s"], capture_output=True, text=True, check=True).stdout
    text = rendered + PLAIN_SERVICE
    result = cli("check", "-", "--helm-chart", "s", "--format", "json", "--fail-on", "never", input=text)
    assert result.exit_code == 0, result.stderr
    # svc.yaml 9: '      nodePort: {{ .Values.nodePort }}': the 22-character action from
    # column 17; the hand-written Service stays on stdin, named "(stdin)" (no --stdin-filename)
    rows = [(f["rule"], f["path"], f["line"], f["column"]) for f in result.findings if f["rule"] == "PL302"]
    assert ("PL302", "s/templates/svc.yaml", 9, 17) in rows
    assert [r[1] for r in rows if r[1] != "s/templates/svc.yaml"] == ["(stdin)"]
    # with --stdin-filename, that name
    named = cli("check", "-", "--helm-chart", "s", "--stdin-filename", "out.yaml", "--format", "json", "--fail-on", "never", input=text)
    assert sorted({f["path"] for f in named.findings if f["rule"] == "PL302"}) == ["out.yaml", "s/templates/svc.yaml"]


def test_an_excluded_templates_directory_given_alone_records_no_chart(tmp_cwd):
    from portlint import charts, sources
    from portlint.excludes import Excludes

    write(tmp_cwd, CHART)
    found = charts.Found()
    assert list(sources.discover(["c/templates"], Excludes(["c/templates/"], str(tmp_cwd)), found)) == []
    assert list(found) == []
    # not excluded: the chart is recorded (the same call without the pattern)
    assert list(sources.discover(["c/templates"], Excludes([], str(tmp_cwd)), found)) == []
    assert list(found) == ["c"]


def test_each_ci_render_counts_as_a_file(tmp_cwd):
    need_helm()
    write(tmp_cwd, {**SERVICE_CHART, "s/ci/a-values.yaml": "nodePort: 30080\n"})
    # the template alone: no plain file; the chart is rendered twice (its defaults, then
    # ci/a-values.yaml), and each rendered stream is one input
    result = cli("check", "s/templates/svc.yaml", "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    assert result.json["files"] == 2


def test_a_nul_as_the_very_first_byte_is_a_binary_file():
    # byte 0 is NUL: line 1, column 1
    result = cli("check", "-", "--stdin-filename", "b.yaml", "--format", "json", "--fail-on", "never", input=b"\x00kind: x\n")
    ((rule, line, column, message),) = [(f["rule"], f["line"], f["column"], f["message"]) for f in result.findings]
    assert (rule, line, column) == ("PL000", 1, 1)
    assert message == "a NUL byte at line 1, column 1: binary data, not a YAML or JSON manifest. This document is not linted"


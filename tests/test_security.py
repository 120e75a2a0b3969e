"""Hostile inputs that reach helm, the file system and the terminal (issue 16, security).

Each test states what an attacker controls and what must not happen. The helm tests run the
real helm (CI installs it); a post-renderer that leaves a marker file proves whether helm took
a word as its --post-renderer flag, which runs a program.
"""

from __future__ import annotations

import os
import shutil

import pytest
from conftest import REPO, cli
from test_helm import helm_installed  # noqa: F401 - a fixture
from test_helm_mapping import deadline

NETCHART = REPO / "tests" / "helm" / "netchart"


# --- arguments passed to helm ----------------------------------------------------------


@pytest.fixture
def post_renderer(tmp_cwd, monkeypatch):
    """An executable ``evil`` on PATH that leaves ``ran`` behind when helm runs it as a
    post-renderer; returns the marker's path."""
    evil = tmp_cwd / "bin" / "evil"
    evil.parent.mkdir()
    evil.write_text(f"#!/bin/sh\ntouch {tmp_cwd}/ran\ncat\n")
    evil.chmod(0o755)
    monkeypatch.setenv("PATH", f"{evil.parent}:{os.environ['PATH']}")
    return tmp_cwd / "ran"


def test_a_chart_named_like_a_flag_is_a_chart(helm_installed, post_renderer):  # noqa: F811
    """`portlint helm -- --post-renderer=evil`: the chart word is a directory for helm, never
    its flag (helm reads the words after '--' as its release name and chart)."""
    shutil.copytree(NETCHART, "--post-renderer=evil")
    shutil.copytree(NETCHART, "netchart")  # were the chart word a flag, helm would render this one
    result = cli("helm", "--release-name", "netchart", "--format", "json", "--select", "PL301", "--", "--post-renderer=evil")
    assert not post_renderer.exists()
    assert result.exit_code == 1, result.stderr
    # service.yaml line 9: '      nodePort: {{ .Values.nodePort }}', the action at column 17
    assert [(f["rule"], f["path"], f["line"], f["column"]) for f in result.findings] == [
        ("PL301", "--post-renderer=evil/templates/service.yaml", 9, 17)
    ]


def test_a_release_name_like_a_flag_is_refused_by_helm(helm_installed, post_renderer):  # noqa: F811
    result = cli("helm", str(NETCHART), "--release-name=--post-renderer=evil")
    assert not post_renderer.exists()
    assert result.exit_code == 2
    assert result.stderr.startswith(
        'portlint: error: helm template failed (exit 1): Error: release name "--post-renderer=evil": invalid release name'
    )


def test_values_and_set_words_are_checked_before_helm_runs(tmp_cwd, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")  # nothing is run: the words are refused first
    os.mkfifo(tmp_cwd / "fifo")  # helm would wait on it for ever
    result = cli("helm", str(NETCHART), "-f", "fifo")
    assert (result.exit_code, result.stderr) == (2, "portlint: error: --values fifo: no such values file (a regular file is required)\n")
    result = cli("helm", str(NETCHART), "--set", "=30080")
    assert (result.exit_code, result.stderr) == (2, "portlint: error: --set =30080: not KEY=VALUE\n")
    result = cli("helm", str(NETCHART), "--set", "nodePort")
    assert (result.exit_code, result.stderr) == (2, "portlint: error: --set nodePort: not KEY=VALUE\n")


# --- '# Source:' paths and template files of --helm-chart --------------------------------

RENDERED = (REPO / "tests" / "helm" / "rendered.yaml").read_text()
DAEMONSET_SOURCE = "# Source: netchart/templates/daemonset.yaml"
# rendered.yaml line 30: '              sysctl -w net.ipv4.ip_local_port_range="1024 65535"'
ON_THE_STREAM = [("PL201", "(stdin)", 30, 15)]
# templates/daemonset.yaml line 17: '              sysctl -w net.ipv4.ip_local_port_range="{{ .Values.portRange }}"'
ON_THE_TEMPLATE = [("PL201", "netchart/templates/daemonset.yaml", 17, 15)]


@pytest.fixture
def chart(tmp_cwd):
    """tests/helm/netchart copied to ./netchart, and a file beside it, outside the chart."""
    shutil.copytree(NETCHART, tmp_cwd / "netchart")
    (tmp_cwd / "secret.yaml").write_text("apiVersion: v1\nkind: Secret\n")
    return tmp_cwd / "netchart"


def mapped(source: str = DAEMONSET_SOURCE.split(": ")[1]):
    """Lint rendered.yaml on stdin, its DaemonSet's '# Source:' replaced, with --helm-chart
    netchart: (PL201 findings as (rule, path, line, column), stderr)."""
    with deadline(10):  # a FIFO opened for reading waits for a writer
        result = cli(
            "check", "-", "--helm-chart", "netchart", "--format", "json", "--select", "PL201",
            input=RENDERED.replace(DAEMONSET_SOURCE, f"# Source: {source}"),
        )  # fmt: skip
    assert result.exit_code == 1, result.stderr
    return [(f["rule"], f["path"], f["line"], f["column"]) for f in result.findings], result.stderr


def refused(source: str, why: str) -> str:
    return (
        f"portlint: warning: netchart: Helm template {source} not used ({why}); "
        "findings of its documents stay on the rendered stream\n"
    )


@pytest.mark.parametrize(
    "source",
    ["netchart/../secret.yaml", "netchart/templates/../../secret.yaml", "/netchart/templates/daemonset.yaml",
     "netchart/./templates/daemonset.yaml", "netchart//templates/daemonset.yaml"],
)  # fmt: skip
def test_a_source_path_that_is_not_plain_stays_on_the_stream(chart, source):
    assert mapped(source) == (ON_THE_STREAM, refused(source, "not a path inside the chart"))


def test_a_template_the_chart_lacks_is_not_refused(chart):
    """A plain path the chart has no file for (an archived subchart's template): the finding
    goes to the chart's Chart.yaml, approximately, as before; nothing was refused."""
    result = cli(
        "check", "-", "--helm-chart", "netchart", "--format", "json", "--select", "PL201",
        input=RENDERED.replace(DAEMONSET_SOURCE, "# Source: netchart/templates/gone.yaml"),
    )  # fmt: skip
    assert [(f["path"], f["line"], f["column"]) for f in result.findings] == [("netchart/Chart.yaml", 1, 1)]
    assert result.findings[0]["message"].endswith("(rendered from netchart/templates/gone.yaml) (approximate template line)")
    assert result.stderr == ""


def test_a_template_symlinked_out_of_the_chart_is_not_read(chart):
    template = chart / "templates" / "daemonset.yaml"
    template.unlink()
    template.symlink_to(chart.parent / "secret.yaml")
    source = "netchart/templates/daemonset.yaml"
    assert mapped() == (ON_THE_STREAM, refused(source, "a symlink out of the chart"))


def test_a_dangling_template_symlink_is_said(chart):
    template = chart / "templates" / "daemonset.yaml"
    template.unlink()
    template.symlink_to("gone.yaml")
    assert mapped() == (ON_THE_STREAM, refused("netchart/templates/daemonset.yaml", "No such file or directory"))


def test_a_template_symlinked_inside_the_chart_is_read(chart):
    template = chart / "templates" / "daemonset.yaml"
    os.rename(template, chart / "daemonset.tpl")
    template.symlink_to("../daemonset.tpl")
    assert mapped() == (ON_THE_TEMPLATE, "")


def test_a_fifo_template_is_not_opened(chart):
    template = chart / "templates" / "daemonset.yaml"
    template.unlink()
    os.mkfifo(template)
    assert mapped() == (ON_THE_STREAM, refused("netchart/templates/daemonset.yaml", "not a regular file"))


def test_a_template_up_to_the_limit_is_read_and_one_byte_more_is_not(chart, monkeypatch):
    import portlint.helm

    monkeypatch.setattr(portlint.helm, "TEMPLATE_LIMIT", 1 << 20)  # 8 MB takes seconds to write and map
    template = chart / "templates" / "daemonset.yaml"
    text = template.read_text()
    filler = (1 << 20) - len(text)  # comment lines: they emit nothing
    padded = text + ("#" * 63 + "\n") * (filler // 64) + "#" * (filler % 64 - 1) + "\n"
    template.write_text(padded)
    assert mapped() == (ON_THE_TEMPLATE, "")
    template.write_text(padded + "\n")
    assert mapped() == (ON_THE_STREAM, refused("netchart/templates/daemonset.yaml", "larger than 1 MB"))


def test_the_template_limit_is_the_documented_one():
    from portlint.bounded import size
    from portlint.helm import TEMPLATE_LIMIT

    assert size(TEMPLATE_LIMIT) == "8 MB"
    assert "Template files are read up to 8 MB" in " ".join((REPO / "docs" / "reliability.md").read_text().split())


def test_a_helper_file_symlinked_out_of_the_chart_is_not_read(chart):
    (chart / "templates" / "_helpers.tpl").symlink_to(chart.parent / "secret.yaml")
    with open(chart / "templates" / "daemonset.yaml", "a") as template:
        template.write('{{- include "netchart.labels" . }}\n')  # a helper call: the helpers are read
    assert mapped() == (
        ON_THE_TEMPLATE,
        "portlint: warning: netchart: netchart/templates/_helpers.tpl not read for Helm helpers (a symlink out of the chart)\n",
    )


# --- text from the inputs on the terminal and in CI logs --------------------------------

# a Service whose name carries a newline that would forge a finding line and an escape
# sequence that would turn the terminal red (YAML double-quoted escapes \n and \e)
FORGING = (
    "apiVersion: v1\nkind: Service\nmetadata:\n"
    '  name: "web\\nx.yaml:1:1: error: forged [PL999]\\e[31m"\n'
    "spec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 80\n"
)
SHOWN_NAME = '"web\\u000ax.yaml:1:1: error: forged [PL999]\\u001b[31m"'
STDIN_NAME = "a\nb\x1b[2J.yaml"  # the path of a finding comes from the input too
SHOWN_PATH = "a\\u000ab\\u001b[2J.yaml"


def forged(format: str):
    return cli("check", "-", "--stdin-filename", STDIN_NAME, "--format", format, input=FORGING)


def test_text_findings_are_one_line_whatever_the_input():
    result = forged("text")
    assert result.exit_code == 1
    # line 9 '      nodePort: 80', the value at column 17; PL302: 80 is outside 30000-32767
    assert result.stdout.startswith(f"{SHOWN_PATH}:9:17: error: nodePort 80 of Service {SHOWN_NAME} is outside")
    assert result.stdout.endswith(" [PL302]\n")
    assert result.stdout.count("\n") == 1 and "\x1b" not in result.stdout


def test_github_annotations_are_one_command_whatever_the_input():
    result = forged("github")
    # the message's ':' stay (data); a path's ':' would be %3A (a property)
    assert result.stdout.startswith(
        f"::error file={SHOWN_PATH},line=9,col=17,endLine=9,endColumn=19,title=PL302 nodeport-out-of-range"
        f"::nodePort 80 of Service {SHOWN_NAME} is outside"
    )
    assert result.stdout.count("\n") == 1 and "\x1b" not in result.stdout


@pytest.mark.parametrize("format", ["json", "sarif"])
def test_json_and_sarif_carry_the_exact_text_escaped_by_the_encoder(format):
    import json

    result = forged(format)
    assert "\x1b" not in result.stdout  # the encoder wrote \u001b
    report = json.loads(result.stdout)
    if format == "json":
        [finding] = report["findings"]
        message, path = finding["message"], finding["path"]
    else:
        [finding] = report["runs"][0]["results"]
        message = finding["message"]["text"]
        path = finding["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert 'Service "web\nx.yaml:1:1: error: forged [PL999]\x1b[31m" is outside' in message
    assert path == (STDIN_NAME if format == "json" else "a%0Ab%1B%5B2J.yaml")


def test_error_lines_on_stderr_are_one_line():
    result = cli("check", "no\nsuch\x1b[2J.yaml")
    assert (result.exit_code, result.stderr) == (2, "portlint: error: no\\u000asuch\\u001b[2J.yaml: no such file or directory\n")


def test_chart_notes_on_stderr_are_one_line(tmp_cwd, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")  # no helm: one note per chart, from the runner
    shutil.copytree(NETCHART, tmp_cwd / "c\n\x1b[2J")
    result = cli("check", ".")
    assert (result.exit_code, result.stderr) == (
        0,
        "portlint: note: c\\u000a\\u001b[2J: Helm chart not rendered (helm is not on PATH); its templates are not linted\n"
        "No problems found in 2 files.\n",  # Chart.yaml and values.yaml are plain files
    )


def test_printable_escapes_controls_separators_and_bidi_controls_only():
    from portlint.report.escape import printable

    unsafe = "\x00\t\n\r\x1b\x1f\x7f\x80\x9b\x9f\u061c\u200e\u200f\u2028\u2029\u202a\u202e\u2066\u2069"
    assert printable(unsafe) == "".join(f"\\u{ord(c):04x}" for c in unsafe)
    safe = " ~\xa0é\u200d\u2027\u202f\u2065\u206a漢 \\u000a"
    assert printable(safe) == safe

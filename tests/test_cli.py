"""The command line: exit codes, formats, stdin, output files, rules/explain/--version."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from conftest import REPO, cli, lint_text

HOSTNET_WRITE = """apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  hostNetwork: true
  containers:
    - name: c
      image: busybox
      command: [sysctl, -w, net.core.somaxconn=1024]
"""
POD_NET_WRITE = HOSTNET_WRITE.replace("  hostNetwork: true\n", "")
CLEAN = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n"


def write(tmp, name, text):
    path = tmp / name
    path.write_text(text)
    return name


def test_text_format_is_gcc_style_with_a_summary_on_stderr(tmp_cwd):
    write(tmp_cwd, "pod.yaml", HOSTNET_WRITE)
    result = cli("check", "pod.yaml")
    assert result.exit_code == 1
    assert result.stdout == (
        'pod.yaml:10:29: error: container "c" writes net.core.somaxconn=1024 in a hostNetwork pod without a '
        "POD_IP/HOST_IP guard [PL201]\n"
    )
    assert result.stderr == "Found 1 problem (1 error) in 1 file.\n"


def test_exit_codes_follow_fail_on(tmp_cwd):
    write(tmp_cwd, "warn.yaml", POD_NET_WRITE)  # PL101 is a warning
    write(tmp_cwd, "clean.yaml", CLEAN)
    assert cli("check", "clean.yaml").exit_code == 0
    assert cli("check", "warn.yaml").exit_code == 1
    assert cli("check", "warn.yaml", "--fail-on", "error").exit_code == 0
    assert cli("check", "warn.yaml", "--fail-on", "note").exit_code == 1
    assert cli("check", "warn.yaml", "--fail-on", "never").exit_code == 0


def test_missing_path_exits_2_naming_it(tmp_cwd):
    result = cli("check", "nowhere.yaml")
    assert result.exit_code == 2
    assert result.stderr == "portlint: error: nowhere.yaml: no such file or directory\n"


def test_no_paths_is_a_usage_error(tmp_cwd):
    result = cli("check")
    assert result.exit_code == 2
    assert "no paths given" in result.stderr


def test_bad_range_flag_exits_2(tmp_cwd):
    write(tmp_cwd, "clean.yaml", CLEAN)
    result = cli("check", "clean.yaml", "--ephemeral-port-range", "60999 32768")
    assert result.exit_code == 2
    assert result.stderr == (
        'portlint: error: --ephemeral-port-range: "60999 32768" is reversed: the low end 60999 is above the high end 32768\n'
    )
    result = cli("check", "clean.yaml", "--reserved-ports", "30000-x")
    assert result.exit_code == 2
    assert result.stderr.startswith('portlint: error: --reserved-ports: "30000-x" is not a list of ports and ranges')


def test_bad_kubernetes_version_exits_2(tmp_cwd):
    write(tmp_cwd, "clean.yaml", CLEAN)
    result = cli("check", "clean.yaml", "--kubernetes-version", "latest")
    assert (result.exit_code, result.stderr) == (
        2,
        "portlint: error: --kubernetes-version: 'latest' is not a Kubernetes version like 1.31\n",
    )


def test_unreadable_file_exits_2_but_lints_the_rest(tmp_cwd):
    import os

    write(tmp_cwd, "pod.yaml", HOSTNET_WRITE)
    write(tmp_cwd, "secret.yaml", CLEAN)
    os.chmod(tmp_cwd / "secret.yaml", 0)
    try:
        if os.access(tmp_cwd / "secret.yaml", os.R_OK):  # root reads anything: make it a directory-like failure
            os.chmod(tmp_cwd / "secret.yaml", 0o644)
            (tmp_cwd / "secret.yaml").unlink()
            os.symlink(tmp_cwd / "missing-target.yaml", tmp_cwd / "secret.yaml")
        result = cli("check", ".", "--format", "json")
    finally:
        if (tmp_cwd / "secret.yaml").exists():
            os.chmod(tmp_cwd / "secret.yaml", 0o644)
    assert result.exit_code == 2
    assert result.triples() == [("PL201", 10, 29)]
    assert result.stderr.startswith("portlint: error: secret.yaml: No such file or directory")
    assert result.json["errors"] == ["secret.yaml: No such file or directory"]


def test_stdin_with_a_name(tmp_cwd):
    result = cli("check", "-", "--stdin-filename", "k8s/pod.yaml", input=HOSTNET_WRITE)
    assert result.exit_code == 1
    assert result.stdout.startswith("k8s/pod.yaml:10:29: error: ")


def test_output_file(tmp_cwd):
    write(tmp_cwd, "pod.yaml", HOSTNET_WRITE)
    result = cli("check", "pod.yaml", "--format", "json", "--output", "report.json")
    assert result.exit_code == 1
    assert result.stdout == ""
    data = json.loads((tmp_cwd / "report.json").read_text())
    assert [(f["rule"], f["line"], f["column"]) for f in data["findings"]] == [("PL201", 10, 29)]


def test_json_format_is_documented_and_stable(tmp_cwd):
    result = lint_text(HOSTNET_WRITE, name="pod.yaml")
    data = result.json
    assert data["version"] == 1 and data["files"] == 1 and data["errors"] == []
    finding = data["findings"][0]
    assert sorted(finding) == sorted(
        [
            "rule",
            "name",
            "level",
            "message",
            "path",
            "line",
            "column",
            "endLine",
            "endColumn",
            "related",
            "template",
            "suppressed",
            "justification",
            "fingerprint",
        ]
    )
    assert (finding["rule"], finding["name"], finding["level"]) == ("PL201", "host-network-sysctl-write", "error")
    assert (finding["suppressed"], finding["justification"]) == (False, None)
    assert (finding["line"], finding["column"], finding["endLine"], finding["endColumn"]) == (10, 29, 10, 52)
    assert finding["related"] == [
        {"path": "pod.yaml", "line": 6, "column": 3, "endLine": 6, "endColumn": 20, "label": "hostNetwork: true is set here"}
    ]


def _render(format: str, findings, colour: bool = False) -> str:
    from portlint import report
    from portlint.rules import RULES

    return report.render_text(format, report.RunInfo("0", RULES, colour=colour, cwd="/w"), findings, report.Summary(files=1))


def test_github_annotations_are_escaped(tmp_cwd):
    from portlint.findings import Finding, Location

    finding = Finding("PL101", "warning", "100% bad\nsecond line", Location("a,b:c.yaml", 3, 4, 3, 9))
    assert _render("github", [finding]) == (
        "::warning file=a%2Cb%3Ac.yaml,line=3,col=4,endLine=3,endColumn=9,title=PL101 unguarded-sysctl-write"
        "::100%25 bad\\u000asecond line\n"  # a newline from the input is text, as in the text format
    )


def test_format_choices_are_the_writers_table():
    from portlint.cli import Format
    from portlint.report import WRITERS, writer_class

    names = ["text", "full", "sarif", "json", "github", "gitlab", "junit", "checkstyle", "rdjson", "rdjsonl"]
    assert [f.value for f in Format] == list(WRITERS) == names
    for name in WRITERS:
        writer = writer_class(name)
        assert all(callable(getattr(writer, method, None)) for method in ("start", "result", "finish"))
    help_text = cli("check", "--help").stdout
    assert "<text|full|sarif|json|github|gitlab|junit|checkstyle|rdjson|rdjsonl>" in help_text.replace("\n", "").replace(" ", "").replace("│", "")
    bad = cli("check", "x.yaml", "--format", "xml")
    assert bad.exit_code == 2 and "'xml' is not one of 'text', 'full', 'sarif', 'json', 'github', 'gitlab', 'junit', 'checkstyle', 'rdjson', 'rdjsonl'" in bad.stderr


def test_every_writer_streams_one_chunk_a_finding():
    """start, one chunk a finding (suppressed ones: text and github leave them out), finish."""
    from portlint import report
    from portlint.findings import Finding, Location
    from portlint.rules import RULES

    findings = [
        Finding("PL304", "error", "Run level.", None),
        Finding("PL101", "warning", "Shown.", Location("a.yaml", 3, 4, 3, 9)),
        Finding("PL101", "warning", "Hidden.", Location("a.yaml", 5, 1, 5, 2), suppressed=True),
    ]
    info = report.RunInfo("0", RULES, cwd="/w")
    chunks = {name: list(report.render(name, info, findings, report.Summary(files=1))) for name in report.WRITERS}
    # text, full and github leave the suppressed one out; SARIF keeps it (inSource) but turns the
    # run-level one into a notification written by finish; JSON writes all three; gitlab,
    # checkstyle and reviewdog's formats leave the suppressed one out; JUnit writes a file's
    # suite when the next file starts (the run-level suite) and at the end (a.yaml)
    assert [len(c) for c in chunks.values()] == [2 + 2, 2 + 2, 2 + 2, 2 + 3, 2 + 2, 2 + 2, 2 + 1, 2 + 2, 2 + 2, 2 + 2]
    assert chunks["text"][1:3] == ["portlint: error: Run level. [PL304]\n", "a.yaml:3:4: warning: Shown. [PL101]\n"]


def test_json_is_written_as_one_json_dumps_would(tmp_cwd):
    """Streamed in chunks, yet the same bytes as json.dumps(report, indent=2), with or
    without findings; the counts and errors come last (known at the end)."""
    write(tmp_cwd, "pod.yaml", HOSTNET_WRITE)
    write(tmp_cwd, "clean.yaml", CLEAN)
    write(tmp_cwd, "réseau.yaml", HOSTNET_WRITE)
    for path in ("pod.yaml", "clean.yaml", "réseau.yaml"):
        out = cli("check", path, "--format", "json").stdout
        data = json.loads(out)
        assert out == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        assert list(data) == ["version", "tool", "findings", "files", "errors"]
    assert json.loads(cli("check", "clean.yaml", "--format", "json").stdout)["findings"] == []
    assert '"path": "réseau.yaml"' in cli("check", "réseau.yaml", "--format", "json").stdout  # UTF-8, not \\u escapes


def test_select_and_ignore(tmp_cwd):
    write(tmp_cwd, "pod.yaml", HOSTNET_WRITE)
    assert cli("check", "pod.yaml", "--select", "PL3").exit_code == 0
    assert cli("check", "pod.yaml", "--ignore", "PL201").exit_code == 0
    assert cli("check", "pod.yaml", "--select", "PL101,PL201").exit_code == 1
    assert cli("check", "pod.yaml", "--select", "pl2").exit_code == 1  # ids are case-insensitive
    assert cli("check", "pod.yaml", "--select", "PL1", "--select", "PL20").exit_code == 1


def test_unknown_rule_ids_are_usage_errors_not_an_empty_run(tmp_cwd):
    write(tmp_cwd, "pod.yaml", HOSTNET_WRITE)
    result = cli("check", "pod.yaml", "--select", "PL201,PL999")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "portlint: error: --select: unknown rule id 'PL999'; `portlint rules` lists them\n"
    result = cli("check", "pod.yaml", "--ignore", "PL9", "--ignore", "PL2O1")
    assert result.exit_code == 2
    assert result.stderr == "portlint: error: --ignore: unknown rule ids 'PL2O1', 'PL9'; `portlint rules` lists them\n"
    # a prefix is valid when it matches some rule, an id only when it is one
    assert cli("check", "pod.yaml", "--ignore", "PL30").exit_code == 1
    assert cli("check", "pod.yaml", "--ignore", "PL2010").exit_code == 2


def test_rules_table_lists_every_rule():
    from portlint.rules import RULES

    result = cli("rules")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [r.ID for r in RULES]
    assert lines[3].split()[:3] == ["PL101", "unguarded-sysctl-write", "warning"]
    assert lines[2].split()[:3] == ["PL002", "suppression-without-reason", "off"]  # opt-in


def test_explain_prints_the_help():
    result = cli("explain", "PL201")
    assert result.exit_code == 0
    assert result.stdout.startswith("# PL201 host-network-sysctl-write\n")
    assert "## Bad" in result.stdout and "## Good" in result.stdout
    assert cli("explain", "unguarded-sysctl-write").stdout.startswith("# PL101 ")
    bad = cli("explain", "PL999")
    assert (bad.exit_code, bad.stderr) == (2, "portlint: error: unknown rule or profile 'PL999'; `portlint rules` lists the rules, docs/profiles.md the profiles\n")


def test_version():
    from portlint import __version__

    result = cli("--version")
    assert (result.exit_code, result.stdout) == (0, f"portlint {__version__}\n")


def test_installed_console_script_runs_as_a_subprocess(tmp_path):
    import os
    import sysconfig

    exe = shutil.which("portlint")
    if exe is None:  # installed, but its scripts directory is not on PATH
        candidate = os.path.join(sysconfig.get_path("scripts"), "portlint")
        exe = candidate if os.path.exists(candidate) else None
    assert exe is not None, "install the package first (README): the console script is missing"
    (tmp_path / "pod.yaml").write_text(HOSTNET_WRITE)
    done = subprocess.run(
        [exe, "check", "pod.yaml", "--format", "json"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1, done.stderr
    assert [(f["rule"], f["line"], f["column"]) for f in json.loads(done.stdout)["findings"]] == [("PL201", 10, 29)]
    assert "Traceback" not in done.stderr


def test_python_dash_m_linter_runs(tmp_path):
    done = subprocess.run([sys.executable, "-m", "portlint", "--version"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("portlint ")


RUN_LEVEL_ARGS = ("--ephemeral-port-range", "20000-40000", "--reserved-ports", "30000-31000")
# 20000-40000 covers the whole NodePort range 30000-32767; 30000-31000 is reserved
RUN_LEVEL_MESSAGE = (
    "The ephemeral port range 20000-40000 (--ephemeral-port-range 20000-40000) overlaps the NodePort range "
    "30000-32767 (the kube-apiserver default) and ports 31001-32767 are not reserved by --reserved-ports 30000-31000"
)


def test_a_range_from_flags_is_a_run_level_error_in_text(tmp_cwd):
    write(tmp_cwd, "clean.yaml", CLEAN)
    result = cli("check", "clean.yaml", *RUN_LEVEL_ARGS)
    assert result.exit_code == 1
    assert result.stdout == f"portlint: error: {RUN_LEVEL_MESSAGE} [PL304]\n"
    assert result.stderr == "Found 1 problem (1 error) in 1 file.\n"
    assert cli("check", "clean.yaml", *RUN_LEVEL_ARGS, "--fail-on", "never").exit_code == 0
    ignored = cli("check", "clean.yaml", *RUN_LEVEL_ARGS, "--ignore", "PL304")
    assert (ignored.exit_code, ignored.stdout) == (0, "")


def test_run_level_findings_come_first_and_editors_do_not_take_them_for_files(tmp_cwd):
    import re

    write(tmp_cwd, "pod.yaml", HOSTNET_WRITE)
    lines = cli("check", "pod.yaml", *RUN_LEVEL_ARGS).stdout.splitlines()
    assert [line[:26] for line in lines] == ["portlint: error: The ephem", "pod.yaml:10:29: error: con"]
    docs = (REPO / "docs" / "editors.md").read_text()
    vscode = json.loads(re.search(r"```json\n(.*?)```", docs, re.S).group(1))["tasks"][0]["problemMatcher"]["pattern"]
    sublime = r"^(.+?):(\d+):(\d+): (.*)$"
    for pattern in (vscode["regexp"], sublime):
        assert re.match(pattern, lines[0]) is None
        assert re.match(pattern, lines[1]) is not None


def test_a_range_from_flags_is_a_run_level_error_in_json(tmp_cwd):
    write(tmp_cwd, "clean.yaml", CLEAN)
    result = cli("check", "clean.yaml", *RUN_LEVEL_ARGS, "--format", "json")
    assert result.exit_code == 1
    (finding,) = result.findings
    fingerprint = finding.pop("fingerprint")
    assert len(fingerprint) == 32
    assert finding == {
        "rule": "PL304",
        "name": "ephemeral-range-overlaps-nodeports",
        "level": "error",
        "message": RUN_LEVEL_MESSAGE,
        "path": None,
        "line": None,
        "column": None,
        "endLine": None,
        "endColumn": None,
        "related": [],
        "template": None,
        "suppressed": False,
        "justification": None,
    }


def test_a_range_from_flags_is_a_run_level_error_in_github(tmp_cwd):
    write(tmp_cwd, "clean.yaml", CLEAN)
    result = cli("check", "clean.yaml", *RUN_LEVEL_ARGS, "--format", "github")
    assert result.exit_code == 1
    assert result.stdout == f"::error title=PL304 ephemeral-range-overlaps-nodeports::{RUN_LEVEL_MESSAGE}\n"


def test_a_range_from_flags_is_a_run_level_error_in_sarif(tmp_cwd):
    write(tmp_cwd, "clean.yaml", CLEAN)
    result = cli("check", "clean.yaml", *RUN_LEVEL_ARGS, "--format", "sarif")
    assert result.exit_code == 1
    run = json.loads(result.stdout)["runs"][0]
    assert run["results"] == []
    assert run["invocations"] == [
        {
            "executionSuccessful": True,
            "toolExecutionNotifications": [
                {"level": "error", "message": {"text": RUN_LEVEL_MESSAGE + "."}, "associatedRule": {"id": "PL304", "index": 12}}
            ],
        }
    ]


def test_input_errors_still_write_the_json_report(tmp_cwd):
    result = cli("check", "nowhere.yaml", "--format", "json")
    assert result.exit_code == 2
    assert result.stderr == "portlint: error: nowhere.yaml: no such file or directory\n"
    data = result.json
    assert (data["findings"], data["files"], data["errors"]) == ([], 0, ["nowhere.yaml: no such file or directory"])


def test_the_summary_comes_after_the_findings_on_one_terminal(tmp_path):
    """stdout and stderr into one pipe, as a terminal or a CI log shows them: the summary
    (stderr) must follow the findings (stdout, block-buffered when not a tty)."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "pod.yaml").write_text(HOSTNET_WRITE)
    (tmp_path / "warn.yaml").write_text(POD_NET_WRITE)
    done = subprocess.run(
        [sys.executable, "-m", "portlint", "check", ".", "nowhere.yaml"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stdout == "portlint: error: nowhere.yaml: no such file or directory\n"
    os_symlink = tmp_path / "dangling.yaml"
    os_symlink.symlink_to(tmp_path / "gone.yaml")
    done = subprocess.run(
        [sys.executable, "-m", "portlint", "check", "."],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=60,
    )
    lines = done.stdout.splitlines()
    assert done.returncode == 2
    assert [line.split(" ", 1)[0] for line in lines] == [
        "pod.yaml:10:29:",
        "warn.yaml:9:29:",
        "portlint:",
        "Found",
    ]
    assert lines[2:] == [
        "portlint: error: dangling.yaml: No such file or directory",
        "Found 2 problems (1 error, 1 warning) in 2 files.",
    ]


COLOURED = "\x1b[1mpod.yaml:10:29:\x1b[0m \x1b[31merror:\x1b[0m container"
PLAIN = "pod.yaml:10:29: error: container"


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        ((), {}, PLAIN),  # not a terminal
        (("--color", "always"), {}, COLOURED),
        (("--color", "always"), {"NO_COLOR": "1"}, COLOURED),  # the flag wins
        (("--color", "never"), {"FORCE_COLOR": "1"}, PLAIN),
        ((), {"FORCE_COLOR": "1"}, COLOURED),
        ((), {"FORCE_COLOR": ""}, PLAIN),  # empty: not set
        ((), {"FORCE_COLOR": "1", "NO_COLOR": "1"}, PLAIN),  # NO_COLOR wins over FORCE_COLOR
        ((), {"FORCE_COLOR": "1", "NO_COLOR": ""}, COLOURED),  # empty NO_COLOR does not count
        (("--output", "out.txt"), {"FORCE_COLOR": "1"}, PLAIN),  # auto: never into a file
    ],
)
def test_colour(tmp_cwd, monkeypatch, args, env, expected):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    write(tmp_cwd, "pod.yaml", HOSTNET_WRITE)
    result = cli("check", "pod.yaml", *args)
    out = (tmp_cwd / "out.txt").read_text() if "--output" in args else result.stdout
    assert out.startswith(expected + " ")


@pytest.mark.parametrize(
    ("env", "expected"), [({}, True), ({"NO_COLOR": ""}, True), ({"NO_COLOR": "1"}, False), ({"NO_COLOR": "0"}, False)]
)
def test_colour_on_a_terminal(monkeypatch, env, expected):
    from portlint import cli as cli_mod

    class Terminal:
        def isatty(self):
            return True

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "stdout", Terminal())
    assert cli_mod._colour(cli_mod.Colour.auto, None) is expected
    assert cli_mod._colour(cli_mod.Colour.auto, "report.txt") is False


def test_widened_range_on_a_directory_and_reserving_it(tmp_cwd):
    (tmp_cwd / "deploy").mkdir()
    (tmp_cwd / "deploy" / "svc.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 30080\n"
    )
    widened = cli("check", "--ephemeral-port-range", "1024 65535", "deploy", "--format", "json")
    # the widened range itself overlaps the unreserved NodePort range: PL304, of the run (no file)
    assert (widened.exit_code, widened.triples()) == (1, [("PL304", None, None), ("PL301", 8, 17)])
    reserved = cli(
        "check", "--ephemeral-port-range", "1024 65535", "--reserved-ports", "30000-32767", "deploy", "--format", "json"
    )
    assert (reserved.exit_code, reserved.triples()) == (0, [])


def test_remounting_proc_sys_is_named_as_evidence():
    result = lint_text(
        HOSTNET_WRITE.replace(
            "      command: [sysctl, -w, net.core.somaxconn=1024]\n",
            "      command: [sh, -c, 'mount -o remount,rw /proc/sys && sysctl -w net.core.somaxconn=1024']\n",
        )
    )
    (finding,) = result.findings
    assert finding["rule"] == "PL201"
    assert finding["message"] == (
        'container "c" writes net.core.somaxconn=1024 in a hostNetwork pod without a POD_IP/HOST_IP guard, '
        "after remounting /proc/sys read-write"
    )


@pytest.mark.parametrize(
    "raised, code, line",
    [
        (RuntimeError("boom"), 2, "portlint: internal error: RuntimeError: boom; please report it\n"),
        (KeyboardInterrupt(), 130, "portlint: interrupted\n"),
    ],
)
def test_the_entry_point_turns_an_escaped_exception_into_one_line(monkeypatch, capsys, raised, code, line):
    from portlint import cli as cli_module

    def app(**_):
        raise raised

    monkeypatch.setattr(cli_module, "app", app)
    with pytest.raises(SystemExit) as exit_:
        cli_module.main()
    assert exit_.value.code == code
    assert capsys.readouterr().err == line


def test_explain_renders_markdown_on_a_terminal():
    """On a terminal the page is rendered (rich): no Markdown markers such as the code fences
    or the heading's '#', and the examples' text is there; piped, it stays Markdown (above)."""
    import os
    import pty

    leader, follower = pty.openpty()
    env = dict(os.environ, COLUMNS="100", TERM="xterm", NO_COLOR="1")
    proc = subprocess.Popen([sys.executable, "-m", "portlint", "explain", "PL201"], stdout=follower, stderr=subprocess.PIPE, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert proc.wait(timeout=60) == 0
    shown = b"".join(chunks).decode("utf-8")
    piped = cli("explain", "PL201").stdout
    assert piped.startswith("# PL201 host-network-sysctl-write\n") and "```" in piped
    assert "```" not in shown and "# PL201" not in shown
    assert "PL201 host-network-sysctl-write" in shown and "hostNetwork: true" in shown


def test_the_top_level_options_are_version_and_help_only():
    options = cli("--help").stdout.split("Options:\n", 1)[1].split("\n\n", 1)[0]  # no completion options
    assert options == "  --version   Show the version and exit.\n  -h, --help  Show this message and exit."


def test_no_arguments_print_the_help_and_exit_2():
    result = cli()
    assert result.exit_code == 2
    assert result.stderr.startswith("Usage: portlint [OPTIONS] COMMAND [ARGS]...\n")
    assert "\nCommands:\n  check    Lint manifests and report problems.\n" in result.stderr
    assert "Error" not in result.stderr


def test_version_before_help_is_the_version():
    from portlint import __version__

    assert cli("--version", "--help").stdout == f"portlint {__version__}\n"  # --version is eager, as --help


def test_a_chart_helm_cannot_render_still_gets_its_sarif_category(tmp_cwd):
    result = cli("helm", "nochart", "--format", "sarif", "--sarif-category", "nightly", "-o", "h.sarif")
    assert (result.exit_code, result.stderr) == (2, "portlint: error: nochart: no such chart directory\n")
    run = json.loads((tmp_cwd / "h.sarif").read_text())["runs"][0]
    assert run["automationDetails"] == {"id": "nightly/"}
    assert run["invocations"][0]["executionSuccessful"] is False

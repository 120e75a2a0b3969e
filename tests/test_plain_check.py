"""The entry point's own path: ``portlint check`` with paths and the options cli.py reads
itself (cli.plain_check, cli.CHECK_FLAGS) runs without typer, with the CheckOptions typer
would give; any other command line (help, errors, forms click reads otherwise, other
commands) goes to the typer app. Both give the same report (the CLI tests run the typer app)."""

from __future__ import annotations

import io
import sys

import pytest
from portlint import cli
from portlint.cli import CheckOptions, Colour, FailOn, Format

POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {hostNetwork: true, containers: [{name: c, image: busybox, command: [sysctl, -w, net.core.somaxconn=1024]}]}\n"
# line 4, column 88: the argument net.core.somaxconn=1024 of the unguarded write in a hostNetwork pod
FINDING = 'pod.yaml:4:88: error: container "c" writes net.core.somaxconn=1024 in a hostNetwork pod without a POD_IP/HOST_IP guard [PL201]\n'


def test_the_helpers_end_as_typer_commands_do_off_the_plain_path():
    """First in this file: before any plain check ran in this process."""
    import typer

    with pytest.raises(typer.Exit) as ended:
        cli._fail("x")
    assert ended.value.exit_code == 2


@pytest.mark.parametrize(
    ("args", "paths"),
    [
        (["check", "a.yaml"], ["a.yaml"]),
        (["check", "a.yaml", "deploy/"], ["a.yaml", "deploy/"]),
        (["check", "-"], ["-"]),  # stdin is a path for click too
        (["check", "--", "-a.yaml", "--format"], ["-a.yaml", "--format"]),  # after --, every word is a path
    ],
)
def test_paths_alone_take_the_plain_path_with_the_default_options(monkeypatch, args, paths):
    monkeypatch.delenv("_PORTLINT_COMPLETE", raising=False)
    assert cli.plain_check(args) == (paths, CheckOptions())


# Each command line, read by cli.plain_check and by the typer app: the same paths and options.
READ_BOTH_WAYS = [
    ["check", "--format", "sarif", "--output", "results.sarif", "--fail-on", "never", "--", "deploy/", "-odd.yaml"],
    ["check", "a.yaml", "-f", "json", "-o", "out.json", "b/"],
    ["check", "--format=gitlab", "--output=", "a.yaml"],
    ["check", "a.yaml", "--select", "PL1", "--select", "PL30,PL201", "--ignore=PL307", "--require-reason"],
    ["check", "--color", "never", "--color", "always", "a.yaml"],  # the last one given
    ["check", "--config", "c.yaml", "--sarif-category", "x/y", "--profile", "k3s", "--kubernetes-version", "1.31", "-"],
    ["check", "--ephemeral-port-range", "32768 60999", "--node-port-range=30000-32767", "--reserved-ports", "30000", "a"],
    ["check", "--baseline", "b.json", "--write-baseline", "w.json", "--statistics", "--show-fixes", "a.yaml"],
    ["check", "--stdin-filename", "x.yaml", "--helm-chart", "chart/", "-", "--fix", "--diff", "--unsafe-fixes"],
]


@pytest.mark.parametrize("args", READ_BOTH_WAYS, ids=[" ".join(args[1:4]) for args in READ_BOTH_WAYS])
def test_the_entry_point_reads_a_command_line_as_typer_does(monkeypatch, args):
    from portlint import commands

    monkeypatch.delenv("_PORTLINT_COMPLETE", raising=False)
    by_typer = []

    def spy(paths, options):
        by_typer.append((paths, options))
        raise SystemExit(0)

    monkeypatch.setattr(commands, "run_check", spy)
    with pytest.raises(SystemExit):
        commands.app(args, prog_name="portlint", standalone_mode=False)
    assert cli.plain_check(args) == by_typer[0]
    assert by_typer[0][1] != CheckOptions()  # the options were read, not left at their defaults


@pytest.mark.parametrize(
    "args",
    [
        ["check"],  # no path: typer's check says so
        ["check", "--format", "sarif"],
        [],
        ["rules"],
        ["explain", "PL101"],
        ["chec", "a.yaml"],
        ["a.yaml", "check"],
        ["check", "a.yaml", "--help"],
        ["check", "-h"],
        ["check", "-a.yaml"],  # an unknown option
        ["check", "--form", "sarif", "a.yaml"],  # click takes no abbreviation
        ["check", "-fsarif", "a.yaml"],  # a short option's value joined to it
        ["check", "-f=sarif", "a.yaml"],  # click reads the value "=sarif"
        ["check", "--format", "SARIF", "a.yaml"],  # not a choice
        ["check", "--fail-on=never!", "a.yaml"],
        ["check", "a.yaml", "--output"],  # no value
        ["check", "--output", "-", "a.yaml"],  # a value that looks like an option
        ["check", "--fix=yes", "a.yaml"],  # a flag takes no value
        ["--version"],
    ],
)
def test_other_command_lines_go_to_typer(monkeypatch, args):
    monkeypatch.delenv("_PORTLINT_COMPLETE", raising=False)
    assert cli.plain_check(args) is None


def test_the_flags_read_here_are_the_typer_app_s():
    import typer.main
    from portlint.commands import app

    check = typer.main.get_command(app).commands["check"]  # typer's own copy of click: read by duck typing
    declared = {}
    for param in check.params:
        if param.param_type_name != "option" or param.name == "help":
            continue
        if param.is_flag:
            how = cli.ON
        elif param.multiple:
            how = cli.TEXTS
        elif getattr(param.type, "choices", None):
            how = tuple(param.type.choices)
        else:
            how = cli.TEXT
        declared.update({flag: (param.name, how) for flag in (*param.opts, *param.secondary_opts)})
    assert declared == cli.CHECK_FLAGS


def test_a_completion_request_and_windows_go_to_typer(monkeypatch):
    monkeypatch.setenv("_PORTLINT_COMPLETE", "bash_complete")
    assert cli.plain_check(["check", "a.yaml"]) is None
    monkeypatch.delenv("_PORTLINT_COMPLETE")
    monkeypatch.setattr(cli.os, "name", "nt")  # click expands wildcards there
    taken = cli.plain_check(["check", "a.yaml"])
    monkeypatch.undo()
    assert taken is None


def test_typer_gives_the_options_as_plain_values():
    given = dict(format=Format.sarif, color=Colour.never, fail_on=FailOn.note, output="out.sarif", select=["PL1"])
    assert CheckOptions.parsed(given) == CheckOptions(
        format="sarif", color="never", fail_on="note", output="out.sarif", select=["PL1"]
    )


def _main(monkeypatch, *args: str) -> tuple[type, object, list]:
    """Run cli.main() in process with ``portlint ARGS``; the typer app replaced by a spy."""
    called = []

    def app(**kwargs):
        called.append(kwargs)
        raise SystemExit(0)

    monkeypatch.setattr(cli, "app", app)
    monkeypatch.setattr(sys, "argv", ["portlint", *args])
    with pytest.raises(SystemExit) as ended:
        cli.main()
    return type(ended.value), ended.value.code, called


def test_a_plain_check_reports_without_typer(tmp_cwd, monkeypatch, capsys):
    (tmp_cwd / "pod.yaml").write_text(POD)
    assert _main(monkeypatch, "check", "pod.yaml") == (SystemExit, 1, [])
    assert capsys.readouterr() == (FINDING, "Found 1 problem (1 error) in 1 file.\n")
    assert cli._on_the_plain_path is False  # main() may run again in this process, under typer


def test_a_plain_check_reads_stdin(tmp_cwd, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(POD.encode())))
    assert _main(monkeypatch, "check", "-") == (SystemExit, 1, [])
    assert capsys.readouterr().out == FINDING.replace("pod.yaml", "-", 1)


def test_a_plain_check_of_a_missing_file_is_one_line_and_exit_2(tmp_cwd, monkeypatch, capsys):
    assert _main(monkeypatch, "check", "nowhere.yaml") == (SystemExit, 2, [])
    assert capsys.readouterr() == ("", "portlint: error: nowhere.yaml: no such file or directory\n")


def test_options_read_here_report_without_typer(tmp_cwd, monkeypatch, capsys):
    (tmp_cwd / "pod.yaml").write_text(POD)
    assert _main(monkeypatch, "check", "--fail-on", "never", "-f", "github", "pod.yaml") == (SystemExit, 0, [])
    assert capsys.readouterr().out.startswith("::error file=pod.yaml,line=4,col=88,")


def test_a_form_click_reads_otherwise_goes_to_the_typer_app(tmp_cwd, monkeypatch, capsys):
    (tmp_cwd / "pod.yaml").write_text(POD)
    assert _main(monkeypatch, "check", "pod.yaml", "-fjson") == (SystemExit, 0, [{"prog_name": "portlint"}])
    assert capsys.readouterr() == ("", "")  # the spy reported nothing


def test_cli_app_is_the_typer_app_and_other_names_are_missing():
    from portlint.commands import app

    assert cli.app is app
    with pytest.raises(AttributeError, match="has no attribute 'apps'"):
        cli.apps  # noqa: B018

"""The entry point's plain path: ``portlint check PATH...`` with no option runs without typer
(cli.plain_check, cli.run_check with the default CheckOptions); any other command line goes
to the typer app. Both give the same report (the CLI tests run the typer app)."""

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
        (["check"], None),  # no path: typer's check says so
        ([], None),
        (["rules"], None),
        (["explain", "PL101"], None),
        (["chec", "a.yaml"], None),
        (["a.yaml", "check"], None),
        (["check", "a.yaml", "-f", "sarif"], None),
        (["check", "--format=json", "a.yaml"], None),
        (["check", "a.yaml", "--help"], None),
        (["check", "-h"], None),
        (["check", "--", "-a.yaml"], None),
        (["check", "-a.yaml"], None),
        (["--version"], None),
    ],
)
def test_only_paths_after_check_take_the_plain_path(monkeypatch, args, paths):
    monkeypatch.delenv("_PORTLINT_COMPLETE", raising=False)
    assert cli.plain_check(args) == paths


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


def test_an_option_goes_to_the_typer_app(tmp_cwd, monkeypatch, capsys):
    (tmp_cwd / "pod.yaml").write_text(POD)
    assert _main(monkeypatch, "check", "pod.yaml", "--fail-on", "never") == (SystemExit, 0, [{"prog_name": "portlint"}])
    assert capsys.readouterr() == ("", "")  # the spy reported nothing


def test_cli_app_is_the_typer_app_and_other_names_are_missing():
    from portlint.commands import app

    assert cli.app is app
    with pytest.raises(AttributeError, match="has no attribute 'apps'"):
        cli.apps  # noqa: B018

"""What `portlint check` of one small file imports: only what that run needs. A check whose
options cli.py reads itself (paths, `--format sarif --output FILE`: cli.CHECK_FLAGS) never
imports typer; help, errors and other commands go to typer.
Worker processes (multiprocessing), the findings store's spill files (pickle), Helm charts
(portlint.helm), the config schema (jsonschema), script parsing (tree_sitter, for a file
without a script), the fixers (portlint.fixes, for a format without fixes), the language
server (pygls), rich (explain on a terminal), hashlib (fingerprints, for a finding in a
format that has them) and the writers of other formats are imported when a run uses them
(docs/performance.md, start-up)."""

from __future__ import annotations

import subprocess
import sys

import pytest

WATCHED = (
    "typer",
    "portlint.commands",
    "rich",
    "multiprocessing",
    "concurrent.futures",
    "pickle",
    "portlint.helm",
    "jsonschema",
    "tree_sitter",
    "portlint.fixes",
    "difflib",
    "hashlib",
    "pygls",
    "portlint.lsp",
    "portlint.report.text",
    "portlint.report.sarif",
    "portlint.report.json",
)

# one interpreter, three runs in turn: what each adds to the ones before is its own
PROBE = f"""
import sys
from portlint.cli import main
for args in (
    ["check", "svc.yaml"],
    ["check", "--format", "sarif", "--output", "out.sarif", "svc.yaml"],
    ["check", "--format", "sarif", "--output", "pod.sarif", "pod.yaml"],
):
    sys.argv = ["portlint", *args]
    try:
        main()
    except SystemExit as exit:
        code = exit.code
    print(code, sorted(m for m in {WATCHED!r} if m in sys.modules), file=sys.stderr)
"""


def test_checking_one_small_file_imports_only_what_it_needs(tmp_cwd):
    (tmp_cwd / "svc.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 30080}]}\n"
    )
    (tmp_cwd / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
        "spec: {hostNetwork: true, containers: [{name: c, image: busybox, command: [sysctl, -w, net.core.somaxconn=1024]}]}\n"
    )
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60)
    assert done.stdout == ""  # nodePort 30080: in the NodePort range, its static band (30000-30085) and no ephemeral range
    plain, with_options, with_a_finding = done.stderr.splitlines()[-3:]
    assert plain == "0 ['portlint.report.text']"
    # its options read without typer; the fixers' table for the rules' help (ruledoc.fix_section)
    assert with_options == "0 ['portlint.fixes', 'portlint.report.sarif', 'portlint.report.text']"
    # an unguarded write in a hostNetwork pod (PL201, an error), which has a fix: SARIF carries fixes (difflib) and
    # fingerprints (hashlib)
    assert with_a_finding == "1 ['difflib', 'hashlib', 'portlint.fixes', 'portlint.report.sarif', 'portlint.report.text']"


def test_an_empty_config_is_read_without_jsonschema(tmp_cwd, monkeypatch):
    from portlint import config

    monkeypatch.setitem(sys.modules, "jsonschema", None)  # importing it now fails
    (tmp_cwd / "pyproject.toml").write_text('[project]\nname = "app"  # [tool.portlint] named in a comment\n')
    (tmp_cwd / ".portlint.yaml").write_text("# nothing set yet\n")
    assert config.find_config() == str(tmp_cwd / ".portlint.yaml")
    assert config.load(".portlint.yaml") == config.Settings(config_dir=str(tmp_cwd))
    assert config.load("pyproject.toml") == config.Settings(config_dir=str(tmp_cwd))
    (tmp_cwd / ".portlint.yaml").write_text("rules: {PL101: error}\n")
    with pytest.raises(ImportError):  # a config that sets something is validated
        config.load(".portlint.yaml")

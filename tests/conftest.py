"""Shared helpers: run the CLI in-process and read its JSON report."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from portlint.rules._sysctl_owners import ALSO_WRITES  # the label of a grouped write
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
TESTS = REPO / "tests"
sys.path.insert(0, str(TESTS))

from portlint import clusterconfig, tree  # noqa: E402
from tree_compare import checked_parse, checked_parse_streaming_items  # noqa: E402

# Every document an in-process test parses is built by both tree builders, and compared.
if tree._fasttree is not None:
    tree.parse = clusterconfig.parse = checked_parse
    tree.parse_streaming_items = checked_parse_streaming_items


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the goldens (tests/data/golden/*.sarif, tests/data/corpus-findings.txt) from the current output; review every changed line (tests/data/SOURCES.md)",
    )


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture(autouse=True)
def _in_repo_root(monkeypatch):
    """Reports use paths relative to the working directory: run every test from the repo root."""
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)


@pytest.fixture(autouse=True)
def _one_process_unless_asked(monkeypatch):
    """One process for every test that does not set PORTLINT_JOBS itself: the default mode
    forks workers when the run queue shows a free core at that moment, so a test linting 3 MB
    or more would run its rules in workers on one run and in process on the next (the tests
    of the worker pool set the knob, or remove it, themselves)."""
    monkeypatch.setenv("PORTLINT_JOBS", "1")


@pytest.fixture(autouse=True)
def _no_cpu_quota(monkeypatch):
    """The tests that size the worker pool pretend a number of cores: the CPU quota of the
    machine running them must not cut it (tests/test_parallel.py tests the quota itself)."""
    from portlint import parallel

    monkeypatch.setattr(parallel, "quota_cores", lambda: None)


class Result:
    def __init__(self, exit_code: int, stdout: str, stderr: str):
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr

    @property
    def json(self) -> dict:
        return json.loads(self.stdout)

    @property
    def findings(self) -> list[dict]:
        return self.json["findings"]

    def triples(self) -> list[tuple[str, int, int]]:
        return [(f["rule"], f["line"], f["column"]) for f in self.findings if not f["suppressed"]]

    def write_triples(self) -> list[tuple[str, int, int]]:
        """(rule, line, column) of every sysctl write reported, in report order: a finding's own
        place and, for one that groups a container's writes, each 'It also writes' place."""
        return [(f["rule"], line, column) for f in self.findings if not f["suppressed"] for line, column in write_places(f)]




def write_places(finding: dict) -> list[tuple[int, int]]:
    """The finding's place, then the places of the other writes it groups."""
    return [(finding["line"], finding["column"])] + [
        (r["line"], r["column"]) for r in finding.get("related") or () if r["label"].startswith(ALSO_WRITES)
    ]


def cli(*args: str, input: str | bytes | None = None) -> Result:
    """Run ``portlint ARGS`` in-process, as the console script would."""
    from portlint.cli import app

    runner = CliRunner()
    result = runner.invoke(app, list(args), input=input, catch_exceptions=False)
    return Result(result.exit_code, result.stdout, result.stderr)


def lint_text(text: str, *args: str, name: str = "manifest.yaml") -> Result:
    """Lint YAML text given on stdin, named ``name`` in the report."""
    return cli("check", "-", "--stdin-filename", name, "--format", "json", "--fail-on", "never", *args, input=text)


@pytest.fixture
def tmp_cwd(tmp_path, monkeypatch):
    """Run in an empty directory (no config file above it is found: it holds a .git)."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path



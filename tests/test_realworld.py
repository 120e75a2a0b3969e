"""The real-world regression set (tests/realworld/, issue 11): real manifests from public
repositories, with the findings a careful reader expects written in EXPECTED.tsv by reading
each file (docs/realworld.md says how). Each repository's directory is linted as one run with
the default flags (files of one project are applied to one cluster; unrelated projects are
not), and the findings must equal the ``expected`` rows plus the ``false-positive`` rows, and
include none of the ``known-miss`` rows.

When portlint changes:
- a new finding, or an ``expected`` row no longer found: re-read the file, then fix portlint or
  the row;
- a ``known-miss`` row now found: promote it to ``expected``;
- a ``false-positive`` row no longer reported: delete it.
``out-of-scope`` rows (not sysctl or port problems portlint checks: sysfs writes, writes by
binaries) are not compared. ``python3 tests/realworld/metrics.py`` prints precision and recall
per rule (docs/realworld.md)."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

from conftest import REPO, cli, write_places

REALWORLD = REPO / "tests" / "realworld"
STATUSES = {"expected", "known-miss", "false-positive", "out-of-scope"}


def read_rows() -> list[dict[str, str]]:
    with open(REALWORLD / "EXPECTED.tsv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def set_directories() -> list[Path]:
    """One directory per repository (owner__name); LICENSES/ and caches are not part of the set."""
    return sorted(p for p in REALWORLD.iterdir() if p.is_dir() and "__" in p.name and not p.name.startswith("_"))


def lint_directory(directory: Path) -> list[tuple[str, str, int, int]]:
    """(file relative to tests/realworld, rule, line, column) of each write or port an
    unsuppressed finding reports."""
    result = cli("check", str(directory.relative_to(REPO)), "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    assert result.json["errors"] == [], result.json["errors"]
    assert "internal error" not in result.stderr
    found = []
    for finding in result.findings:
        if finding["suppressed"]:
            continue
        path = Path(finding["path"]).as_posix()
        prefix = "tests/realworld/"
        assert path.startswith(prefix), path
        # each write a finding reports: one that groups a container's writes names the others
        # as related places (their rows are judged one by one)
        found += [(path[len(prefix) :], finding["rule"], line, column) for line, column in write_places(finding)]
    return found


def matches(row: dict[str, str], finding: tuple[str, str, int, int]) -> bool:
    path, rule, line, column = finding
    return (
        row["file"] == path
        and row["rule"] == rule
        and int(row["line"]) == line
        and (row["column"] == "" or int(row["column"]) == column)
    )


@pytest.fixture(scope="module")
def findings() -> list[tuple[str, str, int, int]]:
    from _pytest.monkeypatch import MonkeyPatch

    with MonkeyPatch.context() as patch:  # module scope: the autouse chdir fixture is per test
        patch.chdir(REPO)
        got: list[tuple[str, str, int, int]] = []
        for directory in set_directories():
            got.extend(lint_directory(directory))
        return got


def test_every_file_has_a_source_and_every_row_a_file():
    with open(REALWORLD / "SOURCES.tsv", encoding="utf-8", newline="") as handle:
        listed = {row["path_in_set"] for row in csv.DictReader(handle, delimiter="\t")}
    files = {
        p.relative_to(REALWORLD).as_posix()
        for directory in set_directories()
        for p in directory.rglob("*")
        if p.is_file()
    }
    assert files == listed
    assert len(files) >= 60
    assert len({name.split("/")[0] for name in files}) >= 25
    for row in read_rows():
        assert row["file"] in files, row
        assert row["status"] in STATUSES, row
        assert row["note"].strip(), row


def test_findings_equal_the_expected_and_false_positive_rows(findings):
    rows = [r for r in read_rows() if r["status"] in ("expected", "false-positive")]
    unmatched = list(findings)
    missing = []
    for row in rows:
        hit = next((f for f in unmatched if matches(row, f)), None)
        if hit is None:
            missing.append(f"{row['status']} {row['rule']} {row['file']}:{row['line']}:{row['column']}")
        else:
            unmatched.remove(hit)
    unexpected = [f"{rule} {path}:{line}:{column}" for path, rule, line, column in unmatched]
    assert (missing, unexpected) == ([], []), (
        "missing: rows portlint no longer reports (fix portlint, or delete a fixed false-positive); "
        "unexpected: findings with no row (re-read the file: add an expected or false-positive row)"
    )


def test_no_known_miss_is_found(findings):
    found = [
        f"{row['rule']} {row['file']}:{row['line']}"
        for row in read_rows()
        if row["status"] == "known-miss" and any(matches(row, f) for f in findings)
    ]
    assert found == [], "portlint now reports these known misses: promote the rows to expected"


def test_metrics_script_agrees(findings, capsys):
    """docs/realworld.md's table comes from tests/realworld/metrics.py, which reads EXPECTED.tsv."""
    sys.path.insert(0, str(REALWORLD))
    dont_write, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no __pycache__ in the set
    try:
        import metrics
    finally:
        sys.path.remove(str(REALWORLD))
        sys.dont_write_bytecode = dont_write
    table = metrics.per_rule(read_rows())
    reported = sum(t["reported"] for t in table.values())
    assert reported == len(findings)

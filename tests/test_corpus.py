"""Real manifests from public projects and peers' fixtures (tests/corpus/, sources in
SOURCES.tsv) lint without an error of portlint's own, and give exactly the findings listed
in tests/data/corpus-findings.txt (each one reviewed; see docs/corpus.md). ``--update-golden``
rewrites that file from the current output instead of comparing; review every changed line
(tests/data/SOURCES.md)."""

from __future__ import annotations

import csv

from conftest import REPO, cli

CORPUS = REPO / "tests" / "corpus"


def test_every_corpus_file_has_a_source_line():
    with open(CORPUS / "SOURCES.tsv", encoding="utf-8") as handle:
        listed = {row["path_in_corpus"] for row in csv.DictReader(handle, delimiter="\t")}
    files = {str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*") if p.is_file() and p.name != "SOURCES.tsv"}
    assert files and files <= listed


def test_corpus_lints_cleanly_with_the_reviewed_findings(update_golden):
    result = cli("check", "tests/corpus", "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    assert result.json["errors"] == []
    assert "internal error" not in result.stderr
    got = [f"{f['rule']} {f['path']} {f['line']}:{f['column']}" for f in result.findings]
    golden = REPO / "tests" / "data" / "corpus-findings.txt"
    if update_golden:
        golden.write_text("".join(f"{line}\n" for line in got), encoding="utf-8")
    expected = golden.read_text(encoding="utf-8").splitlines()
    assert got == expected


def test_parallel_and_sequential_runs_agree(monkeypatch):
    """The corpus (about 5 MB) is linted on several processes; one process gives the same report."""
    from portlint import parallel

    monkeypatch.setenv("PORTLINT_JOBS", "2")
    assert parallel.workers_for(["tests/corpus"]) == 2  # big enough to fork
    monkeypatch.setenv("PORTLINT_JOBS", "2")
    two = cli("check", "tests/corpus", "--format", "json", "--fail-on", "never").json
    monkeypatch.setenv("PORTLINT_JOBS", "1")
    one = cli("check", "tests/corpus", "--format", "json", "--fail-on", "never").json
    assert two == one
    assert len(one["findings"]) > 40

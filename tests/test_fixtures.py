"""Every fixture under tests/fixtures/<rule>/ lints to exactly the findings it declares at
its end (rule id, line, column, and the first sentence of the message)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO, cli
from fixture_expectations import first_sentence, read

FIXTURES = sorted(p for p in (REPO / "tests" / "fixtures").glob("*/*") if p.suffix in (".yaml", ".json"))


def test_there_are_enough_fixtures():
    sysctl = [p for p in FIXTURES if p.parent.name.startswith(("PL1", "PL2"))]
    ports = [p for p in FIXTURES if p.parent.name.startswith("PL3")]
    assert len(sysctl) >= 50
    assert len(ports) >= 20


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture(path: Path):
    args, expected, found = read(str(path))
    assert found, f"{path} has no '# expect:' lines"
    rel = str(path.relative_to(REPO))
    result = cli("check", rel, "--format", "json", "--fail-on", "never", *args)
    assert result.exit_code == 0, result.stderr
    actual = [(f["rule"], f["line"], f["column"], first_sentence(f["message"])) for f in result.findings if not f["suppressed"]]
    order = lambda t: (t[0], t[1] or 0, t[2] or 0, t[3])  # noqa: E731 - run-level findings have no line
    assert sorted(actual, key=order) == sorted(expected, key=order)

"""Every fixture under tests/fixtures/<rule>/ lints to exactly the findings it declares at
its end: rule id, line, column, whether it is suppressed, the whole message, and
every related location (path, line, column, label) in order (format: tests/fixture_expectations.py).
The expectations are decided by reading the input; there is no update path for them."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO, cli
from fixture_expectations import from_report, read

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
    actual = [from_report(f, rel) for f in result.findings]
    got = "\n".join(str(e) for e in sorted(actual, key=lambda e: e.sort_key()))
    want = "\n".join(str(e) for e in sorted(expected, key=lambda e: e.sort_key()))
    assert got == want


def test_the_expectation_format(tmp_path):
    """Related lines attach to the finding above them, in order; '(suppressed)' is read; a finding
    without related lines expects none; a related line anywhere else is an error, not ignored."""
    from fixture_expectations import Expected, Related

    fixture = tmp_path / "f.yaml"
    fixture.write_text(
        "# args: --kubernetes-version 1.28\n"
        "kind: Pod\n"
        "# expect: PL201 10:29 container \"app\" writes x. More.\n"
        "#   related: 6:3 hostNetwork: true is set here\n"
        "#   related: other/file.yaml:12:7 The ephemeral port range is declared here\n"
        "# expect: PL101 14:33 (suppressed) init container \"tune\" writes y.\n"
        "# expect: PL304 run The ephemeral port range 1-2 overlaps.\n"
    )
    args, expected, found = read(str(fixture))
    assert found and args == ["--kubernetes-version", "1.28"]
    assert expected == [
        Expected(
            "PL201",
            10,
            29,
            False,
            'container "app" writes x. More.',
            (
                Related(None, 6, 3, "hostNetwork: true is set here"),
                Related("other/file.yaml", 12, 7, "The ephemeral port range is declared here"),
            ),
        ),
        Expected("PL101", 14, 33, True, 'init container "tune" writes y.'),
        Expected("PL304", None, None, False, "The ephemeral port range 1-2 overlaps."),
    ]
    for stray in ("kind: Pod\n#   related: 1:1 x\n# expect: nothing\n", "# expect: nothing\n#   related: 1:1 x\n"):
        fixture.write_text(stray)
        with pytest.raises(ValueError):
            read(str(fixture))


def test_a_reported_finding_in_the_same_shape():
    from fixture_expectations import Related, from_report

    finding = {
        "rule": "PL301",
        "line": 5,
        "column": 17,
        "suppressed": False,
        "message": "nodePort 30080 is in the ephemeral port range 1024-65535 (a.yaml:3)",
        "related": [
            {"path": "a.yaml", "line": 3, "column": 7, "label": "here"},
            {"path": "b.yaml", "line": 9, "column": 1, "label": "there"},
        ],
    }
    got = from_report(finding, "a.yaml")
    assert got.message == "nodePort 30080 is in the ephemeral port range 1024-65535 (a.yaml:3)"
    assert got.related == (Related(None, 3, 7, "here"), Related("b.yaml", 9, 1, "there"))

"""Every fixture file with a finding a fix exists for, fixed with the unsafe fixes too: each
such finding is fixed or refused with a reason; a fixed text parses as kubectl reads YAML
(PyYAML), keeps every comment line, and, linted again here, holds none of the fixed findings
and no new one; a file nothing was fixed in keeps its bytes."""

from __future__ import annotations

import pytest
import yaml
from conftest import REPO
from portlint import config, engine
from portlint.fixes.edits import FileText
from portlint.fixes.files import fix_file, fixable
from portlint.rules import RULES
from portlint.sources import MemoryInput

FIXTURES = REPO / "tests" / "fixtures"
FILES = sorted(
    path.relative_to(REPO).as_posix()
    for rule in ("PL101", "PL102", "PL201")
    for path in (FIXTURES / rule).rglob("*.y*ml")
    if not path.read_text(encoding="utf-8", errors="replace").startswith("# args:")
)


def _lint(path: str, text: str):
    settings = config.Settings()
    levels = engine.effective_levels(RULES, settings, None, set())
    return settings, levels, list(engine.lint([MemoryInput(path, text)], settings, RULES, levels).findings)


@pytest.mark.parametrize("path", FILES)
def test_fixing_a_fixture_keeps_its_yaml_and_comments_and_removes_only_what_it_fixed(path):
    data = (REPO / path).read_bytes()
    file = FileText(data)
    settings, levels, findings = _lint(path, file.text)
    found = fixable(findings, True, frozenset()).get(path, [])
    done = fix_file(path, file, found, settings, levels)
    assert len(done.outcome.fixed) + sum(len(r.findings) for r in done.outcome.refused) == len(found)
    assert all(r.reason for r in done.outcome.refused)
    if not done.outcome.kept:
        assert done.data() == data
        return
    fixed = file.text_with(done.outcome.edits)
    list(yaml.safe_load_all(fixed))
    comments = [line.strip() for line in file.original.splitlines() if line.strip().startswith("#")]
    assert all(comment in fixed for comment in comments)
    before = {f.fingerprint_basis() for f in findings}
    gone = {f.fingerprint_basis() for f in done.outcome.fixed}
    _, _, after = _lint(path, FileText(done.data()).text)
    assert {f.fingerprint_basis() for f in after} <= before - gone


def test_the_fixtures_hold_fixable_findings():
    assert len(FILES) >= 40

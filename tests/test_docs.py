"""Rule documentation: every rule is complete, its pages are current, and its Bad and Good
examples lint as they claim."""

from __future__ import annotations

import inspect
import re
import shlex

import pytest
from conftest import REPO, lint_text

from portlint.ruledoc import main as ruledoc_main
from portlint.ruledoc import pages
from portlint.rules import RULES

CONTRACT = ("ID", "NAME", "LEVEL", "SCOPE", "SUMMARY", "TAGS", "PRECISION", "SECURITY_SEVERITY")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.ID)
def test_rule_module_follows_the_contract(rule):
    for name in CONTRACT:
        assert hasattr(rule, name), f"{rule.__name__} lacks {name}"
    assert re.fullmatch(r"PL\d{3}", rule.ID)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.NAME)
    assert rule.LEVEL in ("note", "warning", "error", "off")  # off: an opt-in rule (PL002)
    for heading in ("## Bad", "## Good", "## How to fix", "## References"):
        assert heading in (rule.__doc__ or ""), f"{rule.ID} lacks {heading}"
    assert rule.SCOPE in ("input", "object", "pod", "run", "suppressions")
    if rule.SCOPE in ("input", "suppressions"):  # PL000, PL001, PL002: the engine reports them
        assert not hasattr(rule, "check")
    else:
        wanted = ["manifest", "ctx"] if rule.SCOPE in ("object", "pod") else ["ctx"]
        assert list(inspect.signature(rule.check).parameters) == wanted
    assert rule.__name__.rsplit(".", 1)[-1].startswith(rule.ID.lower() + "_")


def test_rule_pages_are_current():
    for name, text in pages().items():
        path = REPO / "docs" / "rules" / name
        assert path.exists() and path.read_text(encoding="utf-8") == text, f"run `python -m portlint.ruledoc` ({name} is stale)"


def test_the_page_writer_writes_every_page_into_a_new_directory(tmp_path, capsys, monkeypatch):
    import subprocess
    import sys

    target = tmp_path / "site" / "rules"
    assert ruledoc_main([str(target)]) == 0
    assert sorted(p.name for p in target.iterdir()) == sorted(pages())
    assert (target / "PL201.md").read_text(encoding="utf-8") == pages()["PL201.md"]
    assert capsys.readouterr().out == f"wrote {len(pages())} pages to {target}\n"
    assert ruledoc_main([str(target)]) == 0  # again, over the pages it wrote
    done = subprocess.run([sys.executable, "-m", "portlint.ruledoc", "out"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "README.md").read_text(encoding="utf-8") == pages()["README.md"]
    monkeypatch.chdir(tmp_path)  # no argument: docs/rules of the working directory
    assert ruledoc_main([]) == 0
    assert (tmp_path / "docs" / "rules" / "PL000.md").read_text(encoding="utf-8") == pages()["PL000.md"]


def _examples(rule, heading):
    doc = rule.__doc__
    section = doc.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```yaml\n(.*?)```", section, re.S)


def _args(snippet: str) -> list[str]:
    """Flags from a leading '# portlint check ...' comment (the nodes' ranges, say)."""
    first = snippet.splitlines()[0]
    if not first.startswith("# portlint check "):
        return []
    return shlex.split(first[len("# portlint check ") :].split("  (", 1)[0])


@pytest.mark.parametrize("rule", [r for r in RULES if r.ID != "PL000"], ids=lambda r: r.ID)
def test_bad_example_yields_the_rule_and_good_does_not(rule):
    bad, good = _examples(rule, "Bad"), _examples(rule, "Good")
    assert bad and good, f"{rule.ID} needs a yaml Bad and Good example"
    for text in bad:
        assert rule.ID in {f["rule"] for f in lint_text(text, *_args(text)).findings}, f"{rule.ID}: Bad does not yield it"
    for text in good:
        assert rule.ID not in {f["rule"] for f in lint_text(text, *_args(text)).findings}, f"{rule.ID}: Good yields it"


def test_pl000_bad_example_is_a_parse_error():
    rule = RULES[0]
    text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n" + _examples(rule, "Bad")[0]
    assert [f["rule"] for f in lint_text(text).findings] == ["PL000"]


"""Fixes are kept only when re-linting proves them (linter/fixes/verify.py): the findings
after a fix must be those before it less its own."""

from __future__ import annotations

from collections import Counter

from portlint import config, engine
from portlint.fixes.edits import Edit
from portlint.fixes.model import Fix, Refusal
from portlint.fixes.verify import choose, why_not
from portlint.rules import RULES
from portlint.sources import MemoryInput

SERVICES = """\
apiVersion: v1
kind: Service
metadata: {name: a}
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 40000
---
apiVersion: v1
kind: Service
metadata: {name: b}
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 40001
"""
A_PORT = SERVICES.index("40000")
B_PORT = SERVICES.index("40001")


def run(text: str):
    settings = config.Settings()
    levels = engine.effective_levels(RULES, settings, None, set())
    findings = list(engine.lint([MemoryInput("svc.yaml", text)], settings, RULES, levels).findings)
    return settings, levels, findings


def test_a_fix_that_removes_its_finding_is_kept_and_its_edits_returned():
    settings, levels, findings = run(SERVICES)
    assert [(f.rule_id, f.location.line) for f in findings] == [("PL302", 8), ("PL302", 17)]
    fix = Fix("in range", (Edit(A_PORT, A_PORT + 5, "30000"),), (findings[0],))
    outcome = choose("svc.yaml", SERVICES, [fix], settings, levels)
    assert (outcome.edits, outcome.fixed, outcome.refused) == ([Edit(A_PORT, A_PORT + 5, "30000")], [findings[0]], [])
    assert outcome.kept == [fix]


def test_a_fix_that_leaves_its_finding_is_refused():
    settings, levels, findings = run(SERVICES)
    fix = Fix("no-op", (Edit(A_PORT, A_PORT + 5, "40000"),), (findings[0],))
    outcome = choose("svc.yaml", SERVICES, [fix], settings, levels)
    assert (outcome.edits, outcome.fixed) == ([], [])
    assert outcome.refused == [Refusal("the fix would not remove its finding", (findings[0],))]


def test_a_fix_that_adds_a_finding_is_refused():
    settings, levels, findings = run(SERVICES)
    # service a moves to b's port: its PL302 goes, a PL303 conflict comes
    fix = Fix("collide", (Edit(A_PORT, A_PORT + 5, "40001"),), (findings[0],))
    outcome = choose("svc.yaml", SERVICES, [fix], settings, levels)
    assert outcome.refused == [Refusal("the fix would not remove its finding", (findings[0],))]
    fix = Fix("collide", (Edit(A_PORT, A_PORT + 5, "30001"), Edit(B_PORT, B_PORT + 5, "30001")), (findings[0],))
    outcome = choose("svc.yaml", SERVICES, [fix], settings, levels)
    assert outcome.refused == [Refusal("the fix would add PL303", (findings[0],))]


def test_a_fix_that_breaks_the_yaml_is_refused():
    settings, levels, findings = run(SERVICES)
    fix = Fix("break", (Edit(A_PORT, A_PORT + 5, "[30000"),), (findings[0],))
    outcome = choose("svc.yaml", SERVICES, [fix], settings, levels)
    assert outcome.refused == [Refusal("the fixed text would not parse", (findings[0],))]


def test_a_fix_overlapping_a_kept_one_is_refused_and_the_next_still_tried():
    settings, levels, findings = run(SERVICES)
    first = Fix("a", (Edit(A_PORT, A_PORT + 5, "30000"),), (findings[0],))
    again = Fix("a again", (Edit(A_PORT, A_PORT + 5, "30001"),), (findings[0],))
    second = Fix("b", (Edit(B_PORT, B_PORT + 5, "30001"),), (findings[1],))
    refusal = Refusal("no", (findings[1],))
    outcome = choose("svc.yaml", SERVICES, [first, again, refusal, second], settings, levels)
    assert outcome.edits == [first.edits[0], second.edits[0]]
    assert outcome.fixed == [findings[0], findings[1]]
    assert outcome.refused == [Refusal("it overlaps another fix", (findings[0],)), refusal]


def test_a_fix_that_also_removes_another_finding_is_kept():
    settings, levels, findings = run(SERVICES)
    fix = Fix("both", (Edit(A_PORT, A_PORT + 5, "30000"), Edit(B_PORT, B_PORT + 5, "30001")), (findings[0],))
    outcome = choose("svc.yaml", SERVICES, [fix], settings, levels)
    assert (outcome.kept, outcome.fixed, outcome.refused) == ([fix], [findings[0]], [])


def test_a_finding_counted_twice_must_go_twice():
    """Findings are a multiset: removing one of two with the same basis does not fix both."""
    settings, levels, findings = run(SERVICES)
    twice = Fix("a", (Edit(A_PORT, A_PORT + 5, "30000"),), (findings[0], findings[0]))
    outcome = choose("svc.yaml", SERVICES, [twice], settings, levels)
    assert outcome.kept == [twice]  # the one PL302 of a is gone: a multiset never goes below 0


def test_why_not_names_the_rules_added_once_each_in_order():
    before = Counter({("PL302\x1fsvc.yaml\x1fk", False): 1, ("PL201\x1fsvc.yaml\x1fw", False): 1})
    found = Counter({("PL303\x1fa\x1fk", False): 2, ("PL301\x1fa\x1fk", False): 1, ("PL201\x1fsvc.yaml\x1fw", False): 1})
    assert why_not(found, before) == "the fix would add PL301, PL303"
    assert why_not(before, before) == "the fix would not remove its finding"
    assert why_not(found + Counter({("PL000\x1fa\x1f", False): 1}), before) == "the fixed text would not parse"

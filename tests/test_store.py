"""The finding store spills sorted runs to disk and reads them back merged."""

from __future__ import annotations

import random

from portlint.findings import Finding, Location
from portlint.store import FindingStore


def finding(path: str, line: int, level: str = "error", suppressed: bool = False) -> Finding:
    return Finding("PL101", level, f"m{line}", Location(path, line, 1, line, 2), suppressed=suppressed)


def test_spilled_findings_come_back_sorted_every_time():
    items = [finding(p, n) for p in ("b.yaml", "a.yaml") for n in range(1, 26)]
    random.Random(7).shuffle(items)
    store = FindingStore(limit=7)
    for item in items:
        store.add(item)
    expected = sorted(((f.location.path, f.location.line) for f in items))
    assert len(store._runs) == 7
    for _ in range(2):
        assert [(f.location.path, f.location.line) for f in store] == expected
    assert len(store) == 50


def test_counts_for_the_exit_code_and_summary():
    store = FindingStore(limit=2)
    for f in (finding("a", 1, "note"), finding("a", 2, "warning"), finding("a", 3, "error", suppressed=True)):
        store.add(f)
    assert dict(store.levels) == {"note": 1, "warning": 1}
    assert store.suppressed == 1
    assert store.at_or_above("warning") and not store.at_or_above("error")

"""The finding store spills sorted runs to disk and reads them back merged; the fact logs
spill in input order and read back in it, or in their order key."""

from __future__ import annotations

import pickle
import random
import tempfile

import pytest
from portlint import store as store_module
from portlint.findings import Finding, Location
from portlint.store import FindingStore, RecordLog, SpillError, sorted_by


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
    assert not store
    store.add(finding("a", 1, "note"))
    assert store
    for f in (finding("a", 2, "warning"), finding("a", 3, "error", suppressed=True)):
        store.add(f)
    assert store and len(store) == 3
    assert dict(store.levels) == {"note": 1, "warning": 1}
    assert store.suppressed == 1
    assert store.at_or_above("warning") and not store.at_or_above("error")


def by_first(record: tuple) -> str:
    """The order key of the records below: (key, what tells equal keys apart)."""
    return record[0]


def test_a_spilled_log_reads_back_exactly_what_went_in_in_order_every_time():
    records = [(k, i) for i, k in enumerate("dbadcab")]
    log = RecordLog(by_first, records, limit=3)
    assert len(log._runs) == 2 and log._buffer == [("b", 6)]
    assert len(log) == 7
    for _ in range(2):
        assert list(log) == records


def test_two_readers_of_one_spilled_log_keep_their_own_places():
    log = RecordLog(by_first, [(k, 0) for k in "abcde"], limit=2)
    pairs = [(a[0], b[0]) for a in log for b in log if b[0] <= a[0]]
    assert pairs == [("a", "a"), ("b", "a"), ("b", "b")] + [("c", k) for k in "abc"] + [("d", k) for k in "abcd"] + [
        ("e", k) for k in "abcde"
    ]


def test_a_log_that_came_in_its_order_is_read_as_it_is(monkeypatch):
    monkeypatch.setattr(store_module, "sorted_by", None)  # never called
    log = RecordLog(by_first, [("a", 1), ("b", 2), ("b", 3), ("c", 4)], limit=2)
    assert list(log.in_order()) == [("a", 1), ("b", 2), ("b", 3), ("c", 4)]


def test_a_log_out_of_its_order_is_sorted_stably_from_sorted_runs():
    records = [(k, i) for i, k in enumerate("cabcab")]
    log = RecordLog(by_first, records, limit=2)
    assert list(log.in_order()) == [("a", 1), ("a", 4), ("b", 2), ("b", 5), ("c", 0), ("c", 3)]
    assert list(log) == records  # the log itself keeps its input order


def test_one_record_out_of_order_at_the_end_is_seen():
    log = RecordLog(by_first, [("a", 0), ("c", 1), ("b", 2)])
    assert list(log.in_order()) == [("a", 0), ("b", 2), ("c", 1)]


@pytest.mark.parametrize("limit", [1, 2, 3, 100])
def test_sorted_by_is_sorted_whatever_the_runs(limit):
    records = [(k, i) for i, k in enumerate("edcbaedcba")]
    assert list(sorted_by(records, by_first, limit)) == sorted(records, key=by_first)


def test_the_runs_of_a_sort_are_closed_once_read(monkeypatch):
    opened = []
    make = tempfile.TemporaryFile

    def recorded(prefix):
        opened.append(make(prefix=prefix))
        return opened[-1]

    monkeypatch.setattr(tempfile, "TemporaryFile", recorded)
    merged = sorted_by([("b", 0), ("a", 1), ("d", 2), ("c", 3)], by_first, limit=2)
    assert [handle.closed for handle in opened] == [False, False]  # a run of each 2 records
    assert list(merged) == [("a", 1), ("b", 0), ("c", 3), ("d", 2)]
    assert [handle.closed for handle in opened] == [True, True]


def test_a_log_crosses_processes_as_its_records_order_and_limit():
    copy = pickle.loads(pickle.dumps(RecordLog(by_first, [("b", 0), ("a", 1), ("c", 2)], limit=2)))
    assert (list(copy), copy.order, copy.limit, len(copy), len(copy._runs)) == ([("b", 0), ("a", 1), ("c", 2)], by_first, 2, 3, 1)
    assert list(copy.in_order()) == [("a", 1), ("b", 0), ("c", 2)]


def test_a_log_that_cannot_spill_stops_the_run_naming_the_facts(monkeypatch):
    monkeypatch.setattr(tempfile, "TemporaryFile", lambda prefix: open("/dev/full", "wb"))  # noqa: SIM115
    log = RecordLog(by_first, [("a", 0)], limit=2)
    with pytest.raises(SpillError) as raised:
        log.append(("b", 1))
    assert str(raised.value).startswith("cannot keep the facts in the temporary directory ")
    assert str(raised.value).endswith(": No space left on device; free space there or set TMPDIR to another directory")

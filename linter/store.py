"""Where a run's findings and facts wait, without holding them all in memory.

Findings arrive in input order and leave sorted by path and position. The store keeps up to
``limit`` of them in memory; beyond that it sorts them and writes them to a temporary file
(a sorted run), and reading merges the runs. Memory then stays flat however many findings a
huge input has. Counts by level are kept as findings arrive, for the exit code and summary.

The facts the run rules read (every nodePort use, every holder of the node's ports) wait the
same way in a RecordLog, in input order; ``sorted_by`` gives them in another order with the
same bounded memory. pickle, tempfile and heapq are imported at the first spill: most runs
never spill (start-up).
"""

from __future__ import annotations

from collections import Counter
from typing import IO, Iterable, Iterator

from .findings import LEVEL_RANK, Finding

# Records kept in memory before the rest go to disk. Each run rule that reads spilled facts
# reads them back from disk, so a spill costs time: at 5,000 the 8 MB benchmark stream's 5,000
# nodePort uses all went to disk. At 10,000 the 242 MB stream still peaks under 100 MB
# (docs/performance.md, "Scaling").
SPILL_AT = 10_000
CHUNK = 100


class SpillError(Exception):
    """The findings (or facts) cannot be kept on disk: the run stops, one line, exit 2."""

    def __init__(self, cause: OSError, what: str = "findings") -> None:
        import tempfile

        where = tempfile.gettempdir()
        super().__init__(
            f"cannot keep the {what} in the temporary directory {where}: {cause.strerror or cause}; "
            "free space there or set TMPDIR to another directory"
        )


class FindingStore:
    def __init__(self, limit: int = SPILL_AT) -> None:
        self.limit = limit
        self._buffer: list[Finding] = []
        self._runs: list[IO[bytes]] = []
        self._count = 0
        self.levels: Counter[str] = Counter()  # unsuppressed findings by level
        self.suppressed = 0

    def add(self, finding: Finding) -> None:
        self._buffer.append(finding)
        self._count += 1
        if finding.suppressed:
            self.suppressed += 1
        else:
            self.levels[finding.level] += 1
        if len(self._buffer) >= self.limit:
            self._spill()

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def __iter__(self) -> Iterator[Finding]:
        self._buffer.sort(key=Finding.sort_key)
        if not self._runs:
            return iter(list(self._buffer))
        import heapq

        return heapq.merge(*(_read_run(run) for run in self._runs), list(self._buffer), key=Finding.sort_key)

    def at_or_above(self, level: str) -> bool:
        threshold = LEVEL_RANK[level]
        return any(n and LEVEL_RANK[name] >= threshold for name, n in self.levels.items())

    def replace_all(self, findings: list[Finding]) -> None:
        """Put back a changed list (the Helm mapping moves findings to other files)."""
        self.close()
        self.__init__(self.limit)
        for finding in findings:
            self.add(finding)

    def close(self) -> None:
        for run in self._runs:
            run.close()
        self._runs = []

    def _spill(self) -> None:
        """Write the buffer, sorted, to a temporary file. A write that fails (the temporary
        directory full) raises SpillError: findings would be lost, so the run stops."""
        self._buffer.sort(key=Finding.sort_key)
        self._runs.append(_run_of(self._buffer, "findings"))
        self._buffer = []


class RecordLog:
    """Records (run facts) in the order they were added, any number of times over; past
    ``limit`` in memory, the buffer goes to a temporary file as it is. ``order``: the key of
    the order the readers also want (``in_order``); a log that was added in that order (one
    stream, whose objects come in file order) is not sorted again. Pickled (from a worker
    process) as its records."""

    def __init__(self, order, records: Iterable = (), limit: int = SPILL_AT) -> None:
        self.order = order
        self.limit = limit
        self._buffer: list = []
        self._runs: list[IO[bytes]] = []
        self._count = 0
        self._last = None  # the order key of the last record while they come in order
        self._ordered = True
        self.extend(records)

    def append(self, record) -> None:
        if self._ordered:
            key = self.order(record)
            self._ordered = self._last is None or self._last <= key
            self._last = key
        self._buffer.append(record)
        self._count += 1
        if len(self._buffer) >= self.limit:
            self._runs.append(_run_of(self._buffer, "facts"))
            self._buffer = []

    def extend(self, records: Iterable) -> None:
        for record in records:
            self.append(record)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator:
        for run in self._runs:
            yield from _read_run(run)
        yield from list(self._buffer)

    def in_order(self) -> Iterator:
        """The records sorted by ``order`` (stable), without holding them all in memory."""
        return iter(self) if self._ordered else sorted_by(self, self.order, self.limit)

    def __reduce__(self):
        return RecordLog, (self.order, list(self), self.limit)


def sorted_by(records: Iterable, key, limit: int = SPILL_AT) -> Iterator:
    """``sorted(records, key=key)`` holding at most ``limit`` records in memory: sorted runs
    of ``limit`` on disk, merged (heapq.merge takes equal keys from the earlier run first, so
    the order is as stable as ``sorted``'s)."""
    runs: list[IO[bytes]] = []
    buffer: list = []
    for record in records:
        buffer.append(record)
        if len(buffer) >= limit:
            buffer.sort(key=key)
            runs.append(_run_of(buffer, "facts"))
            buffer = []
    buffer.sort(key=key)
    if not runs:
        return iter(buffer)
    return _merged(runs, buffer, key)


def _merged(runs: list[IO[bytes]], buffer: list, key) -> Iterator:
    """The sorted runs and the sorted buffer merged; the runs closed (so removed) after."""
    import heapq

    try:
        yield from heapq.merge(*(_read_run(run) for run in runs), buffer, key=key)
    finally:
        for run in runs:
            run.close()


def _run_of(records: list, what: str) -> IO[bytes]:
    """``records`` in a temporary file; a write that fails (the temporary directory full)
    raises SpillError: what the run needs would be lost, so it stops."""
    try:
        return _write_run(records)
    except OSError as exc:
        raise SpillError(exc, what) from None


def _write_run(records: list) -> IO[bytes]:
    """A temporary file of ``records`` as pickled chunks of CHUNK (one pickle call per chunk is
    fast; reading a chunk at a time keeps the reader's memory small); closed (so removed) when
    a write fails."""
    import pickle
    import tempfile

    run = tempfile.TemporaryFile(prefix="portlint-")
    try:
        for start in range(0, len(records), CHUNK):
            pickle.dump(records[start : start + CHUNK], run, protocol=pickle.HIGHEST_PROTOCOL)
        run.flush()
    except BaseException:
        run.close()
        raise
    return run


def _read_run(run: IO[bytes]) -> Iterator:
    """The records of a run, a chunk at a time; each reader keeps its own place in the file,
    so that two may read one run at once (a rule looping over the facts inside another loop)."""
    import pickle

    place = 0
    while True:
        run.seek(place)
        try:
            chunk = pickle.load(run)
        except EOFError:
            return
        place = run.tell()
        yield from chunk

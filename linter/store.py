"""Where a run's findings wait to be reported, sorted, without holding them all in memory.

Findings arrive in input order and leave sorted by path and position. The store keeps up to
``limit`` of them in memory; beyond that it sorts them and writes them to a temporary file
(a sorted run), and reading merges the runs. Memory then stays flat however many findings a
huge input has. Counts by level are kept as findings arrive, for the exit code and summary.
pickle is imported at the first spill: most runs never spill.
"""

from __future__ import annotations

import heapq
import tempfile
from collections import Counter
from typing import IO, Iterator

from .findings import LEVEL_RANK, Finding

SPILL_AT = 5_000
CHUNK = 500


class SpillError(Exception):
    """The findings cannot be kept on disk: the run stops, one line, exit 2."""

    def __init__(self, cause: OSError) -> None:
        where = tempfile.gettempdir()
        super().__init__(
            f"cannot keep the findings in the temporary directory {where}: {cause.strerror or cause}; "
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
        return heapq.merge(*(self._read(run) for run in self._runs), list(self._buffer), key=Finding.sort_key)

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
        try:
            self._runs.append(self._sorted_run(self._buffer))
        except OSError as exc:
            raise SpillError(exc) from None
        self._buffer = []

    @staticmethod
    def _sorted_run(findings: list[Finding]) -> IO[bytes]:
        """A temporary file of ``findings`` as pickled chunks of CHUNK (one pickle call per
        chunk is fast; reading a chunk at a time keeps the merge's memory small); closed
        (so removed) when a write fails."""
        import pickle

        run = tempfile.TemporaryFile(prefix="portlint-findings-")
        try:
            for start in range(0, len(findings), CHUNK):
                pickle.dump(findings[start : start + CHUNK], run, protocol=pickle.HIGHEST_PROTOCOL)
            run.flush()
        except BaseException:
            run.close()
            raise
        return run

    @staticmethod
    def _read(run: IO[bytes]) -> Iterator[Finding]:
        import pickle

        run.seek(0)
        while True:
            try:
                chunk = pickle.load(run)
            except EOFError:
                return
            yield from chunk

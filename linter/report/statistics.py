"""``--statistics``: how many findings of each rule, in place of the findings, as ruff's
``--statistics`` prints them; the most frequent rule first, then by id. Suppressed findings
are not counted (as in the text format); the summary line still goes to stderr."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ..findings import Finding
from .advice import advice

if TYPE_CHECKING:
    from . import RunInfo, Summary


class StatisticsWriter:
    SUMMARY_ON_STDERR = True

    def start(self, run: RunInfo) -> str:
        self.run = run
        self.counts: Counter[str] = Counter()
        return ""

    def result(self, f: Finding) -> str:
        if not f.suppressed:
            self.counts[f.rule_id] += 1
        return ""

    def finish(self, summary: Summary) -> str:
        rows = sorted(self.counts.items(), key=lambda item: (-item[1], item[0]))
        if not rows:
            return ""
        width = len(str(rows[0][1]))  # the largest count's
        counts = "".join(f"{count:>{width}}  {rule_id}  {self.run.name(rule_id)}\n" for rule_id, count in rows)
        return counts + (advice(self.run, self.counts) if self.run.show_fixes else "")

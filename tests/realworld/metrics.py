"""Precision and recall per rule on the real-world set, from EXPECTED.tsv alone.

EXPECTED.tsv is kept equal to portlint's output by tests/test_realworld.py (every finding is
an ``expected`` or ``false-positive`` row, no ``known-miss`` row is found), so the rows give:

- reported = expected + false-positive
- precision = expected / reported
- recall = expected / (expected + known-miss)

``out-of-scope`` rows are not counted. Run ``python3 -m pytest tests/test_realworld.py`` first
(it checks that the rows still match portlint), then ``python3 tests/realworld/metrics.py``.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent


def per_rule(rows: list[dict[str, str]]) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = defaultdict(lambda: {"expected": 0, "false-positive": 0, "known-miss": 0})
    for row in rows:
        if row["status"] in ("expected", "false-positive", "known-miss"):
            table[row["rule"]][row["status"]] += 1
    for counts in table.values():
        counts["reported"] = counts["expected"] + counts["false-positive"]
    return dict(sorted(table.items()))


def ratio(numerator: int, denominator: int) -> str:
    return "-" if denominator == 0 else f"{100 * numerator / denominator:.0f}%"


def render(table: dict[str, dict[str, int]]) -> str:
    lines = [
        "| rule | expected, reported | false positives | known misses | precision | recall |",
        "|---|---|---|---|---|---|",
    ]
    total = {"expected": 0, "false-positive": 0, "known-miss": 0, "reported": 0}
    for rule, c in table.items():
        for key in total:
            total[key] += c[key]
        lines.append(
            f"| {rule} | {c['expected']} | {c['false-positive']} | {c['known-miss']} | "
            f"{ratio(c['expected'], c['reported'])} | {ratio(c['expected'], c['expected'] + c['known-miss'])} |"
        )
    t = total
    lines.append(
        f"| all | {t['expected']} | {t['false-positive']} | {t['known-miss']} | "
        f"{ratio(t['expected'], t['reported'])} | {ratio(t['expected'], t['expected'] + t['known-miss'])} |"
    )
    return "\n".join(lines)


def main() -> None:
    with open(HERE / "EXPECTED.tsv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    print(render(per_rule(rows)))


if __name__ == "__main__":
    main()

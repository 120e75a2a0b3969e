"""Read the expectations kept at the end of each fixture file.

A fixture ends with one line per expected finding::

    # expect: RULE LINE:COL FIRST-SENTENCE-OF-MESSAGE
    # expect: RULE LINE:COL (suppressed) FIRST-SENTENCE-OF-MESSAGE
    # expect: RULE run FIRST-SENTENCE-OF-MESSAGE

(``(suppressed)`` marks a finding silenced by a comment or an annotation; ``run`` a finding about
the run's settings, which has no location), or the single line ``# expect: nothing``. Each
finding's related locations follow its line, one a line and in the report's order::

    #   related: LINE:COL LABEL              (in the fixture itself)
    #   related: PATH:LINE:COL LABEL         (in another file; PATH as the report writes it)

A finding with no ``related:`` lines must have no related locations. An optional first line
``# args: ...`` holds CLI flags. Keeping the expectations at the end means adding them never
moves the positions they assert. The expectations are written by hand from the input, never
generated from portlint's output (tests/data/SOURCES.md).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

EXPECT = re.compile(r"^# expect: (?:nothing|(PL\d{3}) (?:(\d+):(\d+)|run) (\(suppressed\) )?(.+))$")
RELATED = re.compile(r"^#   related: (?:(\S+):)?(\d+):(\d+) (.+)$")


@dataclass(frozen=True, order=True)
class Related:
    path: str | None  # None: the fixture itself
    line: int
    column: int
    label: str

    def __str__(self) -> str:
        where = f"{self.path}:" if self.path else ""
        return f"related: {where}{self.line}:{self.column} {self.label}"


@dataclass(frozen=True)
class Expected:
    rule: str
    line: int | None  # None: a run-level finding
    column: int | None
    suppressed: bool
    message: str  # the whole message: one line
    related: tuple[Related, ...] = field(default=())

    def sort_key(self) -> tuple:
        return (self.rule, self.line or 0, self.column or 0, self.suppressed, self.message, self.related)

    def __str__(self) -> str:
        where = f"{self.line}:{self.column}" if self.line is not None else "run"
        mark = "(suppressed) " if self.suppressed else ""
        return "\n".join([f"{self.rule} {where} {mark}{self.message}", *(f"  {r}" for r in self.related)])


def from_report(finding: dict, fixture: str) -> Expected:
    """A finding of the JSON report in the same shape (related paths equal to ``fixture`` dropped)."""
    related = tuple(
        Related(None if r["path"] == fixture else r["path"], r["line"], r["column"], r["label"])
        for r in finding.get("related") or ()
    )
    return Expected(
        finding["rule"],
        finding["line"],
        finding["column"],
        bool(finding["suppressed"]),
        finding["message"],
        related,
    )


def read(path: str) -> tuple[list[str], list[Expected], bool]:
    """(CLI args, expected findings, has an expectation block)."""
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    args = shlex.split(lines[0][len("# args:") :]) if lines and lines[0].startswith("# args:") else []
    expected: list[Expected] = []
    found = False
    related: list[Related] | None = None  # of the last '# expect: RULE' line, while its block lasts

    def close() -> None:
        if related:
            last = expected.pop()
            expected.append(Expected(last.rule, last.line, last.column, last.suppressed, last.message, tuple(related)))

    for number, line in enumerate(lines, 1):
        match = EXPECT.match(line)
        if match:
            close()
            found = True
            related = None
            if match.group(1):
                where = (int(match.group(2)), int(match.group(3))) if match.group(2) else (None, None)
                expected.append(Expected(match.group(1), *where, bool(match.group(4)), match.group(5)))
                related = []
            continue
        if line.startswith("#   related:"):
            hit = RELATED.match(line)
            if hit is None or related is None:
                raise ValueError(f"{path}:{number}: a related line must be 'LINE:COL LABEL' right after a finding")
            related.append(Related(hit.group(1), int(hit.group(2)), int(hit.group(3)), hit.group(4)))
            continue
        if related is not None:
            close()
            related = None
    close()
    return args, expected, found

"""Suppressions, the two ways to write one and what the run learns from them.

- A comment on the finding's line, in YAML or in a script: ``# portlint: ignore[PL301,PL201]
  reason text``; ``ALL`` stands for every rule.
- The object's annotation ``portlint.io/ignore: "PL301: reason; PL201, PL202: other reason"``:
  entries separated by ``;``, each ids separated by ``,`` and an optional reason after ``:``
  (so a reason cannot hold a ``;``). The old form, ids alone (``"PL101, PL201"``), still works.

Both give Suppression records that carry their reason (SARIF ``justification``, JSON) and
their place, so that the engine can report the ones no finding used (PL001) and, when asked,
the ones without a reason (PL002).
"""

from __future__ import annotations

import re
from typing import Iterable

from .findings import Location
from .records import frozen

ALL = "ALL"
_COMMENT = re.compile(r"#\s*portlint:\s*ignore\[([A-Za-z0-9_,\s]+)\]([^\n]*)")


@frozen
class Suppression:
    rules: frozenset[str]  # upper-case rule ids, or ALL
    reason: str  # "" when none was given
    location: Location | None  # the comment, the annotation's value, the config's entry (None: the baseline)
    # outside the manifests (SARIF kind "external"): what suppressed it, e.g. the config entry
    origin: str = ""

    def covers(self, rule_id: str) -> bool:
        return rule_id in self.rules or ALL in self.rules

    @property
    def kind(self) -> str:
        """SARIF's suppression kind: written in the manifest, or kept outside it."""
        return "external" if self.origin else "inSource"

    @property
    def justification(self) -> str:
        """The reason, and for an external suppression what it is (SARIF ``justification``)."""
        return "; ".join(part for part in (self.origin, self.reason) if part)


NONE: tuple[Suppression, ...] = ()  # shared: most objects suppress nothing


def find(suppressions: Iterable[Suppression], rule_id: str) -> Suppression | None:
    """The first suppression that covers ``rule_id``."""
    for suppression in suppressions:
        if suppression.covers(rule_id):
            return suppression
    return None


def _ids(text: str) -> frozenset[str]:
    return frozenset(part.strip().upper() for part in text.split(",") if part.strip())


def comments(text: str, path: str, first_line: int) -> Iterable[Suppression]:
    """The ``# portlint: ignore[...]`` comments of ``text``, whose first line is ``first_line``
    of ``path``; each located at its comment."""
    for match in _COMMENT.finditer(text):
        line = first_line + text.count("\n", 0, match.start())
        column = match.start() - text.rfind("\n", 0, match.start())
        ids = _ids(match.group(1))
        if ids:
            where = Location(path, line, column, line, column + len(match.group(0).rstrip()))
            yield Suppression(ids, match.group(2).strip(), where)


def comment_span(line: str) -> int | None:
    """Where the rule ids of the line's ignore comment end (the offset of its ``]``), None
    when it has none."""
    match = _COMMENT.search(line)
    return match.end(1) if match is not None else None


def comment(rule_id: str) -> str:
    """The comment that suppresses ``rule_id`` on its line (the form ``comments`` reads)."""
    return f"# portlint: ignore[{rule_id}]"


def annotation(value: str, where: Location) -> tuple[Suppression, ...]:
    """The entries of a ``portlint.io/ignore`` annotation, located at its value."""
    entries = []
    for entry in value.split(";"):
        ids, _, reason = entry.partition(":")
        if _ids(ids):
            entries.append(Suppression(_ids(ids), reason.strip(), where))
    return tuple(entries)

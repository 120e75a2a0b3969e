"""The config's ``ignore`` entries: findings in files a team cannot annotate (vendored charts,
generated manifests), chosen by rule and by resource or path.

An entry names ``rules`` and at least one of ``kind``, ``name`` and ``namespace`` (shell
globs, matched against the object's ``kind`` and metadata as written) and ``path``
(gitignore-style, relative to the config file, as ``exclude``); every key given must match.
Each entry is a suppressions.Suppression located at the entry in the config file, whose
``origin`` names it: SARIF shows it as an ``external`` suppression, and PL001/PL002 treat it
as they treat a comment.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any, Iterable

from .excludes import Excludes
from .findings import Finding, Location
from .k8s import ident_parts
from .records import mutable
from .suppressions import Suppression

SELECTORS = ("kind", "namespace", "name")  # matched against the finding's resource, in its order


@mutable
class IgnoreEntry:
    suppression: Suppression
    globs: tuple[str | None, ...]  # kind, namespace, name patterns (None: any)
    paths: Excludes | None  # None: any file

    def matches(self, finding: Finding) -> bool:
        """Whether this entry suppresses ``finding`` (one with a file: the caller's check)."""
        if not self.suppression.covers(finding.rule_id):
            return False
        if self.paths is not None and not self.paths.match(finding.path or ""):
            return False
        if not any(self.globs):
            return True
        if not finding.resource:  # a parse error belongs to no object
            return False
        values = ident_parts(finding.resource)
        return all(glob is None or fnmatchcase(value, glob) for glob, value in zip(self.globs, values))

    def covers_any(self, linted: Iterable[str]) -> bool:
        """Whether the run linted a file this entry can apply to: only then can it be judged
        unused (pre-commit passes a few changed files, not the vendored ones)."""
        return self.paths is None or any(self.paths.match(path) for path in linted)


def entry(item: dict[str, Any], where: Location, base: str) -> IgnoreEntry:
    """One validated ``ignore`` item of a config file in directory ``base``, located at ``where``."""
    rules = frozenset(rule.upper() for rule in item["rules"])
    origin = f"ignore entry at {where.path}:{where.line}"
    suppression = Suppression(rules, item.get("reason", "").strip(), where, origin)
    path = item.get("path")
    return IgnoreEntry(suppression, tuple(item.get(key) for key in SELECTORS), Excludes([path], base) if path else None)


def find(entries: Iterable[IgnoreEntry], finding: Finding) -> Suppression | None:
    """The suppression of the first entry that matches ``finding``."""
    for candidate in entries:
        if candidate.matches(finding):
            return candidate.suppression
    return None


def judged(entries: Iterable[IgnoreEntry], linted: Iterable[str]) -> list[Suppression]:
    """The suppressions of the entries that can apply to a file of the run (PL001, PL002)."""
    linted = list(linted)
    return [e.suppression for e in entries if e.covers_any(linted)]

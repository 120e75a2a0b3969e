"""Choose the fixes of one file that hold: each is tried on the text with the fixes kept so
far, and the text is linted again (alone, with the run's settings). A fix is kept only when
its findings are gone and no finding is new: one that leaves its finding, adds one (a parse
error too) or overlaps a kept fix is refused, with the reason. A fix may remove findings
besides its own (guarding a write of the ephemeral range also drops the PL304 it declared)."""

from __future__ import annotations

from collections import Counter

from .. import engine
from ..config import Settings
from ..findings import Finding
from ..records import field, mutable
from ..rules import RULES
from ..sources import MemoryInput
from .edits import Edit, apply, overlapping
from .model import Fix, Refusal

PARSE_ERROR = engine.PARSE_ERROR


@mutable
class Outcome:
    """What fixing one file gives: the fixes kept and those refused."""

    kept: list[Fix] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)

    @property
    def edits(self) -> list[Edit]:
        return [edit for fix in self.kept for edit in fix.edits]

    @property
    def fixed(self) -> list[Finding]:
        return [finding for fix in self.kept for finding in fix.findings]


def findings_of(path: str, text: str, settings: Settings, levels: dict[str, str]) -> Counter:
    """The findings of ``text`` linted alone as ``path``: a multiset of (fingerprint basis,
    suppressed), which no line shift changes."""
    result = engine.lint([MemoryInput(path, text)], settings, RULES, levels)
    return Counter((f.fingerprint_basis(), f.suppressed) for f in result.findings)


def choose(path: str, text: str, candidates: list[Fix | Refusal], settings: Settings, levels: dict[str, str]) -> Outcome:
    outcome = Outcome()
    expected = findings_of(path, text, settings, levels)
    for fix in candidates:
        if isinstance(fix, Refusal):
            outcome.refused.append(fix)
            continue
        trial = outcome.edits + list(fix.edits)
        if overlapping(trial):
            outcome.refused.append(Refusal("it overlaps another fix", fix.findings))
            continue
        targets = Counter((f.fingerprint_basis(), False) for f in fix.findings)
        found = findings_of(path, apply(text, trial), settings, levels)
        if found - (expected - targets) or found & targets:
            outcome.refused.append(Refusal(why_not(found, expected), fix.findings))
            continue
        outcome.kept.append(fix)
        expected = found
    return outcome


def why_not(found: Counter, before: Counter) -> str:
    """Why a fix that left ``found`` of the findings ``before`` it is refused: it adds some, or
    else it leaves its own."""
    added = sorted({basis.partition("\x1f")[0] for basis, _ in found - before})
    if PARSE_ERROR in added:
        return "the fixed text would not parse"
    if added:
        return f"the fix would add {', '.join(added)}"
    return "the fix would not remove its finding"

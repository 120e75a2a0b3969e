"""What a fixer hands back: a Fix (edits that remove findings) or a Refusal (why not)."""

from __future__ import annotations

from ..findings import Finding
from ..records import frozen
from .edits import Edit


@frozen
class Fix:
    """Edits of one file that remove ``findings`` (its safety is their rules', registry.py)."""

    title: str
    edits: tuple[Edit, ...]
    findings: tuple[Finding, ...]


@frozen
class Refusal:
    """No fix for ``findings``, and why (one line)."""

    reason: str
    findings: tuple[Finding, ...]

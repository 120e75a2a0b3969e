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


@frozen
class Replacement:
    """An edit as reports give it: 1-based lines, code-point columns, end exclusive (an
    insertion where start and end meet); ``text`` with the file's line ends."""

    line: int
    column: int
    end_line: int
    end_column: int
    text: str


@frozen
class Suggestion:
    """A kept fix of ``path`` as SARIF (``fixes``), rdjson (``suggestions``) and the language
    server show it."""

    title: str
    path: str
    replacements: tuple[Replacement, ...]

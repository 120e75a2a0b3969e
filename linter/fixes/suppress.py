"""Suppress a finding on its line: the ``# portlint: ignore[ID] reason`` comment
(suppressions.comment) at the end of the line, or the rule added to the ignore comment the
line already has. None where a comment cannot go: JSON has no comments, and after a
backslash that continues a shell line the comment would end the command there."""

from __future__ import annotations

from .. import suppressions
from .edits import Edit

_NO_COMMENTS = (".json",)


def line_comment(path: str, text: str, line: int, rule_id: str, reason: str = "") -> Edit | None:
    """The edit of LF ``text`` that suppresses ``rule_id`` on 1-based ``line``."""
    if path.endswith(_NO_COMMENTS):
        return None
    lines = text.split("\n")
    row = lines[line - 1]
    if row.endswith("\\"):
        return None
    end = sum(len(earlier) + 1 for earlier in lines[: line - 1]) + len(row)
    present = suppressions.comment_span(row)
    if present is not None:  # ignore[PL101] -> ignore[PL101,PL301]
        at = end - len(row) + present
        return Edit(at, at, f",{rule_id}")
    comment = suppressions.comment(rule_id) + (f" {reason}" if reason else "")
    return Edit(end, end, " " + comment)

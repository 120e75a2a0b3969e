"""GitHub Actions workflow commands (``::error file=...::message``), escaped as the
Actions toolkit escapes them (@actions/core ``escapeData`` / ``escapeProperty``), after
escaping control characters as the text format does (escape.py): a CI log shows them as text.
A finding of the run itself (no file) is an annotation without ``file``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..findings import Finding
from .escape import printable

if TYPE_CHECKING:
    from . import RunInfo, Summary

_COMMAND = {"error": "error", "warning": "warning", "note": "notice"}


def escape_data(text: str) -> str:
    """The message of a workflow command. The toolkit escapes %, CR and LF; here control
    characters, CR and LF among them, are already text (``\\u000a``, escape.py), so % is left."""
    return printable(text).replace("%", "%25")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubWriter:
    """One workflow command a finding; suppressed findings are left out."""

    def start(self, run: RunInfo) -> str:
        self.run = run
        return ""

    def result(self, f: Finding) -> str:
        if f.suppressed:
            return ""
        loc = f.location
        props = {}
        if loc is not None:
            props = {
                "file": loc.path,
                "line": str(loc.line),
                "col": str(loc.column),
                "endLine": str(loc.end_line),
                "endColumn": str(loc.end_column),
            }
        props["title"] = f"{f.rule_id} {self.run.name(f.rule_id)}".strip()
        joined = ",".join(f"{k}={escape_property(v)}" for k, v in props.items())
        return f"::{_COMMAND[f.level]} {joined}::{escape_data(f.message)}\n"

    def finish(self, summary: Summary) -> str:
        return ""

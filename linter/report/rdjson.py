"""reviewdog's Diagnostic Format, so that reviewdog (``-f=rdjson`` / ``-f=rdjsonl``) posts
findings as review comments on GitHub, GitLab, Gitea and Bitbucket: ``rdjson`` is one
DiagnosticResult object, ``rdjsonl`` one Diagnostic a line (proto/rdf/reviewdog.proto in
reviewdog's repository; tests check both against its JSON Schemas).

Ranges are reviewdog's: 1-based lines, columns counted in UTF-8 bytes, end exclusive
(source_lines.py converts; a position it cannot convert has its line only, which reviewdog reads
as the whole line). ``code`` links the rule's page; related locations carry their labels.
Suppressed findings are left out (reviewdog would post them). A finding of the run itself
has no ``location``: reviewdog reports it outside the diff (``-filter-mode=nofilter``).
A finding with a fix carries it as ``suggestions`` (reviewdog posts them as suggested
changes on GitHub)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from .. import ruledoc
from ..findings import Finding, Location
from .source_lines import SourceLines

if TYPE_CHECKING:
    from . import RunInfo, Summary

SEVERITY = {"note": "INFO", "warning": "WARNING", "error": "ERROR"}
SOURCE = {"name": "portlint", "url": "https://github.com/portlint/portlint"}


class _Diagnostics:
    """What both formats share: one finding as a Diagnostic."""
    JSON = True  # report.render escapes lone surrogates (escape.json_text)

    def start(self, run: RunInfo) -> str:
        self.sources = SourceLines(run.cwd, run.unread)
        self.urls = {rule.ID: ruledoc.url(rule) for rule in run.rules}
        self.suggestion = run.suggestion
        return ""

    def _position(self, path: str, line: int, column: int) -> dict:
        byte = self.sources.utf8_column(path, line, column)
        return {"line": line} if byte is None else {"line": line, "column": byte}

    def _location(self, loc: Location) -> dict:
        start = self._position(loc.path, loc.line, loc.column)
        end = self._position(loc.path, loc.end_line, loc.end_column)
        if "column" not in start or "column" not in end:  # both columns or none (whole lines)
            start, end = {"line": loc.line}, {"line": loc.end_line}
        return {"path": loc.path, "range": {"start": start, "end": end}}

    def diagnostic(self, f: Finding) -> dict | None:
        if f.suppressed:
            return None
        item: dict = {"message": f.message}
        if f.location is not None:
            item["location"] = self._location(f.location)
        item["severity"] = SEVERITY[f.level]
        item["source"] = SOURCE
        item["code"] = {"value": f.rule_id, "url": self.urls[f.rule_id]}
        if f.related:
            item["related_locations"] = [{"message": r.label, "location": self._location(r)} for r in f.related]
        fix = self.suggestion(f)
        if fix is not None:
            item["suggestions"] = [
                {"range": self._location(Location(fix.path, r.line, r.column, r.end_line, r.end_column))["range"], "text": r.text}
                for r in fix.replacements
            ]
        return item


class RdjsonWriter(_Diagnostics):
    """One DiagnosticResult: ``{"source": ..., "diagnostics": [...]}``."""

    def start(self, run: RunInfo) -> str:
        super().start(run)
        self.count = 0
        return '{\n  "source": ' + json.dumps(SOURCE) + ',\n  "diagnostics": ['

    def result(self, f: Finding) -> str:
        item = self.diagnostic(f)
        if item is None:
            return ""
        self.count += 1
        return ("\n    " if self.count == 1 else ",\n    ") + json.dumps(item, ensure_ascii=False)

    def finish(self, summary: Summary) -> str:
        return ("\n  ]" if self.count else "]") + "\n}\n"


class RdjsonlWriter(_Diagnostics):
    """One Diagnostic a line (JSON Lines)."""

    def result(self, f: Finding) -> str:
        item = self.diagnostic(f)
        return "" if item is None else json.dumps(item, ensure_ascii=False) + "\n"

    def finish(self, summary: Summary) -> str:
        return ""

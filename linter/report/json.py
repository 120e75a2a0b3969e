"""A stable JSON report (documented in docs/output.md). Version 1: add fields, never rename.

Written as it goes: the head, one finding at a time, then the counts and errors, which are
known only at the end. The bytes are those of one ``json.dumps(report, indent=2)``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ..findings import Finding, Location
from ..records import as_dict

if TYPE_CHECKING:
    from . import RunInfo, Summary

SCHEMA_VERSION = 1
_NO_PLACE = {"path": None, "line": None, "column": None, "endLine": None, "endColumn": None}


def _location(loc: Location) -> dict:
    out = {"path": loc.path, "line": loc.line, "column": loc.column, "endLine": loc.end_line, "endColumn": loc.end_column}
    if loc.label:
        out["label"] = loc.label
    return out


class JsonWriter:
    JSON = True  # report.render escapes lone surrogates (escape.json_text)
    def start(self, run: RunInfo) -> str:
        self.run = run
        self.count = 0
        head = json.dumps({"version": SCHEMA_VERSION, "tool": {"name": "portlint", "version": run.version}}, indent=2)
        return head[: -len("\n}")] + ',\n  "findings": ['

    def result(self, f: Finding) -> str:
        item = {"rule": f.rule_id, "name": self.run.name(f.rule_id), "level": f.level, "message": f.message}
        item.update(_NO_PLACE if f.location is None else _location(f.location))  # None: the run's own finding
        item["related"] = [_location(r) for r in f.related]
        item["template"] = f.template
        item["suppressed"] = f.suppressed
        item["justification"] = f.justification or None  # the suppression's reason
        item["fingerprint"] = f.fingerprint()
        body = json.dumps(item, indent=2, ensure_ascii=False).replace("\n", "\n    ")
        self.count += 1
        return ("\n    " if self.count == 1 else ",\n    ") + body

    def finish(self, summary: Summary) -> str:
        counts: dict = {"files": summary.files, "errors": list(summary.errors)}
        if summary.baseline is not None:  # only with a baseline: reports without one keep their bytes
            done = summary.baseline
            counts["baseline"] = {"path": done.path, "suppressed": done.suppressed, "fixed": [as_dict(e) for e in done.fixed]}
        tail = json.dumps(counts, indent=2, ensure_ascii=False)
        return ("\n  ]," if self.count else "],") + tail[1:] + "\n"

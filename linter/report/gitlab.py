"""GitLab Code Quality: a JSON array of Code Climate issues, for a job's
``artifacts:reports:codequality`` (the merge request widget and diff annotations).

GitLab validates each issue against its schema (``app/validators/json_schemas/codeclimate.json``:
``description``, ``fingerprint``, ``severity``, ``location``) and keeps one issue per
fingerprint, so fingerprints are unique in a report (``Finding.occurrence``). Suppressed
findings are left out, as in the text format: GitLab would count them.

A finding of the run itself (a range given by a flag) has no file: its ``location.path`` is
``"."``, the project, at line 1."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ..findings import Finding

if TYPE_CHECKING:
    from . import RunInfo, Summary

SEVERITY = {"note": "info", "warning": "minor", "error": "major"}  # GitLab: info minor major critical blocker


class GitlabWriter:
    JSON = True  # report.render escapes lone surrogates (escape.json_text)
    def start(self, run: RunInfo) -> str:
        self.run = run
        self.count = 0
        return "["

    def result(self, f: Finding) -> str:
        if f.suppressed:
            return ""
        loc = f.location
        where = {"path": ".", "lines": {"begin": 1}}
        if loc is not None:
            where = {"path": loc.path, "lines": {"begin": loc.line, "end": loc.end_line}}
        issue = {
            "type": "issue",
            "check_name": f.rule_id,
            "description": f"{f.rule_id} {self.run.name(f.rule_id)}: {f.message}",
            "categories": ["Bug Risk"],
            "severity": SEVERITY[f.level],
            "fingerprint": f.fingerprint(),
            "location": where,
        }
        self.count += 1
        return ("\n  " if self.count == 1 else ",\n  ") + json.dumps(issue, ensure_ascii=False)

    def finish(self, summary: Summary) -> str:
        return ("\n]" if self.count else "]") + "\n"

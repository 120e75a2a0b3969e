"""SARIF 2.1.0 for GitHub code scanning and SARIF viewers: one run, every registered rule
described, results with percent-encoded URIs relative to %SRCROOT% (the working directory),
full regions and stable partial fingerprints.

Written as it goes: the log up to ``"results": [``, one result a line, then the invocation,
whose notifications (input errors, truncation, the run's own findings) are known only at
the end. A finding without a file (a range given by a flag) cannot be a result: GitHub
rejects a whole upload when one result has no location ("locationFromSarifResult: expected
at least one location"). It is a ``toolExecutionNotification`` at the finding's level, with
``associatedRule`` naming its rule; the run still succeeded."""

from __future__ import annotations

import json
import os
from json.encoder import encode_basestring as _json_string  # json's own (C) string encoder, ensure_ascii=False
from pathlib import PurePosixPath
from types import ModuleType
from typing import TYPE_CHECKING
from urllib.parse import quote

from ..findings import Finding, Location

if TYPE_CHECKING:
    from . import RunInfo, Summary

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/portlint/portlint"
FINGERPRINT_KEY = "portlintFingerprint/v1"
SRCROOT = "%SRCROOT%"
MAX_RESULTS = 25_000  # GitHub code scanning's limit per run
_PLACEHOLDER = "\x00portlint-results\x00"


def rule_descriptor(rule: ModuleType) -> dict:
    from .. import ruledoc

    tags = list(rule.TAGS)
    properties: dict = {"tags": tags, "precision": rule.PRECISION}
    if rule.SECURITY_SEVERITY is not None:
        properties["security-severity"] = rule.SECURITY_SEVERITY
        if "security" not in tags:  # GitHub uses security-severity only on rules tagged security
            tags.append("security")
    return {
        "id": rule.ID,
        "name": rule.NAME,
        "shortDescription": {"text": rule.SUMMARY},
        "fullDescription": {"text": ruledoc.full_description(rule)},
        "helpUri": ruledoc.url(rule),
        "help": {"text": ruledoc.help_text(rule), "markdown": ruledoc.help_markdown(rule)},
        # an opt-in rule (PL002) is off: SARIF says so with enabled, its level has no "off"
        "defaultConfiguration": {"level": "warning", "enabled": False} if rule.LEVEL == "off" else {"level": rule.LEVEL},
        "properties": properties,
    }


def directory_uri(path: str) -> str:
    """An absolute directory as a file:// URI ending in '/' (what %SRCROOT% stands for)."""
    uri = PurePosixPath(os.path.abspath(path).replace(os.sep, "/")).as_uri()
    return uri if uri.endswith("/") else uri + "/"


def artifact_location(path: str, cwd: str) -> dict:
    """A report path (relative to ``cwd``, forward slashes) as a SARIF artifactLocation:
    percent-encoded and relative to %SRCROOT% inside the working directory, an absolute
    file:// URI outside it."""
    if path == ".." or path.startswith("../") or os.path.isabs(path):
        absolute = os.path.normpath(os.path.join(cwd, path)).replace(os.sep, "/")
        return {"uri": PurePosixPath(absolute).as_uri()}
    # a file name that is not UTF-8 is percent-encoded as its bytes (os's surrogateescape)
    return {"uri": quote(path, safe="/", errors="surrogateescape"), "uriBaseId": SRCROOT}


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _text(text: str) -> str:
    """A SARIF message object, {"text": ...}, as JSON text: the text as one sentence."""
    return f'{{"text": {_json_string(_sentence(text))}}}'


class SarifWriter:
    """``start`` writes the driver (every rule), ``result`` one result a line (at most
    MAX_RESULTS), ``finish`` the invocation with its notifications."""
    JSON = True  # report.render escapes lone surrogates (escape.json_text)

    def start(self, run: RunInfo) -> str:
        self.cwd = run.cwd
        self.suggestion = run.suggestion
        self.artifacts: dict[str, dict] = {}
        self.encoded_artifacts: dict[str, str] = {}
        self.fingerprint_key = _json_string(FINGERPRINT_KEY)
        self.index = {rule.ID: i for i, rule in enumerate(run.rules)}
        self.written = 0
        self.dropped = 0
        self.run_level: list[dict] = []  # notifications for the run's own findings
        # one result a line, compact: json's C encoder only runs without indent (4x faster);
        # a result is a fresh tree of dicts and lists, never a cycle: no check for one (15%)
        self.encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "), check_circular=False).encode
        log = {
            "$schema": SCHEMA_URI,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "portlint",
                            "version": run.version,
                            "semanticVersion": run.version,
                            "informationUri": INFORMATION_URI,
                            "rules": [rule_descriptor(rule) for rule in run.rules],
                        }
                    },
                    "automationDetails": {"id": run.automation_id},
                    "originalUriBaseIds": {SRCROOT: {"uri": directory_uri(run.cwd)}},
                    "columnKind": "unicodeCodePoints",
                    "results": _PLACEHOLDER,
                }
            ],
        }
        head = json.dumps(log, indent=2, ensure_ascii=False)
        before, _, self.after = head.partition(json.dumps(_PLACEHOLDER))
        line = before.rpartition("\n")[2]
        self.indent = line[: len(line) - len(line.lstrip(" "))]  # the "results" key's
        return before + "["

    def _physical_artifact(self, path: str) -> dict:
        artifact = self.artifacts.get(path)
        if artifact is None:  # one encoding per file, not per location
            artifact = self.artifacts[path] = artifact_location(path, self.cwd)
        return artifact

    def _physical(self, loc: Location) -> str:
        """A location's physicalLocation, as JSON text."""
        artifact = self.encoded_artifacts.get(loc.path)
        if artifact is None:
            artifact = self.encoded_artifacts[loc.path] = self.encode(self._physical_artifact(loc.path))
        return (
            f'{{"artifactLocation": {artifact}, "region": {{"startLine": {loc.line:d}, "startColumn": {loc.column:d}, '
            f'"endLine": {loc.end_line:d}, "endColumn": {loc.end_column:d}}}}}'
        )

    def result(self, f: Finding) -> str:
        if f.location is None:
            self.run_level.append(
                {
                    "level": f.level,
                    "message": {"text": _sentence(f.message)},
                    "associatedRule": {"id": f.rule_id, "index": self.index[f.rule_id]},
                }
            )
            return ""
        if self.written >= MAX_RESULTS:
            self.dropped += 1
            return ""
        # the text json.JSONEncoder gives for the result as a dict with these keys in this
        # order, written out: the encoder's walk over a dozen small dicts and lists per result
        # was most of the report's time (the tail a parallel run waits for alone)
        parts = [
            f'{{"ruleId": {_json_string(f.rule_id)}, "ruleIndex": {self.index[f.rule_id]:d}, "level": {_json_string(f.level)}, ',
            f'"message": {_text(f.message)}, "locations": [{{"physicalLocation": {self._physical(f.location)}}}], ',
            f'"partialFingerprints": {{{self.fingerprint_key}: {_json_string(f.fingerprint())}}}',
        ]
        if f.related:
            related = (
                f'{{"id": {i:d}, "physicalLocation": {self._physical(r)}, "message": {_text(r.label or "Related location")}}}'
                for i, r in enumerate(f.related, 1)
            )
            parts.append(f', "relatedLocations": [{", ".join(related)}]')
        fix = self.suggestion(f)
        if fix is not None:
            parts.append(f', "fixes": {self.encode([self._fix(fix)])}')
        if f.suppressed:
            suppression = {"kind": f.suppressed_by.kind if f.suppressed_by is not None else "inSource"}
            if f.justification:
                suppression["justification"] = f.justification
            parts.append(f', "suppressions": {self.encode([suppression])}')
        parts.append("}")
        self.written += 1
        return ("\n" if self.written == 1 else ",\n") + self.indent + "  " + "".join(parts)

    def _fix(self, fix) -> dict:
        """A fix as one artifactChange: exact replaced regions, the text to put there."""
        replacements = [
            {
                "deletedRegion": {"startLine": r.line, "startColumn": r.column, "endLine": r.end_line, "endColumn": r.end_column},
                "insertedContent": {"text": r.text},
            }
            for r in fix.replacements
        ]
        return {
            "description": {"text": _sentence(fix.title)},
            "artifactChanges": [{"artifactLocation": self._physical_artifact(fix.path), "replacements": replacements}],
        }

    def finish(self, summary: Summary) -> str:
        notes = [{"level": "error", "message": {"text": _sentence(e)}} for e in summary.errors]
        notes += self.run_level
        notes += [{"level": level, "message": {"text": _sentence(text)}} for level, text in summary.notices]
        if self.dropped:
            total = self.written + self.dropped
            notes.append(
                {
                    "level": "warning",
                    "message": {
                        "text": f"Only the first {MAX_RESULTS} of {total} results are included: "
                        "GitHub code scanning accepts at most 25,000 results per run."
                    },
                }
            )
        invocation: dict = {"executionSuccessful": not summary.errors}
        if notes:
            invocation["toolExecutionNotifications"] = notes
        invocations = json.dumps([invocation], indent=2, ensure_ascii=False).replace("\n", "\n" + self.indent)
        close = ("\n" + self.indent + "]") if self.written else "]"
        return f'{close},\n{self.indent}"invocations": {invocations}{self.after}\n'

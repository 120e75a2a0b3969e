"""SARIF 2.1.0 for GitHub code scanning and SARIF viewers: one run, every registered rule
described, results with relative URIs, full regions and stable partial fingerprints."""

from __future__ import annotations

import json
from itertools import islice
from types import ModuleType

from .. import ruledoc
from ..findings import Finding, Location

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/portlint/portlint"
FINGERPRINT_KEY = "portlintFingerprint/v1"
MAX_RESULTS = 25_000  # GitHub code scanning's limit per run


def rule_descriptor(rule: ModuleType) -> dict:
    properties: dict = {"tags": list(rule.TAGS), "precision": rule.PRECISION}
    if rule.SECURITY_SEVERITY is not None:
        properties["security-severity"] = rule.SECURITY_SEVERITY
    return {
        "id": rule.ID,
        "name": rule.NAME,
        "shortDescription": {"text": rule.SUMMARY},
        "fullDescription": {"text": ruledoc.full_description(rule)},
        "helpUri": ruledoc.url(rule),
        "help": {"text": ruledoc.help_text(rule), "markdown": ruledoc.help_markdown(rule)},
        "defaultConfiguration": {"level": rule.LEVEL},
        "properties": properties,
    }


def _physical(loc: Location) -> dict:
    return {
        "artifactLocation": {"uri": loc.path, "uriBaseId": "%SRCROOT%"},
        "region": {
            "startLine": loc.line,
            "startColumn": loc.column,
            "endLine": loc.end_line,
            "endColumn": loc.end_column,
        },
    }


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _result(f: Finding, index: int) -> dict:
    result: dict = {
        "ruleId": f.rule_id,
        "ruleIndex": index,
        "level": f.level,
        "message": {"text": _sentence(f.message)},
        "locations": [{"physicalLocation": _physical(f.location)}],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint()},
    }
    if f.related:
        result["relatedLocations"] = [
            {"id": i, "physicalLocation": _physical(r), "message": {"text": _sentence(r.label or "Related location")}}
            for i, r in enumerate(f.related, 1)
        ]
    if f.suppressed:
        result["suppressions"] = [{"kind": "inSource"}]
    return result


def render(
    findings: list[Finding], registry: list[ModuleType], version: str, notifications: list[str], warnings: list[str] = ()
) -> str:
    return "".join(render_chunks(findings, registry, version, notifications, warnings))


def render_chunks(
    findings: list[Finding], registry: list[ModuleType], version: str, notifications: list[str], warnings: list[str] = ()
):
    """The SARIF log as a stream of text chunks: results are serialised one at a time, so a
    run with tens of thousands of results never holds them all as dictionaries.
    ``notifications`` are errors (unreadable inputs: the run did not succeed);
    ``warnings`` are run-level findings that have no file (a range given by a flag)."""
    index = {rule.ID: i for i, rule in enumerate(registry)}
    notes = [{"level": "error", "message": {"text": _sentence(n)}} for n in notifications]
    notes += [{"level": "warning", "message": {"text": _sentence(n)}} for n in warnings]
    if len(findings) > MAX_RESULTS:
        notes.append(
            {
                "level": "warning",
                "message": {
                    "text": f"Only the first {MAX_RESULTS} of {len(findings)} results are included: "
                    "GitHub code scanning accepts at most 25,000 results per run."
                },
            }
        )
    invocation: dict = {"executionSuccessful": not notifications}
    if notes:
        invocation["toolExecutionNotifications"] = notes
    run = {
        "tool": {
            "driver": {
                "name": "portlint",
                "version": version,
                "semanticVersion": version,
                "informationUri": INFORMATION_URI,
                "rules": [rule_descriptor(rule) for rule in registry],
            }
        },
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": [_PLACEHOLDER],
    }
    head = json.dumps({"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}, indent=2, ensure_ascii=False)
    before, after = head.split(json.dumps(_PLACEHOLDER), 1)
    if not findings:
        yield before.rstrip().rstrip("\n") + after.lstrip() + "\n"
        return
    yield before
    indent = " " * (len(before) - len(before.rstrip(" ")))
    # one result a line, compact: json's C encoder only runs without indent (4x faster)
    encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    for i, finding in enumerate(islice(findings, MAX_RESULTS)):
        yield ("" if i == 0 else ",\n" + indent) + encode(_result(finding, index[finding.rule_id]))
    yield after + "\n"


_PLACEHOLDER = "\x00portlint-results\x00"

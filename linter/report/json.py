"""A stable JSON report (documented in docs/output.md). Version 1: add fields, never rename."""

from __future__ import annotations

import json

from ..findings import Finding, Location

SCHEMA_VERSION = 1


def _location(loc: Location) -> dict:
    out = {"path": loc.path, "line": loc.line, "column": loc.column, "endLine": loc.end_line, "endColumn": loc.end_column}
    if loc.label:
        out["label"] = loc.label
    return out


def render(findings: list[Finding], names: dict[str, str], files: int, notifications: list[str], version: str) -> str:
    return "".join(render_chunks(findings, names, files, notifications, version))


def render_chunks(findings: list[Finding], names: dict[str, str], files: int, notifications: list[str], version: str):
    """The report as text chunks, one finding at a time (same bytes as one json.dumps)."""
    head = {
        "version": SCHEMA_VERSION,
        "tool": {"name": "portlint", "version": version},
        "files": files,
        "errors": notifications,
        "findings": [],
    }
    text = json.dumps(head, indent=2, ensure_ascii=False)
    if not findings:
        yield text + "\n"
        return
    yield text[: -len("[]\n}")] + "[\n"
    for i, f in enumerate(findings):
        item = {"rule": f.rule_id, "name": names.get(f.rule_id, ""), "level": f.level, "message": f.message}
        item.update(_location(f.location))
        item["related"] = [_location(r) for r in f.related]
        item["template"] = f.template
        item["suppressed"] = f.suppressed
        item["fingerprint"] = f.fingerprint()
        body = json.dumps(item, indent=2, ensure_ascii=False).replace("\n", "\n    ")
        yield ("    " if i == 0 else ",\n    ") + body
    yield "\n  ]\n}\n"

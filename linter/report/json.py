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
    items = []
    for f in findings:
        item = {"rule": f.rule_id, "name": names.get(f.rule_id, ""), "level": f.level, "message": f.message}
        item.update(_location(f.location))
        item["related"] = [_location(r) for r in f.related]
        item["template"] = f.template
        item["suppressed"] = f.suppressed
        item["fingerprint"] = f.fingerprint()
        items.append(item)
    data = {
        "version": SCHEMA_VERSION,
        "tool": {"name": "portlint", "version": version},
        "files": files,
        "errors": notifications,
        "findings": items,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

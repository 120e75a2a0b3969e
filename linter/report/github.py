"""GitHub Actions workflow commands (``::error file=...::message``), escaped as the
Actions toolkit escapes them (@actions/core ``escapeData`` / ``escapeProperty``)."""

from __future__ import annotations

from ..findings import Finding

_COMMAND = {"error": "error", "warning": "warning", "note": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(findings: list[Finding], names: dict[str, str]) -> str:
    out = []
    for f in findings:
        if f.suppressed:
            continue
        loc = f.location
        props = {
            "file": loc.path,
            "line": str(loc.line),
            "col": str(loc.column),
            "endLine": str(loc.end_line),
            "endColumn": str(loc.end_column),
            "title": f"{f.rule_id} {names.get(f.rule_id, '')}".strip(),
        }
        joined = ",".join(f"{k}={escape_property(v)}" for k, v in props.items())
        out.append(f"::{_COMMAND[f.level]} {joined}::{escape_data(f.message)}\n")
    return "".join(out)

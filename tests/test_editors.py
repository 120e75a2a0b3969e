"""The problem matcher documented in docs/editors.md parses portlint's real text output."""

from __future__ import annotations

import json
import re

from conftest import REPO, cli


def matcher() -> dict:
    text = (REPO / "docs" / "editors.md").read_text()
    block = re.search(r"```json\n(.*?)```", text, re.S).group(1)
    return json.loads(block)["tasks"][0]["problemMatcher"]


def test_documented_regexp_captures_every_field():
    pattern = matcher()["pattern"]
    regexp = re.compile(pattern["regexp"])
    result = cli("check", "examples/", "--fail-on", "never")
    lines = result.stdout.splitlines()
    assert len(lines) == 10
    parsed = []
    for line in lines:
        match = regexp.match(line)
        assert match, line
        parsed.append(
            (
                match.group(pattern["file"]),
                int(match.group(pattern["line"])),
                int(match.group(pattern["column"])),
                match.group(pattern["severity"]),
                match.group(pattern["code"]),
            )
        )
        assert match.group(pattern["message"]) and not match.group(pattern["message"]).endswith("]")
    json_findings = cli("check", "examples/", "--format", "json", "--fail-on", "never").findings
    assert parsed == [(f["path"], f["line"], f["column"], f["level"], f["rule"]) for f in json_findings]
    assert parsed[0] == ("examples/helm-rendered.yaml", 14, 17, "error", "PL301")

"""Fixes in reports: SARIF results carry ``fixes[].artifactChanges`` with the exact regions
replaced, rdjson diagnostics carry reviewdog ``suggestions`` (UTF-8 byte columns); both
valid against their published schemas. Nothing is written to the file."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from conftest import REPO, cli

POD = (
    "apiVersion: v1\r\nkind: Pod\r\nmetadata: {name: p}\r\nspec:\r\n  containers:\r\n    - name: a\r\n"
    "      command: [sh, -c, 'echo é; sysctl -w net.core.somaxconn=1']\r\n"
)
# line 7: the write starts after "      command: [sh, -c, 'echo é; " (33 code points, 34 bytes) and
# "sysctl -w net.core.somaxconn=1" is 30 characters long
ENV = (
    "env:\r\n        - name: POD_IP\r\n          valueFrom: {fieldRef: {fieldPath: status.podIP}}\r\n"
    "        - name: HOST_IP\r\n          valueFrom: {fieldRef: {fieldPath: status.hostIP}}\r\n      "
)
GUARD = 'if [ "$POD_IP" != "$HOST_IP" ]; then '


def _schema(name: str) -> dict:
    return json.loads((REPO / "tests" / "data" / name).read_text())


def test_sarif_results_carry_the_fix_as_artifact_changes(tmp_cwd):
    Path("pod.yaml").write_bytes(POD.encode())
    log = json.loads(cli("check", "pod.yaml", "--format", "sarif").stdout)
    jsonschema.Draft4Validator(_schema("sarif-schema-2.1.0.json")).validate(log)
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "PL101"
    assert result["fixes"] == [
        {
            "description": {"text": 'Run the sysctl writes of container "a" only if [ "$POD_IP" != "$HOST_IP" ].'},
            "artifactChanges": [
                {
                    "artifactLocation": {"uri": "pod.yaml", "uriBaseId": "%SRCROOT%"},
                    "replacements": [
                        {"deletedRegion": {"startLine": 7, "startColumn": 7, "endLine": 7, "endColumn": 7}, "insertedContent": {"text": ENV}},
                        {"deletedRegion": {"startLine": 7, "startColumn": 34, "endLine": 7, "endColumn": 34}, "insertedContent": {"text": GUARD}},
                        {"deletedRegion": {"startLine": 7, "startColumn": 64, "endLine": 7, "endColumn": 64}, "insertedContent": {"text": "; fi"}},
                    ],
                }
            ],
        }
    ]
    assert Path("pod.yaml").read_bytes() == POD.encode()


def test_sarif_has_no_fix_for_an_unsafe_one_unless_asked(tmp_cwd):
    Path("pod.yaml").write_bytes(POD.replace("spec:\r\n", "spec:\r\n  hostNetwork: true\r\n").encode())
    (result,) = json.loads(cli("check", "pod.yaml", "--format", "sarif").stdout)["runs"][0]["results"]
    assert (result["ruleId"], "fixes" in result) == ("PL201", False)
    (result,) = json.loads(cli("check", "pod.yaml", "--format", "sarif", "--unsafe-fixes").stdout)["runs"][0]["results"]
    assert [r["deletedRegion"]["startLine"] for r in result["fixes"][0]["artifactChanges"][0]["replacements"]] == [8, 8, 8]


def test_rdjson_diagnostics_carry_suggestions_in_utf8_byte_columns(tmp_cwd):
    Path("pod.yaml").write_bytes(POD.encode())
    result = json.loads(cli("check", "pod.yaml", "--format", "rdjson").stdout)
    jsonschema.validate(result, _schema("reviewdog-DiagnosticResult.schema.json"))
    (diagnostic,) = result["diagnostics"]
    assert diagnostic["suggestions"] == [
        {"range": {"start": {"line": 7, "column": 7}, "end": {"line": 7, "column": 7}}, "text": ENV},
        {"range": {"start": {"line": 7, "column": 35}, "end": {"line": 7, "column": 35}}, "text": GUARD},
        {"range": {"start": {"line": 7, "column": 65}, "end": {"line": 7, "column": 65}}, "text": "; fi"},
    ]
    (line,) = cli("check", "pod.yaml", "--format", "rdjsonl").stdout.splitlines()
    jsonschema.validate(json.loads(line), _schema("reviewdog-Diagnostic.schema.json"))
    assert json.loads(line)["suggestions"] == diagnostic["suggestions"]


def test_the_text_report_does_not_compute_fixes(tmp_cwd, monkeypatch):
    from portlint import runner

    def fail(*args, **kwargs):
        raise AssertionError("fixes computed for a text report")

    monkeypatch.setattr(runner, "fix_files", fail)
    Path("pod.yaml").write_bytes(POD.encode())
    assert cli("check", "pod.yaml").exit_code == 1


def test_no_fix_for_stdin_even_named_as_a_file_on_disk(tmp_cwd):
    """The text came from stdin: a fix computed from the file of that name could be wrong."""
    Path("pod.yaml").write_bytes(POD.encode())
    log = json.loads(cli("check", "-", "--stdin-filename", "pod.yaml", "--format", "sarif", input=POD).stdout)
    (result,) = log["runs"][0]["results"]
    assert (result["ruleId"], "fixes" in result) == ("PL101", False)

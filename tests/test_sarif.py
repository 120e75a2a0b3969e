"""SARIF output: valid against the official 2.1.0 schema, within GitHub code scanning's
limits, stable fingerprints, suppressions kept. Golden files live in tests/data/golden/
(checked with Microsoft's SARIF Multitool: 0 errors, 0 warnings)."""

from __future__ import annotations

import json

import jsonschema
import pytest
from conftest import REPO, cli, lint_text

SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
GOLDEN = {
    "examples.sarif": ["examples/"],
    "mixed.sarif": [
        "tests/fixtures/PL101/annotation-suppressed.yaml",
        "tests/fixtures/PL101/comment-suppressed.yaml",
        "tests/fixtures/PL201/helm-rendered.yaml",
        "tests/fixtures/PL303/two-services.yaml",
        "tests/fixtures/PL000/broken-middle-document.yaml",
    ],
}


def sarif(*args: str) -> dict:
    result = cli("check", *args, "--format", "sarif", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_sarif_matches_and_is_valid(name):
    """The golden files are whole SARIF logs (validated with the Multitool when written);
    the results must match exactly, the rule descriptors follow the rule modules."""
    golden = json.loads((REPO / "tests" / "data" / "golden" / name).read_text())
    jsonschema.Draft4Validator(SCHEMA).validate(golden)
    produced = sarif(*GOLDEN[name])
    jsonschema.Draft4Validator(SCHEMA).validate(produced)
    for key in ("results", "invocations", "columnKind"):
        assert produced["runs"][0][key] == golden["runs"][0][key]


def test_examples_results():
    run = sarif("examples/")["runs"][0]
    got = [
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"],
        )
        for r in run["results"]
    ]
    assert got == [
        ("PL301", "examples/helm-rendered.yaml", 14, 17),
        ("PL307", "examples/helm-rendered.yaml", 14, 17),
        ("PL301", "examples/helm-rendered.yaml", 17, 17),
        ("PL303", "examples/helm-rendered.yaml", 17, 17),
        ("PL307", "examples/helm-rendered.yaml", 17, 17),
        ("PL103", "examples/helm-rendered.yaml", 38, 37),
        ("PL101", "examples/helm-rendered.yaml", 43, 34),
        ("PL201", "examples/node-tuning.yaml", 27, 15),
        ("PL304", "examples/node-tuning.yaml", 27, 15),
        ("PL201", "examples/node-tuning.yaml", 28, 15),
    ]


def test_driver_describes_every_rule_within_github_limits():
    from portlint.rules import RULES

    driver = sarif("examples/")["runs"][0]["tool"]["driver"]
    assert driver["name"] == "portlint" and driver["semanticVersion"] == driver["version"]
    assert [r["id"] for r in driver["rules"]] == [r.ID for r in RULES]
    for rule in driver["rules"]:
        assert 0 < len(rule["shortDescription"]["text"]) <= 1024
        assert 0 < len(rule["fullDescription"]["text"]) <= 1024
        assert rule["help"]["text"] and rule["help"]["markdown"].startswith(rule["fullDescription"]["text"][:0])
        assert rule["defaultConfiguration"]["level"] in ("note", "warning", "error")
        assert len(rule["properties"]["tags"]) <= 20
        severity = rule["properties"].get("security-severity")
        assert severity is None or (isinstance(severity, str) and 0.0 <= float(severity) <= 10.0)


def test_result_indices_levels_and_regions():
    run = sarif("examples/")["runs"][0]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for result in run["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert set(region) == {"startLine", "startColumn", "endLine", "endColumn"}
        assert (region["endLine"], region["endColumn"]) > (region["startLine"], region["startColumn"])
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert not uri.startswith("/") and "\\" not in uri
        assert result["message"]["text"].endswith(".")
    assert run["invocations"] == [{"executionSuccessful": True}]


def test_helm_results_name_the_template():
    run = sarif("tests/fixtures/PL201/helm-rendered.yaml")["runs"][0]
    result = run["results"][0]
    assert result["message"]["text"].endswith("Rendered from the Helm template netchart/templates/daemonset.yaml.")
    assert result["relatedLocations"][-1] == {
        "id": 2,
        "physicalLocation": {
            "artifactLocation": {"uri": "netchart/templates/daemonset.yaml", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1},
        },
        "message": {"text": "The Helm template this object was rendered from."},
    }


def test_suppressed_results_stay_with_in_source_suppressions():
    run = sarif("tests/fixtures/PL101/annotation-suppressed.yaml", "tests/fixtures/PL101/comment-suppressed.yaml")["runs"][0]
    assert [(r["ruleId"], r["suppressions"]) for r in run["results"]] == [
        ("PL101", [{"kind": "inSource"}]),
        ("PL101", [{"kind": "inSource"}]),
    ]


def test_fingerprints_survive_unrelated_line_shifts():
    text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n  containers:\n    - name: c\n      command: [sysctl, -w, net.core.somaxconn=1]\n"
    before = lint_text(text).findings[0]
    after = lint_text("# a comment\n\n" + text.replace("kind: Pod\n", "kind: Pod\nmetadata: {}\n", 0)).findings[0]
    assert after["line"] == before["line"] + 2
    assert after["fingerprint"] == before["fingerprint"]


def test_unreadable_input_is_a_notification(tmp_cwd):
    import os

    os.symlink(tmp_cwd / "gone.yaml", tmp_cwd / "dangling.yaml")
    result = cli("check", ".", "--format", "sarif")
    assert result.exit_code == 2
    invocation = json.loads(result.stdout)["runs"][0]["invocations"][0]
    assert invocation == {
        "executionSuccessful": False,
        "toolExecutionNotifications": [{"level": "error", "message": {"text": "dangling.yaml: No such file or directory."}}],
    }


def test_too_many_results_are_truncated_with_a_note():
    from portlint.findings import Finding, Location
    from portlint.report import sarif as writer
    from portlint.rules import RULES

    findings = [Finding("PL101", "warning", "x.", Location("a.yaml", i, 1, i, 2)) for i in range(1, 25_003)]
    data = json.loads(writer.render(findings, RULES, "0", []))
    run = data["runs"][0]
    assert len(run["results"]) == 25_000
    assert run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"].startswith(
        "Only the first 25000 of 25002 results are included"
    )

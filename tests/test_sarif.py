"""SARIF output: valid against the official 2.1.0 schema, what GitHub code scanning accepts
(percent-encoded %SRCROOT% URIs, automationDetails, the security tag, a valid log on input
errors), within its limits, stable fingerprints, suppressions kept.

Golden files live in tests/data/golden/; `python3 -m pytest tests/test_sarif.py
--update-golden` rewrites them, and every changed line is reviewed in the same commit
(tests/data/SOURCES.md). Each was checked with Microsoft's SARIF Multitool when written
(../shared/tools/sarif-validate: 0 errors, 0 warnings); the tests check the OASIS schema."""

from __future__ import annotations

import json
import types
from pathlib import Path

import jsonschema
import pytest
from conftest import REPO, cli, lint_text

SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
GOLDEN_DIR = REPO / "tests" / "data" / "golden"
SRCROOT_IN_GOLDEN = "file:///SRCROOT/"  # the working directory differs between machines
# golden file -> (arguments of `portlint check --format sarif --fail-on never`, exit code)
GOLDEN = {
    "examples.sarif": (["examples/"], 0),
    "mixed.sarif": (
        [
            "tests/fixtures/PL101/annotation-suppressed.yaml",
            "tests/fixtures/PL101/comment-suppressed.yaml",
            "tests/fixtures/PL201/helm-rendered.yaml",
            "tests/fixtures/PL303/two-services.yaml",
            "tests/fixtures/PL000/broken-middle-document.yaml",
        ],
        0,
    ),
    # a finding of the run itself (a range from a flag, no file): a notification, no result
    "run-level.sarif": (
        ["examples/guarded-sidecar.yaml", "--ephemeral-port-range", "20000-40000", "--reserved-ports", "30000-31000"],
        0,
    ),
    # an input error: still a valid log, executionSuccessful false
    "input-error.sarif": (["tests/no-such-file.yaml"], 2),
}
HOSTNET_WRITE = """apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostNetwork: true
  containers:
    - name: c
      image: busybox
      command: [sysctl, -w, net.core.somaxconn=1024]
"""


def sarif(*args: str, exit_code: int = 0) -> dict:
    result = cli("check", *args, "--format", "sarif", "--fail-on", "never")
    assert result.exit_code == exit_code, result.stderr
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    return log


def _comparable(log: dict) -> dict:
    """The log without what changes with the machine or with a rule's help text: the
    %SRCROOT% directory, and each rule descriptor's texts (they come from the rule modules,
    whose tests check them)."""
    log = json.loads(json.dumps(log))
    run = log["runs"][0]
    run["originalUriBaseIds"]["%SRCROOT%"]["uri"] = SRCROOT_IN_GOLDEN
    run["tool"]["driver"]["rules"] = [
        {key: rule[key] for key in ("id", "name", "defaultConfiguration", "properties")} for rule in run["tool"]["driver"]["rules"]
    ]
    return log


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_sarif_matches_and_is_valid(name, update_golden):
    args, exit_code = GOLDEN[name]
    result = cli("check", *args, "--format", "sarif", "--fail-on", "never")
    assert result.exit_code == exit_code, result.stderr
    produced = json.loads(result.stdout)
    jsonschema.Draft4Validator(SCHEMA).validate(produced)
    path = GOLDEN_DIR / name
    if update_golden:  # portlint's own bytes (one result a line), with the placeholder root
        here = '"uri": ' + json.dumps(REPO.as_uri() + "/")
        assert result.stdout.count(here) == 1
        path.write_text(result.stdout.replace(here, '"uri": ' + json.dumps(SRCROOT_IN_GOLDEN)), encoding="utf-8")
    golden = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(SCHEMA).validate(golden)
    assert _comparable(produced) == _comparable(golden)


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
    ]


def test_run_carries_srcroot_automation_details_and_column_kind():
    run = sarif("examples/")["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": REPO.as_uri() + "/"}}
    assert run["automationDetails"] == {"id": "portlint/"}
    assert run["columnKind"] == "unicodeCodePoints"
    for result in run["results"]:
        for place in result["locations"] + result.get("relatedLocations", []):
            assert place["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"


@pytest.mark.parametrize(
    ("given", "expected"),
    [("deploy", "deploy/"), ("deploy/", "deploy/"), ("deploy/2026-11-28", "deploy/2026-11-28"), ("k8s manifests", "k8s manifests/")],
)
def test_sarif_category_sets_the_automation_id(given, expected):
    run = sarif("examples/guarded-sidecar.yaml", "--sarif-category", given)["runs"][0]
    assert run["automationDetails"] == {"id": expected}


def test_an_empty_sarif_category_is_an_error():
    result = cli("check", "examples/", "--format", "sarif", "--sarif-category", "/")
    assert result.exit_code == 2
    assert result.stderr == "portlint: error: --sarif-category: must not be empty\n"


def test_paths_with_space_hash_and_percent_are_percent_encoded(tmp_cwd, tmp_path_factory):
    (tmp_cwd / "k8s dir").mkdir()
    (tmp_cwd / "k8s dir" / "svc #1 100%.yaml").write_text(HOSTNET_WRITE)
    outside = tmp_path_factory.mktemp("elsewhere") / "pod a#b.yaml"
    outside.write_text(HOSTNET_WRITE)
    run = sarif("k8s dir", str(outside))["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": tmp_cwd.as_uri() + "/"}}
    places = [
        [p["physicalLocation"]["artifactLocation"] for p in r["locations"] + r["relatedLocations"]] for r in run["results"]
    ]
    inside = {"uri": "k8s%20dir/svc%20%231%20100%25.yaml", "uriBaseId": "%SRCROOT%"}
    # outside the working directory: an absolute file URI, no base
    elsewhere = {"uri": outside.parent.as_uri() + "/pod%20a%23b.yaml"}
    by_uri = sorted(places, key=lambda p: p[0]["uri"])
    assert by_uri == [[elsewhere, elsewhere], [inside, inside]]


def test_artifact_locations():
    from portlint.report.sarif import artifact_location, directory_uri

    assert artifact_location("a:b.yaml", "/w") == {"uri": "a%3Ab.yaml", "uriBaseId": "%SRCROOT%"}
    assert artifact_location("dir/é.yaml", "/w") == {"uri": "dir/%C3%A9.yaml", "uriBaseId": "%SRCROOT%"}
    assert artifact_location("../up/x y.yaml", "/w/repo") == {"uri": "file:///w/up/x%20y.yaml"}
    assert artifact_location("..", "/w/repo") == {"uri": "file:///w"}
    assert artifact_location("..foo/x.yaml", "/w") == {"uri": "..foo/x.yaml", "uriBaseId": "%SRCROOT%"}
    assert directory_uri("/") == "file:///"
    assert directory_uri("/w/my repo") == "file:///w/my%20repo/"


def test_driver_describes_every_rule_within_github_limits():
    from portlint.rules import RULES

    driver = sarif("examples/")["runs"][0]["tool"]["driver"]
    assert driver["name"] == "portlint" and driver["semanticVersion"] == driver["version"]
    assert [r["id"] for r in driver["rules"]] == [r.ID for r in RULES]
    for rule in driver["rules"]:
        assert 0 < len(rule["shortDescription"]["text"]) <= 1024
        assert 0 < len(rule["fullDescription"]["text"]) <= 1024
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in ("note", "warning", "error")
        assert len(rule["properties"]["tags"]) <= 10  # GitHub shows only the first 10
        severity = rule["properties"].get("security-severity")
        assert severity is None or (isinstance(severity, str) and 0.0 <= float(severity) <= 10.0)


def test_rules_with_a_security_severity_carry_the_security_tag_once():
    from portlint.rules import RULES

    rules = {r["id"]: r for r in sarif("examples/")["runs"][0]["tool"]["driver"]["rules"]}
    for module in RULES:
        tags = rules[module.ID]["properties"]["tags"]
        if module.SECURITY_SEVERITY is None:
            assert tags == list(module.TAGS)
        else:
            assert tags.count("security") == 1
            assert tags == list(module.TAGS) + ([] if "security" in module.TAGS else ["security"])
    assert rules["PL304"]["properties"] == {
        "tags": ["reliability", "networking", "ports", "security"],
        "precision": "high",
        "security-severity": "5.5",
    }


def _fake_rule(paragraph: str) -> types.SimpleNamespace:
    return types.SimpleNamespace(
        ID="PL999",
        NAME="fake",
        LEVEL="note",
        SUMMARY="A fake rule.",
        TAGS=("x",),
        PRECISION="low",
        SECURITY_SEVERITY=None,
        __doc__=f"Title.\n\n{paragraph}\n",
    )


def test_full_description_at_exactly_the_limit_is_kept_and_one_past_is_cut():
    from portlint.report.sarif import rule_descriptor

    exact = ("word " * 205)[:1023] + "."  # 1024 characters
    assert len(exact) == 1024
    assert rule_descriptor(_fake_rule(exact))["fullDescription"]["text"] == exact
    over = exact[:-1] + "x."  # 1025 characters
    cut = rule_descriptor(_fake_rule(over))["fullDescription"]["text"]
    assert len(cut) <= 1024 and cut.endswith(" ...")
    assert cut == exact[:1020].rsplit(" ", 1)[0] + " ..."


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
    assert result["message"]["text"].endswith("(rendered from netchart/templates/daemonset.yaml).")
    # the '# Source:' path is not a file of this repository: no location points at it
    related = [r["physicalLocation"]["artifactLocation"]["uri"] for r in result.get("relatedLocations", [])]
    assert "netchart/templates/daemonset.yaml" not in related


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


def test_a_write_s_fingerprint_follows_its_container_and_key_not_its_value():
    text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n  containers:\n    - name: c\n"
    text += "      command: [sh, -c, 'sysctl -w net.core.somaxconn=VALUE']\n"
    text += "    - name: d\n      command: [sh, -c, 'sysctl -w net.core.rmem_max=1']\n"
    first, second = (f["fingerprint"] for f in lint_text(text.replace("VALUE", "1")).findings)
    assert first != second  # two containers, two findings to track
    assert [f["fingerprint"] for f in lint_text(text.replace("VALUE", "2")).findings] == [first, second]


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


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere.yaml"], "nowhere.yaml: no such file or directory"),
        (["pod.yaml", "--config", "missing.yaml"], "missing.yaml: cannot read config file: No such file or directory"),
        (["pod.yaml", "--ephemeral-port-range", "60999 32768"], '--ephemeral-port-range: "60999 32768" is reversed: the low end 60999 is above the high end 32768'),
        (["pod.yaml", "--select", "PL999"], "--select: unknown rule id 'PL999'; `portlint rules` lists them"),
    ],
)
def test_errors_before_linting_still_write_a_valid_sarif_and_exit_2(tmp_cwd, args, message):
    (tmp_cwd / "pod.yaml").write_text(HOSTNET_WRITE)
    result = cli("check", *args, "--format", "sarif", "--output", "out.sarif")
    assert result.exit_code == 2
    assert result.stderr == f"portlint: error: {message}\n"
    log = json.loads((tmp_cwd / "out.sarif").read_text())
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    run = log["runs"][0]
    assert run["results"] == []
    assert run["invocations"] == [
        {"executionSuccessful": False, "toolExecutionNotifications": [{"level": "error", "message": {"text": message + "."}}]}
    ]
    assert run["automationDetails"] == {"id": "portlint/"}


RUN_LEVEL_MESSAGE = (
    "The ephemeral port range 20000-40000 (--ephemeral-port-range 20000-40000) overlaps the NodePort range "
    "30000-32767 (the kube-apiserver default) and ports 31001-32767 are not reserved by --reserved-ports 30000-31000"
)


def test_a_finding_without_a_file_is_a_notification_with_its_rule_not_a_result():
    """GitHub rejects a whole upload when one result has no location, so a finding of the
    run itself is a toolExecutionNotification at its level, naming its rule."""
    from portlint.rules import RULES

    flags = ("--ephemeral-port-range", "20000-40000", "--reserved-ports", "30000-31000")
    result = cli("check", "examples/guarded-sidecar.yaml", *flags, "--format", "sarif")
    assert result.exit_code == 1  # an error-level finding, even without a file
    run = json.loads(result.stdout)["runs"][0]
    assert run["results"] == []
    assert run["invocations"] == [
        {
            "executionSuccessful": True,
            "toolExecutionNotifications": [
                {
                    "level": "error",
                    "message": {"text": RUN_LEVEL_MESSAGE + "."},
                    "associatedRule": {"id": "PL304", "index": [r.ID for r in RULES].index("PL304")},
                }
            ],
        }
    ]
    assert run["tool"]["driver"]["rules"][run["invocations"][0]["toolExecutionNotifications"][0]["associatedRule"]["index"]][
        "id"
    ] == "PL304"


def _many(n: int):
    from portlint.findings import Finding, Location

    return [Finding("PL101", "warning", "x.", Location("a.yaml", i, 1, i, 2)) for i in range(1, n + 1)]


def _render(findings, errors=()) -> dict:
    from portlint import report
    from portlint.rules import RULES

    info = report.RunInfo("0", RULES, cwd="/w")
    return json.loads(report.render_text("sarif", info, findings, report.Summary(files=1, errors=errors)))


def test_exactly_the_result_limit_is_written_whole():
    from portlint.findings import Finding

    run = _render([Finding("PL304", "error", "Run level.", None)] + _many(25_000))["runs"][0]
    assert len(run["results"]) == 25_000
    assert run["results"][-1]["locations"][0]["physicalLocation"]["region"]["startLine"] == 25_000
    # the run-level finding is a notification, and does not count against the limit
    assert [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]] == ["Run level."]


def test_one_past_the_result_limit_is_truncated_with_a_note():
    run = _render(_many(25_001))["runs"][0]
    assert len(run["results"]) == 25_000
    assert run["results"][-1]["locations"][0]["physicalLocation"]["region"]["startLine"] == 25_000
    assert run["invocations"] == [
        {
            "executionSuccessful": True,
            "toolExecutionNotifications": [
                {
                    "level": "warning",
                    "message": {
                        "text": "Only the first 25000 of 25001 results are included: GitHub code scanning accepts at "
                        "most 25,000 results per run."
                    },
                }
            ],
        }
    ]


def test_an_empty_run_is_valid():
    log = _render([])
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": True}]


def test_golden_files_use_the_srcroot_placeholder():
    for path in sorted(GOLDEN_DIR.glob("*.sarif")):
        log = json.loads(Path(path).read_text(encoding="utf-8"))
        assert log["runs"][0]["originalUriBaseIds"] == {"%SRCROOT%": {"uri": SRCROOT_IN_GOLDEN}}, path.name


def test_an_error_is_named_even_when_the_report_cannot_be_written(tmp_cwd):
    result = cli("check", "nowhere.yaml", "--format", "sarif", "--output", "no-dir/out.sarif")
    assert result.exit_code == 2
    assert result.stderr == (
        "portlint: error: nowhere.yaml: no such file or directory\n"
        "portlint: error: no-dir/out.sarif: cannot write the report: No such file or directory\n"
    )


def test_the_log_is_indented_by_two_with_one_result_a_line_and_text_unescaped():
    from portlint import report
    from portlint.findings import Finding, Location
    from portlint.rules import RULES

    info = report.RunInfo("0", RULES, automation_id="café/", cwd="/w")
    finding = Finding("PL101", "warning", "Café.", Location("a.yaml", 3, 1, 3, 2))
    text = report.render_text("sarif", info, [finding], report.Summary(files=1, errors=("bad é",)))
    lines = text.split("\n")
    assert '      "automationDetails": {' in lines and '        "id": "café/"' in lines
    results = lines.index('      "results": [')
    index = [rule.ID for rule in RULES].index("PL101")
    assert lines[results + 1].startswith(
        f'        {{"ruleId": "PL101", "ruleIndex": {index}, "level": "warning", "message": {{"text": "Café."}}, "locations": '
    )
    assert lines[results + 2 :] == [
        "      ],",
        '      "invocations": [',
        "        {",
        '          "executionSuccessful": false,',
        '          "toolExecutionNotifications": [',
        "            {",
        '              "level": "error",',
        '              "message": {',
        '                "text": "bad é."',
        "              }",
        "            }",
        "          ]",
        "        }",
        "      ]",
        "    }",
        "  ]",
        "}",
        "",
    ]


def test_a_result_line_is_json_s_own_encoding_of_it():
    # the writer writes each result's JSON itself: it must be exactly what json gives for the
    # same structure (keys in order, ", " and ": " separators, text unescaped but for JSON's
    # own escapes), with two related locations, a suppression with a reason, and a path and a
    # message that need escaping
    from portlint import report
    from portlint.findings import Finding, Location
    from portlint.rules import RULES
    from portlint.suppressions import Suppression

    place = Location('dir name/a "b".yaml', 7, 3, 9, 1)
    finding = Finding(
        "PL303",
        "error",
        'nodePort "30000" \\ taken\tby é',
        place,
        related=[Location("other.yaml", 2, 5, 2, 10, "first use"), Location("x%.yaml", 4, 1, 4, 2)],
        key="k",
        suppressed=True,
        suppressed_by=Suppression(frozenset({"PL303"}), "shared on purpose", Location('dir name/a "b".yaml', 6, 1, 6, 20)),
    )
    info = report.RunInfo("0", RULES, cwd="/w")
    lines = report.render_text("sarif", info, [finding], report.Summary(files=1)).split("\n")
    line = lines[lines.index('      "results": [') + 1].strip()
    result = json.loads(line)
    assert line == json.dumps(result, ensure_ascii=False, separators=(", ", ": "))
    assert result["message"]["text"] == 'nodePort "30000" \\ taken\tby é.'
    assert result["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "dir%20name/a%20%22b%22.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 7, "startColumn": 3, "endLine": 9, "endColumn": 1},
    }
    related = result["relatedLocations"]
    assert [(r["id"], r["physicalLocation"]["artifactLocation"]["uri"], r["message"]["text"]) for r in related] == [
        (1, "other.yaml", "first use."),
        (2, "x%25.yaml", "Related location."),
    ]
    assert result["suppressions"] == [{"kind": "inSource", "justification": "shared on purpose"}]

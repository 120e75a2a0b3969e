"""The formats for CI systems (GitLab Code Quality, JUnit XML, Checkstyle XML, reviewdog's
rdjson/rdjsonl): exact output for hand-made findings, the consumers' published schemas on
real runs, and fingerprints shared by every format and unique in a report."""

from __future__ import annotations

import json
import types
import xml.etree.ElementTree as ET

import jsonschema
from conftest import REPO, cli

from portlint import report
from portlint.findings import Finding, Location
from portlint.rules import RULES

DATA = REPO / "tests" / "data"


def _render(format: str, findings, cwd: str = "/w", unread=frozenset(), summary=None) -> str:
    info = report.RunInfo("0", RULES, cwd=cwd, unread=unread)
    return report.render_text(format, info, findings, summary or report.Summary(files=2))


def _findings():
    """A run-level finding, two in a.yaml (one suppressed), one in b.yaml."""
    return [
        Finding("PL304", "error", "Range from a flag.", None, key="flag"),
        Finding("PL101", "warning", 'Write "x" & <y>.', Location("a.yaml", 3, 4, 3, 9), key="k1"),
        Finding("PL103", "warning", "Hidden.", Location("a.yaml", 5, 1, 5, 2), key="k2", suppressed=True),
        Finding("PL307", "note", "Band.", Location("b.yaml", 7, 2, 8, 3), key="k3"),
    ]


def _schema(name: str) -> dict:
    return json.loads((DATA / name).read_text())


# --- GitLab Code Quality ------------------------------------------------------------------


def test_gitlab_issues_for_located_and_run_level_findings():
    issues = json.loads(_render("gitlab", _findings()))
    run_level, write, band = _findings()[0], _findings()[1], _findings()[3]
    assert issues == [
        {
            "type": "issue",
            "check_name": "PL304",
            "description": "PL304 ephemeral-range-overlaps-nodeports: Range from a flag.",
            "categories": ["Bug Risk"],
            "severity": "major",
            "fingerprint": run_level.fingerprint(),
            "location": {"path": ".", "lines": {"begin": 1}},
        },
        {
            "type": "issue",
            "check_name": "PL101",
            "description": 'PL101 unguarded-sysctl-write: Write "x" & <y>.',
            "categories": ["Bug Risk"],
            "severity": "minor",
            "fingerprint": write.fingerprint(),
            "location": {"path": "a.yaml", "lines": {"begin": 3, "end": 3}},
        },
        {
            "type": "issue",
            "check_name": "PL307",
            "description": "PL307 nodeport-outside-static-band: Band.",
            "categories": ["Bug Risk"],
            "severity": "info",
            "fingerprint": band.fingerprint(),
            "location": {"path": "b.yaml", "lines": {"begin": 7, "end": 8}},
        },
    ]


def test_gitlab_report_without_findings_is_an_empty_array():
    assert _render("gitlab", []) == "[]\n"


def test_gitlab_report_is_utf8_text_not_escapes():
    found = [Finding("PL101", "warning", "Écrit.", Location("réseau.yaml", 1, 1, 1, 2))]
    assert '"path": "réseau.yaml"' in _render("gitlab", found) and "PL101 unguarded-sysctl-write: Écrit." in _render("gitlab", found)


def test_the_same_finding_twice_gets_two_fingerprints_shared_by_every_format():
    """GitLab keeps one issue per fingerprint: the same Service twice in one file must not
    collapse into one. The first keeps the fingerprint it has alone; SARIF, JSON and GitLab agree."""
    twice = [Finding("PL302", "error", "Out of range.", Location("s.yaml", line, 5, line, 10), key="svc:port") for line in (10, 21)]
    alone = twice[0].fingerprint()
    gitlab = [issue["fingerprint"] for issue in json.loads(_render("gitlab", twice))]
    as_json = [f["fingerprint"] for f in json.loads(_render("json", twice))["findings"]]
    sarif = json.loads(_render("sarif", twice))["runs"][0]["results"]
    second = Finding("PL302", "error", "Out of range.", Location("s.yaml", 21, 5, 21, 10), key="svc:port", occurrence=1)
    assert gitlab == [alone, second.fingerprint()] and second.fingerprint() != alone
    assert as_json == gitlab == [r["partialFingerprints"]["portlintFingerprint/v1"] for r in sarif]


def test_gitlab_report_of_a_real_run_passes_gitlabs_schema(tmp_cwd):
    for name in ("node-tuning.yaml", "helm-rendered.yaml"):
        (tmp_cwd / name).write_text((REPO / "examples" / name).read_text())
    result = cli("check", ".", "--format", "gitlab")
    issues = json.loads(result.stdout)
    assert result.exit_code == 1 and len(issues) == 9
    for issue in issues:
        jsonschema.validate(issue, _schema("gitlab-codeclimate.schema.json"))
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
    assert len({issue["fingerprint"] for issue in issues}) == 9


# --- JUnit XML --------------------------------------------------------------------------------


def test_junit_one_suite_a_file_with_its_counts():
    assert _render("junit", _findings()) == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<testsuites name="portlint">\n'
        '  <testsuite name="portlint" tests="1" failures="1" errors="0" skipped="0">\n'
        '    <testcase name="portlint ephemeral-range-overlaps-nodeports" classname="portlint.PL304">'
        '<failure message="Range from a flag." type="PL304">portlint: error: Range from a flag. [PL304]</failure></testcase>\n'
        "  </testsuite>\n"
        '  <testsuite name="a.yaml" tests="2" failures="1" errors="0" skipped="1">\n'
        '    <testcase name="a.yaml:3:4 unguarded-sysctl-write" classname="portlint.PL101">'
        "<failure message='Write \"x\" &amp; &lt;y&gt;.' type=\"PL101\">a.yaml:3:4: warning: Write \"x\" &amp; &lt;y&gt;. [PL101]</failure></testcase>\n"
        '    <testcase name="a.yaml:5:1 node-wide-sysctl-write" classname="portlint.PL103">'
        '<skipped message="suppressed in the source"/></testcase>\n'
        "  </testsuite>\n"
        '  <testsuite name="b.yaml" tests="1" failures="1" errors="0" skipped="0">\n'
        '    <testcase name="b.yaml:7:2 nodeport-outside-static-band" classname="portlint.PL307">'
        '<failure message="Band." type="PL307">b.yaml:7:2: note: Band. [PL307]</failure></testcase>\n'
        "  </testsuite>\n"
        "</testsuites>\n"
    )


def test_junit_clean_run_is_one_passing_case_and_input_errors_are_errors():
    assert _render("junit", [], summary=report.Summary(files=1)) == (
        '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="portlint">\n'
        '  <testsuite name="portlint" tests="1" failures="0" errors="0" skipped="0">\n'
        '    <testcase name="no problems found in 1 file" classname="portlint.run"/>\n  </testsuite>\n</testsuites>\n'
    )
    failed = ET.fromstring(_render("junit", [], summary=report.Summary(files=0, errors=("gone.yaml: No such file",))))
    [suite] = failed.findall("testsuite")
    assert (suite.get("name"), suite.get("tests"), suite.get("errors")) == ("portlint input errors", "1", "1")
    assert [(case.get("name"), case.find("error").get("message")) for case in suite] == [("input error 1", "gone.yaml: No such file")]


def test_xml_formats_hold_any_text_from_the_inputs():
    """Control characters and undecodable file names (lone surrogates) cannot be in XML 1.0,
    even as references: they are written as \\uXXXX, as in the text format."""
    odd = [Finding("PL101", "warning", "bell\x07 and\nnewline", Location("caf\udce9.yaml", 1, 1, 1, 2))]
    for format in ("junit", "checkstyle"):
        root = ET.fromstring(_render(format, odd).encode("utf-8"))
        texts = [value for element in root.iter() for value in element.attrib.values()]
        assert "caf\\udce9.yaml" in texts and "bell\\u0007 and\\u000anewline" in texts


def test_junit_reports_pass_the_jenkins_schema(tmp_cwd):
    """The Jenkins xUnit plugin's junit-10.xsd (tests/data/SOURCES.md), checked by a real XSD
    validator, on a real run and on every shape: run-level, suppressed, clean, input errors."""
    import xmlschema

    schema = xmlschema.XMLSchema(str(DATA / "jenkins-junit-10.xsd"))
    (tmp_cwd / "node-tuning.yaml").write_text((REPO / "examples" / "node-tuning.yaml").read_text())
    real = cli("check", "node-tuning.yaml", "--format", "junit").stdout
    for text in (real, _render("junit", _findings()), _render("junit", []), _render("junit", [], summary=report.Summary(errors=("x",)))):
        schema.validate(text)
    [suite] = ET.fromstring(real).findall("testsuite")
    cases = suite.findall("testcase")
    assert suite.get("name") == "node-tuning.yaml" and suite.get("tests") == suite.get("failures") == str(len(cases)) == "2"
    assert [(c.get("classname"), c.get("name").split(" ")[0]) for c in cases] == [
        ("portlint.PL201", "node-tuning.yaml:27:15"),
        ("portlint.PL304", "node-tuning.yaml:27:15"),
    ]


# --- Checkstyle XML ---------------------------------------------------------------------------


def test_checkstyle_one_file_element_per_file():
    assert _render("checkstyle", _findings()) == (
        '<?xml version="1.0" encoding="UTF-8"?>\n<checkstyle version="4.3">\n'
        '  <file name="">\n'
        '    <error severity="error" message="Range from a flag." source="portlint.PL304"/>\n'
        "  </file>\n"
        '  <file name="a.yaml">\n'
        '    <error line="3" column="4" severity="warning" message=\'Write "x" &amp; &lt;y&gt;.\' source="portlint.PL101"/>\n'
        "  </file>\n"
        '  <file name="b.yaml">\n'
        '    <error line="7" column="2" severity="info" message="Band." source="portlint.PL307"/>\n'
        "  </file>\n"
        "</checkstyle>\n"
    )
    assert _render("checkstyle", []) == '<?xml version="1.0" encoding="UTF-8"?>\n<checkstyle version="4.3">\n</checkstyle>\n'


# --- reviewdog rdjson / rdjsonl ---------------------------------------------------------------


def test_rdjson_columns_are_utf8_bytes(tmp_path):
    """reviewdog counts columns in UTF-8 bytes: in `name: "héllo wörld"` the character
    columns 14-19 ("wörld") are bytes 15-21 (é and ö take two bytes each)."""
    (tmp_path / "é.yaml").write_text('name: "héllo wörld"\n', encoding="utf-8")
    found = [Finding("PL101", "warning", "W.", Location("é.yaml", 1, 14, 1, 19, ), key="k")]
    text = _render("rdjsonl", found, cwd=str(tmp_path))
    assert text.count('"path": "é.yaml"') == 1  # UTF-8, not \u escapes
    assert _render("rdjson", found, cwd=str(tmp_path)).count('"path": "é.yaml"') == 1
    [diagnostic] = [json.loads(line) for line in text.splitlines()]
    assert diagnostic == {
        "message": "W.",
        "location": {"path": "é.yaml", "range": {"start": {"line": 1, "column": 15}, "end": {"line": 1, "column": 21}}},
        "severity": "WARNING",
        "source": {"name": "portlint", "url": "https://github.com/portlint/portlint"},
        "code": {"value": "PL101", "url": "https://github.com/portlint/portlint/blob/main/docs/rules/PL101.md"},
    }


def test_rdjson_gives_whole_lines_where_the_text_is_not_the_files(tmp_path):
    """stdin (its name may be a file on disk with other text), a file gone since, a line past
    the end: no column, which reviewdog reads as the whole line."""
    (tmp_path / "a.yaml").write_text("x: 1\n")
    found = [
        Finding("PL101", "warning", "Stdin.", Location("a.yaml", 1, 4, 1, 5)),
        Finding("PL101", "warning", "Gone.", Location("gone.yaml", 2, 3, 2, 4)),
    ]
    lines = _render("rdjsonl", found, cwd=str(tmp_path), unread=frozenset({"a.yaml"})).splitlines()
    assert [json.loads(line)["location"]["range"] for line in lines] == [
        {"start": {"line": 1}, "end": {"line": 1}},
        {"start": {"line": 2}, "end": {"line": 2}},
    ]
    past = [Finding("PL101", "warning", "Past.", Location("a.yaml", 1, 1, 3, 1))]
    assert json.loads(_render("rdjsonl", past, cwd=str(tmp_path)))["location"]["range"] == {
        "start": {"line": 1},
        "end": {"line": 3},
    }
    # the end of the last line is the start of the empty line after it (a PL000 at the end)
    last = [Finding("PL000", "error", "End.", Location("a.yaml", 1, 5, 2, 1))]
    assert json.loads(_render("rdjsonl", last, cwd=str(tmp_path)))["location"]["range"] == {
        "start": {"line": 1, "column": 5},
        "end": {"line": 2, "column": 1},
    }


def test_rdjson_result_and_rdjsonl_lines_hold_the_same_diagnostics():
    result = json.loads(_render("rdjson", _findings()))
    assert '"message": "Write \\"x\\" & <y>."' in _render("rdjson", _findings())  # not HTML-escaped, UTF-8
    lines = [json.loads(line) for line in _render("rdjsonl", _findings()).splitlines()]
    assert result["source"] == {"name": "portlint", "url": "https://github.com/portlint/portlint"}
    assert result["diagnostics"] == lines
    assert [(d["code"]["value"], d["severity"], "location" in d) for d in lines] == [
        ("PL304", "ERROR", False),  # the run's own: no file
        ("PL101", "WARNING", True),  # the suppressed PL103 is left out
        ("PL307", "INFO", True),
    ]
    assert json.loads(_render("rdjson", [])) == {"source": result["source"], "diagnostics": []}


def test_rdjson_reports_of_a_real_run_pass_reviewdogs_schemas(tmp_cwd):
    (tmp_cwd / "node-tuning.yaml").write_text((REPO / "examples" / "node-tuning.yaml").read_text())
    result = json.loads(cli("check", "node-tuning.yaml", "--format", "rdjson").stdout)
    jsonschema.validate(result, _schema("reviewdog-DiagnosticResult.schema.json"))
    lines = cli("check", "node-tuning.yaml", "--format", "rdjsonl").stdout.splitlines()
    for line in lines:
        jsonschema.validate(json.loads(line), _schema("reviewdog-Diagnostic.schema.json"))
    first = result["diagnostics"][0]
    # node-tuning.yaml line 27 is `              sysctl -w net.ipv4.ip_local_port_range="1024 65535"`
    # (ASCII: bytes are characters); hostNetwork: true is line 16, columns 7-24; the same
    # container's other write, `sysctl -w net.core.somaxconn=4096`, is line 28, columns 15-48
    assert (first["code"]["value"], first["location"]["range"]["start"]) == ("PL201", {"line": 27, "column": 15})
    assert first["related_locations"] == [
        {
            "message": "hostNetwork: true is set here",
            "location": {"path": "node-tuning.yaml", "range": {"start": {"line": 16, "column": 7}, "end": {"line": 16, "column": 24}}},
        },
        {
            "message": "It also writes net.core.somaxconn=4096 here",
            "location": {"path": "node-tuning.yaml", "range": {"start": {"line": 28, "column": 15}, "end": {"line": 28, "column": 48}}},
        },
    ]
    assert len(lines) == len(result["diagnostics"]) == 2


# --- full: the text lines with the source under them -----------------------------------------


def test_full_shows_the_line_and_carets_under_the_region(tmp_path):
    (tmp_path / "a.yaml").write_text("kind: Pod\nspec:\n  hostNetwork: true\n  x: [sysctl, -w, k=v]\n")
    found = [
        Finding("PL304", "error", "Run level.", None),
        Finding("PL201", "error", "Write.", Location("a.yaml", 4, 19, 4, 22), [Location("a.yaml", 3, 3, 3, 20, "hostNetwork here")]),
        Finding("PL201", "error", "Again.", Location("a.yaml", 4, 7, 5, 1)),  # to the next line: carets to the line's end
        Finding("PL101", "warning", "Hidden.", Location("a.yaml", 1, 1, 1, 2), suppressed=True),
    ]
    assert _render("full", found, cwd=str(tmp_path)) == (
        "portlint: error: Run level. [PL304]\n"
        "    = help: portlint explain PL304\n"
        "\n"
        "a.yaml:4:19: error: Write. [PL201]\n"
        "  |\n"
        "4 |   x: [sysctl, -w, k=v]\n"
        "  |                   ^^^\n"
        "    = related: a.yaml:3:3: hostNetwork here\n"
        "    = help: portlint explain PL201\n"
        "\n"
        "a.yaml:4:7: error: Again. [PL201]\n"
        "  |\n"
        "4 |   x: [sysctl, -w, k=v]\n"
        "  |       ^^^^^^^^^^^^^^^^\n"
        "\n"
    )


def test_full_aligns_carets_after_escaped_characters_and_keeps_text_without_a_file(tmp_path):
    """A tab is shown as \\u0009 (six characters): the carets move with it. A file that cannot
    be reread gives the finding's line alone."""
    (tmp_path / "t.yaml").write_text("a:\tb\n" + "\n" * 9 + "long: line\n")
    found = [
        Finding("PL101", "warning", "Tab.", Location("t.yaml", 1, 4, 1, 5)),
        Finding("PL101", "warning", "Ten.", Location("t.yaml", 11, 1, 11, 5)),
        Finding("PL101", "warning", "Gone.", Location("gone.yaml", 1, 1, 1, 2)),
    ]
    assert _render("full", found, cwd=str(tmp_path)).split("\n\n") == [
        "t.yaml:1:4: warning: Tab. [PL101]\n  |\n1 | a:\\u0009b\n  |         ^\n    = help: portlint explain PL101",
        "t.yaml:11:1: warning: Ten. [PL101]\n   |\n11 | long: line\n   | ^^^^",
        "gone.yaml:1:1: warning: Gone. [PL101]",
        "",
    ]


def test_full_summary_goes_to_stderr_as_with_text(tmp_cwd):
    (tmp_cwd / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n"
        "  containers:\n    - name: c\n      image: busybox\n      command: [sysctl, -w, net.core.somaxconn=1024]\n"
    )
    result = cli("check", "pod.yaml", "--format", "full")
    # line 9 is `      command: [sysctl, -w, net.core.somaxconn=1024]`: the write's word starts at column 29
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:4] == [
        result.stdout.splitlines()[0],
        "  |",
        "9 |       command: [sysctl, -w, net.core.somaxconn=1024]",
        "  |                             " + "^" * len("net.core.somaxconn=1024"),
    ]
    assert result.stdout.startswith("pod.yaml:9:29: error: ") and result.stdout.splitlines()[0].endswith("[PL201]")
    assert result.stderr == "Found 1 problem (1 error) in 1 file.\n"


# --- --statistics ---------------------------------------------------------------------------


def test_statistics_count_each_rule_most_frequent_first():
    findings = [
        Finding("PL307", "note", "A.", Location("a.yaml", 1, 1, 1, 2)),
        Finding("PL201", "error", "B.", Location("a.yaml", 2, 1, 2, 2)),
        Finding("PL201", "error", "C.", Location("b.yaml", 1, 1, 1, 2)),
        Finding("PL101", "warning", "D.", Location("b.yaml", 2, 1, 2, 2)),
        Finding("PL101", "warning", "E.", Location("b.yaml", 3, 1, 3, 2), suppressed=True),
    ] + [Finding("PL303", "error", f"F{i}.", Location("c.yaml", i, 1, i, 2)) for i in range(1, 11)]
    assert _render(report.STATISTICS, findings) == (
        "10  PL303  nodeport-conflict\n"
        " 2  PL201  host-network-sysctl-write\n"
        " 1  PL101  unguarded-sysctl-write\n"  # the suppressed one is not counted; ties by id
        " 1  PL307  nodeport-outside-static-band\n"
    )
    assert _render(report.STATISTICS, []) == ""


def test_statistics_flag_replaces_the_findings_and_keeps_the_exit_code(tmp_cwd):
    (tmp_cwd / "node-tuning.yaml").write_text((REPO / "examples" / "node-tuning.yaml").read_text())
    result = cli("check", "node-tuning.yaml", "--statistics")
    assert (result.exit_code, result.stdout) == (1, "1  PL201  host-network-sysctl-write\n1  PL304  ephemeral-range-overlaps-nodeports\n")
    assert result.stderr == "Found 2 problems (2 errors) in 1 file.\n"
    refused = cli("check", "node-tuning.yaml", "--statistics", "--format", "sarif")
    assert refused.exit_code == 2 and "--statistics: counts are text; not with --format sarif" in refused.stderr


# --- --show-fixes ---------------------------------------------------------------------------


def test_how_to_fix_is_the_section_of_the_rules_help_as_one_paragraph():
    from portlint.rules import pl307_nodeport_outside_static_band as pl307
    from portlint.ruledoc import how_to_fix

    assert how_to_fix(pl307) == (
        "Pin nodePorts inside the static band (30000-30085 for the default range), or leave `nodePort` out "
        "and let the API server choose."
    )
    bare = types.SimpleNamespace(__doc__="Title.\n\nWhy.\n\n## Bad\nx\n", SUMMARY="Title.", ID="PL999")
    assert how_to_fix(bare) == ""


def test_show_fixes_prints_each_reported_rule_once_after_the_findings():
    findings = [
        Finding("PL307", "note", "A", Location("a.yaml", 1, 1, 1, 2)),
        Finding("PL307", "note", "B", Location("a.yaml", 2, 1, 2, 2)),
        Finding("PL201", "error", "C", Location("b.yaml", 1, 1, 1, 2)),
        Finding("PL103", "warning", "D", Location("b.yaml", 2, 1, 2, 2), suppressed=True),  # not reported
    ]
    info = report.RunInfo("0", RULES, cwd="/w", show_fixes=True)
    text = report.render_text("text", info, findings, report.Summary(files=2))
    # registry order (PL201 before PL307), each once, wrapped at 100 columns under a 4-space indent
    assert text == (
        "a.yaml:1:1: note: A [PL307]\n"
        "a.yaml:2:1: note: B [PL307]\n"
        "b.yaml:1:1: error: C [PL201]\n"
        "\n"
        "How to fix:\n"
        "  PL201 host-network-sysctl-write\n"
        "    Add the POD_IP/HOST_IP guard around the write (see PL101), or drop `hostNetwork: true` if the\n"
        "    pod does not need the node's network; if the node really must be tuned, do it with node\n"
        "    configuration instead of a workload.\n"
        "  PL307 nodeport-outside-static-band\n"
        "    Pin nodePorts inside the static band (30000-30085 for the default range), or leave `nodePort`\n"
        "    out and let the API server choose.\n"
    )
    # the same findings without the flag: no advice; nothing reported: no advice either
    assert "How to fix" not in _render("text", findings)
    assert report.render_text("text", info, findings[3:], report.Summary(files=1)) == ""
    counted = report.render_text(report.STATISTICS, info, findings[2:3], report.Summary(files=1))
    assert counted.startswith("1  PL201  host-network-sysctl-write\n\nHow to fix:\n  PL201 host-network-sysctl-write\n")


def test_show_fixes_flag_is_for_text_formats_only(tmp_cwd):
    (tmp_cwd / "node-tuning.yaml").write_text((REPO / "examples" / "node-tuning.yaml").read_text())
    result = cli("check", "node-tuning.yaml", "--format", "full", "--show-fixes")
    assert result.exit_code == 1
    assert result.stdout.endswith(
        "How to fix:\n  PL201 host-network-sysctl-write\n"
        "    Add the POD_IP/HOST_IP guard around the write (see PL101), or drop `hostNetwork: true` if the\n"
        "    pod does not need the node's network; if the node really must be tuned, do it with node\n"
        "    configuration instead of a workload.\n"
        "  PL304 ephemeral-range-overlaps-nodeports\n"
        "    Reserve the overlap with `net.ipv4.ip_local_reserved_ports` on the nodes, start the ephemeral\n"
        "    range above the NodePort range, or keep the NodePort range out of the ephemeral range (the\n"
        "    default 30000-32767 is below the Linux default 32768-60999).\n"
    )
    refused = cli("check", "node-tuning.yaml", "--show-fixes", "--format", "json")
    assert refused.exit_code == 2
    assert "portlint: error: --show-fixes: advice is text; not with --format json (its rules carry their help)\n" in refused.stderr


# --- a file name that is not UTF-8 --------------------------------------------------------

UNDECODABLE = b"\xff.yaml"  # os gives it as "\udcff.yaml" (surrogateescape)
NODEPORT_SERVICE = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: 29000}]\n"
PL302_LINE = (
    b'\xff.yaml:6:32: error: nodePort 29000 of Service "s" is outside the NodePort range 30000-32767 '
    b"(the kube-apiserver default) [PL302]\n"
)


def _check_bytes(cwd, *args: str) -> bytes:
    """stdout of a real portlint process under a UTF-8 locale (its stdout then is strict)."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, LC_ALL="C.UTF-8", PYTHONIOENCODING="")
    ran = subprocess.run([sys.executable, "-m", "portlint", "check", *args, "."], cwd=cwd, env=env, capture_output=True, timeout=60)
    assert ran.returncode == 1 and b"internal error" not in ran.stderr, ran.stderr
    return ran.stdout


def test_a_file_name_that_is_not_utf8_is_reported_in_every_format(tmp_path):
    """Its bytes as they are where editors and problem matchers read paths (text, github);
    JSON's \\udcff escape in the JSON formats (valid UTF-8: no JSON parser takes a raw 0xff);
    the percent-encoded byte in SARIF's URI; a fingerprint all the same."""
    (tmp_path / UNDECODABLE.decode("utf-8", "surrogateescape")).write_text(NODEPORT_SERVICE)
    assert _check_bytes(tmp_path, "--format", "text") == PL302_LINE
    assert _check_bytes(tmp_path, "--format", "github").startswith(b"::error file=\xff.yaml,line=6,col=32,endLine=6,endColumn=37,")
    _check_bytes(tmp_path, "--format", "text", "--output", "report.txt")
    assert (tmp_path / "report.txt").read_bytes() == PL302_LINE

    found = json.loads(_check_bytes(tmp_path, "--format", "json").decode("ascii"))["findings"]
    assert [(f["rule"], f["path"], f["line"], f["column"]) for f in found] == [("PL302", "\udcff.yaml", 6, 32)]
    assert len(found[0]["fingerprint"]) == 32
    sarif = json.loads(_check_bytes(tmp_path, "--format", "sarif").decode("utf-8"))
    (result,) = sarif["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "%FF.yaml"
    assert list(result["partialFingerprints"].values()) == [found[0]["fingerprint"]]
    for form in ("gitlab", "rdjson", "rdjsonl"):
        assert '"\\udcff.yaml"' in _check_bytes(tmp_path, "--format", form).decode("ascii"), form  # JSON's escape


def test_a_baseline_of_a_file_name_that_is_not_utf8_reads_back(tmp_path):
    """The baseline is JSON too: the name as JSON's escape, read back as the same name."""
    import subprocess
    import sys

    (tmp_path / UNDECODABLE.decode("utf-8", "surrogateescape")).write_text(NODEPORT_SERVICE)
    command = [sys.executable, "-m", "portlint", "check", "."]
    written = subprocess.run([*command, "--write-baseline", "base.json"], cwd=tmp_path, capture_output=True, timeout=60)
    assert written.returncode == 0, written.stderr
    entries = json.loads((tmp_path / "base.json").read_bytes().decode("ascii"))["findings"]
    assert [(e["rule"], e["path"]) for e in entries] == [("PL302", "\udcff.yaml")]
    ran = subprocess.run([*command, "--baseline", "base.json"], cwd=tmp_path, capture_output=True, timeout=60)
    assert (ran.returncode, ran.stdout) == (0, b""), ran.stderr
    assert b"1 suppressed (1 by the baseline)" in ran.stderr

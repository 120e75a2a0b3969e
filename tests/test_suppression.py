"""Suppression: the portlint.io/ignore annotation and # portlint: ignore[...] comments."""

from __future__ import annotations

import os

from conftest import cli, lint_text

POD = """apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    portlint.io/ignore: "{ids}"
spec:
  hostNetwork: true
  containers:
    - name: c
      image: busybox
      command: [sysctl, -w, net.core.somaxconn=1024, vm.swappiness=10]
"""


def suppressed(result):
    return [(f["rule"], f["suppressed"]) for f in result.findings]


def test_annotation_lists_rules():
    assert suppressed(lint_text(POD.format(ids="PL201"))) == [("PL201", True), ("PL103", False)]
    assert suppressed(lint_text(POD.format(ids="pl103, PL201"))) == [("PL201", True), ("PL103", True)]
    assert suppressed(lint_text(POD.format(ids="all"))) == [("PL201", True), ("PL103", True)]
    assert suppressed(lint_text(POD.format(ids="PL999"))) == [("PL201", False), ("PL103", False)]


def test_comment_on_the_flagged_line():
    text = POD.format(ids="").replace("vm.swappiness=10]", "vm.swappiness=10]  # portlint: ignore[PL201, PL103]")
    assert suppressed(lint_text(text)) == [("PL201", True), ("PL103", True)]
    lower_case = POD.format(ids="").replace("vm.swappiness=10]", "vm.swappiness=10]  # portlint: ignore[pl201]")
    assert suppressed(lint_text(lower_case)) == [("PL201", True), ("PL103", False)]
    everything = POD.format(ids="").replace("vm.swappiness=10]", "vm.swappiness=10]  # portlint: ignore[all]")
    assert suppressed(lint_text(everything)) == [("PL201", True), ("PL103", True)]
    other_line = POD.format(ids="").replace("  hostNetwork: true\n", "  hostNetwork: true  # portlint: ignore[PL201]\n")
    # on another line it suppresses nothing, and is itself reported unused (PL001)
    assert suppressed(lint_text(other_line)) == [("PL001", False), ("PL201", False), ("PL103", False)]


def test_suppressed_findings_are_hidden_from_text_and_do_not_fail(tmp_cwd):
    (tmp_cwd / "pod.yaml").write_text(POD.format(ids="all"))
    result = cli("check", "pod.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "No problems found in 1 file; 2 suppressed.\n")


def test_run_level_findings_honour_the_annotation():
    services = """apiVersion: v1
kind: Service
metadata: {name: a}
spec: {type: NodePort, ports: [{port: 80, nodePort: 30080}]}
---
apiVersion: v1
kind: Service
metadata:
  name: b
  annotations: {portlint.io/ignore: PL303}
spec: {type: NodePort, ports: [{port: 80, nodePort: 30080}]}
"""
    assert suppressed(lint_text(services)) == [("PL303", True)]


# --- reasons, unused suppressions (PL001), suppressions without a reason (PL002) -------------

SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    portlint.io/ignore: "{ids}"
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 8080
"""
# line 6 is `    portlint.io/ignore: "..."`: the value starts at column 25
# line 11 is `      nodePort: 8080`: PL302 (outside 30000-32767) at columns 17-21


def findings(result):
    return [(f["rule"], f["line"], f["column"], f["suppressed"], f["justification"], f["message"]) for f in result.findings]


def test_a_comment_gives_its_reason_to_the_finding_json_and_sarif():
    text = SERVICE.format(ids="").replace("nodePort: 8080", "nodePort: 8080  # portlint: ignore[PL302]  API servers allow 1-32767 ")
    [(rule, line, column, hidden, why, _)] = findings(lint_text(text))
    assert (rule, line, column, hidden, why) == ("PL302", 11, 17, True, "API servers allow 1-32767")
    sarif = cli("check", "-", "--stdin-filename", "s.yaml", "--format", "sarif", input=text).json
    [result] = sarif["runs"][0]["results"]
    assert result["suppressions"] == [{"kind": "inSource", "justification": "API servers allow 1-32767"}]


def test_annotation_entries_each_with_its_own_reason():
    text = POD.format(ids="PL201: the pod runs on a tainted pool only; PL103")
    assert [(f["rule"], f["suppressed"], f["justification"]) for f in lint_text(text).findings] == [
        ("PL201", True, "the pod runs on a tainted pool only"),
        ("PL103", True, None),
    ]
    sarif = cli("check", "-", "--stdin-filename", "p.yaml", "--format", "sarif", input=text).json
    assert [r["suppressions"] for r in sarif["runs"][0]["results"]] == [
        [{"kind": "inSource", "justification": "the pod runs on a tainted pool only"}],
        [{"kind": "inSource"}],
    ]


def test_an_unused_comment_is_pl001_at_the_comment():
    # line 11 gets `  # portlint: ignore[PL101, PL302]`: PL302 is used, PL101 is not, but the
    # comment is used as a whole
    used = SERVICE.format(ids="").replace("nodePort: 8080", "nodePort: 8080  # portlint: ignore[PL101, PL302]")
    assert [f[0] for f in findings(lint_text(used))] == ["PL302"]
    # `      nodePort: 30080  # portlint: ignore[pl101, PL203]`: the comment is columns 24-55
    stale = SERVICE.format(ids="").replace("nodePort: 8080", "nodePort: 30080  # portlint: ignore[pl101, PL203]")
    result = lint_text(stale)
    assert findings(result) == [("PL001", 11, 24, False, None, "suppression of PL101, PL203 matches no finding")]
    assert (result.findings[0]["endLine"], result.findings[0]["endColumn"]) == (11, 56)
    assert result.findings[0]["level"] == "note"


def test_an_unused_annotation_entry_is_pl001_at_the_annotation_value():
    result = lint_text(POD.format(ids="PL201; PL101: old"))
    assert [(f["rule"], f["line"], f["column"], f["message"]) for f in result.findings] == [
        ("PL001", 6, 25, "suppression of PL101 matches no finding"),
        ("PL201", 12, 29, result.findings[1]["message"]),
        ("PL103", 12, 54, result.findings[2]["message"]),
    ]
    assert [f["suppressed"] for f in result.findings] == [False, True, False]


def test_suppressions_of_port_rules_all_and_disabled_rules_are_never_reported_unused():
    """A port rule's finding depends on the other files of the run (pre-commit passes the
    changed ones): its suppression may be needed in a fuller run. ALL covers those too. A rule
    turned off cannot use its suppression."""
    for ids in ("PL301", "ALL", "PL301: reserved on the nodes"):
        assert lint_text(SERVICE.format(ids=ids).replace("8080", "30080")).findings == []
    assert [f["rule"] for f in lint_text(POD.format(ids="PL101"), "--ignore", "PL101").findings] == ["PL201", "PL103"]
    assert [f["rule"] for f in lint_text(POD.format(ids="PL101"), "--ignore", "PL001").findings] == ["PL201", "PL103"]


def test_require_reason_reports_suppressions_without_one():
    bare = lint_text(SERVICE.format(ids="PL302"), "--require-reason")
    assert [(f["rule"], f["line"], f["column"], f["level"], f["message"]) for f in bare.findings] == [
        ("PL002", 6, 25, "warning", "suppression of PL302 gives no reason"),
        ("PL302", 11, 17, "error", bare.findings[1]["message"]),
    ]
    reasoned = lint_text(SERVICE.format(ids="PL302: our API servers allow 1-32767"), "--require-reason")
    assert [f["rule"] for f in reasoned.findings] == ["PL302"]
    assert [f["rule"] for f in lint_text(SERVICE.format(ids="PL302")).findings] == ["PL302"]  # opt-in


def test_the_config_can_turn_pl002_on_at_its_own_level(tmp_cwd):
    (tmp_cwd / ".portlint.yaml").write_text("rules:\n  PL002: error\n")
    (tmp_cwd / "svc.yaml").write_text(SERVICE.format(ids="PL302"))
    result = cli("check", "svc.yaml", "--format", "json", "--require-reason")
    assert [(f["rule"], f["level"]) for f in result.findings] == [("PL002", "error"), ("PL302", "error")]


def test_unused_annotations_are_found_when_workers_lint_the_objects(tmp_cwd, monkeypatch):
    """In a parallel run the objects are parsed in worker processes: their annotation entries
    reach the parent with the facts, and the suppressed findings carry the entry that used them."""
    from portlint import parallel

    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setenv("PORTLINT_JOBS", "2")
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    for i in range(6):
        (tmp_cwd / f"p{i}.yaml").write_text(POD.format(ids="PL201; PL101" if i % 2 else "PL201"))
    result = cli("check", ".", "--format", "json")
    assert parallel.workers_for(["."]) == 2
    rows = [(f["path"], f["rule"], f["line"], f["suppressed"]) for f in result.findings]
    assert [r for r in rows if r[1] == "PL001"] == [(f"p{i}.yaml", "PL001", 6, False) for i in (1, 3, 5)]
    assert [r for r in rows if r[1] == "PL201"] == [(f"p{i}.yaml", "PL201", 12, True) for i in range(6)]


def test_comment_places_count_from_the_chunks_first_line():
    """A document's text may open with an empty line: the comment on its second line is on
    first_line + 1, its column counted from that line's start."""
    from portlint.findings import Location
    from portlint.suppressions import Suppression, comments

    found = list(comments("\n  x: 1  # portlint: ignore[pl101,PL2] why  \n# portlint: ignore[]\n", "f.yaml", 7))
    # `  x: 1  # portlint: ignore[pl101,PL2] why  `: '#' at column 9; the comment without its
    # trailing spaces is 33 characters (ends at 42); an empty id list is no suppression
    assert found == [Suppression(frozenset({"PL101", "PL2"}), "why", Location("f.yaml", 8, 9, 8, 42))]

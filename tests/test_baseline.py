"""The baseline: --write-baseline records the reported findings, --baseline (or the config's
``baseline`` key) reports only the new ones and counts the entries no finding matches."""

from __future__ import annotations

import json

from conftest import TESTS, cli
from portlint import baseline
from portlint.baseline import Baseline, Entry
from portlint.config import ConfigError
from portlint.findings import Finding, Location

# PL201 (a namespaced write in a hostNetwork pod, unguarded) at the `sysctl` of line 15, col 11
POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: tune
  namespace: ops
spec:
  hostNetwork: true
  containers:
    - name: tune
      image: busybox:1.36
      command:
        - sh
        - -c
        - |
          sysctl -w net.core.somaxconn=1024
"""
PADDING = "".join(f"# note {n}\n" for n in range(20))
CORPUS = TESTS / "corpus"
FILE = "pod.yaml"
BASELINE = ".portlint-baseline.json"


def check(*args: str):
    return cli("check", FILE, "--format", "json", *args)


def reported(result) -> list[tuple[str, int, int]]:
    return [(f["rule"], f["line"], f["column"]) for f in result.findings if not f["suppressed"]]


def test_a_new_finding_after_twenty_lines_moved_is_the_only_one_reported(tmp_cwd):
    (tmp_cwd / FILE).write_text(POD)
    assert check("--write-baseline", BASELINE).exit_code == 0
    # twenty lines above the pod, and a write of a node-wide sysctl (PL103, whatever the
    # guard) under the first: line 15 + 20 + 1, col 11
    (tmp_cwd / FILE).write_text(PADDING + POD + "          sysctl -w vm.swappiness=10\n")
    result = check("--baseline", BASELINE)
    assert reported(result) == [("PL103", 36, 11)]
    assert result.exit_code == 1
    assert [(f["rule"], f["line"], f["justification"]) for f in result.findings if f["suppressed"]] == [
        ("PL201", 35, f"baseline {BASELINE}")
    ]
    assert result.json["baseline"] == {"path": BASELINE, "suppressed": 1, "fixed": []}


def test_a_real_manifest_shifted_by_twenty_lines_reports_only_its_new_sysctl(tmp_cwd):
    # kube-linter's unsafe-sysctls check fixture (tests/corpus/SOURCES.tsv): PL203 at 14:17 and 28:17
    real = (CORPUS / "peers/kube-linter/tests__checks__unsafe-sysctls.yml").read_text()
    (tmp_cwd / FILE).write_text(real)
    check("--write-baseline", BASELINE)
    # twenty lines above, one more unsafe sysctl after line 28: line 29 + 20, its value at col 17
    (tmp_cwd / FILE).write_text(PADDING + real.rstrip("\n") + "\n        - name: kernel.msgmax\n")
    result = check("--baseline", BASELINE)
    assert reported(result) == [("PL203", 49, 17)]
    assert result.json["baseline"] == {"path": BASELINE, "suppressed": 2, "fixed": []}


def test_an_edit_elsewhere_in_the_object_keeps_its_entry(tmp_cwd):
    (tmp_cwd / FILE).write_text(POD)
    check("--write-baseline", BASELINE)
    edited = POD.replace("busybox:1.36", "busybox:1.37").replace("  name: tune\n", "  name: tune\n  labels: {app: tune}\n", 1)
    (tmp_cwd / FILE).write_text(edited)
    result = check("--baseline", BASELINE)
    assert (reported(result), result.exit_code) == ([], 0)


def test_the_file_records_rule_path_resource_and_the_report_s_fingerprint(tmp_cwd):
    (tmp_cwd / FILE).write_text(POD)
    fingerprint = check().findings[0]["fingerprint"]
    check("--write-baseline", BASELINE)
    line = json.dumps({"rule": "PL201", "path": FILE, "resource": "Pod/ops/tune", "fingerprint": fingerprint})
    assert (tmp_cwd / BASELINE).read_text() == '{\n  "version": 1,\n  "findings": [\n    ' + line + "\n  ]\n}\n"


def test_rewriting_after_a_line_shift_gives_the_same_bytes(tmp_cwd):
    (tmp_cwd / FILE).write_text(POD)
    check("--write-baseline", BASELINE)
    first = (tmp_cwd / BASELINE).read_bytes()
    (tmp_cwd / FILE).write_text(PADDING + POD)
    check("--write-baseline", BASELINE)
    assert (tmp_cwd / BASELINE).read_bytes() == first


def test_another_write_of_a_baselined_container_joins_its_finding(tmp_cwd):
    # one finding per cause: the container's unguarded writes are one PL201 keyed by its first
    (tmp_cwd / FILE).write_text(POD)
    check("--write-baseline", BASELINE)
    (tmp_cwd / FILE).write_text(POD + "          sysctl -w net.ipv4.tcp_keepalive_time=600\n")
    assert reported(check("--baseline", BASELINE)) == []


def test_one_entry_hides_one_finding_not_the_rule_in_the_file(tmp_cwd):
    (tmp_cwd / FILE).write_text(POD)
    check("--write-baseline", BASELINE)
    # the same write in a second container of the same pod: 15 + 6 lines, then line 22, col 11
    second = "    - name: again\n      image: busybox:1.36\n      command:\n        - sh\n        - -c\n        - |\n"
    (tmp_cwd / FILE).write_text(POD + second + "          sysctl -w net.core.somaxconn=1024\n")
    assert reported(check("--baseline", BASELINE)) == [("PL201", 22, 11)]


def test_an_entry_no_finding_matches_is_counted_fixed(tmp_cwd):
    (tmp_cwd / FILE).write_text(POD)
    check("--write-baseline", BASELINE)
    entry = json.loads((tmp_cwd / BASELINE).read_text())["findings"][0]
    (tmp_cwd / FILE).write_text(POD.replace("sysctl -w net.core.somaxconn=1024", "echo tuned"))
    result = check("--baseline", BASELINE)
    assert result.json["baseline"] == {"path": BASELINE, "suppressed": 0, "fixed": [entry]}
    text = cli("check", FILE, "--baseline", BASELINE)
    assert text.stderr == "No problems found in 1 file; 1 baseline entry fixed.\n"


def test_a_run_over_some_files_judges_only_their_entries_fixed(tmp_cwd):
    (tmp_cwd / "deploy").mkdir()
    (tmp_cwd / "deploy" / "a.yaml").write_text(POD)
    (tmp_cwd / "deploy" / "b.yaml").write_text(POD.replace("name: tune\n  namespace", "name: other\n  namespace"))
    cli("check", "deploy", "--write-baseline", BASELINE)
    (tmp_cwd / "deploy" / "b.yaml").write_text(POD.replace("sysctl -w net.core.somaxconn=1024", "echo tuned"))
    # as pre-commit runs it, on the one file that changed: b.yaml's entry is fixed, a.yaml's not judged
    assert (
        cli("check", "deploy/b.yaml", "--baseline", BASELINE).stderr == "No problems found in 1 file; 1 baseline entry fixed.\n"
    )
    assert cli("check", "./deploy/a.yaml", "--baseline", BASELINE).stderr == (
        "No problems found in 1 file; 1 suppressed (1 by the baseline).\n"
    )
    assert cli("check", "deploy/", "--baseline", BASELINE).stderr == (
        "No problems found in 2 files; 1 suppressed (1 by the baseline); 1 baseline entry fixed.\n"
    )


def test_within_tells_a_file_under_an_input():
    assert baseline.within("deploy/a.yaml", ["deploy/"])
    assert baseline.within("deploy/a.yaml", ["./deploy/a.yaml"])
    assert baseline.within("deploy/a.yaml", ["."])
    assert baseline.within(None, [])  # the run's own finding: always judged
    assert not baseline.within("deployment/a.yaml", ["deploy"])
    assert not baseline.within("deploy/a.yaml", ["deploy/b.yaml", "charts"])


def test_the_summary_line_counts_the_baselined_findings(tmp_cwd):
    (tmp_cwd / FILE).write_text(POD)
    result = cli("check", FILE, "--write-baseline", BASELINE)
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "No problems found in 1 file; 1 suppressed (1 by the baseline).\n"


def test_statistics_count_only_what_is_reported(tmp_cwd):
    (tmp_cwd / FILE).write_text(POD)
    check("--write-baseline", BASELINE)
    (tmp_cwd / FILE).write_text(POD + "          sysctl -w vm.swappiness=10\n")
    result = cli("check", FILE, "--baseline", BASELINE, "--statistics")
    assert result.stdout == "1  PL103  node-wide-sysctl-write\n"


def test_sarif_shows_a_baselined_finding_as_an_external_suppression(tmp_cwd):
    (tmp_cwd / FILE).write_text(POD)
    check("--write-baseline", BASELINE)
    sarif = cli("check", FILE, "--baseline", BASELINE, "--format", "sarif").json
    [result] = sarif["runs"][0]["results"]
    assert result["suppressions"] == [{"kind": "external", "justification": f"baseline {BASELINE}"}]


def test_junit_skips_a_baselined_finding_naming_the_baseline(tmp_cwd):
    (tmp_cwd / FILE).write_text(POD)
    check("--write-baseline", BASELINE)
    junit = cli("check", FILE, "--baseline", BASELINE, "--format", "junit").stdout
    assert f'<skipped message="suppressed by baseline {BASELINE}"/>' in junit


def test_the_config_s_baseline_key_is_relative_to_the_config_and_the_flag_overrides_it(tmp_cwd):
    (tmp_cwd / FILE).write_text(POD)
    (tmp_cwd / "ci").mkdir()
    check("--write-baseline", "ci/base.json")
    (tmp_cwd / ".portlint.yaml").write_text("baseline: ci/base.json\n")
    assert reported(check()) == []
    (tmp_cwd / "empty.json").write_text('{"version": 1, "findings": []}\n')
    assert reported(check("--baseline", "empty.json")) == [("PL201", 15, 11)]


def test_a_bad_baseline_is_one_error_line_and_exit_2(tmp_cwd):
    (tmp_cwd / FILE).write_text(POD)
    cases = {
        "missing.json": None,
        "text.json": "not json",
        "old.json": '{"version": 2, "findings": []}',
        "list.json": "[]",
        "entry.json": '{"version": 1, "findings": [{"rule": "PL201"}]}',
        "types.json": '{"version": 1, "findings": [{"rule": "PL201", "fingerprint": "f", "path": 3}]}',
    }
    said = {}
    for name, text in cases.items():
        if text is not None:
            (tmp_cwd / name).write_text(text)
        result = cli("check", FILE, "--baseline", name)
        assert result.exit_code == 2
        said[name] = result.stderr
    assert said == {
        "missing.json": "portlint: error: missing.json: cannot read the baseline: No such file or directory\n",
        "text.json": "portlint: error: text.json: not a portlint baseline: Expecting value: line 1 column 1 (char 0)\n",
        "old.json": "portlint: error: old.json: not a portlint baseline of version 1 (write one with --write-baseline)\n",
        "list.json": "portlint: error: list.json: not a portlint baseline of version 1 (write one with --write-baseline)\n",
        "entry.json": "portlint: error: entry.json: findings[0]: not a baseline entry (rule and fingerprint strings)\n",
        "types.json": "portlint: error: types.json: findings[0]: path and resource must be strings or null\n",
    }


def test_a_baseline_over_the_size_limit_is_refused_unread(tmp_cwd):
    (tmp_cwd / FILE).write_text(POD)
    with open(tmp_cwd / "huge.json", "wb") as handle:
        handle.truncate(baseline.LIMIT + 1)  # sparse: no time to write
    result = cli("check", FILE, "--baseline", "huge.json")
    assert (result.exit_code, result.stderr) == (2, "portlint: error: huge.json: cannot read the baseline: larger than 64 MB\n")


def test_write_baseline_never_replaces_an_input(tmp_cwd):
    (tmp_cwd / FILE).write_text(POD)
    result = cli("check", FILE, "--write-baseline", FILE)
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"portlint: error: --write-baseline {FILE}: is one of the inputs ({FILE}); write the baseline elsewhere\n"
    )
    assert (tmp_cwd / FILE).read_text() == POD


def test_a_baseline_that_cannot_be_written_is_one_error_line(tmp_cwd):
    (tmp_cwd / FILE).write_text(POD)
    result = cli("check", FILE, "--write-baseline", "no/such/dir/b.json")
    assert result.exit_code == 2
    assert result.stderr.startswith("portlint: error: no/such/dir/b.json: cannot write the baseline: ")
    assert result.stderr.count("\n") == 1


def finding(rule: str, path: str | None, resource: str = "Pod/ops/p", key: str = "k", suppressed: bool = False) -> Finding:
    where = Location(path, 1, 1, 1, 2) if path is not None else None
    return Finding(rule, "error", "m", where, key=key, resource=resource, suppressed=suppressed)


def test_entries_skip_suppressed_findings_and_number_repeats():
    found = [finding("PL101", "a.yaml"), finding("PL101", "a.yaml"), finding("PL102", "a.yaml", suppressed=True)]
    first, second = baseline.entries(found)
    assert (first.rule, first.path, first.resource) == ("PL101", "a.yaml", "Pod/ops/p")
    assert first.fingerprint != second.fingerprint  # the second counts its occurrence in


def test_a_finding_of_no_object_or_file_is_recorded_with_nulls():
    [entry] = baseline.entries([finding("PL304", None, resource="")])
    assert (entry.path, entry.resource) == (None, None)
    assert '"path": null, "resource": null' in baseline.dumps([entry])


def test_dumps_sorts_by_path_resource_rule_fingerprint():
    entries = [
        Entry("PL2", "b", "R", "1"),
        Entry("PL1", "b", "R", "2"),
        Entry("PL9", "a", "Z", "0"),
        Entry("PL0", "a", None, "3"),
        Entry("PL9", None, None, "9"),
    ]
    order = [json.loads(line.rstrip(",")) for line in baseline.dumps(entries).splitlines()[3:-2]]
    assert [(e["path"], e["rule"]) for e in order] == [(None, "PL9"), ("a", "PL0"), ("a", "PL9"), ("b", "PL1"), ("b", "PL2")]


def test_dumps_keeps_paths_as_written():
    assert '"path": "dépôt/ünïcode.yaml"' in baseline.dumps([Entry("PL101", "dépôt/ünïcode.yaml", None, "f")])


def test_an_empty_baseline_has_an_empty_list():
    assert baseline.dumps([]) == '{\n  "version": 1,\n  "findings": []\n}\n'


def test_apply_marks_each_entry_once_and_returns_the_rest_as_fixed():
    found = [finding("PL101", "a.yaml"), finding("PL101", "a.yaml"), finding("PL103", "a.yaml", suppressed=True)]
    first = baseline.entries(found)[0]
    gone = Entry("PL201", "b.yaml", None, "f")
    marked, fixed = baseline.apply(found, Baseline("b.json", frozenset({first, gone})))
    assert [f.suppressed for f in marked] == [True, False, True]
    assert marked[0].suppressed_by.kind == "external"
    assert marked[2].suppressed_by is None  # suppressed before, and not recorded: left as it was
    assert fixed == [gone]


def test_an_entry_whose_finding_is_suppressed_another_way_is_not_fixed():
    kept = finding("PL101", "a.yaml")
    [entry] = baseline.entries([kept])
    hidden = finding("PL101", "a.yaml", suppressed=True)
    [marked], fixed = baseline.apply([hidden], Baseline("b.json", frozenset({entry})))
    assert (fixed, marked.suppressed_by) == ([], None)  # the finding is still there, suppressed as before


def test_settle_without_a_baseline_changes_nothing():
    found = [finding("PL101", "a.yaml")]
    assert baseline.settle(found, None, None) == (found, None)
    assert not found[0].suppressed


def test_load_reads_what_dumps_wrote(tmp_path):
    entries = {Entry("PL101", "a.yaml", "Pod/ops/p", "f1"), Entry("PL304", None, None, "f2")}
    (tmp_path / "b.json").write_text(baseline.dumps(entries))
    assert baseline.load(str(tmp_path / "b.json")).entries == entries


def test_load_refuses_a_non_object_entry(tmp_path):
    (tmp_path / "b.json").write_text('{"version": 1, "findings": ["x"]}')
    try:
        baseline.load(str(tmp_path / "b.json"))
    except ConfigError as exc:
        assert str(exc).endswith("b.json: findings[0]: not a baseline entry (rule and fingerprint strings)")
    else:
        raise AssertionError("a string entry was accepted")

"""The config's ``ignore`` entries: rules suppressed in the objects (kind, name, namespace
globs) and files (gitignore-style path) they name; unused ones are PL001, reasonless PL002."""

from __future__ import annotations

from conftest import cli
from portlint.k8s import ident_parts

# PL203 (a securityContext.sysctls entry outside the safe set) at the name's value, line 11, col 19
STS = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {name}
  namespace: {namespace}
spec:
  template:
    spec:
      securityContext:
        sysctls:
          - name: kernel.msgmax
            value: "65536"
      containers:
        - name: db
          image: postgres:16
"""


def sts(name: str = "vendor-db", namespace: str = "data") -> str:
    return STS.format(name=name, namespace=namespace)


def config(tmp_cwd, *entries: str) -> None:
    """A .portlint.yaml whose ignore entries start on lines 2, 3, ... (one flow mapping each)."""
    (tmp_cwd / ".portlint.yaml").write_text("ignore:\n" + "".join(f"  - {e}\n" for e in entries))


def findings(*args: str) -> list[tuple]:
    result = cli("check", *args, "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    return [(f["rule"], f["path"], f["line"], f["column"], f["suppressed"], f["justification"]) for f in result.findings]


def test_kind_and_name_globs_choose_the_objects(tmp_cwd):
    config(tmp_cwd, '{rules: [PL203], kind: StatefulSet, name: "vendor-*", reason: vendored chart}')
    (tmp_cwd / "db.yaml").write_text(sts() + "---\n" + sts(name="app-db"))  # the second: lines 17-31
    assert findings("db.yaml") == [
        ("PL203", "db.yaml", 11, 19, True, "ignore entry at .portlint.yaml:2; vendored chart"),
        ("PL203", "db.yaml", 27, 19, False, None),
    ]


def test_an_unused_entry_is_located_from_its_start_to_its_line_s_end(tmp_cwd):
    (tmp_cwd / ".portlint.yaml").write_text("ignore:\n  - rules: [PL203]   \n    kind: Job\n")
    (tmp_cwd / "db.yaml").write_text(sts())
    [unused] = [f for f in cli("check", "db.yaml", "--format", "json").findings if f["rule"] == "PL001"]
    assert (unused["line"], unused["column"], unused["endLine"], unused["endColumn"]) == (2, 5, 2, 19)


def test_every_key_given_must_match(tmp_cwd):
    config(
        tmp_cwd,
        "{rules: [PL203], kind: Deployment, name: vendor-db}",
        "{rules: [PL203], kind: StatefulSet, namespace: other}",
        "{rules: [PL101], kind: StatefulSet}",
    )
    (tmp_cwd / "db.yaml").write_text(sts())
    assert [f[:5] for f in findings("db.yaml")] == [
        ("PL001", ".portlint.yaml", 2, 5, False),
        ("PL001", ".portlint.yaml", 3, 5, False),
        ("PL001", ".portlint.yaml", 4, 5, False),
        ("PL203", "db.yaml", 11, 19, False),
    ]


def test_the_namespace_is_a_glob_on_metadata_namespace(tmp_cwd):
    config(tmp_cwd, '{rules: [PL203], namespace: "d*"}')
    (tmp_cwd / "db.yaml").write_text(sts() + "---\n" + sts(namespace="web"))
    assert [f[2:5] for f in findings("db.yaml")] == [(11, 19, True), (27, 19, False)]


def test_the_path_is_gitignore_style_relative_to_the_config(tmp_cwd, monkeypatch):
    config(tmp_cwd, '{rules: [PL203], path: "charts/**"}')
    for folder in ("charts/db", "deploy"):
        (tmp_cwd / folder).mkdir(parents=True)
        (tmp_cwd / folder / "db.yaml").write_text(sts())
    assert [f[1:5] for f in findings(".")] == [("charts/db/db.yaml", 11, 19, True), ("deploy/db.yaml", 11, 19, False)]
    monkeypatch.chdir(tmp_cwd / "deploy")  # the config is found above; its pattern still names ../charts
    assert [f[1:5] for f in findings("..")] == [("../charts/db/db.yaml", 11, 19, True), ("../deploy/db.yaml", 11, 19, False)]


def test_an_entry_for_files_the_run_did_not_lint_is_not_judged_unused(tmp_cwd):
    config(tmp_cwd, '{rules: [PL203], path: "vendor/"}', '{rules: [PL203], path: "*.yaml", name: nothing}')
    (tmp_cwd / "db.yaml").write_text(sts())
    assert [f[:5] for f in findings("db.yaml")] == [("PL001", ".portlint.yaml", 3, 5, False), ("PL203", "db.yaml", 11, 19, False)]


def test_the_unused_entry_message_names_its_rules(tmp_cwd):
    config(tmp_cwd, "{rules: [PL203, PL101], kind: Job}")
    (tmp_cwd / "db.yaml").write_text(sts())
    result = cli("check", "db.yaml", "--format", "json")
    assert [(f["rule"], f["message"]) for f in result.findings][0] == ("PL001", "suppression of PL101, PL203 matches no finding")


def test_an_entry_of_all_rules_is_never_judged_unused(tmp_cwd):
    config(tmp_cwd, "{rules: [ALL], kind: Job}")
    (tmp_cwd / "db.yaml").write_text(sts())
    assert [f[0] for f in findings("db.yaml")] == ["PL203"]


def test_require_reason_reports_an_entry_without_one(tmp_cwd):
    config(tmp_cwd, "{rules: [PL203], kind: StatefulSet}", "{rules: [PL203], kind: StatefulSet, reason: vendored}")
    (tmp_cwd / "db.yaml").write_text(sts())
    result = cli("check", "db.yaml", "--require-reason")
    assert result.stdout == (  # the first entry that matches suppresses: the second is unused
        ".portlint.yaml:2:5: warning: suppression of PL203 gives no reason [PL002]\n"
        ".portlint.yaml:3:5: note: suppression of PL203 matches no finding [PL001]\n"
    )


def test_text_leaves_ignored_findings_out_and_the_summary_counts_them(tmp_cwd):
    config(tmp_cwd, "{rules: [PL203], kind: StatefulSet}")
    (tmp_cwd / "db.yaml").write_text(sts())
    result = cli("check", "db.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "No problems found in 1 file; 1 suppressed.\n")


def test_sarif_shows_an_external_suppression_naming_the_entry(tmp_cwd):
    config(tmp_cwd, "{rules: [PL203], kind: StatefulSet, reason: vendored chart}")
    (tmp_cwd / "db.yaml").write_text(sts())
    [result] = cli("check", "db.yaml", "--format", "sarif").json["runs"][0]["results"]
    assert result["suppressions"] == [{"kind": "external", "justification": "ignore entry at .portlint.yaml:2; vendored chart"}]


def test_a_comment_on_the_line_wins_over_an_entry(tmp_cwd):
    config(tmp_cwd, "{rules: [PL203], kind: StatefulSet, reason: vendored}")
    (tmp_cwd / "db.yaml").write_text(sts().replace("kernel.msgmax", "kernel.msgmax  # portlint: ignore[PL203] tuned"))
    assert findings("db.yaml") == [
        ("PL001", ".portlint.yaml", 2, 5, False, None),
        ("PL203", "db.yaml", 11, 19, True, "tuned"),
    ]


def test_a_parse_error_is_matched_by_path_not_by_object(tmp_cwd):
    config(tmp_cwd, "{rules: [PL000], kind: StatefulSet}", '{rules: [PL000], path: "broken.yaml"}')
    (tmp_cwd / "broken.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p\n")
    assert [(f[0], f[1], f[2], f[4]) for f in findings("broken.yaml")] == [
        ("PL001", ".portlint.yaml", 2, False),  # the kind entry
        ("PL000", "broken.yaml", 3, True),
    ]


def test_entries_in_pyproject_point_at_their_table_header(tmp_cwd):
    entry = '[[tool.portlint.ignore]]\nrules = ["PL203"]\nkind = "{}"\n'
    text = '[tool.portlint]\nrules = {PL307 = "off"}\n\n' + entry.format("Job") + "\n  " + entry.format("CronJob")
    (tmp_cwd / "pyproject.toml").write_text(text)  # the headers: line 4 col 1, line 8 col 3 (after a blank line 7)
    (tmp_cwd / "db.yaml").write_text(sts())
    result = cli("check", "db.yaml", "--format", "json")
    places = [(f["path"], f["line"], f["column"], f["endColumn"]) for f in result.findings if f["rule"] == "PL001"]
    assert places == [("pyproject.toml", 4, 1, 25), ("pyproject.toml", 8, 3, 27)]


def test_an_inline_array_in_pyproject_points_at_its_key(tmp_cwd):
    (tmp_cwd / "pyproject.toml").write_text('[tool.portlint]\nignore = [{rules = ["PL203"], kind = "Job"}]\n')
    (tmp_cwd / "db.yaml").write_text(sts())
    assert [f[:4] for f in findings("db.yaml")] == [("PL203", "db.yaml", 11, 19), ("PL001", "pyproject.toml", 2, 1)]


def bad(tmp_cwd, entry: str) -> str:
    config(tmp_cwd, entry)
    (tmp_cwd / "db.yaml").write_text(sts())
    result = cli("check", "db.yaml")
    assert result.exit_code == 2
    return result.stderr.replace(f"{tmp_cwd}/", "")


def test_a_bad_entry_is_one_error_line(tmp_cwd):
    assert bad(tmp_cwd, "{rules: [PL203]}") == (
        "portlint: error: .portlint.yaml: ignore.0: an ignore entry needs at least one of kind, name, namespace, path\n"
    )
    assert bad(tmp_cwd, "{kind: Job}") == "portlint: error: .portlint.yaml: ignore.0: 'rules' is a required property\n"
    assert bad(tmp_cwd, "{rules: [PL999], kind: Job}") == (
        "portlint: error: .portlint.yaml: ignore.0.rules: unknown rule id 'PL999'; `portlint rules` lists them\n"
    )
    assert bad(tmp_cwd, '{rules: [PL203], path: "!"}') == (
        "portlint: error: .portlint.yaml: ignore.0.path: Invalid git pattern: '!'\n"
    )
    assert bad(tmp_cwd, "{rules: [PL203], kind: Job, names: x}").startswith(
        "portlint: error: .portlint.yaml: ignore.0: Additional properties are not allowed ('names' was unexpected)"
    )


def test_ident_parts_split_kind_namespace_and_name():
    assert ident_parts("StatefulSet/data/vendor-db") == ("StatefulSet", "data", "vendor-db")
    assert ident_parts("Pod//#2items[1]") == ("Pod", "", "")  # a nameless object: no name to match
    assert ident_parts("Pod/ops/a/b") == ("Pod", "ops", "a/b")  # an invalid name with a slash: still its name


def test_rule_ids_are_read_in_any_case(tmp_cwd):
    config(tmp_cwd, "{rules: [pl203], kind: StatefulSet}", "{rules: [All], kind: Job}")
    (tmp_cwd / "db.yaml").write_text(sts())
    assert [f[:5] for f in findings("db.yaml")] == [("PL203", "db.yaml", 11, 19, True)]


def test_a_baseline_entry_for_a_finding_an_entry_ignores_is_not_fixed(tmp_cwd):
    (tmp_cwd / "db.yaml").write_text(sts())
    assert cli("check", "db.yaml", "--write-baseline", "b.json").exit_code == 0
    config(tmp_cwd, "{rules: [PL203], kind: StatefulSet, reason: vendored}")
    result = cli("check", "db.yaml", "--baseline", "b.json")
    assert result.stderr == "No problems found in 1 file; 1 suppressed.\n"

"""The engine: rule phases, levels, the sink, internal errors. Expectations are read from the
inputs written here, not from portlint's output."""

from __future__ import annotations

from conftest import REPO, cli, lint_text

from portlint import engine
from portlint.config import Settings
from portlint.rules import RULES

RANGE_POD = """apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    sysctls:
      - {name: net.ipv4.ip_local_port_range, value: "1000 2000"}
  containers:
    - {name: c, image: nginx}
"""
# "      - {name: net.ipv4.ip_local_port_range, value: " is 52 characters: the value is at column 53


def levels(result):
    return [(f["rule"], f["level"], f["line"], f["column"]) for f in result.findings]


def test_pl306_reports_its_notes_below_its_default_level():
    # 1000 is below 1024, and 1000 and 2000 are both even: two notes, not errors
    assert levels(lint_text(RANGE_POD)) == [("PL306", "note", 7, 53), ("PL306", "note", 7, 53)]


def test_a_configured_level_overrides_every_finding_of_the_rule(tmp_cwd):
    (tmp_cwd / ".portlint.yaml").write_text("rules: {PL306: error}\n")
    assert levels(lint_text(RANGE_POD)) == [("PL306", "error", 7, 53), ("PL306", "error", 7, 53)]


def test_effective_levels_take_config_then_select_and_ignore_prefixes():
    settings = Settings(rules={"PL307": "off", "PL203": "error"})
    got = engine.effective_levels(RULES, settings, {"PL2", "PL30"}, {"PL201"})
    assert got == {
        "PL202": "error",
        "PL203": "error",  # configured
        "PL301": "error",
        "PL302": "error",
        "PL303": "error",
        "PL304": "error",
        "PL305": "warning",
        "PL306": "error",
        "PL308": "warning",
        "PL309": "error",
        # PL307 is off in the config, PL201 ignored, PL000/PL1xx not selected
    }


def test_the_broken_guard_is_a_related_location_spanning_the_comparison():
    result = cli("check", "tests/fixtures/PL102/inverted-if.yaml", "--format", "json", "--select", "PL102")
    (finding,) = result.findings
    # line 19: 16 spaces, then sysctl; line 18: '              if [ "$POD_IP" = "$HOST_IP" ]; then'
    assert (finding["line"], finding["column"]) == (19, 17)
    assert finding["related"] == [
        {
            "path": "tests/fixtures/PL102/inverted-if.yaml",
            "line": 18,
            "column": 20,  # 14 spaces and 'if [ ': the comparison starts at its first operand
            "endLine": 18,
            "endColumn": 42,  # '"$POD_IP" = "$HOST_IP"' is 22 characters
            "label": "The broken guard",
        }
    ]


def test_a_node_wide_write_names_the_proc_sys_remount_as_evidence():
    text = """apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers:
    - name: tune
      command: [sh, -c, 'mount -o remount,rw /proc/sys; sysctl -w vm.max_map_count=262144']
  containers:
    - {name: c, image: nginx}
"""
    (finding,) = lint_text(text).findings
    # "      command: [sh, -c, 'mount -o remount,rw /proc/sys; " is 56 characters
    assert (finding["rule"], finding["line"], finding["column"]) == ("PL103", 7, 57)
    assert finding["message"] == 'init container "tune" writes vm.max_map_count=262144, a node-wide sysctl, after remounting /proc/sys read-write'


def test_a_rule_that_raises_is_one_line_and_exit_2_and_the_rest_still_runs(monkeypatch):
    from portlint.rules import pl203_unsafe_pod_sysctl

    def broken(manifest, ctx):
        raise ValueError("boom")

    monkeypatch.setattr(pl203_unsafe_pod_sysctl, "check", broken)
    text = RANGE_POD.replace('value: "1000 2000"}', 'value: "1000 2000"}\n      - {name: kernel.msgmax, value: "1"}')
    result = lint_text(text)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("portlint: error: internal error in PL203 on manifest.yaml: ValueError: boom (test_engine.py:")
    assert lines[0].endswith("); please report it")
    assert [f["rule"] for f in result.findings] == ["PL306", "PL306"]  # the other rules still ran


def test_run_rules_see_the_facts_of_every_input():
    # the range is declared in one file, the nodePort is in another
    result = cli(
        "check",
        "tests/fixtures/PL201/helm-rendered.yaml",
        "tests/fixtures/PL303/two-services.yaml",
        "--format",
        "json",
        "--select",
        "PL301",
        "--fail-on",
        "never",
    )
    assert [(f["rule"], f["path"], f["line"]) for f in result.findings] == [
        ("PL301", "tests/fixtures/PL303/two-services.yaml", 10),
        ("PL301", "tests/fixtures/PL303/two-services.yaml", 21),
    ]
    assert (REPO / "tests/fixtures/PL303/two-services.yaml").read_text().splitlines()[9].strip() == "nodePort: 30080"


def test_the_garbage_collector_is_paused_through_the_lint_and_the_report(monkeypatch):
    """Trees, facts and findings hold no cycles: the collector would only walk them."""
    import gc

    from portlint.report.json import JsonWriter

    seen = []
    original = JsonWriter.result

    def spy(self, finding):
        seen.append(gc.isenabled())
        return original(self, finding)

    monkeypatch.setattr(JsonWriter, "result", spy)
    assert gc.isenabled()
    result = cli("check", "tests/fixtures/PL201", "--format", "json", "--fail-on", "never")
    assert seen and not any(seen)
    assert len(seen) == len(result.findings)
    assert gc.isenabled()


OBJECTS_WITH_AND_WITHOUT_POD_SPECS = """apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers: [{name: app}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: no-template}
spec: {replicas: 1}
---
apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: Service, metadata: {name: svc}}
  - {apiVersion: v1, kind: Pod, metadata: {name: single}, spec: {containers: [{name: c}]}}
---
metadata: {name: patch}
spec:
  template:
    spec:
      initContainers: [{name: tune}]
"""


def test_pod_rules_see_only_the_objects_with_a_pod_spec_and_object_rules_see_every_object(tmp_path):
    from types import ModuleType

    seen: dict[str, list[str]] = {"object": [], "pod": []}

    def rule(rule_id: str, scope: str) -> ModuleType:
        module = ModuleType(rule_id)
        module.ID, module.SCOPE = rule_id, scope
        module.check = lambda manifest, ctx: seen[scope].append(manifest.name)
        return module

    path = tmp_path / "mixed.yaml"
    path.write_text(OBJECTS_WITH_AND_WITHOUT_POD_SPECS)
    registry = [rule("PL901", "object"), rule("PL902", "pod")]
    engine.lint([str(path)], Settings(), registry, {"PL901": "warning", "PL902": "warning"})
    assert seen == {
        "object": ["settings", "web", "no-template", "svc", "single", "patch"],
        "pod": ["web", "single", "patch"],
    }

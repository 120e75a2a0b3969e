"""Hostile and broken input: a clear result, never a traceback, a hang, or the last-resort
handler ("internal error"). Heavy cases run as subprocesses with a timeout, so a hang fails
the test instead of stalling the suite."""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys

import pytest
from conftest import REPO, cli, lint_text

POD = """apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  hostNetwork: true
  containers:
    - name: c
      image: busybox
      command: [sysctl, -w, net.core.somaxconn=1024]
"""


def clean(result) -> None:
    """Nothing reached the last-resort handler, and nothing printed a traceback."""
    assert "internal error" not in result.stderr
    assert "Traceback" not in result.stderr
    assert result.exit_code in (0, 1), result.stderr


def run_subprocess(path, *args, timeout=60):
    done = subprocess.run(
        [sys.executable, "-m", "portlint", "check", str(path), "--format", "json", "--fail-on", "never", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
    )
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"\x7fELF\x02\x01\x01\x00\x00\x00", [("PL000", 1, 8)]),
        ("name: caf\u00e9\n".encode("latin-1"), [("PL000", 1, 10)]),
        (POD.encode("utf-16"), [("PL201", 10, 29)]),
        (codecs.BOM_UTF8 + POD.replace("\n", "\r\n").encode(), [("PL201", 10, 29)]),
        (b"", []),
        (b"# only a comment\n# and another\n", []),
        (b"---\n---\n...\n---\n", []),
        (b"apiVersion: v1\nkind: Pod\n\t- tab\n", [("PL000", 3, 1)]),
        (b"\t- tab\n", []),  # not a Kubernetes document: its syntax is not portlint's business
    ],
    ids=["binary", "latin-1", "utf-16-bom", "bom-crlf", "empty", "comments", "only-markers", "tab-indent", "tab-not-k8s"],
)
def test_encodings_and_empty_inputs(tmp_cwd, data, expected):
    (tmp_cwd / "in.yaml").write_bytes(data)
    result = cli("check", "in.yaml", "--format", "json", "--fail-on", "never")
    clean(result)
    assert result.triples() == expected


def test_alias_bomb_in_a_pod_spec_stays_cheap(tmp_path):
    lines = ['x: &a0 ["sysctl -w net.core.somaxconn=1"]']
    for i in range(1, 12):
        lines.append(f"x{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    bomb = "\n".join(lines) + "\n"
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: bomb}\n"
        + bomb
        + """spec:
  hostNetwork: true
  containers:
    - name: c
      image: busybox
      command: *a11
      args: *a11
      env: *a11
    - *a11
"""
    )
    (tmp_path / "bomb.yaml").write_text(text)
    data = run_subprocess(tmp_path / "bomb.yaml", timeout=20)  # 10^11 nodes if expanded
    assert data["findings"] == []


def test_merge_bomb_stays_cheap(tmp_path):
    lines = ["m0: &m0 {k0: v}"]
    for i in range(1, 25):
        lines.append(f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}], k{i}: v}}")
    text = "\n".join(lines) + "\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: merge\n  annotations: *m24\n"
    (tmp_path / "merge.yaml").write_text(text)
    data = run_subprocess(tmp_path / "merge.yaml", timeout=20)
    assert data["findings"] == []


def test_deep_nesting(tmp_path):
    (tmp_path / "flow.yaml").write_text("apiVersion: v1\nkind: ConfigMap\na: " + "[" * 20000 + "]" * 20000 + "\n")
    data = run_subprocess(tmp_path / "flow.yaml", timeout=20)
    assert [(f["rule"], f["line"], f["column"]) for f in data["findings"]] == [("PL000", 3, 1004)]
    (tmp_path / "block.yaml").write_text("".join(" " * i + "k:\n" for i in range(2000)))
    assert run_subprocess(tmp_path / "block.yaml", timeout=20)["findings"] == []


def test_ten_megabyte_single_line_json(tmp_path):
    obj = {
        "apiVersion": "v1",
        "kind": "List",
        "items": [
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": f"c{i}"},
                "data": {"k": "v" * 40, "n": [1, 2, {"a": "b"}]},
            }
            for i in range(70000)
        ]
        + [
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "s"},
                "spec": {"type": "NodePort", "ports": [{"port": 1, "nodePort": 8080}]},
            }
        ],
    }
    text = json.dumps(obj)
    assert len(text) > 10_000_000 and "\n" not in text
    (tmp_path / "big.json").write_text(text)
    data = run_subprocess(tmp_path / "big.json", timeout=120)
    assert [(f["rule"], f["line"]) for f in data["findings"]] == [("PL302", 1)]


def test_documents_of_other_shapes_and_unknown_tags():
    text = "42\n---\n- a\n- b\n---\n!!python/object:os.system {apiVersion: v1, kind: Pod}\n---\napiVersion: v1\nkind: Pod\nmetadata: !!binary aGk=\nspec: !custom\n  hostNetwork: true\n"
    result = lint_text(text)
    clean(result)
    assert result.triples() == []


WRONG_TYPES = [
    "spec: null",
    "spec: [1, 2]",
    "metadata: just-a-string\nspec: {containers: x}",
    "spec: {containers: [null, 42, 'x', [1], {name: 7, command: 42, args: {a: b}, env: null}]}",
    "spec: {initContainers: {a: b}, containers: [{name: c, command: [sh, -c, [nested]]}]}",
    "spec: {containers: [{name: c, command: [sh, -c, 'sysctl -w a.b=1'], env: [null, 1, {name: [x]}, {name: POD_IP, valueFrom: 3}]}]}",
    "spec: {hostNetwork: 'true', securityContext: {sysctls: 'x'}, containers: [{name: c, ports: 'x'}]}",
    "spec: {securityContext: {sysctls: [null, {name: 3}, {name: net.ipv4.ip_local_port_range, value: [1]}, {value: x}]}}",
    "spec: {containers: [{name: c, ports: [{hostPort: '8080'}, {hostPort: {a: 1}}, null]}]}",
]


@pytest.mark.parametrize("body", WRONG_TYPES)
def test_wrong_types_in_pods_never_crash(body):
    clean(lint_text(f"apiVersion: v1\nkind: Pod\n{body}\n"))
    nested = "".join("    " + line + "\n" for line in body.splitlines())  # the same as spec.template
    result = lint_text(f"apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n{nested}")
    clean(result)
    assert [f for f in result.findings if f["rule"] == "PL000"] == []


@pytest.mark.parametrize(
    "spec",
    [
        "null",
        "{ports: x}",
        "{type: NodePort, ports: [null, 1, {nodePort: null}, {nodePort: [1]}, {nodePort: {a: b}}, {nodePort: 1.5}]}",
        "{type: [NodePort], ports: [{nodePort: 30001}], healthCheckNodePort: x}",
    ],
)
def test_wrong_types_in_services_never_crash(spec):
    clean(lint_text(f"apiVersion: v1\nkind: Service\nmetadata: {{name: s}}\nspec: {spec}\n"))


def test_wrong_types_in_declarations_never_crash():
    text = """apiVersion: tuned.openshift.io/v1
kind: Tuned
spec: {profile: [null, {data: [1]}, {data: "[sysctl]\\nnet.ipv4.ip_local_port_range=oops\\n"}]}
---
apiVersion: kops.k8s.io/v1alpha2
kind: Cluster
spec: {sysctlParameters: [1, null, "net.ipv4.ip_local_reserved_ports=x-y"], kubeAPIServer: {serviceNodePortRange: [1]}}
"""
    result = lint_text(text)
    clean(result)
    assert result.triples() == [("PL306", 3, 44)]  # an escaped "..." string: its start


def test_scripts_tree_sitter_cannot_parse():
    scripts = [
        "if [ ; then ((( sysctl -w net.core.somaxconn=1",
        "$(( `sysctl -w net.core.somaxconn=1",
        "case x in *) sysctl -w net.core.somaxconn=1 ;; esac }}}}",
        "\x00\x01 sysctl -w net.core.somaxconn=1",
    ]
    for script in scripts:
        text = POD.replace("command: [sysctl, -w, net.core.somaxconn=1024]", "command: [sh, -c, " + json.dumps(script) + "]")
        clean(lint_text(text))


def test_very_long_script(tmp_path):
    body = "".join(f"      echo line {i}\n" for i in range(50000)) + "      sysctl -w net.core.somaxconn=1\n"
    text = POD.replace(
        "      command: [sysctl, -w, net.core.somaxconn=1024]\n",
        "      command:\n        - sh\n        - -c\n        - |\n" + body.replace("      ", "          "),
    )
    (tmp_path / "long.yaml").write_text(text)
    data = run_subprocess(tmp_path / "long.yaml", timeout=60)
    assert [(f["rule"], f["line"], f["column"]) for f in data["findings"]] == [("PL201", 50014, 11)]


def test_symlink_loop_and_directory_without_manifests(tmp_cwd):
    (tmp_cwd / "d").mkdir()
    os.symlink(tmp_cwd / "d", tmp_cwd / "d" / "self")
    (tmp_cwd / "d" / "README.md").write_text("not a manifest")
    result = cli("check", "d")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "No problems found in 0 files.\n")


def test_unreadable_directory_exits_2(tmp_cwd):
    (tmp_cwd / "locked").mkdir()
    (tmp_cwd / "locked" / "a.yaml").write_text(POD)
    os.chmod(tmp_cwd / "locked", 0)
    try:
        if os.access(tmp_cwd / "locked", os.R_OK):
            pytest.skip("running as root: permissions do not apply")
        result = cli("check", "locked")
    finally:
        os.chmod(tmp_cwd / "locked", 0o755)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


def test_last_resort_handler_turns_a_rule_crash_into_one_line(tmp_cwd, monkeypatch):
    """The handler the hostile suite must never reach: a broken rule gives one line naming
    the rule and the file, exit code 2, and the other rules still report."""
    from portlint.rules import pl203_unsafe_pod_sysctl

    def broken(manifest, ctx):
        raise KeyError("boom")

    monkeypatch.setattr(pl203_unsafe_pod_sysctl, "check", broken)
    (tmp_cwd / "pod.yaml").write_text(POD)
    result = cli("check", "pod.yaml", "--format", "json")
    assert result.exit_code == 2
    assert result.triples() == [("PL201", 10, 29)]
    first = result.stderr.splitlines()[0]
    assert first.startswith("portlint: error: internal error in PL203 on pod.yaml: KeyError: 'boom' (test_hostile.py:")
    assert first.endswith("); please report it")
    assert "Traceback" not in result.stderr

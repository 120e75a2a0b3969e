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
    "spec: {containers: [{name: c, ports: [{hostPort: '8080'}, {hostPort: {a: 1}}, null]}]}",
]


@pytest.mark.parametrize("body", WRONG_TYPES)
def test_wrong_types_in_pods_never_crash(body):
    clean(lint_text(f"apiVersion: v1\nkind: Pod\n{body}\n"))
    nested = "".join("    " + line + "\n" for line in body.splitlines())  # the same as spec.template
    result = lint_text(f"apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n{nested}")
    clean(result)
    assert [f for f in result.findings if f["rule"] == "PL000"] == []


def test_pod_sysctls_of_wrong_types_are_parse_errors_not_crashes():
    # Kubernetes cannot decode a null entry or a list value (two strings), and requires a name:
    # PL000 at each, on line 5
    spec = "spec: {securityContext: {sysctls: [null, {name: 3}, {name: net.ipv4.ip_local_port_range, value: [1]}, {value: x}]}}"
    result = lint_text(f"apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    {spec}\n")
    clean(result)
    at = 4 + 1  # the spec's column 1 is the file's column 5
    assert [(f["rule"], f["line"], f["column"]) for f in result.findings if f["rule"] == "PL000"] == [
        ("PL000", 5, at + spec.index("null")),
        ("PL000", 5, at + spec.index("[1]")),
        ("PL000", 5, at + spec.index("{value: x}")),
    ]


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


NOBODY = 65534  # the unprivileged uid/gid; no passwd entry is needed


def as_unprivileged(cwd: str, calls: list[tuple[str, ...]]) -> tuple[list[bool], list[tuple[int, str, str]]]:
    """``cli(*args)`` for each of ``calls``, run in ``cwd`` by a user whose permissions apply.
    As root (CI runs as root) the calls run in a forked child that drops to uid/gid 65534
    first: in-process, so that no interpreter has to be found by that user (the modules the
    calls need are already imported: the caller runs them once before). Returns what the
    child could read of cwd's entries (os.access) and the (exit code, stdout, stderr) of each call."""

    def run() -> dict:
        os.chdir(cwd)
        readable = [os.access(name, os.R_OK) for name in sorted(os.listdir("."))]
        results = []
        for args in calls:
            r = cli(*args)
            results.append((r.exit_code, r.stdout, r.stderr))
        return {"readable": readable, "results": results}

    if os.geteuid() != 0:
        here = os.getcwd()
        try:
            data = run()
        finally:
            os.chdir(here)
    else:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns into pytest
            status = 0
            try:
                os.close(read_end)
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)
                payload = json.dumps({"uid": os.getuid(), **run()})
            except BaseException:  # noqa: BLE001 - reported to the parent
                import traceback

                payload, status = json.dumps({"error": traceback.format_exc()}), 1
            with os.fdopen(write_end, "w") as out:
                out.write(payload)
            os._exit(status)
        os.close(write_end)
        with os.fdopen(read_end) as pipe:
            raw = pipe.read()
        os.waitpid(pid, 0)
        data = json.loads(raw)
        assert "error" not in data, data.get("error")
        assert data["uid"] == NOBODY
    return data["readable"], [tuple(r) for r in data["results"]]


@pytest.fixture
def shared_dir():
    """A directory that the unprivileged user can reach (pytest's tmp_path is private to root)."""
    import shutil
    import tempfile

    path = tempfile.mkdtemp(prefix="portlint-permissions-")
    os.chmod(path, 0o755)
    try:
        yield path
    finally:
        for root, dirs, files in os.walk(path):
            for name in dirs + files:
                os.chmod(os.path.join(root, name), 0o755, follow_symlinks=False)
        shutil.rmtree(path)


def test_unreadable_inputs_exit_2_and_name_the_culprit(shared_dir):
    """Run as a user that permissions apply to, also in CI (as root): an unreadable directory
    and an unreadable file each give one line naming them and exit code 2; the readable file
    beside the unreadable one is still linted."""
    d = os.path.join(shared_dir, "d")
    os.mkdir(d, 0o755)
    for name in ("good.yaml", "secret.yaml"):
        with open(os.path.join(d, name), "w") as out:
            out.write(POD)
        os.chmod(os.path.join(d, name), 0o644)
    os.mkdir(os.path.join(shared_dir, "locked"))
    with open(os.path.join(shared_dir, "locked", "a.yaml"), "w") as out:
        out.write(POD)
    calls = [("check", "d", "--format", "json", "--fail-on", "never"), ("check", "locked")]
    # while everything is readable: both lint (and every module the calls need is imported)
    here = os.getcwd()
    os.chdir(shared_dir)
    try:
        assert [cli(*args).exit_code for args in calls] == [0, 1]
    finally:
        os.chdir(here)
    os.chmod(os.path.join(d, "secret.yaml"), 0)
    os.chmod(os.path.join(shared_dir, "locked"), 0)

    readable, results = as_unprivileged(shared_dir, calls)
    assert readable == [True, False]  # d, locked: permissions apply to the user that ran the calls
    (code, stdout, stderr), (locked_code, _, locked_stderr) = results

    assert code == 2, stderr
    assert stderr.splitlines() == ["portlint: error: d/secret.yaml: Permission denied"]
    findings = json.loads(stdout)["findings"]
    assert [(f["path"], f["rule"], f["line"], f["column"]) for f in findings] == [("d/good.yaml", "PL201", 10, 29)]

    assert locked_code == 2, locked_stderr
    assert "Traceback" not in locked_stderr and "internal error" not in locked_stderr
    # like an unreadable file: named on one line, the (empty) report still written
    assert locked_stderr == "portlint: error: locked: Permission denied\nNo problems found in 0 files.\n"


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

"""The command line: exit codes, formats, stdin, output files, rules/explain/--version."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from conftest import REPO, cli, lint_text

HOSTNET_WRITE = """apiVersion: v1
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
POD_NET_WRITE = HOSTNET_WRITE.replace("  hostNetwork: true\n", "")
CLEAN = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n"


def write(tmp, name, text):
    path = tmp / name
    path.write_text(text)
    return name


def test_text_format_is_gcc_style_with_a_summary_on_stderr(tmp_cwd):
    write(tmp_cwd, "pod.yaml", HOSTNET_WRITE)
    result = cli("check", "pod.yaml")
    assert result.exit_code == 1
    assert result.stdout == (
        'pod.yaml:10:29: error: container "c" writes net.core.somaxconn=1024 in a hostNetwork pod, which shares the '
        "node's network namespace, without a valid POD_IP/HOST_IP guard. This changes the node's kernel for every pod "
        'on it; run the write only if [ "$POD_IP" != "$HOST_IP" ], with POD_IP from fieldRef status.podIP and HOST_IP '
        "from fieldRef status.hostIP in the container's env, or drop hostNetwork. [PL201]\n"
    )
    assert result.stderr == "Found 1 problem (1 error) in 1 file.\n"


def test_exit_codes_follow_fail_on(tmp_cwd):
    write(tmp_cwd, "warn.yaml", POD_NET_WRITE)  # PL101 is a warning
    write(tmp_cwd, "clean.yaml", CLEAN)
    assert cli("check", "clean.yaml").exit_code == 0
    assert cli("check", "warn.yaml").exit_code == 1
    assert cli("check", "warn.yaml", "--fail-on", "error").exit_code == 0
    assert cli("check", "warn.yaml", "--fail-on", "note").exit_code == 1
    assert cli("check", "warn.yaml", "--fail-on", "never").exit_code == 0


def test_missing_path_exits_2_naming_it(tmp_cwd):
    result = cli("check", "nowhere.yaml")
    assert result.exit_code == 2
    assert result.stderr == "portlint: error: nowhere.yaml: no such file or directory\n"


def test_no_paths_is_a_usage_error(tmp_cwd):
    result = cli("check")
    assert result.exit_code == 2
    assert "no paths given" in result.stderr


def test_bad_range_flag_exits_2(tmp_cwd):
    write(tmp_cwd, "clean.yaml", CLEAN)
    result = cli("check", "clean.yaml", "--ephemeral-port-range", "60999 32768")
    assert result.exit_code == 2
    assert result.stderr == (
        'portlint: error: --ephemeral-port-range: "60999 32768" is reversed: the low end 60999 is above the high end 32768\n'
    )
    result = cli("check", "clean.yaml", "--reserved-ports", "30000-x")
    assert result.exit_code == 2
    assert result.stderr.startswith('portlint: error: --reserved-ports: "30000-x" is not a list of ports and ranges')


def test_bad_kubernetes_version_exits_2(tmp_cwd):
    write(tmp_cwd, "clean.yaml", CLEAN)
    result = cli("check", "clean.yaml", "--kubernetes-version", "latest")
    assert (result.exit_code, result.stderr) == (
        2,
        "portlint: error: --kubernetes-version: 'latest' is not a Kubernetes version like 1.31\n",
    )


def test_unreadable_file_exits_2_but_lints_the_rest(tmp_cwd):
    import os

    write(tmp_cwd, "pod.yaml", HOSTNET_WRITE)
    write(tmp_cwd, "secret.yaml", CLEAN)
    os.chmod(tmp_cwd / "secret.yaml", 0)
    try:
        if os.access(tmp_cwd / "secret.yaml", os.R_OK):  # root reads anything: make it a directory-like failure
            os.chmod(tmp_cwd / "secret.yaml", 0o644)
            (tmp_cwd / "secret.yaml").unlink()
            os.symlink(tmp_cwd / "missing-target.yaml", tmp_cwd / "secret.yaml")
        result = cli("check", ".", "--format", "json")
    finally:
        if (tmp_cwd / "secret.yaml").exists():
            os.chmod(tmp_cwd / "secret.yaml", 0o644)
    assert result.exit_code == 2
    assert result.triples() == [("PL201", 10, 29)]
    assert result.stderr.startswith("portlint: error: secret.yaml: No such file or directory")
    assert result.json["errors"] == ["secret.yaml: No such file or directory"]


def test_stdin_with_a_name(tmp_cwd):
    result = cli("check", "-", "--stdin-filename", "k8s/pod.yaml", input=HOSTNET_WRITE)
    assert result.exit_code == 1
    assert result.stdout.startswith("k8s/pod.yaml:10:29: error: ")


def test_output_file(tmp_cwd):
    write(tmp_cwd, "pod.yaml", HOSTNET_WRITE)
    result = cli("check", "pod.yaml", "--format", "json", "--output", "report.json")
    assert result.exit_code == 1
    assert result.stdout == ""
    data = json.loads((tmp_cwd / "report.json").read_text())
    assert [(f["rule"], f["line"], f["column"]) for f in data["findings"]] == [("PL201", 10, 29)]


def test_json_format_is_documented_and_stable(tmp_cwd):
    result = lint_text(HOSTNET_WRITE, name="pod.yaml")
    data = result.json
    assert data["version"] == 1 and data["files"] == 1 and data["errors"] == []
    finding = data["findings"][0]
    assert sorted(finding) == sorted(
        [
            "rule",
            "name",
            "level",
            "message",
            "path",
            "line",
            "column",
            "endLine",
            "endColumn",
            "related",
            "template",
            "suppressed",
            "fingerprint",
        ]
    )
    assert (finding["rule"], finding["name"], finding["level"]) == ("PL201", "host-network-sysctl-write", "error")
    assert (finding["line"], finding["column"], finding["endLine"], finding["endColumn"]) == (10, 29, 10, 52)
    assert finding["related"] == [
        {"path": "pod.yaml", "line": 6, "column": 3, "endLine": 6, "endColumn": 20, "label": "hostNetwork: true is set here"}
    ]


def test_github_annotations_are_escaped(tmp_cwd):
    from portlint.findings import Finding, Location
    from portlint.report import github

    finding = Finding("PL101", "warning", "100% bad\nsecond line", Location("a,b:c.yaml", 3, 4, 3, 9))
    out = github.render([finding], {"PL101": "unguarded-sysctl-write"})
    assert out == (
        "::warning file=a%2Cb%3Ac.yaml,line=3,col=4,endLine=3,endColumn=9,title=PL101 unguarded-sysctl-write"
        "::100%25 bad%0Asecond line\n"
    )


def test_select_and_ignore(tmp_cwd):
    write(tmp_cwd, "pod.yaml", HOSTNET_WRITE)
    assert cli("check", "pod.yaml", "--select", "PL3").exit_code == 0
    assert cli("check", "pod.yaml", "--ignore", "PL201").exit_code == 0
    assert cli("check", "pod.yaml", "--select", "PL101,PL201").exit_code == 1


def test_rules_table_lists_every_rule():
    from portlint.rules import RULES

    result = cli("rules")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [r.ID for r in RULES]
    assert lines[1].split()[:3] == ["PL101", "unguarded-sysctl-write", "warning"]


def test_explain_prints_the_help():
    result = cli("explain", "PL201")
    assert result.exit_code == 0
    assert result.stdout.startswith("# PL201 host-network-sysctl-write\n")
    assert "## Bad" in result.stdout and "## Good" in result.stdout
    assert cli("explain", "unguarded-sysctl-write").stdout.startswith("# PL101 ")
    bad = cli("explain", "PL999")
    assert (bad.exit_code, bad.stderr) == (2, "portlint: error: unknown rule 'PL999'; `portlint rules` lists them\n")


def test_version():
    from portlint import __version__

    result = cli("--version")
    assert (result.exit_code, result.stdout) == (0, f"portlint {__version__}\n")


def test_installed_console_script_runs_as_a_subprocess(tmp_path):
    import os
    import sysconfig

    exe = shutil.which("portlint")
    if exe is None:  # installed, but its scripts directory is not on PATH
        candidate = os.path.join(sysconfig.get_path("scripts"), "portlint")
        exe = candidate if os.path.exists(candidate) else None
    assert exe is not None, "install the package first (README): the console script is missing"
    (tmp_path / "pod.yaml").write_text(HOSTNET_WRITE)
    done = subprocess.run(
        [exe, "check", "pod.yaml", "--format", "json"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1, done.stderr
    assert [(f["rule"], f["line"], f["column"]) for f in json.loads(done.stdout)["findings"]] == [("PL201", 10, 29)]
    assert "Traceback" not in done.stderr


def test_python_dash_m_linter_runs(tmp_path):
    done = subprocess.run([sys.executable, "-m", "portlint", "--version"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("portlint ")


def test_a_range_from_flags_is_reported_as_a_run_level_warning(tmp_cwd):
    write(tmp_cwd, "clean.yaml", CLEAN)
    args = ("check", "clean.yaml", "--ephemeral-port-range", "20000-40000", "--reserved-ports", "30000-31000")
    result = cli(*args)
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == (
        "portlint: warning: PL304: The ephemeral port range 20000-40000 set by --ephemeral-port-range 20000-40000 "
        "overlaps the NodePort range 30000-32767, and ports 31001-32767 are not reserved. Outbound connections from "
        'the node can take ports that Services hold as NodePorts; add net.ipv4.ip_local_reserved_ports="30000-32767" '
        "or start the range above 32767."
    )
    invocation = json.loads(cli(*args, "--format", "sarif").stdout)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True
    assert [n["level"] for n in invocation["toolExecutionNotifications"]] == ["warning"]


def test_widened_range_on_a_directory_and_reserving_it(tmp_cwd):
    (tmp_cwd / "deploy").mkdir()
    (tmp_cwd / "deploy" / "svc.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 30080\n"
    )
    widened = cli("check", "--ephemeral-port-range", "1024 65535", "deploy", "--format", "json")
    assert (widened.exit_code, widened.triples()) == (1, [("PL301", 8, 17)])
    reserved = cli(
        "check", "--ephemeral-port-range", "1024 65535", "--reserved-ports", "30000-32767", "deploy", "--format", "json"
    )
    assert (reserved.exit_code, reserved.triples()) == (0, [])


def test_remounting_proc_sys_is_named_as_evidence():
    result = lint_text(
        HOSTNET_WRITE.replace(
            "      command: [sysctl, -w, net.core.somaxconn=1024]\n",
            "      command: [sh, -c, 'mount -o remount,rw /proc/sys && sysctl -w net.core.somaxconn=1024']\n",
        )
    )
    (finding,) = result.findings
    assert finding["rule"] == "PL201"
    assert finding["message"].endswith(
        "or drop hostNetwork. The script also remounts /proc/sys read-write, so the write does reach the kernel."
    )

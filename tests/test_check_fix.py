"""`portlint check --fix / --diff / --unsafe-fixes`: what is written, printed and returned,
as ruff does it (fixed findings are counted, not reported; --diff writes nothing and exits
1 when there is something to fix)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import cli

POD = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      command: [sh, -c, 'sysctl -w net.core.somaxconn=1']
"""
FIXED = POD.replace(
    "      command: [sh, -c, 'sysctl -w net.core.somaxconn=1']\n",
    "      env:\n        - name: POD_IP\n          valueFrom: {fieldRef: {fieldPath: status.podIP}}\n"
    "        - name: HOST_IP\n          valueFrom: {fieldRef: {fieldPath: status.hostIP}}\n"
    "      command: [sh, -c, 'if [ \"$POD_IP\" != \"$HOST_IP\" ]; then sysctl -w net.core.somaxconn=1; fi']\n",
)
SERVICE = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: 40000}]\n"


def test_diff_prints_the_fix_writes_nothing_and_exits_1(tmp_cwd):
    Path("pod.yaml").write_text(POD)
    result = cli("check", "--diff", "pod.yaml")
    assert result.stdout == (
        "--- a/pod.yaml\n+++ b/pod.yaml\n@@ -4,4 +4,9 @@\n spec:\n   containers:\n     - name: a\n"
        "-      command: [sh, -c, 'sysctl -w net.core.somaxconn=1']\n"
        "+      env:\n+        - name: POD_IP\n+          valueFrom: {fieldRef: {fieldPath: status.podIP}}\n"
        "+        - name: HOST_IP\n+          valueFrom: {fieldRef: {fieldPath: status.hostIP}}\n"
        "+      command: [sh, -c, 'if [ \"$POD_IP\" != \"$HOST_IP\" ]; then sysctl -w net.core.somaxconn=1; fi']\n"
    )
    assert (result.stderr, result.exit_code) == ("Would fix 1 problem.\n", 1)
    assert Path("pod.yaml").read_text() == POD


def test_diff_with_nothing_to_fix_exits_0(tmp_cwd):
    Path("svc.yaml").write_text(SERVICE)
    result = cli("check", "--diff", "svc.yaml")
    assert (result.stdout, result.stderr, result.exit_code) == ("", "No fixes available.\n", 0)


def test_diff_marks_a_last_line_without_a_line_end(tmp_cwd):
    Path("pod.yaml").write_text(POD.rstrip("\n"))
    result = cli("check", "--diff", "pod.yaml")
    assert result.stdout.endswith("; fi']\n\\ No newline at end of file\n")
    assert "-      command: [sh, -c, 'sysctl -w net.core.somaxconn=1']\n\\ No newline at end of file\n" in result.stdout


def test_fix_writes_the_file_and_reports_only_what_is_left(tmp_cwd):
    Path("pod.yaml").write_text(POD)
    Path("svc.yaml").write_text(SERVICE)
    result = cli("check", "--fix", "--format", "json", ".")
    assert Path("pod.yaml").read_text() == FIXED
    assert Path("svc.yaml").read_text() == SERVICE
    assert [(f["rule"], f["path"], f["line"], f["column"]) for f in result.json["findings"]] == [("PL302", "svc.yaml", 6, 32)]
    assert result.exit_code == 1


def test_fix_counts_the_fixed_in_the_summary_and_exits_by_what_is_left(tmp_cwd):
    Path("pod.yaml").write_text(POD)
    result = cli("check", "--fix", "pod.yaml")
    assert (result.stdout, result.stderr, result.exit_code) == ("", "No problems found in 1 file; 1 fixed.\n", 0)
    again = cli("check", "--fix", "pod.yaml")  # nothing left to fix: the file stays
    assert (again.stderr, again.exit_code, Path("pod.yaml").read_text()) == ("No problems found in 1 file.\n", 0, FIXED)


def test_a_suppressed_finding_is_not_fixed(tmp_cwd):
    text = POD.replace("net.core.somaxconn=1']", "net.core.somaxconn=1']  # portlint: ignore[PL101] tuned on purpose")
    Path("pod.yaml").write_text(text)
    result = cli("check", "--fix", "pod.yaml")
    assert (Path("pod.yaml").read_text(), result.exit_code) == (text, 0)


def test_fix_refuses_stdin_and_helm_chart(tmp_cwd):
    result = cli("check", "--fix", "-", input=POD)
    assert result.stderr == "portlint: error: --fix/--diff: fixes are written to files; not with stdin ('-') or --helm-chart\n"
    assert result.exit_code == 2
    assert cli("check", "--diff", "x.yaml", "--helm-chart", ".").exit_code == 2


def test_fix_says_what_it_refused_beside_what_it_fixed(tmp_cwd):
    """Two files: one fixed, one refused (a POD_IP taken by a literal): the note survives the
    second lint that reports what is left."""
    Path("a.yaml").write_text(POD)
    refused = POD.replace("    - name: a\n", "    - name: a\n      env: [{name: POD_IP, value: x}]\n")
    Path("b.yaml").write_text(refused)
    result = cli("check", "--fix", "a.yaml", "b.yaml")
    assert result.stderr.splitlines() == [
        "portlint: note: b.yaml:8:26: PL101 not fixed: $POD_IP is already set in the container's env from something other than status.podIP",
        "Found 1 problem (1 warning) in 2 files; 1 fixed.",
    ]
    assert result.stdout.startswith("b.yaml:8:26: warning: ")
    assert (Path("a.yaml").read_text(), Path("b.yaml").read_text()) == (FIXED, refused)


def test_diff_counts_every_fixed_finding(tmp_cwd):
    Path("a.yaml").write_text(POD)
    Path("b.yaml").write_text(POD)
    result = cli("check", "--diff", "a.yaml", "b.yaml")
    assert (result.stderr, result.exit_code) == ("Would fix 2 problems.\n", 1)
    assert result.stdout.count("+++ b/") == 2


def test_a_refused_fix_is_a_sarif_notification(tmp_cwd):
    refused = POD.replace("    - name: a\n", "    - name: a\n      env: [{name: POD_IP, value: x}]\n")
    Path("b.yaml").write_text(refused)
    result = cli("check", "--fix", "--format", "sarif", "b.yaml")
    notes = json.loads(result.stdout)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notes == [
        {
            "level": "note",
            "message": {
                "text": "b.yaml:8:26: PL101 not fixed: $POD_IP is already set in the container's env from something other than status.podIP."
            },
        }
    ]

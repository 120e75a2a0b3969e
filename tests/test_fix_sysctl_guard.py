"""The PL101/PL201 fix (linter/fixes/sysctl_guard.py), run as `portlint check --fix`: each
test gives a manifest and the whole fixed text, byte for byte, read off the input."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import cli

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  initContainers:
    - name: tune
      image: busybox
      command:
        - sh
        - -c
        - |
          set -e  # keep
          sysctl -w net.core.somaxconn=1024
          echo 1 > /proc/sys/net/ipv4/ip_forward
          echo done
  containers:
    - name: app
      image: nginx
"""

ENV = """\
      env:
        - name: POD_IP
          valueFrom: {fieldRef: {fieldPath: status.podIP}}
        - name: HOST_IP
          valueFrom: {fieldRef: {fieldPath: status.hostIP}}
"""
GUARD = 'if [ "$POD_IP" != "$HOST_IP" ]; then'


def with_env(text: str) -> str:
    """``text`` with ENV before its first ``command`` key: where the fix adds the entries."""
    return text.replace("      command:\n", ENV + "      command:\n", 1)


def fix(tmp_cwd, text: str | bytes, *flags: str) -> tuple[bytes, str, int]:
    """(the file's bytes after ``check --fix``, stderr, exit code)."""
    path = Path("pod.yaml")
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    result = cli("check", "--fix", *flags, "pod.yaml")
    return path.read_bytes(), result.stderr, result.exit_code


def test_a_run_of_writes_in_a_literal_block_is_wrapped_and_the_env_added(tmp_cwd):
    after, err, code = fix(tmp_cwd, POD)
    assert after.decode() == POD.replace("      command:\n", ENV + "      command:\n").replace(
        "          sysctl -w net.core.somaxconn=1024\n          echo 1 > /proc/sys/net/ipv4/ip_forward\n",
        f"          {GUARD}\n            sysctl -w net.core.somaxconn=1024\n"
        "            echo 1 > /proc/sys/net/ipv4/ip_forward\n          fi\n",
    )
    # one finding: the container's first write, the second a related place of it
    assert (err, code) == ("No problems found in 1 file; 1 fixed.\n", 0)


def test_writes_on_lines_apart_are_wrapped_apart_in_the_script_s_own_indent_step(tmp_cwd):
    text = POD.replace("          echo 1 > /proc/sys/net/ipv4/ip_forward\n", "          for i in 1; do\n              echo $i\n          done\n          sysctl -w net.ipv4.tcp_syncookies=1\n")
    after, _, _ = fix(tmp_cwd, text)
    assert after.decode() == with_env(text).replace(
        "          sysctl -w net.core.somaxconn=1024\n", f"          {GUARD}\n              sysctl -w net.core.somaxconn=1024\n          fi\n"
    ).replace("          sysctl -w net.ipv4.tcp_syncookies=1\n", f"          {GUARD}\n              sysctl -w net.ipv4.tcp_syncookies=1\n          fi\n")


def test_a_write_inside_a_loop_keeps_its_depth_plus_one_step(tmp_cwd):
    text = POD.replace("          echo 1 > /proc/sys/net/ipv4/ip_forward\n", "").replace(
        "          sysctl -w net.core.somaxconn=1024\n", "          for i in 1; do\n          \tsysctl -w net.core.somaxconn=1024\n          done\n"
    )
    after, _, _ = fix(tmp_cwd, text)
    # the script indents with a tab: the body goes one tab deeper, the guard at the write's indent
    assert after.decode() == with_env(text).replace(
        "          \tsysctl -w net.core.somaxconn=1024\n",
        f"          \t{GUARD}\n          \t\tsysctl -w net.core.somaxconn=1024\n          \tfi\n",
    )


def test_a_write_on_the_script_s_first_line_is_wrapped_in_lines(tmp_cwd):
    text = POD.replace("          set -e  # keep\n", "")
    after, _, _ = fix(tmp_cwd, text)
    assert after.decode() == with_env(text).replace(
        "          sysctl -w net.core.somaxconn=1024\n          echo 1 > /proc/sys/net/ipv4/ip_forward\n",
        f"          {GUARD}\n            sysctl -w net.core.somaxconn=1024\n            echo 1 > /proc/sys/net/ipv4/ip_forward\n          fi\n",
    )


@pytest.mark.parametrize(
    "script, fixed",
    [
        # continuing the line above: not a line of its own
        ("echo a &&\n          sysctl -w net.core.somaxconn=1024", f"echo a &&\n          {GUARD} sysctl -w net.core.somaxconn=1024; fi"),
        # followed on its line, sharing its line, inside a command substitution
        ("sysctl -w net.core.somaxconn=1024 || true", f"{GUARD} sysctl -w net.core.somaxconn=1024; fi || true"),
        ("echo a; sysctl -w net.core.somaxconn=1024 2>/dev/null", f"echo a; {GUARD} sysctl -w net.core.somaxconn=1024; fi 2>/dev/null"),
        ("x=$(sysctl -w net.core.somaxconn=1024)", f"x=$({GUARD} sysctl -w net.core.somaxconn=1024; fi)"),
    ],
)
def test_a_write_that_is_not_a_line_of_its_own_is_wrapped_where_it_stands(tmp_cwd, script, fixed):
    one = POD.replace("          echo 1 > /proc/sys/net/ipv4/ip_forward\n", "")
    text = one.replace("sysctl -w net.core.somaxconn=1024", script)
    after, _, _ = fix(tmp_cwd, text)
    assert after.decode() == with_env(one.replace("sysctl -w net.core.somaxconn=1024", fixed))


def test_a_folded_block_is_wrapped_on_the_line_so_that_no_line_break_is_folded(tmp_cwd):
    text = POD.replace("        - |\n", "        - >\n").replace("          set -e  # keep\n", "          set -e;\n").replace(
        "          sysctl -w net.core.somaxconn=1024\n          echo 1 > /proc/sys/net/ipv4/ip_forward\n", "          sysctl -w net.core.somaxconn=1024;\n"
    )
    after, _, _ = fix(tmp_cwd, text)
    assert after.decode() == with_env(text).replace(
        "          sysctl -w net.core.somaxconn=1024;\n", f"          {GUARD} sysctl -w net.core.somaxconn=1024; fi;\n"
    )


def test_quoted_one_liners_single_and_double(tmp_cwd):
    single = "      command: [sh, -c, 'sysctl -w net.core.somaxconn=1024 && echo ok']\n"
    double = '      args: ["sysctl -w net.core.somaxconn=1024"]\n      command: ["/bin/sh", "-c"]\n'
    block = "      command:\n        - sh\n        - -c\n        - |\n          set -e  # keep\n          sysctl -w net.core.somaxconn=1024\n          echo 1 > /proc/sys/net/ipv4/ip_forward\n          echo done\n"
    for line, fixed in [
        (single, f"      command: [sh, -c, '{GUARD} sysctl -w net.core.somaxconn=1024; fi && echo ok']\n"),
        (double, '      args: ["if [ \\"$POD_IP\\" != \\"$HOST_IP\\" ]; then sysctl -w net.core.somaxconn=1024; fi"]\n      command: ["/bin/sh", "-c"]\n'),
    ]:
        text = POD.replace(block, line)
        after, _, code = fix(tmp_cwd, text)
        # the env goes before command or args, whichever comes first
        assert after.decode() == text.replace(line, ENV + fixed), line
        assert code == 0


def test_plain_scripts_in_block_lists_beside_flow_lists(tmp_cwd):
    block = POD[POD.index("      command:\n") : POD.index("  containers:")]
    for script in [
        "      command: [sh, -c]\n      args:\n        - sysctl -w net.core.somaxconn=1024\n",
        "      command:\n        - sh\n        - -c\n        - sysctl -w net.core.somaxconn=1024\n",
    ]:
        text = POD.replace(block, script)
        after, _, _ = fix(tmp_cwd, text)
        assert after.decode() == text.replace(script, ENV + script).replace(
            "- sysctl -w net.core.somaxconn=1024\n", f"- {GUARD} sysctl -w net.core.somaxconn=1024; fi\n"
        ), script


def test_exec_form_becomes_a_guarded_shell_command(tmp_cwd):
    block = POD[POD.index("      command:\n") : POD.index("  containers:")]
    text = POD.replace(block, "      command: [sysctl, -w, net.core.somaxconn=1024]\n")
    after, _, _ = fix(tmp_cwd, text)
    assert after.decode() == text.replace(
        "      command: [sysctl, -w, net.core.somaxconn=1024]\n",
        ENV + f"      command: [sh, -c, '{GUARD} sysctl -w net.core.somaxconn=1024; fi']\n",
    )


def test_env_entries_that_carry_the_ips_are_used_and_only_the_missing_one_added(tmp_cwd):
    own = "      env:\n        - name: MY_IP\n          valueFrom:\n            fieldRef: {fieldPath: status.podIP}\n"
    text = POD.replace("      command:\n", own + "      command:\n")
    after, _, _ = fix(tmp_cwd, text)
    added = "        - name: HOST_IP\n          valueFrom: {fieldRef: {fieldPath: status.hostIP}}\n"
    assert after.decode() == text.replace("      env:\n", "      env:\n" + added).replace(
        "          sysctl -w net.core.somaxconn=1024\n          echo 1 > /proc/sys/net/ipv4/ip_forward\n",
        '          if [ "$MY_IP" != "$HOST_IP" ]; then\n            sysctl -w net.core.somaxconn=1024\n'
        "            echo 1 > /proc/sys/net/ipv4/ip_forward\n          fi\n",
    )


def test_crlf_and_a_bom_stay_and_the_new_lines_end_in_crlf(tmp_cwd):
    text = POD.replace("\n", "\r\n").encode()
    after, _, _ = fix(tmp_cwd, b"\xef\xbb\xbf" + text)
    expected = POD.replace("      command:\n", ENV + "      command:\n").replace(
        "          sysctl -w net.core.somaxconn=1024\n          echo 1 > /proc/sys/net/ipv4/ip_forward\n",
        f"          {GUARD}\n            sysctl -w net.core.somaxconn=1024\n            echo 1 > /proc/sys/net/ipv4/ip_forward\n          fi\n",
    )
    assert after == b"\xef\xbb\xbf" + expected.replace("\n", "\r\n").encode()


def test_an_empty_env_list_becomes_the_block_list(tmp_cwd):
    text = POD.replace("      command:\n", "      env: []  # none yet\n      command:\n")
    after, _, _ = fix(tmp_cwd, text)
    entries = ENV[len("      env:\n") :].rstrip("\n")
    assert after.decode() == text.replace("      env: []  #", f"      env:\n{entries}  #").replace(
        "          sysctl -w net.core.somaxconn=1024\n          echo 1 > /proc/sys/net/ipv4/ip_forward\n",
        f"          {GUARD}\n            sysctl -w net.core.somaxconn=1024\n            echo 1 > /proc/sys/net/ipv4/ip_forward\n          fi\n",
    )


def test_a_second_document_is_fixed_at_its_own_offsets(tmp_cwd):
    first = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n---\n"
    after, _, _ = fix(tmp_cwd, first + POD)
    assert after.decode().startswith(first + POD[: POD.index("      command:\n")] + ENV)


def test_a_hostnetwork_write_is_fixed_only_with_unsafe_fixes(tmp_cwd):
    text = POD.replace("spec:\n  initContainers:", "spec:\n  hostNetwork: true\n  initContainers:")
    after, err, code = fix(tmp_cwd, text)
    assert (after.decode(), code) == (text, 1)
    assert err.endswith("Found 1 problem (1 error) in 1 file.\n")
    after, err, code = fix(tmp_cwd, text, "--unsafe-fixes")
    assert GUARD in after.decode() and (err, code) == ("No problems found in 1 file; 1 fixed.\n", 0)


EXEC_REFUSED = [
    ("      command: [nsenter, -t, '1', -n, sysctl, -w, net.core.somaxconn=1]\n", "the writes are not in a `sh -c SCRIPT` or an exec-form sysctl command"),
    ("      command: [sysctl]\n      args: [-w, net.core.somaxconn=1]\n", "the command's words continue in args"),
    ("      command:\n        - sysctl\n        - -w\n        - net.core.somaxconn=1\n", "the exec-form command is not a one-line flow list"),
    ("      command: [sysctl, -w,\n        net.core.somaxconn=1]\n", "the exec-form command is not a one-line flow list"),
    ("      command: [sysctl, -w, net.core.somaxconn=1, {a: b}]\n", "the exec-form command is not a one-line flow list"),
    ("      command: [sysctl, -w, 'net.core.somaxconn=1 #']\n", "a word of the exec-form command would need quoting in sh"),
]


@pytest.mark.parametrize("command, reason", EXEC_REFUSED)
def test_exec_forms_that_cannot_become_sh_c_are_refused(tmp_cwd, command, reason):
    text = POD.replace(POD[POD.index("      command:\n") : POD.index("  containers:")], command)
    after, err, _ = fix(tmp_cwd, text)
    assert after.decode() == text
    assert err.splitlines()[0].endswith(f": PL101 not fixed: {reason}")


@pytest.mark.parametrize(
    "change, reason",
    [
        (("      command:\n", "      env: [{name: A, value: b}]\n      command:\n"), "the container's env is not a block list (a flow collection or empty)"),
        (("      command:\n", "      env:\n      command:\n"), "the container's env is not a block list (a flow collection or empty)"),
        (("      command:\n", "      env:\n        - {name: POD_IP, value: x}\n      command:\n"), "$POD_IP is already set in the container's env from something other than status.podIP"),
        (("    - name: tune\n      image: busybox\n      command:", "    - &tune\n      name: tune\n      image: busybox\n      command:"), "the edit would change a YAML anchor (&) that aliases (*) reuse"),
        (("          sysctl -w net.core.somaxconn=1024\n", "          if sysctl -w net.core.somaxconn=1024; then :; fi\n"), "the write is not a whole command of its script"),
        (("          sysctl -w net.core.somaxconn=1024\n", "          sysctl -w \\\n            net.core.somaxconn=1024\n"), "the write is not a whole command of its script"),
    ],
)
def test_refusals_leave_the_file_and_say_why_on_one_line(tmp_cwd, change, reason):
    text = POD.replace(*change)
    assert text != POD
    after, err, code = fix(tmp_cwd, text)
    assert after.decode() == text
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "sysctl -w" in row)
    column = text.splitlines()[line - 1].index("sysctl") + 1
    assert err.splitlines()[0] == f"portlint: note: pod.yaml:{line}:{column}: PL101 not fixed: {reason}"
    assert code == 1


def test_a_flow_mapping_container_without_env_is_refused(tmp_cwd):
    text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: a, image: b, command: [sh, -c, 'sysctl -w net.core.somaxconn=1']}\n"
    after, err, _ = fix(tmp_cwd, text)
    assert after.decode() == text
    assert err.splitlines()[0] == (
        "portlint: note: pod.yaml:6:46: PL101 not fixed: the container is a flow mapping ({...}): no env entry can be added in block style"
    )


def test_a_plain_script_in_a_flow_list_is_refused(tmp_cwd):
    text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      command: [sh, -c, sysctl -w net.core.somaxconn=1]\n"
    after, err, _ = fix(tmp_cwd, text)
    assert after.decode() == text
    assert err.splitlines()[0] == "portlint: note: pod.yaml:7:25: PL101 not fixed: a plain string in a flow collection ([...]) cannot hold the guard's brackets"


def test_a_write_in_a_configmap_script_is_refused_for_each_container_running_it(tmp_cwd):
    """The fixture's ConfigMap script (line 37) runs in two init containers: two findings at
    one place, each refused (the guard and the env would land in two objects)."""
    text = (Path(__file__).parent / "fixtures" / "PL101" / "configmap-script-after-workload.yaml").read_text()
    after, err, code = fix(tmp_cwd, text)
    reason = "the write is in a script or file kept in a ConfigMap or Secret, not in the container"
    assert after.decode() == text
    assert err.splitlines()[:2] == [f"portlint: note: pod.yaml:37:5: PL101 not fixed: {reason}"] * 2
    assert code == 1


def test_a_real_gke_daemonset_gets_its_eight_writes_wrapped_in_one_guard(tmp_cwd):
    """tests/realworld (GoogleCloudPlatform/kubernetes-engine-samples, Apache-2.0; SOURCES.tsv):
    a hostNetwork DaemonSet whose init container writes eight log_martians sysctls from an
    `args` script after `command: ["/bin/sh"]`; the env goes before `command`, the first key."""
    name = "ai-ml__nemo-rl-on-gke__nemoRL__nccl-installer__nccl-installer.yaml"
    text = (Path(__file__).parent / "realworld" / "GoogleCloudPlatform__kubernetes-engine-samples" / name).read_text()
    writes = "".join(f"            sysctl -w net.ipv4.conf.gpu{i}rdma0.log_martians=0\n" for i in range(8))
    assert text.count(writes) == 1
    after, err, code = fix(tmp_cwd, text, "--unsafe-fixes")
    env = (
        "          env:\n            - name: POD_IP\n              valueFrom: {fieldRef: {fieldPath: status.podIP}}\n"
        "            - name: HOST_IP\n              valueFrom: {fieldRef: {fieldPath: status.hostIP}}\n"
    )
    expected = text.replace(
        '          image: alpine:latest\n          command: ["/bin/sh"]\n',
        '          image: alpine:latest\n' + env + '          command: ["/bin/sh"]\n',
    ).replace(writes, f"            {GUARD}\n" + writes.replace("            sysctl", "              sysctl") + "            fi\n")
    assert after.decode() == expected
    assert err.endswith("; 1 fixed.\n")


@pytest.mark.parametrize("fixture", ["ipc-hostipc.yaml", "nsenter-hostpid-exec.yaml"])
def test_a_write_no_guard_can_keep_off_the_node_is_refused(tmp_cwd, fixture):
    """An IPC write of a hostIPC pod without hostNetwork, a write behind nsenter into PID 1
    of a hostPID pod: the pod's and the node's IPs differ, so the guard would let it run."""
    text = (Path(__file__).parent / "fixtures" / "PL201" / fixture).read_text()
    after, err, _ = fix(tmp_cwd, text, "--unsafe-fixes")
    assert after.decode() == text
    assert err.splitlines()[0].endswith(
        ": PL201 not fixed: a POD_IP/HOST_IP guard cannot keep the write off the node (it gets there through hostIPC or nsenter)"
    )


def test_a_broken_document_beside_does_not_stop_the_fix(tmp_cwd):
    broken = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: [a, b\n---\n"
    after, err, _ = fix(tmp_cwd, broken + POD)
    assert after.decode() == broken + with_env(POD).replace(
        "          sysctl -w net.core.somaxconn=1024\n          echo 1 > /proc/sys/net/ipv4/ip_forward\n",
        f"          {GUARD}\n            sysctl -w net.core.somaxconn=1024\n            echo 1 > /proc/sys/net/ipv4/ip_forward\n          fi\n",
    )
    assert "internal error" not in err

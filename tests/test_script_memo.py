"""Inline scripts are analysed once per distinct script (linter/script_memo.py): a repeated
script gets the findings a fresh analysis gives at its own place, and scripts that differ in
anything the analysis reads (mounts, shell, namespaces entered, the scalar's shape) are not
confused. Positions are read from the manifests below."""

from __future__ import annotations

import pytest
from conftest import lint_text
from portlint import script_memo


@pytest.fixture(autouse=True)
def _fresh_memo():
    script_memo.forget()
    yield
    script_memo.forget()


class Program:
    """A stand-in for shell.Program: remembers how far it was moved."""

    def __init__(self, name: str, moved_by: int = 0) -> None:
        self.name = name
        self.moved_by = moved_by

    def moved(self, lines: int) -> Program:
        return Program(self.name, self.moved_by + lines)


def analyser(calls: list[str], name: str):
    def analyse() -> Program:
        calls.append(name)
        return Program(name)

    return analyse


def test_a_script_seen_again_is_not_analysed_again_and_comes_back_moved_to_its_line():
    calls: list[str] = []
    first = script_memo.analysed(("x",), "x", 10, analyser(calls, "a"))
    again = script_memo.analysed(("x",), "x", 25, analyser(calls, "b"))
    assert calls == ["a"]
    assert (first.name, first.moved_by) == ("a", 0)
    assert (again.name, again.moved_by) == ("a", 15)
    assert again is not first


def test_a_script_longer_than_the_limit_is_analysed_every_time():
    calls: list[str] = []
    long = "x" * (script_memo.MAX_CHARS + 1)
    script_memo.analysed((long,), long, 1, analyser(calls, "a"))
    script_memo.analysed((long,), long, 1, analyser(calls, "b"))
    at_limit = "x" * script_memo.MAX_CHARS
    script_memo.analysed((at_limit,), at_limit, 1, analyser(calls, "c"))
    script_memo.analysed((at_limit,), at_limit, 1, analyser(calls, "d"))
    assert calls == ["a", "b", "c"]


def test_the_oldest_script_is_forgotten_first(monkeypatch):
    monkeypatch.setattr(script_memo, "MAX_SCRIPTS", 2)
    calls: list[str] = []
    for key in ("a", "b", "a", "c", "b", "a"):
        script_memo.analysed((key,), key, 1, analyser(calls, key))
    assert calls == ["a", "b", "c", "a"]  # c pushed a out; b stayed


POD = """apiVersion: v1
kind: Pod
metadata: {name: %s}
spec:
  containers:
    - name: c
      image: busybox
"""


def inline(script_line: str, command: str = '"sh", "-c"') -> str:
    """The container's command and a one-line script in a block scalar (at line 11, column 11
    of the first pod)."""
    return f"      command: [{command}]\n      args:\n        - |\n          {script_line}\n"


def test_the_same_script_with_and_without_a_host_proc_mount():
    script = "echo 1 > /host/proc/sys/net/core/somaxconn"
    mount = """      volumeMounts:
        - {name: proc, mountPath: /host/proc}
  volumes:
    - {name: proc, hostPath: {path: /proc}}
"""
    text = POD % "through-mount" + inline(script) + mount + "---\n" + POD % "no-mount" + inline(script)
    assert lint_text(text).triples() == [("PL101", 11, 11)]  # without the mount it is no sysctl at all


GUARDED_BY_RETURN = """      env:
        - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
        - {name: HOST_IP, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}
      command: ["%s", "-c"]
      args:
        - |
          [ "$POD_IP" = "$HOST_IP" ] && return 0
          sysctl -w net.core.somaxconn=1
"""


def test_the_same_script_in_sh_and_in_bash():
    """A top-level ``return`` leaves sh (the guard holds) but not bash (the write runs)."""
    text = POD % "in-sh" + GUARDED_BY_RETURN % "sh" + "---\n" + POD % "in-bash" + GUARDED_BY_RETURN % "bash"
    assert lint_text(text).triples() == [("PL101", 31, 11)]


def test_the_same_script_run_through_nsenter_into_the_node():
    script = "sysctl -w net.core.somaxconn=1"
    host_pid = "spec:\n  hostPID: true\n"
    text = (
        (POD % "in-pod").replace("spec:\n", host_pid)
        + inline(script)
        + "---\n"
        + (POD % "in-node").replace("spec:\n", host_pid)
        + inline(script, '"nsenter", "-t", "1", "-n", "--", "sh", "-c"')
    )
    assert lint_text(text).triples() == [("PL101", 12, 11), ("PL201", 25, 11)]


def test_the_same_script_in_scalars_of_other_shapes():
    """A block scalar maps each character; an escaped string maps them all to its start."""
    text = (
        POD % "block"
        + inline("sysctl -w net.core.somaxconn=1")
        + "---\n"
        + POD % "escaped"
        + """      command: ["sh", "-c"]
      args: ["sysctl -w net.core.somaxconn=1\\n"]
    - name: d
      image: busybox
      command: ["sh", "-c"]
      args:   [ "sysctl -w net.core.somaxconn=1\\n" ]
"""
    )
    assert lint_text(text).triples() == [("PL101", 11, 11), ("PL101", 21, 14), ("PL101", 25, 17)]


def test_host_mounts_are_values():
    """Part of the memo's keys: equal when they map the same paths, whatever the slashes."""
    from portlint.shell import HostMounts

    mounts = HostMounts([("/host/proc", "/proc"), ("/host/etc/", "/etc")])
    assert mounts == HostMounts([("/host/etc", "/etc/"), ("/host/proc/", "/proc")])
    assert hash(mounts) == hash(HostMounts([("/host/etc", "/etc/"), ("/host/proc/", "/proc")]))
    assert mounts != HostMounts([("/host/proc", "/proc")])
    assert mounts != (("/host/proc", "/proc"), ("/host/etc", "/etc"))


def test_the_same_script_with_and_without_the_config_map_it_runs():
    """Without the mount /scripts/tune.sh is nothing portlint can read; with it, the script
    it runs from the ConfigMap writes too (at the ConfigMap's line)."""
    script = "sysctl -w net.core.somaxconn=1; sh /scripts/tune.sh"
    mount = """      volumeMounts:
        - {name: scripts, mountPath: /scripts}
  volumes:
    - {name: scripts, configMap: {name: tune}}
"""
    config_map = """apiVersion: v1
kind: ConfigMap
metadata: {name: tune}
data:
  tune.sh: |
    sysctl -w net.ipv4.tcp_tw_reuse=1
"""
    text = POD % "no-mount" + inline(script) + "---\n" + POD % "with-mount" + inline(script) + mount + "---\n" + config_map
    assert lint_text(text).triples() == [("PL101", 11, 11), ("PL101", 23, 11), ("PL101", 34, 5)]

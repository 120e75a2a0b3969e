"""The PL102 fix (linter/fixes/guard_repair.py), run as `portlint check --fix --unsafe-fixes`:
each test breaks a valid guard one way and gives the whole repaired text, read off the input."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import cli

GUARDED = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  initContainers:
    - name: tune
      image: busybox
      env:
        - name: POD_IP
          valueFrom: {fieldRef: {fieldPath: status.podIP}}
        - name: HOST_IP
          valueFrom:
            fieldRef:
              fieldPath: status.hostIP
      command:
        - sh
        - -c
        - |
          if [ "$POD_IP" != "$HOST_IP" ]; then
            sysctl -w net.core.somaxconn=1024
          fi
  containers:
    - name: app
      image: nginx
"""
HOST_ENTRY = "        - name: HOST_IP\n          valueFrom:\n            fieldRef:\n              fieldPath: status.hostIP\n"


def repaired(tmp_cwd, text: str, *flags: str) -> tuple[str, str, int]:
    Path("pod.yaml").write_text(text)
    result = cli("check", "--fix", *flags, "pod.yaml")
    return Path("pod.yaml").read_text(), result.stderr, result.exit_code


def test_the_valid_guard_has_no_finding(tmp_cwd):
    assert cli("check", "-", input=GUARDED).exit_code == 0


@pytest.mark.parametrize(
    "broken",
    [
        # HOST_IP missing: its entry comes back, from the field the other side does not take
        GUARDED.replace(HOST_ENTRY, ""),
        # both from status.podIP: HOST_IP (the side that is wrong by its partner) gets hostIP
        GUARDED.replace("fieldPath: status.hostIP", "fieldPath: status.podIP"),
        # from spec.nodeName
        GUARDED.replace("fieldPath: status.hostIP", "fieldPath: spec.nodeName"),
        # inverted
        GUARDED.replace('if [ "$POD_IP" != "$HOST_IP" ]', 'if [ "$POD_IP" = "$HOST_IP" ]'),
        GUARDED.replace('if [ "$POD_IP" != "$HOST_IP" ]', 'if [ "$POD_IP" == "$HOST_IP" ]'),
    ],
)
def test_a_broken_guard_is_repaired_to_the_valid_one(tmp_cwd, broken):
    assert broken != GUARDED
    after, err, code = repaired(tmp_cwd, broken, "--unsafe-fixes")
    expected = GUARDED
    if "name: HOST_IP" not in broken:  # the new entry is in flow style, before the first entry
        expected = GUARDED.replace(HOST_ENTRY, "").replace(
            "        - name: POD_IP\n", "        - name: HOST_IP\n          valueFrom: {fieldRef: {fieldPath: status.hostIP}}\n        - name: POD_IP\n"
        )
    assert (after, err, code) == (expected, "No problems found in 1 file; 1 fixed.\n", 0)


def test_an_else_branch_gets_its_operator_turned_the_other_way(tmp_cwd):
    text = GUARDED.replace(
        '          if [ "$POD_IP" != "$HOST_IP" ]; then\n            sysctl -w net.core.somaxconn=1024\n          fi\n',
        '          if [ "$POD_IP" != "$HOST_IP" ]; then :; else\n            sysctl -w net.core.somaxconn=1024\n          fi\n',
    )
    after, _, code = repaired(tmp_cwd, text, "--unsafe-fixes")
    assert (after, code) == (text.replace('"$POD_IP" != "$HOST_IP"', '"$POD_IP" = "$HOST_IP"'), 0)


def test_the_repair_is_unsafe(tmp_cwd):
    broken = GUARDED.replace("fieldPath: status.hostIP", "fieldPath: status.podIP")
    after, err, code = repaired(tmp_cwd, broken)
    assert (after, code) == (broken, 1)


@pytest.mark.parametrize(
    "change, reason",
    [
        (('[ "$POD_IP" != "$HOST_IP" ]', '[ "$POD_IP" != "10.0.0.1" ]'), "the guard compares with a literal or a command's output, not two variables"),
        (("          valueFrom:\n            fieldRef:\n              fieldPath: status.hostIP\n", "          value: 10.0.0.1\n"), "$HOST_IP is not taken from a fieldRef"),
        (('[ "$POD_IP" != "$HOST_IP" ]', '[ "$A_IP" != "$B_IP" ]'), "cannot tell which of $A_IP and $B_IP should hold the pod's IP and which the node's"),
    ],
)
def test_repairs_portlint_cannot_make_are_refused(tmp_cwd, change, reason):
    text = GUARDED.replace(*change)
    assert text != GUARDED
    after, err, _ = repaired(tmp_cwd, text, "--unsafe-fixes")
    assert after == text
    line = text.splitlines().index("            sysctl -w net.core.somaxconn=1024") + 1
    assert err.splitlines()[0] == f"portlint: note: pod.yaml:{line}:13: PL102 not fixed: {reason}"


def test_two_broken_guards_of_one_container_are_repaired_apart(tmp_cwd):
    text = GUARDED.replace(
        "          fi\n",
        '          fi\n          if [ "$POD_IP" = "$HOST_IP" ]; then\n            sysctl -w net.core.rmem_max=1\n          fi\n',
    ).replace('if [ "$POD_IP" != "$HOST_IP" ]', 'if [ "$POD_IP" == "$HOST_IP" ]')
    after, err, code = repaired(tmp_cwd, text, "--unsafe-fixes")
    assert after == text.replace('"$POD_IP" == "$HOST_IP"', '"$POD_IP" != "$HOST_IP"').replace('"$POD_IP" = "$HOST_IP"', '"$POD_IP" != "$HOST_IP"')
    assert (err, code) == ("No problems found in 1 file; 2 fixed.\n", 0)


def _env(*entries: tuple[str, str]) -> str:
    return "".join(f"        - name: {name}\n          valueFrom: {{fieldRef: {{fieldPath: {path}}}}}\n" for name, path in entries)


def _pod(test: str, *entries: tuple[str, str]) -> str:
    env = GUARDED[GUARDED.index("        - name: POD_IP\n") : GUARDED.index("      command:\n")]
    return GUARDED.replace(env, _env(*entries)).replace('[ "$POD_IP" != "$HOST_IP" ]', test)


@pytest.mark.parametrize(
    "test, entries, fixed",
    [
        # names that say nothing: the missing side takes the field its partner does not
        ('[ "$MY_IP" != "$THEIR_IP" ]', [("MY_IP", "status.podIP")], [("THEIR_IP", "status.hostIP"), ("MY_IP", "status.podIP")]),
        ('[ "$THEIR_IP" != "$MY_IP" ]', [("MY_IP", "status.podIP")], [("THEIR_IP", "status.hostIP"), ("MY_IP", "status.podIP")]),
        # both from one field: the names decide, whichever side each is on
        ('[ "$HOST_IP" != "$POD_IP" ]', [("POD_IP", "status.podIP"), ("HOST_IP", "status.podIP")], [("POD_IP", "status.podIP"), ("HOST_IP", "status.hostIP")]),
        ('[ "$HOST_IP" != "$POD_IP" ]', [("POD_IP", "status.hostIP"), ("HOST_IP", "status.hostIP")], [("POD_IP", "status.podIP"), ("HOST_IP", "status.hostIP")]),
    ],
)
def test_the_field_each_side_needs(tmp_cwd, test, entries, fixed):
    text = _pod(test, *entries)
    after, err, code = repaired(tmp_cwd, text, "--unsafe-fixes")
    assert (after, code) == (_pod(test, *fixed), 0)


def test_two_sides_named_alike_are_refused(tmp_cwd):
    text = _pod('[ "$POD_A_IP" != "$POD_B_IP" ]', ("NODE", "spec.nodeName"))
    after, err, _ = repaired(tmp_cwd, text, "--unsafe-fixes")
    assert after == text
    assert err.splitlines()[0].endswith(
        ": PL102 not fixed: cannot tell which of $POD_A_IP and $POD_B_IP should hold the pod's IP and which the node's"
    )


def test_only_the_comparison_s_own_operator_is_turned(tmp_cwd):
    """The line after the guard holds another comparison: the operator is looked for in the
    guard's text only."""
    text = GUARDED.replace('if [ "$POD_IP" != "$HOST_IP" ]; then\n', 'if [ "$POD_IP" = "$HOST_IP" ]; then\n            [ "$a" = "$b" ] || true\n')
    after, _, code = repaired(tmp_cwd, text, "--unsafe-fixes")
    assert (after, code) == (text.replace('[ "$POD_IP" = "$HOST_IP" ]', '[ "$POD_IP" != "$HOST_IP" ]'), 0)

"""What a container runs: command/args splits, sysctl arguments, script positions, guards."""

from __future__ import annotations

import pytest

from portlint import guard, k8s, shell, tree
from portlint.sources import SourceFile, split_documents


def container_writes(yaml_text: str):
    docs = list(split_documents(SourceFile("m.yaml", yaml_text)))
    root, problems = tree.parse(docs[0].text, docs[0].first_line)
    assert problems == []
    manifest = next(k8s.manifests(docs[0], root))
    container = next(k8s.containers(k8s.pod_spec(manifest)))
    return container, shell.analyze(container)


def pod(container_body: str) -> str:
    return "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n" + container_body


@pytest.mark.parametrize(
    "args, expected",
    [
        (["-w", "net.core.somaxconn=1024"], [(1, "net.core.somaxconn", "1024", "sysctl")]),
        (["-w", "a.b=1", "c/d=2"], [(1, "a.b", "1", "sysctl"), (2, "c.d", "2", "sysctl")]),
        (
            ["-q", "-e", "-w", "net.ipv4.ip_local_port_range=1024 65535"],
            [(3, "net.ipv4.ip_local_port_range", "1024 65535", "sysctl")],
        ),
        (["net.core.somaxconn"], []),
        (["-a"], []),
        (["-p"], [(0, None, "/etc/sysctl.conf", "sysctl -p")]),
        (["-p", "/etc/sysctl.d/x.conf"], [(0, None, "/etc/sysctl.d/x.conf", "sysctl -p")]),
        (["--load=/x.conf"], [(0, None, "/x.conf", "sysctl -p")]),
        (["--system"], [(0, None, "the system sysctl.d files", "sysctl -p")]),
        (["-w", "foo=foo=bar"], [(1, "foo", "foo=bar", "sysctl")]),
    ],
)
def test_sysctl_arguments(args, expected):
    assert shell.sysctl_arguments(args) == expected


@pytest.mark.parametrize(
    "body",
    [
        "      command: [sh, -c, 'sysctl -w net.core.somaxconn=1']\n",
        "      command: [/bin/bash, -ec]\n      args: ['sysctl -w net.core.somaxconn=1']\n",
        "      command: [ash]\n      args: [-c, 'sysctl -w net.core.somaxconn=1']\n",
        "      command: [dash, -o, pipefail, -xc, 'sysctl -w net.core.somaxconn=1']\n",
        "      command: [busybox, sh, -c, 'sysctl -w net.core.somaxconn=1']\n",
        "      args: [sh, -c, 'sysctl -w net.core.somaxconn=1']\n",
        "      command: [sysctl, -w, net.core.somaxconn=1]\n",
        "      command: [env, sysctl, -w, net.core.somaxconn=1]\n",
    ],
)
def test_every_command_args_split_finds_the_write(body):
    _, program = container_writes(pod(body))
    assert [(w.key, w.value) for w in program.writes] == [("net.core.somaxconn", "1")]


@pytest.mark.parametrize(
    "body",
    [
        "      command: [sh, script.sh]\n",
        "      command: [sh, -c]\n",
        "      command: 42\n      args: sysctl -w a.b=1\n",
        "      command: [python, -c, 'sysctl -w a.b=1']\n",
        "      command: [sh, -e, 'sysctl -w a.b=1']\n",
    ],
)
def test_forms_that_write_nothing_visible(body):
    _, program = container_writes(pod(body))
    assert program.writes == []


def test_block_scalar_positions_are_exact():
    body = "      command:\n        - sh\n        - -c\n        - |\n          set -e\n\n            sysctl -w a.b=1 && echo 2 > /proc/sys/net/x\n"
    _, program = container_writes(pod(body))
    assert [(w.how, w.line, w.column, w.end_line, w.end_column) for w in program.writes] == [
        ("sysctl", 13, 13, 13, 28),
        ("/proc/sys", 13, 32, 13, 38),
    ]


def test_block_scalar_with_indentation_indicator_and_anchor():
    body = "      command:\n        - sh\n        - -c\n        - &s |2\n            echo hi\n           sysctl -w a.b=1\n"
    _, program = container_writes(pod(body))
    assert [(w.line, w.column) for w in program.writes] == [(12, 12)]


def test_guard_facts_and_judgement():
    body = (
        "      env:\n"
        "        - {name: A, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}\n"
        "        - {name: B, valueFrom: {fieldRef: {fieldPath: status.podIP}}}\n"
        '      command: [sh, -c, \'if [ "${A}" != "$B" ]; then sysctl -w a.b=1; fi\']\n'
    )
    container, program = container_writes(pod(body))
    (write,) = program.writes
    assert [(f.left.var, f.right.var, f.equal) for f in write.facts] == [("A", "B", False)]
    assert guard.judge(write.facts, k8s.env_field_paths(container)).state == "guarded"
    only_host = {"A": "status.hostIP"}
    assert guard.judge(write.facts, only_host).reason == "$B is not set in the container's env"


def test_unrelated_comparisons_are_not_guards():
    facts = [shell.Fact(shell.Operand("ENABLE_IPV6", "$ENABLE_IPV6"), shell.Operand(None, "true"), True, 1, 1)]
    assert guard.judge(facts, {}) == guard.NONE
    facts = [shell.Fact(shell.Operand("POD_IP", "$POD_IP"), shell.Operand(None, ""), False, 1, 1)]
    assert guard.judge(facts, {}) == guard.NONE


def test_redirect_after_a_guard_in_a_list_is_guarded():
    body = (
        "      env:\n"
        "        - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}\n"
        "        - {name: HOST_IP, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}\n"
        '      command: [sh, -c, \'[ "$POD_IP" != "$HOST_IP" ] && echo 1 > /proc/sys/net/ipv4/ip_forward\']\n'
    )
    container, program = container_writes(pod(body))
    (write,) = program.writes
    assert (write.key, write.value, write.column) == ("net.ipv4.ip_forward", "1", 57)
    assert guard.judge(write.facts, k8s.env_field_paths(container)).state == "guarded"


def test_nested_shell_scripts_are_searched_with_their_guard():
    body = (
        "      env:\n"
        "        - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}\n"
        "        - {name: HOST_IP, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}\n"
        "      command:\n        - sh\n        - -c\n        - |\n"
        '          [ "$POD_IP" = "$HOST_IP" ] && exit 0\n'
        "          nsenter -t 1 -- true; bash -ec 'sysctl -w net.core.somaxconn=1'\n"
        '          sh -c "echo 1 > /proc/sys/net/ipv4/ip_forward"\n'
    )
    container, program = container_writes(pod(body))
    assert [(w.key, w.line, w.column) for w in program.writes] == [
        ("net.core.somaxconn", 15, 43),
        ("net.ipv4.ip_forward", 16, 18),
    ]
    env = k8s.env_field_paths(container)
    assert [guard.judge(w.facts, env).state for w in program.writes] == ["guarded", "guarded"]


def test_nested_script_with_escapes_maps_to_the_shell_command():
    body = '      command: [sh, -c, \'sh -c "echo \\\\"x\\\\"; sysctl -w a.b=1"\']\n'
    _, program = container_writes(pod(body))
    assert [(w.key, w.line, w.column) for w in program.writes] == [("a.b", 7, 26)]  # the inner sh command


ENV = (
    "      env:\n"
    "        - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}\n"
    "        - {name: HOST_IP, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}\n"
)


def verdicts(script: str) -> list[tuple[str, str]]:
    body = (
        ENV
        + "      command:\n        - sh\n        - -c\n        - |\n"
        + "".join("          " + line + "\n" for line in script.splitlines())
    )
    container, program = container_writes(pod(body))
    env = k8s.env_field_paths(container)
    return [(w.key, guard.judge(w.facts, env).state) for w in program.writes]


def test_a_function_is_guarded_when_every_call_is():
    script = 'tune() {\n  sysctl -w net.core.somaxconn=1\n}\nif [ "$POD_IP" != "$HOST_IP" ]; then\n  tune\nfi\n[ "$POD_IP" = "$HOST_IP" ] || tune'
    assert verdicts(script) == [("net.core.somaxconn", "guarded")]


def test_a_function_called_once_without_the_guard_is_not():
    script = 'tune() { sysctl -w net.core.somaxconn=1; }\n[ "$POD_IP" != "$HOST_IP" ] && tune\ntune'
    assert verdicts(script) == [("net.core.somaxconn", "none")]


def test_comparing_with_a_command_output_is_a_broken_guard():
    body = ENV + '      command: [sh, -c, \'if [ "$(hostname -i)" != "$HOST_IP" ]; then sysctl -w a.b=1; fi\']\n'
    container, program = container_writes(pod(body))
    verdict = guard.judge(program.writes[0].facts, k8s.env_field_paths(container))
    assert (verdict.state, verdict.reason) == (
        "broken",
        "it compares with the output of '$(hostname -i)' instead of a variable from the downward API",
    )


def test_early_exit_followed_by_or_true():
    script = 'set -e\n[ "$POD_IP" = "$HOST_IP" ] && exit 0 || true\nsysctl -w net.core.somaxconn=1'
    assert verdicts(script) == [("net.core.somaxconn", "guarded")]
    script = 'set -e\n[ "$POD_IP" = "$HOST_IP" ] && echo same || true\nsysctl -w net.core.somaxconn=1'
    assert verdicts(script) == [("net.core.somaxconn", "none")]


def test_case_statements_as_guards():
    assert verdicts('case "$POD_IP" in\n  "$HOST_IP") exit 0 ;;\nesac\nsysctl -w net.core.somaxconn=1') == [
        ("net.core.somaxconn", "guarded")
    ]
    assert verdicts('case "$POD_IP" in\n  "$HOST_IP") echo same ;;\n  *) sysctl -w net.core.somaxconn=1 ;;\nesac') == [
        ("net.core.somaxconn", "guarded")
    ]
    assert verdicts('case "$POD_IP" in\n  "$HOST_IP") sysctl -w net.core.somaxconn=1 ;;\nesac') == [
        ("net.core.somaxconn", "broken")
    ]
    assert verdicts('case "$MODE" in\n  tune) sysctl -w net.core.somaxconn=1 ;;\nesac') == [("net.core.somaxconn", "none")]

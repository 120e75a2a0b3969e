"""Scripts built to exhaust the shell analysis (issue 16): functions calling functions, thousands
of writes, nesting thousands of levels deep. Each finishes (the slow ones run in a subprocess
with a timeout, so a hang fails the test instead of stalling the suite), keeps every finding,
and a script deeper than the analysis reads (2,000 levels, linter.script.MAX_NESTING) is
reported as PL000 at the script instead of being skipped in silence. Inputs are generated here;
every expected position is read off the text built below."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import REPO, lint_text, write_places

ENV = (
    "      env:\n"
    "        - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}\n"
    "        - {name: HOST_IP, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}\n"
)
GUARD_EXIT = '[ "$POD_IP" = "$HOST_IP" ] && exit 0'  # leaves in a hostNetwork pod: what follows is guarded
TOO_DEEP = (
    "this shell script is nested more than 2,000 levels deep (subshells, braces, && and || lists, conditions), "
    "beyond what portlint analyses: its sysctl writes and their guards are not checked"
)


def pod(script: str, env: str = ENV, name: str = "p") -> str:
    """A hostNetwork Pod running ``script`` as ``sh -c``. Without env, script line N is file
    line 11 + N; with ENV (3 lines), 14 + N. Script column 1 is file column 11."""
    return (
        f"apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:\n  hostNetwork: true\n  containers:\n"
        "    - name: c\n"
        + env
        + "      command:\n        - sh\n        - -c\n        - |\n"
        + "".join("          " + line + "\n" for line in script.splitlines())
    )


def triples(findings) -> list[tuple[str, int, int]]:
    """Every reported write, a grouped finding's other writes included."""
    return sorted((f["rule"], line, column) for f in findings for line, column in write_places(f))


def lint_in_subprocess(text: str, timeout: float = 30) -> list[dict]:
    """Lint ``text`` in a fresh process; a run past ``timeout`` seconds fails the test."""
    done = subprocess.run(
        [sys.executable, "-m", "portlint", "check", "-", "--stdin-filename", "m.yaml", "--format", "json", "--fail-on", "never"],
        input=text,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
    )
    assert done.returncode == 0 and "internal error" not in done.stderr, done.stderr
    return json.loads(done.stdout)["findings"]


def lint(text: str) -> list[dict]:
    result = lint_text(text, name="m.yaml")
    assert result.exit_code == 0 and "internal error" not in result.stderr, result.stderr
    return result.findings


# -- functions calling functions --------------------------------------------------------------


def test_functions_calling_functions_stay_linear():
    """a's 20 writes are reached through 40 calls in b, each through 40 in c, each through 40
    in d: every call site was read again for every write (43 s for this 1.5 KB script)."""
    lines = ["a() {"] + [f"  sysctl -w net.core.somaxconn={i}" for i in range(20)] + ["}"]  # writes: lines 2-21
    for name, callee in (("b", "a"), ("c", "b"), ("d", "c")):
        lines.append(f"{name}() {{ " + f"{callee}; " * 40 + "}")
    lines.append("d")
    findings = lint_in_subprocess(pod("\n".join(lines), env=""), timeout=20)
    # unguarded in a hostNetwork pod, each at its 'sysctl' (script column 3)
    assert triples(findings) == [("PL201", 11 + line, 13) for line in range(2, 22)]


def test_a_guard_at_every_call_still_guards_through_the_memo():
    """The facts of a function are read once and shared by its writes: a guard that holds at
    every call of b (two calls, each after an early exit) guards a's writes through b."""
    script = "\n".join(
        [
            "a() {",
            "  sysctl -w net.core.somaxconn=1",  # 2
            "  sysctl -w net.core.somaxconn=2",  # 3
            "}",
            "b() { a; }",
            'c() { [ "$POD_IP" = "$HOST_IP" ] && return; b; }',
            "c",
            "c",
            "b",  # 9: one call without the guard: a's writes are unguarded
        ]
    )
    assert triples(lint(pod(script))) == [("PL201", 16, 13), ("PL201", 17, 13)]
    assert triples(lint(pod(script.rsplit("\n", 1)[0]))) == []  # without line 9 every call is guarded


# -- many writes ------------------------------------------------------------------------------


def test_sixteen_thousand_writes_after_one_early_exit():
    """Every write used to rescan all statements before it for early exits (48 s for 16,000
    writes); the exit's fact holds for each of them, the write before it stays unguarded."""
    writes = [f"sysctl -w net.core.somaxconn={i}" for i in range(16_000)]
    script = "\n".join(["sysctl -w net.core.somaxconn=1", GUARD_EXIT, *writes])
    assert triples(lint_in_subprocess(pod(script), timeout=40)) == [("PL201", 15, 11)]


def test_a_long_if_body_reads_its_clause_once():
    """Statements of one if/else body share what the clause says (read once per clause)."""
    body = "\n".join(f"  sysctl -w net.core.somaxconn={i}" for i in range(3))
    script = f'if [ "$MODE" = a ]; then\n  true\nelif [ "$POD_IP" = "$HOST_IP" ]; then\n  true\nelse\n{body}\nfi'
    assert triples(lint(pod(script))) == []  # else: the POD_IP/HOST_IP branch was not taken
    script = f'if [ "$POD_IP" = "$HOST_IP" ]; then\n{body}\nfi'
    # inverted guard: one finding for the three writes it fails to protect; with ENV the script
    # starts at line 15, so its writes are on lines 16-18, each at column 13
    findings = lint(pod(script))
    assert len(findings) == 1 and triples(findings) == [("PL102", 16, 13), ("PL102", 17, 13), ("PL102", 18, 13)]
    assert findings[0]["message"] == (
        'The guard of container "c" does not protect its writes of net.core.somaxconn=0 and 2 more sysctls: the '
        "comparison is inverted: the write runs only when the pod IP equals the host IP, which is exactly when the "
        "pod shares the node's network"
    )


# -- deep nesting -----------------------------------------------------------------------------

LEVELS = 1_000  # recursion gave "internal error ... input nested too deeply" and lost the findings
UNGUARDED = "sysctl -w net.core.somaxconn=2"


@pytest.mark.parametrize(
    "deep",
    [
        # a guard at the far end of a long && list
        '[ "$POD_IP" != "$HOST_IP" ] && ' + "true && " * LEVELS + "sysctl -w net.core.somaxconn=1",
        # a guard inside deeply nested subshells, then an early exit
        "( " * LEVELS + '[ "$POD_IP" = "$HOST_IP" ]' + " )" * LEVELS + " && exit 0\nsysctl -w net.core.somaxconn=1",
        # a guard inside deeply nested [[ ( ) ]] groups
        "[[ " + "( " * LEVELS + '"$POD_IP" != "$HOST_IP"' + " )" * LEVELS + " ]] && sysctl -w net.core.somaxconn=1",
        # an exit deep inside braces
        '[ "$POD_IP" = "$HOST_IP" ] && ' + "{ " * LEVELS + "exit 0; " + "}; " * LEVELS + "\nsysctl -w net.core.somaxconn=1",
        # the write deep inside if statements under the guard
        'if [ "$POD_IP" != "$HOST_IP" ]; then '
        + "if true; then " * LEVELS
        + "sysctl -w net.core.somaxconn=1"
        + "; fi" * (LEVELS + 1),
        # a guard behind a long chain of (C && exit) || true
        GUARD_EXIT + " || true" * LEVELS + "\nsysctl -w net.core.somaxconn=1",
    ],
    ids=["and-list", "subshells", "test-groups", "braces", "ifs", "or-true"],
)
def test_deep_nesting_is_read_without_recursion(deep):
    """The guarded write is guarded, and the unguarded one before the guard is still reported
    (the recursion error used to lose every finding of the object)."""
    assert triples(lint(pod(UNGUARDED + "\n" + deep))) == [("PL201", 15, 11)]


def nested(levels: int) -> str:
    """A write inside ``levels`` subshells: the word 'sysctl' lies levels + 3 below the root
    (program > subshell x levels > command > command_name > word)."""
    return "( " * levels + "sysctl -w net.core.somaxconn=1" + " )" * levels


def test_the_deepest_script_analysed_and_one_level_more():
    assert triples(lint(pod(nested(2_000 - 3), env=""))) == [("PL201", 12, 11 + 2 * (2_000 - 3))]
    findings = lint(pod(nested(2_000 - 2), env=""))
    assert [(f["rule"], f["line"], f["column"], f["endLine"], f["endColumn"], f["message"]) for f in findings] == [
        ("PL000", 12, 11, 12, 11 + len(nested(2_000 - 2)), TOO_DEEP)
    ]


def test_depth_is_counted_again_after_a_statement_before_it():
    # `true` (command > command_name > word) is left before the deep part is entered
    findings = lint(pod("true\n" + nested(2_000 - 2), env=""))
    assert [(f["rule"], f["line"], f["column"], f["endLine"], f["endColumn"]) for f in findings] == [("PL000", 12, 11, 12, 15)]


def test_beyond_what_tree_sitter_queries_reach_is_reported_not_silent():
    """Past 65,535 levels tree-sitter's query finds no command at all: 'No problems found'."""
    findings = lint(pod(nested(70_000), env=""))
    assert triples(findings) == [("PL000", 12, 11)]


def test_other_scripts_of_the_object_are_still_analysed():
    text = pod(nested(4_000), env="").replace(
        "  containers:\n", "  containers:\n    - {name: d, command: [sysctl, -w, net.core.somaxconn=1]}\n"
    )
    # line 7: the exec form's key=value item at column 39; the deep script moves one line down
    assert triples(lint(text)) == [("PL000", 13, 11), ("PL201", 7, 39)]


def test_a_nested_sh_c_script_too_deep_is_reported_at_its_text():
    script = "set -e\nsh -c '" + nested(2_000) + "'"
    assert triples(lint(pod(script, env=""))) == [("PL000", 13, 18)]  # the inner text starts after "sh -c '"


CONFIG_MAP = """apiVersion: v1
kind: ConfigMap
metadata: {name: tune}
data:
  tune.sh: |
    set -e
"""  # the script starts at line 6, column 5

WORKLOAD = """apiVersion: apps/v1
kind: DaemonSet
metadata: {name: tuner}
spec:
  template:
    spec:
      hostNetwork: true
      initContainers:
        - name: first
          command: [sh, /scripts/tune.sh]
          volumeMounts: [{name: s, mountPath: /scripts}]
        - name: second
          command: [sh, /scripts/tune.sh]
          volumeMounts: [{name: s, mountPath: /scripts}]
      volumes:
        - {name: s, configMap: {name: tune}}
"""


def test_a_kept_script_too_deep_is_reported_once_in_its_config_map(tmp_cwd):
    (tmp_cwd / "a.yaml").write_text(WORKLOAD)
    (tmp_cwd / "b.yaml").write_text(CONFIG_MAP + "    " + nested(2_000) + "\n")
    from conftest import cli

    result = cli("check", "a.yaml", "b.yaml", "--format", "json", "--fail-on", "never")
    assert "internal error" not in result.stderr, result.stderr
    # two containers run it: one finding at the script's first line, in the ConfigMap's file
    assert [(f["rule"], f["path"], f["line"], f["column"], f["message"]) for f in result.findings] == [
        ("PL000", "b.yaml", 6, 5, TOO_DEEP)
    ]

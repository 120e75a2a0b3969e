"""The POD_IP/HOST_IP guard of a write: the facts a script gives (linter.conditions) and the
verdict against the container's env (linter.guard)."""

from __future__ import annotations

import pytest

from portlint import argv, guard, k8s, shell, tree
from portlint import script as script_module
from portlint.conditions import Fact, Operand
from portlint.sources import SourceFile, split_documents

POD_HOST_ENV = (
    "      env:\n"
    "        - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}\n"
    "        - {name: HOST_IP, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}\n"
)
INVERTED = (
    "the comparison is inverted: the write runs only when the pod IP equals the host IP, "
    "which is exactly when the pod shares the node's network"
)


def judged(script: str, env: str = POD_HOST_ENV, shell_name: str = "sh"):
    """(key, state, reason, line, column) of each write of ``script``, run as ``shell_name -c``.

    The container's body starts on line 7 with ``env``; the script is a block scalar whose
    line 1 is the file line after env + 4 and whose column 1 is column 11."""
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n"
        + env
        + f"      command:\n        - {shell_name}\n        - -c\n        - |\n"
        + "".join("          " + line + "\n" for line in script.splitlines())
    )
    docs = list(split_documents(SourceFile("m.yaml", text)))
    root, problems = tree.parse(docs[0].text, docs[0].first_line)
    assert problems == []
    manifest = next(k8s.manifests(docs[0], root))
    container = k8s.containers(k8s.pod_spec(manifest))[0]
    program = shell.analyze(argv.of_container(container.node), manifest.doc)
    env_paths = k8s.env_field_paths(container)
    out = []
    for w in program.writes:
        v = guard.judge(w.facts, env_paths)
        at = (v.guard.line, v.guard.column) if v.guard is not None else (0, 0)
        out.append((w.key, v.state, v.reason, *at))
    return out


# With POD_HOST_ENV (3 lines), script line N is file line 13 + N.
KEY = "net.core.somaxconn"
WRITE = f"sysctl -w {KEY}=1"


def test_valid_guard_points_at_its_condition():
    assert judged(f'if [ "$POD_IP" != "$HOST_IP" ]; then\n  {WRITE}\nfi') == [(KEY, "guarded", "", 14, 16)]


def test_facts_of_an_if_condition():
    env = (
        "      env:\n"
        "        - {name: A, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}\n"
        "        - {name: B, valueFrom: {fieldRef: {fieldPath: status.podIP}}}\n"
    )
    text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n" + env
    text += f"      command: [sh, -c, 'if [ \"${{A}}\" != \"$B\" ]; then {WRITE}; fi']\n"
    docs = list(split_documents(SourceFile("m.yaml", text)))
    root, _ = tree.parse(docs[0].text, docs[0].first_line)
    manifest = next(k8s.manifests(docs[0], root))
    container = k8s.containers(k8s.pod_spec(manifest))[0]
    (write,) = shell.analyze(argv.of_container(container.node), manifest.doc).writes
    # line 10: the script starts at column 26; 'if [ ' puts the comparison at column 31
    assert [(f.left.var, f.left.text, f.right.var, f.right.text, f.equal, f.line, f.column) for f in write.facts] == [
        ("A", "${A}", "B", "$B", False, 10, 31)
    ]
    (fact,) = write.facts
    assert (fact.end_line, fact.end_column) == (10, 45)  # '"${A}" != "$B"' ends before column 45
    assert guard.judge(write.facts, k8s.env_field_paths(container)) == guard.Verdict("guarded", "", fact)
    assert guard.judge(write.facts, {"A": "status.hostIP"}) == guard.Verdict(
        "broken", "$B is not set in the container's env", fact
    )


@pytest.mark.parametrize(
    "script, column",
    [
        # the fact is where the comparison starts: "[ " puts it at column 13
        (f'[ "$POD_IP" != "$HOST_IP" ] && {WRITE}', 13),
        (f'[ "$POD_IP" = "$HOST_IP" ] || {WRITE}', 13),
        (f'[ "$HOST_IP" != "$POD_IP" ] && {WRITE}', 13),
        (f'test "$POD_IP" != "$HOST_IP" && {WRITE}', 16),
        (f'test -n "$HOST_IP" -a "$POD_IP" != "$HOST_IP" && {WRITE}', 33),
        (f'[[ "$POD_IP" != "$HOST_IP" ]] && {WRITE}', 14),
        (f'[ ! "$POD_IP" = "$HOST_IP" ] && {WRITE}', 15),  # the comparison, after the !
        (f'! [ "$POD_IP" = "$HOST_IP" ] && {WRITE}', 15),
        (f'if [ "$POD_IP" = "$HOST_IP" ]; then echo same; else {WRITE}; fi', 16),
        (f'if [ "$POD_IP" = "$HOST_IP" ]; then echo same; elif true; then {WRITE}; fi', 16),
        (f'if [ -n "$POD_IP" ] && [ "$POD_IP" != "$HOST_IP" ]; then {WRITE}; fi', 36),
        (f'[[ "$POD_IP" != "$HOST_IP" && -n "$HOST_IP" ]] && {WRITE}', 14),  # A && B true: A holds
        (f'[[ "$POD_IP" == "$HOST_IP" || -z "$HOST_IP" ]] || {WRITE}', 14),  # A || B false: A fails
        (f'[[ ! ( "$POD_IP" == "$HOST_IP" ) ]] && {WRITE}', 18),
        (f'[[ ( "$POD_IP" != "$HOST_IP" ) ]] && {WRITE}', 16),
        (f'[[ ! "$POD_IP" == "$HOST_IP" ]] && {WRITE}', 16),
        # test(1)'s -a and -o, [[ ]]'s && and ||: comparisons bind tighter (tree-sitter-bash nests them
        # the other way round), and ! tighter still
        (f'[ "$POD_IP" != "$HOST_IP" -a -n "$HOST_IP" ] && {WRITE}', 13),
        (f'[ "$POD_IP" = "$HOST_IP" -o -z "$HOST_IP" ] || {WRITE}', 13),
        (f'[ -n "$HOST_IP" -a "$POD_IP" != "$HOST_IP" ] && {WRITE}', 30),
        (f'[ ! "$POD_IP" = "$HOST_IP" -a -n "$HOST_IP" ] && {WRITE}', 15),
        (f'[[ "$POD_IP" != "$HOST_IP" && "$MODE" == node ]] && {WRITE}', 14),
        (f'[[ "$POD_IP" == "$HOST_IP" || -z "$X" && -n "$Y" ]] || {WRITE}', 14),  # A || (B && C) false
        (f'( [ "$POD_IP" != "$HOST_IP" ] ) && {WRITE}', 15),  # a subshell's status is its last command's
        (f'{{ [ "$POD_IP" != "$HOST_IP" ]; }} && {WRITE}', 15),
        (f'test ! "$POD_IP" = "$HOST_IP" && {WRITE}', 18),
        (f'"[" "$POD_IP" != "$HOST_IP" "]" && {WRITE}', 15),  # a quoted [ is the same command
        (f'[ "$POD_IP" != "$HOST_IP" ] && [ -n "$X" ] && {WRITE}', 13),
        (f'[ "$POD_IP" = "$HOST_IP" ] || [ -z "$X" ] || {WRITE}', 13),
    ],
)
def test_guard_forms(script, column):
    assert judged(script) == [(KEY, "guarded", "", 14, column)]


@pytest.mark.parametrize(
    "script",
    [
        f'if [ "$POD_IP" = "$HOST_IP" ]; then {WRITE}; fi',
        f'[ "$POD_IP" == "$HOST_IP" ] && {WRITE}',
        f'[ "$POD_IP" != "$HOST_IP" ] || {WRITE}',
        f'if [ "$POD_IP" != "$HOST_IP" ]; then echo differ; else {WRITE}; fi',
    ],
)
def test_inverted_guards_are_broken(script):
    assert [(key, state, reason) for key, state, reason, _, _ in judged(script)] == [(KEY, "broken", INVERTED)]


def test_conditions_that_say_nothing_certain():
    # A || B true: neither side is known; A && B false: neither is known
    script = f'if [ "$POD_IP" != "$HOST_IP" ] || [ "$X" = y ]; then {WRITE}; fi'
    assert judged(script) == [(KEY, "none", "", 0, 0)]
    script = f'if [ "$POD_IP" = "$HOST_IP" ] && [ "$X" = y ]; then echo; else {WRITE}; fi'
    assert judged(script) == [(KEY, "none", "", 0, 0)]
    script = f'[[ "$POD_IP" != "$HOST_IP" || -n "$X" ]] && {WRITE}'
    assert judged(script) == [(KEY, "none", "", 0, 0)]
    script = f'[[ "$POD_IP" == "$HOST_IP" && -n "$X" ]] || {WRITE}'
    assert judged(script) == [(KEY, "none", "", 0, 0)]


@pytest.mark.parametrize(
    "script",
    [
        f'echo "$POD_IP" != "$HOST_IP" && {WRITE}',  # echo succeeds whatever it prints
        f'test "$POD_IP" != "$HOST_IP" ] && {WRITE}',  # four arguments: test(1) fails, "]" is no argument of test
        f'"[" "$POD_IP" != "$HOST_IP" && {WRITE}',  # [ without ]: the test fails
        f'"[" && {WRITE}',
        f'test "$POD_IP" = && {WRITE}',  # test(1) with two arguments: "=" is a string
        f'test "$POD_IP" != "$HOST_IP" -o 1 = 1 && {WRITE}',  # -o: true whatever the IPs
        f'[ "$POD_IP" != "$HOST_IP" -o -n "$X" ] && {WRITE}',
        f'[[ "$POD_IP" != "$HOST_IP" || "$MODE" == node ]] && {WRITE}',
        f'[ "$POD_IP" != "$HOST_IP" ")" ] && {WRITE}',
        f'[[ "$POD_IP" =~ "$HOST_IP" ]] && {WRITE}',  # a match, not an equality
    ],
)
def test_commands_that_are_no_comparison_of_the_ips(script):
    assert judged(script) == [(KEY, "none", "", 0, 0)]


# -- the env behind the compared variables ----------------------------------------------------

GUARDED_WRITE = f'[ "$POD_IP" != "$HOST_IP" ] && {WRITE}'


def env_of(*entries: str) -> str:
    return "      env:\n" + "".join(f"        - {e}\n" for e in entries)


@pytest.mark.parametrize(
    "env, state, reason",
    [
        (
            env_of("{name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}"),
            "broken",
            "$HOST_IP is not set in the container's env",
        ),
        (
            env_of("{name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}", "{name: HOST_IP, value: 10.0.0.1}"),
            "broken",
            "$HOST_IP is not taken from the downward API (it has no valueFrom.fieldRef)",
        ),
        (
            env_of(
                "{name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}",
                "{name: HOST_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}",
            ),
            "broken",
            "both compared variables come from fieldPath status.podIP, so they are always equal",
        ),
        (
            env_of(
                "{name: POD_IP, valueFrom: {fieldRef: {fieldPath: metadata.name}}}",
                "{name: HOST_IP, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}",
            ),
            "broken",
            "$POD_IP comes from fieldPath metadata.name, not status.podIP or status.hostIP",
        ),
        (  # swapped fieldPaths: the names do not matter, the two addresses are still compared
            env_of(
                "{name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}",
                "{name: HOST_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}",
            ),
            "guarded",
            "",
        ),
        (  # the last entry of a name wins, as in Kubernetes
            env_of(
                "{name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}",
                "{name: HOST_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}",
                "{name: HOST_IP, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}",
            ),
            "guarded",
            "",
        ),
    ],
)
def test_env_behind_the_guard(env, state, reason):
    line = 7 + env.count("\n") + 4  # the script's first line
    assert judged(GUARDED_WRITE, env) == [(KEY, state, reason, line, 13)]


def test_no_env_at_all_is_a_broken_guard():
    assert judged(GUARDED_WRITE, env="") == [(KEY, "broken", "$POD_IP is not set in the container's env", 11, 13)]


def test_comparing_with_a_command_output_or_a_literal_is_a_broken_guard():
    script = f'if [ "$(hostname -i)" != "$HOST_IP" ]; then {WRITE}; fi'
    assert judged(script) == [
        (KEY, "broken", "it compares with the output of '$(hostname -i)' instead of a variable from the downward API", 14, 16)
    ]
    script = f'[ "$POD_IP" != 10.0.0.1 ] && {WRITE}'
    assert judged(script) == [
        (KEY, "broken", "it compares with the literal '10.0.0.1' instead of a variable from the downward API", 14, 13)
    ]


def test_unrelated_comparisons_are_not_guards():
    facts = [Fact(Operand("ENABLE_IPV6", "$ENABLE_IPV6"), Operand(None, "true"), True, 1, 1, 1, 2)]
    assert guard.judge(facts, {}) == guard.NONE
    facts = [Fact(Operand("POD_IP", "$POD_IP"), Operand(None, ""), False, 1, 1, 1, 2)]
    assert guard.judge(facts, {}) == guard.NONE
    assert judged(f'[ "$MODE" = tune ] && {WRITE}') == [(KEY, "none", "", 0, 0)]
    # an address compared with a variable that is not an IP's: no guard either (no side is an IP variable)
    assert judged(f'[ "$ZONE" != 10.0.0.1 ] && {WRITE}') == [(KEY, "none", "", 0, 0)]


def test_a_valid_guard_wins_over_a_broken_one():
    env = {"POD_IP": "status.podIP", "HOST_IP": "status.hostIP"}
    broken = Fact(Operand("POD_IP", "$POD_IP"), Operand("NODE_IP", "$NODE_IP"), False, 3, 5, 3, 25)
    valid = Fact(Operand("POD_IP", "$POD_IP"), Operand("HOST_IP", "$HOST_IP"), False, 4, 7, 4, 27)
    assert guard.judge([broken, valid], env) == guard.Verdict("guarded", "", valid)
    assert guard.judge([broken], env) == guard.Verdict("broken", "$NODE_IP is not set in the container's env", broken)


# -- early exits ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "script, line, column",
    [
        (f'[ "$POD_IP" = "$HOST_IP" ] && exit 0\n{WRITE}', 14, 13),
        (f'[ "$POD_IP" != "$HOST_IP" ] || exit 0\n{WRITE}', 14, 13),
        (f'[ "$POD_IP" = "$HOST_IP" ] && {{ echo same; exit 0; }}\n{WRITE}', 14, 13),
        (f'if [ "$POD_IP" = "$HOST_IP" ]; then\n  exit 0\nfi\n{WRITE}', 14, 16),
        (f'if [ "$POD_IP" != "$HOST_IP" ]; then\n  echo differ\nelse\n  exit 0\nfi\n{WRITE}', 14, 16),
        (f'set -e\n[ "$POD_IP" = "$HOST_IP" ] && exit 0 || true\n{WRITE}', 15, 13),
        (f'while true; do\n  [ "$POD_IP" = "$HOST_IP" ] && exit 0\n  {WRITE}\n  sleep 60\ndone', 15, 15),
    ],
)
def test_early_exit_with_exit(script, line, column):
    assert judged(script) == [(KEY, "guarded", "", line, column)]


@pytest.mark.parametrize(
    "script, line, column",
    [
        (f'tune() {{\n  [ "$POD_IP" = "$HOST_IP" ] && return 0\n  {WRITE}\n}}\ntune', 15, 15),
        (f'tune() {{\n  [ "$POD_IP" != "$HOST_IP" ] || return\n  {WRITE}\n}}\ntune', 15, 15),
        (f'tune() {{\n  if [ "$POD_IP" = "$HOST_IP" ]; then return; fi\n  {WRITE}\n}}\ntune', 15, 18),
        (f'function tune {{\n  case "$POD_IP" in\n    "$HOST_IP") return 0 ;;\n  esac\n  {WRITE}\n}}\ntune', 16, 15),
        (f'main() {{\n  [ "$POD_IP" = "$HOST_IP" ] && return 0\n  tune\n}}\ntune() {{ {WRITE}; }}\nmain', 15, 15),
    ],
)
def test_early_exit_with_return_in_a_function(script, line, column):
    assert judged(script) == [(KEY, "guarded", "", line, column)]
    assert judged(script, shell_name="bash") == [(KEY, "guarded", "", line, column)]


def test_return_at_the_top_level_depends_on_the_shell():
    script = f'[ "$POD_IP" = "$HOST_IP" ] && return 0\n{WRITE}'
    # sh (dash, ash, bash as sh) leaves the script; plain bash reports an error and goes on
    assert judged(script, shell_name="sh") == [(KEY, "guarded", "", 14, 13)]
    assert judged(script, shell_name="/bin/dash") == [(KEY, "guarded", "", 14, 13)]
    assert judged(script, shell_name="bash") == [(KEY, "none", "", 0, 0)]
    assert judged(script, shell_name="/usr/bin/bash") == [(KEY, "none", "", 0, 0)]
    # exit leaves the script in every shell
    script = f'[ "$POD_IP" = "$HOST_IP" ] && exit 0\n{WRITE}'
    assert judged(script, shell_name="bash") == [(KEY, "guarded", "", 14, 13)]


@pytest.mark.parametrize(
    "script",
    [
        f'[ "$POD_IP" = "$HOST_IP" ] && echo same\n{WRITE}',
        f'if [ "$POD_IP" = "$HOST_IP" ]; then echo same; fi\n{WRITE}',
        f'( [ "$POD_IP" = "$HOST_IP" ] && exit 0 )\n{WRITE}',  # leaves the subshell only
        f'{WRITE}\n[ "$POD_IP" = "$HOST_IP" ] && exit 0',  # too late
    ],
)
def test_statements_that_do_not_guard(script):
    assert judged(script) == [(KEY, "none", "", 0, 0)]


def test_an_early_exit_in_an_outer_script_guards_nested_scripts():
    script = f'[ "$POD_IP" = "$HOST_IP" ] && exit 0\nsh -c "sh -c \'{WRITE}\'"'
    assert judged(script) == [(KEY, "guarded", "", 14, 13)]


# -- case statements --------------------------------------------------------------------------


def test_case_statements_as_guards():
    assert judged(f'case "$POD_IP" in\n  "$HOST_IP") exit 0 ;;\nesac\n{WRITE}') == [(KEY, "guarded", "", 15, 13)]
    assert judged(f'case "$POD_IP" in\n  "$HOST_IP") echo same ;;\n  *) {WRITE} ;;\nesac') == [(KEY, "guarded", "", 15, 13)]
    assert judged(f'case "$POD_IP" in\n  "$HOST_IP") {WRITE} ;;\nesac') == [(KEY, "broken", INVERTED, 15, 13)]
    assert judged(f'case "$MODE" in\n  tune) {WRITE} ;;\nesac') == [(KEY, "none", "", 0, 0)]
    # a pattern that is not one exact word says nothing
    assert judged(f'case "$POD_IP" in\n  "$HOST_IP"|x) exit 0 ;;\nesac\n{WRITE}') == [(KEY, "none", "", 0, 0)]
    # *) after a glob: the pod IP is outside 10.*, which says nothing about the host IP
    assert judged(f'case "$POD_IP" in\n  10.*) echo pod network ;;\n  *) {WRITE} ;;\nesac') == [(KEY, "none", "", 0, 0)]
    # nor does a glob, even one that looks like an address ("fd00:" would be an IPv6 literal)
    for pattern in ("fd00:*", '"fd00:"*', "$(hostname -i)*", "fd00::?", "fd00::[0-9]"):
        assert judged(f'case "$POD_IP" in\n  {pattern}) exit 0 ;;\nesac\n{WRITE}') == [(KEY, "none", "", 0, 0)], pattern


# -- functions --------------------------------------------------------------------------------


def test_a_function_is_guarded_when_every_call_is():
    script = f'tune() {{\n  {WRITE}\n}}\nif [ "$POD_IP" != "$HOST_IP" ]; then\n  tune\nfi\n[ "$POD_IP" = "$HOST_IP" ] || tune'
    for _ in range(3):  # the same answer every time: the first call (line 17) places the fact
        assert judged(script) == [(KEY, "guarded", "", 17, 16)]


def test_call_sites_are_read_in_document_order(monkeypatch):
    """tree-sitter does not always return captures in document order: whatever the order, the
    facts of a function's write are placed at its first call."""
    init = script_module.Script.__init__

    def last_first(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.commands.sort(key=lambda node: -node.start_byte)

    monkeypatch.setattr(script_module.Script, "__init__", last_first)
    script = f'tune() {{\n  {WRITE}\n}}\nif [ "$POD_IP" != "$HOST_IP" ]; then\n  tune\nfi\n[ "$POD_IP" = "$HOST_IP" ] || tune'
    assert judged(script) == [(KEY, "guarded", "", 17, 16)]


def test_a_function_called_once_without_the_guard_is_not():
    script = f'tune() {{ {WRITE}; }}\n[ "$POD_IP" != "$HOST_IP" ] && tune\ntune'
    assert judged(script) == [(KEY, "none", "", 0, 0)]
    assert judged(f"tune() {{ {WRITE}; }}") == [(KEY, "none", "", 0, 0)]  # never called


# -- what the facts are made of, pinned by a deliberate-bug round (issue 16) -------------------


def test_call_sites_are_followed_three_calls_deep_and_no_further():
    chain = f"a() {{ {WRITE}; }}\nb() {{ a; }}\nc() {{ b; }}\n"  # lines 1-3
    # a's write is three calls below the guarded call of c (line 4, file line 17)
    assert judged(chain + '[ "$POD_IP" != "$HOST_IP" ] && c') == [(KEY, "guarded", "", 17, 13)]  # the comparison
    # one function more: the call of d is a fourth call, past MAX_CALL_DEPTH, so not read
    assert judged(chain + 'd() { c; }\n[ "$POD_IP" != "$HOST_IP" ] && d') == [(KEY, "none", "", 0, 0)]


def test_a_compound_condition_does_not_guard_what_runs_inside_it():
    # the write runs first, unconditionally; the test after it only decides whether `true` runs
    assert judged(f'{{ {WRITE}; [ "$POD_IP" != "$HOST_IP" ]; }} && true') == [(KEY, "none", "", 0, 0)]


@pytest.mark.parametrize(
    "statement, expected",
    [
        # the branch that stays says which way the condition went (the comparison: script column 6)
        ('if [ "$POD_IP" = "$HOST_IP" ]; then exit 0; else true; fi', (KEY, "guarded", "", 14, 16)),
        ('if [ "$POD_IP" != "$HOST_IP" ]; then true; else exit 0; fi', (KEY, "guarded", "", 14, 16)),
        # neither branch leaves: nothing is known after the if
        ('if [ "$POD_IP" = "$HOST_IP" ]; then true; else true; fi', (KEY, "none", "", 0, 0)),
        # a subshell's exit leaves the subshell only
        ('[ "$POD_IP" = "$HOST_IP" ] && ( exit 0 )', (KEY, "none", "", 0, 0)),
    ],
)
def test_if_else_and_subshell_exits(statement, expected):
    assert judged(f"{statement}\n{WRITE}") == [expected]


def test_a_guard_in_an_elif_condition():
    # 'if [ "$MODE" = a ]; then true; elif [ ' is 38 characters: the comparison is at column 39
    script = f'if [ "$MODE" = a ]; then true; elif [ "$POD_IP" != "$HOST_IP" ]; then {WRITE}; fi'
    assert judged(script) == [(KEY, "guarded", "", 14, 49)]


def test_an_exit_list_guards_whatever_follows_it_in_the_list():
    # C || exit 0 && echo: the echo runs only because C held; C && exit 0 && echo: C failed
    assert judged(f'[ "$POD_IP" != "$HOST_IP" ] || exit 0 && echo tuning\n{WRITE}') == [(KEY, "guarded", "", 14, 13)]
    assert judged(f'[ "$POD_IP" = "$HOST_IP" ] && exit 0 && echo never\n{WRITE}') == [(KEY, "guarded", "", 14, 13)]


def test_a_comment_inside_a_list_is_not_one_of_its_commands():
    # script line 1 is file line 14 ('[ ' puts the comparison at column 13); the third case's on line 16
    assert judged(f'[ "$POD_IP" != "$HOST_IP" ] &&\n  # in the pod\'s own namespace only\n  {WRITE}') == [
        (KEY, "guarded", "", 14, 13)
    ]
    assert judged(f'[ "$POD_IP" = "$HOST_IP" ] &&\n  # the node\'s namespace: leave\n  exit 0\n{WRITE}') == [
        (KEY, "guarded", "", 14, 13)
    ]
    script = f'if [ "$MODE" = on ] &&\n  # and not on the node\n  [ "$POD_IP" != "$HOST_IP" ]; then\n  {WRITE}\nfi'
    assert judged(script) == [(KEY, "guarded", "", 16, 15)]


def test_a_length_or_an_indirect_expansion_is_not_the_variable():
    # ${#POD_IP} is the length of the address, ${!POD_IP} the variable it names: neither is the IP
    for left, right in (("${#POD_IP}", "${#HOST_IP}"), ("${!POD_IP}", "${!HOST_IP}")):
        assert judged(f'[ "{left}" != "{right}" ] && {WRITE}') == [(KEY, "none", "", 0, 0)], left
    assert judged(f'[ "${{POD_IP}}" != ${{HOST_IP}} ] && {WRITE}') == [(KEY, "guarded", "", 14, 13)]


def test_a_unary_test_or_a_lone_word_is_one_operand_of_and():
    # -n WORD is two words, a lone word one: the comparison after -a is still read (script column
    # 19 and 14, file columns 29 and 24)
    assert judged(f'[ -n "$POD_IP" -a "$POD_IP" != "$HOST_IP" ] && {WRITE}') == [(KEY, "guarded", "", 14, 29)]
    assert judged(f'[ "$TUNE" -a "$POD_IP" != "$HOST_IP" ] && {WRITE}') == [(KEY, "guarded", "", 14, 24)]


def test_else_after_an_elif_holds_that_every_earlier_condition_failed():
    # the else runs when the elif's comparison (script line 3, column 8: file line 16, column 18) failed
    script = f'if [ "$MODE" = off ]; then\n  echo skipped\nelif [ "$POD_IP" = "$HOST_IP" ]; then\n  echo host\nelse\n  {WRITE}\nfi'
    assert judged(script) == [(KEY, "guarded", "", 16, 18)]


def test_and_binds_tighter_than_or_in_a_test():
    # A -a B -o C is (A -a B) -o C: when it holds, nothing is certain about A
    assert judged(f'[ "$POD_IP" != "$HOST_IP" -a "$MODE" = on -o "$FORCE" = yes ] && {WRITE}') == [(KEY, "none", "", 0, 0)]
    # C -o A -a B is C -o (A -a B): nothing certain either, and the reading is the same whatever the order
    assert judged(f'[ "$FORCE" = yes -o "$POD_IP" != "$HOST_IP" -a "$MODE" = on ] && {WRITE}') == [(KEY, "none", "", 0, 0)]


def test_a_malformed_test_expression_says_nothing():
    # test fails ("argument expected", "')' expected"): the exit never runs, the write always does
    for condition in ('test "$POD_IP" = "$HOST_IP" -a', 'test "(" "$POD_IP" = "$HOST_IP"'):
        assert judged(f"if {condition}; then exit 0; fi\n{WRITE}") == [(KEY, "none", "", 0, 0)], condition


def test_and_or_inside_double_brackets():
    # both sides of && hold; an || says nothing certain about either side (grouped: tree-sitter
    # reads `[[ A != B && C = D ]]` as `((A != B) && C) = D`); the comparison is at column 6
    assert judged(f'[[ ( "$POD_IP" != "$HOST_IP" ) && ( "$MODE" = on ) ]] && {WRITE}') == [(KEY, "guarded", "", 14, 16)]
    assert judged(f'[[ ( "$POD_IP" != "$HOST_IP" ) || ( "$MODE" = on ) ]] && {WRITE}') == [(KEY, "none", "", 0, 0)]

"""linter/script.py finds a script's commands and redirected statements by walking its tree
in Python until the process has walked WALK_BUDGET nodes, then by the tree-sitter query: both
ways find the same nodes, and the findings do not depend on which one ran."""

from __future__ import annotations

import pytest
from conftest import cli
from portlint import script, script_memo

SCRIPTS = {
    "plain": "set -e\nsysctl -w net.core.somaxconn=4096\necho 1 > /proc/sys/net/ipv4/tcp_tw_reuse\n",
    "guarded": '[ "$POD_IP" = "$HOST_IP" ] && exit 0\nsysctl -w vm.max_map_count=262144\n',
    "nested substitutions": 'echo "$(cat $(ls /etc/sysctl.d/*.conf))" > /proc/sys/kernel/x 2>&1\n',
    "function and calls": 'w() { sysctl -w "$1"; }\nw a=1\nw b=2 > /dev/null\n',
    "here-document": "cat > /etc/sysctl.d/9.conf <<EOF\nnet.core.somaxconn = 1024\nEOF\nsysctl -p /etc/sysctl.d/9.conf\n",
    "case and loops": 'for k in a b; do case "$k" in a) sysctl -w "$k=1" ;; *) echo "$k" >> log ;; esac; done\n',
    "pipeline and subshell": "(echo 1 | tee /proc/sys/net/ipv4/ip_forward) && { sysctl -a > /tmp/all; }\n",
    "syntax errors": 'if [ "$x" = ; then sysctl -w a=1 > \necho "unterminated\nsysctl -w b=2\n',
    "empty": "",
    "comment only": "# sysctl -w a=1\n",
}


def _by_query(tree) -> tuple[list, list]:
    captured = script._query().captures(tree.root_node)
    return captured.get("c", []), captured.get("r", [])


def _nodes(found: list) -> list[tuple[int, int, str]]:
    return sorted((node.start_byte, node.end_byte, node.type) for node in found)


@pytest.mark.parametrize("text", SCRIPTS.values(), ids=SCRIPTS.keys())
def test_the_walk_finds_what_the_query_captures(text):
    tree = script._parser().parse(text.encode("utf-8"))
    walked, queried = script._walk(tree), _by_query(tree)
    assert [_nodes(found) for found in walked] == [_nodes(found) for found in queried]
    assert {node.type for node in walked[0]} <= {"command"} and {node.type for node in walked[1]} <= {"redirected_statement"}


def test_the_walk_finds_every_command_and_redirection_of_a_script():
    text = SCRIPTS["plain"]
    commands, redirects = script._walk(script._parser().parse(text.encode("utf-8")))
    echo = text.index("echo")
    assert {node.start_byte for node in commands} == {0, text.index("sysctl"), echo}  # echo: in the redirection
    assert [(node.start_byte, node.end_byte) for node in redirects] == [(echo, len(text) - 1)]


def test_scripts_are_walked_within_the_budget_then_queried(monkeypatch):
    walks, queries = [], []
    monkeypatch.setattr(script, "_walk", lambda tree: walks.append(tree) or ([], []))
    monkeypatch.setattr(script, "_query", lambda: queries.append(1) or _NoCaptures())
    tree = script._parser().parse(SCRIPTS["plain"].encode("utf-8"))
    size = tree.root_node.descendant_count
    monkeypatch.setattr(script, "WALK_BUDGET", 2 * size)
    monkeypatch.setattr(script, "_walked", 0)
    for _ in range(3):
        script._writing_nodes(tree)
    assert (len(walks), len(queries)) == (2, 1)
    assert script._walked == 2 * size


class _NoCaptures:
    def captures(self, node) -> dict:
        return {}


def _report(monkeypatch, budget: int) -> str:
    monkeypatch.setattr(script, "WALK_BUDGET", budget)
    monkeypatch.setattr(script, "_walked", 0)
    monkeypatch.setenv("PORTLINT_JOBS", "1")  # the inputs pass 3 MB: a worker's walk is not counted here
    script_memo.forget()  # every script parsed again
    result = cli("check", "tests/fixtures", "tests/corpus", "examples", "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_the_findings_are_the_same_walked_or_queried(monkeypatch):
    walked = _report(monkeypatch, 10**9)
    assert script._walked > 10_000  # the scripts of the fixtures and the corpus, all walked
    queried = _report(monkeypatch, 0)
    assert script._walked == 0
    assert '"rule": "PL101"' in walked and walked == queried


def test_the_bash_grammar_is_loaded_without_the_package_init():
    import subprocess
    import sys

    probe = "import sys; from portlint.script import _parser; _parser(); print('tree_sitter_bash' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout == "False\n"


def _sexp(grammar) -> str:
    import tree_sitter

    return str(tree_sitter.Parser(tree_sitter.Language(grammar)).parse(SCRIPTS["function and calls"].encode()).root_node)


def test_the_bash_grammar_is_the_package_s_however_it_is_found(monkeypatch):
    import sys
    from importlib.machinery import PathFinder

    import tree_sitter_bash

    expected = _sexp(tree_sitter_bash.language())
    assert "function_definition" in expected
    monkeypatch.delitem(sys.modules, "tree_sitter_bash")
    assert _sexp(script._bash_grammar()) == expected  # from the binding alone
    assert "tree_sitter_bash" not in sys.modules
    found = PathFinder.find_spec
    asked = []

    def not_the_first_time(name, path=None, target=None):
        asked.append(name)
        return None if len(asked) == 1 else found(name, path, target)

    monkeypatch.setattr(PathFinder, "find_spec", not_the_first_time)
    assert _sexp(script._bash_grammar()) == expected  # not found that way: the package imported
    assert asked[0] == "tree_sitter_bash"
    assert "tree_sitter_bash" in sys.modules

"""Kept files (tee -a into a file sysctl -p loads, scripts that run each other), scripts for
other interpreters, and Helm actions that end in an unfinished assignment: each test pins one
behaviour, with the expectation read off the text written here.

One surviving mutant is equivalent and has no test here:
- helm.py ``Entry.via_span = (0, 0)``: the one place an Entry is built (``Mapper._add``) always
  passes the span, so the default is never used.
"""

from __future__ import annotations

from conftest import lint_text
from test_helm_mapping import chart, mapped
from test_values_and_mounts import pod, rules_and_messages

# --- shell.py: tee -a / --append add to a here-document file, plain tee replaces it ----------


def test_tee_append_adds_to_the_file_sysctl_p_loads():
    text = pod(
        "tee /tmp/t.conf <<EOF",  # 11
        "net.core.somaxconn = 1",  # 12: replaced by the next tee
        "EOF",  # 13
        "tee /tmp/t.conf <<EOF",  # 14
        "net.core.rmem_max = 2",  # 15
        "EOF",  # 16
        "tee -a /tmp/t.conf <<EOF",  # 17
        "net.core.wmem_max = 3",  # 18
        "EOF",  # 19
        "tee --append /tmp/t.conf <<EOF",  # 20
        "vm.swappiness = 4",  # 21
        "EOF",  # 22
        "sysctl -p /tmp/t.conf",  # 23
    )
    # the script's lines start at line 11, column 11 (ten spaces of block indentation); the file
    # holds lines 15, 18 and 21 when sysctl -p loads it: one write at each key line
    found = [(rule, line, column, said.split(" (from ")[0]) for rule, line, column, said in rules_and_messages(text)]
    assert found == [
        ("PL101", 15, 11, 'container "c" writes net.core.rmem_max=2'),
        ("PL101", 18, 11, 'container "c" writes net.core.wmem_max=3'),
        ("PL103", 21, 11, 'container "c" writes vm.swappiness=4'),
    ]


# --- writes.py: scripts from a ConfigMap that run scripts -------------------------------------

KEPT = """apiVersion: v1
kind: ConfigMap
metadata: {{name: tune}}
data:
{data}---
apiVersion: v1
kind: Pod
metadata: {{name: p}}
spec:
  containers:
    - name: c
      command: [sh, -c, '{command}']
      volumeMounts: [{{name: s, mountPath: /scripts}}]
  volumes:
    - {{name: s, configMap: {{name: tune, defaultMode: 0755}}}}
"""


def _found(text: str):
    result = lint_text(text)
    assert result.json["errors"] == []
    return [(f["rule"], f["line"], f["column"], f["message"].split(" without ")[0].split(", a node-wide")[0]) for f in result.findings]


def test_scripts_that_run_each_other_are_followed_once():
    # a.sh runs b.sh, which runs a.sh again: a.sh's write (line 6, column 5: the data value is
    # indented by four) and b.sh's (line 9, column 5), each once
    data = (
        "  a.sh: |\n"  # 5
        "    sysctl -w net.core.somaxconn=1\n"  # 6
        "    sh /scripts/b.sh\n"  # 7
        "  b.sh: |\n"  # 8
        "    sysctl -w vm.swappiness=2\n"  # 9
        "    sh /scripts/a.sh\n"  # 10
    )
    assert _found(KEPT.format(data=data, command="sh /scripts/a.sh")) == [
        ("PL101", 6, 5, 'container "c" of Pod "p" (running /scripts/a.sh from ConfigMap "tune") writes net.core.somaxconn=1'),
        ("PL103", 9, 5, 'container "c" of Pod "p" (running /scripts/b.sh from ConfigMap "tune") writes vm.swappiness=2'),
    ]


def test_a_script_with_another_interpreter_is_not_read_as_shell():
    # c.py's #! names python: its sysctl line (line 7) is not a shell command; d.sh's is (line 10)
    data = (
        "  c.py: |\n"  # 5
        "    #!/usr/bin/env python3\n"  # 6
        "    sysctl -w kernel.pid_max=3\n"  # 7
        "  d.sh: |\n"  # 8
        "    #!/bin/bash\n"  # 9
        "    sysctl -w vm.swappiness=2\n"  # 10
    )
    assert _found(KEPT.format(data=data, command="/scripts/c.py; /scripts/d.sh")) == [
        ("PL103", 10, 5, 'container "c" of Pod "p" (running /scripts/d.sh from ConfigMap "tune") writes vm.swappiness=2'),
    ]


# --- helm.py: an action's words end at its own }} ---------------------------------------------


def test_an_action_ending_in_an_unfinished_assignment_emits_text(tmp_path):
    # '{{ $x = }}' is no assignment (nothing follows the =; Go's parser would refuse it, but the
    # mapper reads the template as written): it is an output action, so line 3 is a pattern
    # 'name: (.*?)' that the rendered 'name: p' matches. The finding on 'p' maps to the action:
    # '  name: ' is columns 1-8, '{{ $x = }}' (10 characters) columns 9-18, end column 19.
    root = chart(tmp_path, "kind: Pod\nmetadata:\n  name: {{ $x = }}\n  labels: {a: b}\n")
    assert mapped(root, ["kind: Pod", "metadata:", "  name: p", "  labels: {a: b}"], 3, "p") == (("t.yaml", 3, 9, 19, False), [])

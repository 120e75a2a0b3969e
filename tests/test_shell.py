"""What a container runs (linter.argv) and the sysctl writes in it (linter.shell): command/args
splits, wrappers in the exec form and in scripts, sysctl arguments, /proc/sys redirections,
nested scripts and positions. Guards are judged in test_guard.py."""

from __future__ import annotations

import shlex

import pytest

from portlint import argv, k8s, shell, tree
from portlint.sources import SourceFile, split_documents


def parse_pod(yaml_text: str):
    docs = list(split_documents(SourceFile("m.yaml", yaml_text)))
    root, problems = tree.parse(docs[0].text, docs[0].first_line)
    assert problems == []
    manifest = next(k8s.manifests(docs[0], root))
    return manifest, k8s.containers(k8s.pod_spec(manifest))[0]


def container_writes(yaml_text: str):
    manifest, container = parse_pod(yaml_text)
    return container, shell.analyze(argv.of_container(container.node), manifest.doc)


def pod(container_body: str) -> str:
    """A Pod whose one container's body starts on line 7, indented by 6 spaces."""
    return "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n" + container_body


# -- argv: command/args -------------------------------------------------------------------


def test_argv_is_command_then_args_with_positions():
    manifest, container = parse_pod(pod("      command: [sh, -c]\n      args: ['sysctl -w a.b=1', x]\n"))
    found = argv.of_container(container.node)
    assert [a.value for a in found] == ["sh", "-c", "sysctl -w a.b=1", "x"]
    loc = manifest.doc.location(found[2])
    assert (loc.line, loc.column, loc.end_line, loc.end_column) == (8, 14, 8, 31)


@pytest.mark.parametrize(
    "body, expected",
    [
        ("      args: [sh, -c, x]\n", ["sh", "-c", "x"]),  # the image's entrypoint runs the args
        ("      command: []\n      args: [a]\n", ["a"]),
        ("      command: sh -c x\n      args: [a]\n", ["a"]),  # not a list: Kubernetes rejects it
        ("      command: [sh, {x: 1}, [y], -c]\n", ["sh", "-c"]),  # items that are not strings are left out
        ("      image: busybox\n", []),
    ],
)
def test_argv_of_odd_container_specs(body, expected):
    _, container = parse_pod(pod(body))
    assert [a.value for a in argv.of_container(container.node)] == expected


# -- argv: the one wrapper table ------------------------------------------------------------

# (wrapper words in front of sysctl, index of sysctl in prefix + [sysctl, ...])
WRAPPED = [
    ([], 0),
    (["sudo"], 1),
    (["/usr/bin/sudo", "-u", "root", "-E"], 4),
    (["sudo", "--"], 2),
    (["sudo", "A=1"], 2),
    (["env"], 1),
    (["env", "-i", "A=1", "B=2"], 4),
    (["env", "-u", "HOME"], 3),
    (["nice"], 1),
    (["nice", "-n", "5"], 3),
    (["nice", "-n5"], 2),
    (["nice", "--adjustment=5"], 2),
    (["timeout", "10"], 2),
    (["timeout", "-s", "KILL", "10s"], 4),
    (["timeout", "--preserve-status", "10"], 3),
    (["busybox"], 1),
    (["exec"], 1),
    (["exec", "-a", "tuner"], 3),
    (["command"], 1),
    (["command", "-p"], 2),
    (["sudo", "env", "A=1", "nice", "-n", "5"], 6),
    (["sudo", "-Eu", "root"], 3),  # combined flags, the last one takes the next word
    (["nsenter", "-t", "1", "-m", "-u", "-n", "-i", "--"], 8),
    (["nsenter", "--target=1", "--net", "--ipc"], 4),
    (["nsenter", "-t1", "-a"], 3),
    (["nsenter", "--net=/proc/1/ns/net", "--"], 3),
    (["nsenter", "-n/proc/1/ns/net"], 2),
    (["chroot", "/host"], 2),
    (["chroot", "--groups", "root", "/host"], 4),
    (["ionice", "-c", "3", "-n", "7"], 5),
    (["ionice", "-c3"], 2),
    (["stdbuf", "-oL", "-e", "0"], 4),
    (["setsid"], 1),
    (["setsid", "-f", "-w"], 3),
    (["nsenter", "-t", "1", "-n", "--", "chroot", "/host", "ionice", "-c", "3"], 10),
]


@pytest.mark.parametrize("prefix, index", WRAPPED)
def test_the_command_index_skips_every_wrapper_form(prefix, index):
    assert argv.unwrap([*prefix, "sysctl", "-w", "a.b=1"]).index == index


@pytest.mark.parametrize(
    "words, expected",
    [
        ([], None),
        (["env"], None),
        (["sudo", "-u", "root"], None),
        (["timeout", "10"], None),
        (["command", "-v", "sysctl", "-w", "a.b=1"], None),  # only looks sysctl up
        (["command", "-V", "sysctl"], None),
        (["busybox", "-w", "x"], 1),  # busybox has no options: its next word is the applet
        (["env", "sysctl", "A=1"], 1),  # assignments only before the command
        (["echo", "sudo", "sysctl"], 0),
        (["SUDO", "sysctl"], 0),
        (["ionice", "-p", "1"], None),  # changes a running process, runs nothing
        (["ionice", "--pid=1"], None),
        (["ionice", "-c3", "--pgid", "1", "sysctl"], None),
        (["chroot"], None),
        (["nsenter", "-t", "1", "-n"], None),
    ],
)
def test_the_command_index_edge_cases(words, expected):
    assert argv.unwrap(words).index == expected


@pytest.mark.parametrize(
    "words, expected",
    [
        (["-c", "S"], 1),
        (["-ec", "S"], 1),
        (["-euxc", "S", "name"], 1),
        (["-o", "pipefail", "-xc", "S"], 3),
        (["+o", "errexit", "-c", "S"], 3),
        (["--norc", "-c", "S"], 2),
        (["-c", "--", "S"], 2),
        (["+e", "-c", "S"], 2),
        (["-e", "S"], None),
        (["+c", "S"], None),
        (["-c"], None),
        (["script.sh", "-c", "S"], None),
        (["-euEo", "pipefail", "-O", "inherit_errexit", "-c", "S"], 5),  # bash: -o and -O take a word
        (["-co", "pipefail", "S"], 2),
        (["-c", "-", "S"], 2),  # a lone "-" ends the options as "--" does
        (["-", "-c", "S"], None),  # ... so this -c is the name of a script file
        (["+", "-c", "S"], 2),
        (["", "-c", "S"], None),  # an empty word is the script file's name
        (["--rcfile", "/etc/rc", "-c", "S"], 3),  # bash: --rcfile and --init-file take a word
        ([], None),
    ],
)
def test_script_index(words, expected):
    assert argv.script_index(words) == expected


@pytest.mark.parametrize(
    "words, expected",
    [
        (["/s/tune.sh", "-c"], 0),  # words after FILE are its arguments
        (["-e", "/s/tune.sh"], 1),
        (["-o", "pipefail", "/s/tune.sh"], 2),
        (["-euo", "pipefail", "/s/tune.sh"], 2),
        (["+x", "/s/tune.sh"], 1),
        (["--norc", "/s/tune.sh"], 1),
        (["--rcfile", "/etc/rc", "/s/tune.sh"], 2),
        (["--init-file", "/etc/rc", "/s/tune.sh"], 2),
        (["--", "/s/tune.sh"], 1),
        (["-", "/s/tune.sh"], 1),  # a lone "-" ends the options as "--" does
        (["+", "/s/tune.sh"], 1),
        (["--"], None),
        (["-e"], None),
        (["-c", "sysctl -w a.b=1"], None),  # a string, not a file
        (["-ec", "sysctl -w a.b=1"], None),
        (["-s", "/s/tune.sh"], None),  # commands from stdin; the word is $1
        (["-xs", "/s/tune.sh"], None),
        ([], None),
    ],
)
def test_script_file_index(words, expected):
    assert argv.script_file_index(words) == expected


PORT_RANGE = "net.ipv4.ip_local_port_range=1024 65535"  # 39 characters


@pytest.mark.parametrize("prefix, index", WRAPPED)
def test_exec_form_write_behind_wrappers(prefix, index):
    # line 8: "      args: ['net.ipv4...']": the quoted item runs from column 14 to 54
    words = ", ".join([*prefix, "sysctl", "-w"])
    body = f"      command: [{words}]\n      args: ['{PORT_RANGE}']\n"
    _, program = container_writes(pod(body))
    assert [(w.how, w.key, w.value, w.line, w.column, w.end_line, w.end_column) for w in program.writes] == [
        ("sysctl", "net.ipv4.ip_local_port_range", "1024 65535", 8, 14, 8, 55)
    ]


@pytest.mark.parametrize("prefix, index", WRAPPED)
def test_shell_form_write_behind_wrappers(prefix, index):
    # line 8: "      args: ['SCRIPT']": the script starts at column 15; the write is the whole
    # command, wrappers included, up to the end of its line
    script = " ".join([*prefix, "sysctl", "-w", 'net.ipv4.ip_local_port_range="1024 65535"'])
    body = f"      command: [sh, -c]\n      args: ['{script}']\n"
    _, program = container_writes(pod(body))
    assert [(w.how, w.key, w.value, w.line, w.column, w.end_line, w.end_column) for w in program.writes] == [
        ("sysctl", "net.ipv4.ip_local_port_range", "1024 65535", 8, 15, 8, 15 + len(script))
    ]


def test_sudo_in_the_exec_form_is_a_write():
    """Issue 9: [sudo, sysctl, -w, ...] was missed while sh -c 'sudo sysctl -w ...' was seen."""
    body = "      command: [sudo, sysctl, -w, 'net.ipv4.ip_local_port_range=1024 65535']\n"
    _, program = container_writes(pod(body))
    assert [(w.key, w.value, w.line, w.column) for w in program.writes] == [("net.ipv4.ip_local_port_range", "1024 65535", 7, 35)]


@pytest.mark.parametrize(
    "body",
    [
        "      command: [command, -v, sysctl, -w, a.b=1]\n",
        "      command: [sh, -c, 'command -v sysctl -w a.b=1']\n",
        "      command: [echo, sudo, sysctl, -w, a.b=1]\n",
        "      command: [sh, -c, 'echo sudo sysctl -w a.b=1']\n",
        "      command: [sh, -c, 'env']\n      args: ['sysctl -w a.b=1']\n",  # args are $0, not run
    ],
)
def test_wrappers_that_run_nothing(body):
    _, program = container_writes(pod(body))
    assert program.writes == []


def test_shells_behind_wrappers_are_searched_in_both_forms():
    _, program = container_writes(pod("      command: [sudo, -E, sh, -c, 'sysctl -w a.b=1']\n"))
    assert [(w.key, w.line, w.column) for w in program.writes] == [("a.b", 7, 36)]
    # inside a script (which starts at column 26): the inner script starts after 'sudo sh -c "'
    _, program = container_writes(pod("      command: [sh, -c, 'sudo sh -c \"sysctl -w a.b=1\"']\n"))
    assert [(w.key, w.line, w.column) for w in program.writes] == [("a.b", 7, 38)]


# -- sysctl arguments -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, expected",
    [
        (["-w", "net.core.somaxconn=1024"], [(1, "net.core.somaxconn", "1024", "sysctl")]),
        (["-w", "a.b=1", "c/d=2"], [(1, "a.b", "1", "sysctl"), (2, "c.d", "2", "sysctl")]),
        (
            ["-q", "-e", "-w", "net.ipv4.ip_local_port_range=1024 65535"],
            [(3, "net.ipv4.ip_local_port_range", "1024 65535", "sysctl")],
        ),
        (["net.core.somaxconn=1"], [(0, "net.core.somaxconn", "1", "sysctl")]),
        (["net.core.somaxconn"], []),
        (["-a"], []),
        (["-p"], [(0, None, "/etc/sysctl.conf", "sysctl -p")]),
        (["-p", "/etc/sysctl.d/x.conf"], [(0, None, "/etc/sysctl.d/x.conf", "sysctl -p")]),
        (["-p/etc/x.conf"], [(0, None, "/etc/x.conf", "sysctl -p")]),
        (["--load", "/x.conf"], [(0, None, "/x.conf", "sysctl -p")]),
        (["--load=/x.conf"], [(0, None, "/x.conf", "sysctl -p")]),
        (["-p", "a.b=1"], [(0, None, "/etc/sysctl.conf", "sysctl -p"), (1, "a.b", "1", "sysctl")]),
        (["--system"], [(0, None, "the system sysctl.d files", "sysctl -p")]),
        (["-p", "/a.conf", "-p", "/b.conf"], [(0, None, "/a.conf", "sysctl -p"), (2, None, "/b.conf", "sysctl -p")]),
        (["-w", "foo=foo=bar"], [(1, "foo", "foo=bar", "sysctl")]),
        (["-w", "$KV"], [(1, None, None, "sysctl")]),  # after -w, a word not known writes
        (["$KEY"], []),  # without -w it is read as a name
        (["-w", "net.core.somaxconn"], []),  # a name without a value: sysctl rejects it
    ],
)
def test_sysctl_arguments(args, expected):
    assert shell.sysctl_arguments(args) == expected


# -- command/args splits and forms ----------------------------------------------------------


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
        "      command: [python3, -c, \"open('/proc/sys/net/core/somaxconn', 'w').write('1')\"]\n",
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


def test_exec_form_sysctl_p_points_at_the_option():
    _, program = container_writes(pod("      command: [sysctl, -p, /etc/tune.conf]\n"))
    assert [(w.how, w.key, w.source_file, w.line, w.column) for w in program.writes] == [
        ("sysctl -p", None, "/etc/tune.conf", 7, 25)
    ]


# -- write detection in scripts -------------------------------------------------------------


def script_writes(script: str, shell_name: str = "sh"):
    """Writes of a block-scalar script: its line 1 is file line 11, its column 1 is column 11."""
    body = f"      command:\n        - {shell_name}\n        - -c\n        - |\n" + "".join(
        "          " + line + "\n" for line in script.splitlines()
    )
    return container_writes(pod(body))[1]


def test_every_way_of_writing_in_a_script():
    script = (
        "sysctl -w net.core.somaxconn=1024\n"  # 11
        "sysctl net.ipv4.tcp_syncookies=1\n"  # 12: no -w needed
        "sysctl -p /etc/sysctl.d/99-tune.conf\n"  # 13
        "sysctl --system\n"  # 14
        "echo 1 > /proc/sys/net/ipv4/ip_forward\n"  # 15
        "echo 2 >> /proc/sys/net/ipv4/conf/all/rp_filter\n"  # 16
        "echo 3 | tee /proc/sys/net/ipv4/tcp_fin_timeout\n"  # 17
        "printf '%s\\n' '1024 65535' > /proc/sys/net/ipv4/ip_local_port_range\n"  # 18
        "  printf 4 | sudo tee -a /proc/sys/vm/swappiness > /dev/null\n"  # 19
    )
    program = script_writes(script)
    assert [(w.how, w.key, w.value, w.source_file, w.line, w.column) for w in program.writes] == [
        ("sysctl", "net.core.somaxconn", "1024", None, 11, 11),
        ("sysctl", "net.ipv4.tcp_syncookies", "1", None, 12, 11),
        ("sysctl -p", None, "/etc/sysctl.d/99-tune.conf", "/etc/sysctl.d/99-tune.conf", 13, 11),
        ("sysctl -p", None, "the system sysctl.d files", "the system sysctl.d files", 14, 11),
        ("/proc/sys", "net.ipv4.ip_forward", "1", None, 15, 11),
        ("/proc/sys", "net.ipv4.conf.all.rp_filter", "2", None, 16, 11),
        ("/proc/sys", "net.ipv4.tcp_fin_timeout", "3", None, 17, 20),
        ("/proc/sys", "net.ipv4.ip_local_port_range", "1024 65535", None, 18, 11),
        ("/proc/sys", "vm.swappiness", "4", None, 19, 24),
    ]
    assert program.remounts_proc_sys is False


def test_reads_are_not_writes():
    script = (
        "sysctl net.core.somaxconn\n"
        "sysctl -a | grep net\n"
        "cat /proc/sys/net/ipv4/ip_forward\n"
        "read v < /proc/sys/net/core/somaxconn\n"
        "echo sysctl -w a.b=1\n"
        "echo 1 > /tmp/proc/sys/x\n"
    )
    assert script_writes(script).writes == []


def test_remount_of_proc_sys_is_noticed():
    program = script_writes("mount -o remount,rw /proc/sys\nsysctl -w net.core.somaxconn=1")
    assert (program.remounts_proc_sys, [w.key for w in program.writes]) == (True, ["net.core.somaxconn"])
    program = script_writes("mount -t proc proc /proc/sys\nsysctl -w net.core.somaxconn=1")
    assert program.remounts_proc_sys is False
    _, program = container_writes(pod("      command: [sysctl, -w, net.core.somaxconn=1]\n"))  # no script
    assert program.remounts_proc_sys is False


def test_a_redirect_applies_to_the_last_command_of_a_list():
    program = script_writes("true && echo 1 > /proc/sys/net/ipv4/ip_forward")
    assert [(w.key, w.value, w.line, w.column, w.end_line, w.end_column) for w in program.writes] == [
        ("net.ipv4.ip_forward", "1", 11, 19, 11, 57)  # "echo 1 > /proc/sys/...", not the whole list
    ]


@pytest.mark.parametrize(
    "script, expected",
    [
        # tree-sitter-bash puts the words after <<EOF inside the here-document node: still tee's arguments
        ("tee <<EOF /proc/sys/net/ipv4/ip_local_port_range\n1024 65000\nEOF", ("net.ipv4.ip_local_port_range", 11, 11)),
        ("sudo tee <<EOF /proc/sys/net/core/somaxconn\n1\nEOF", ("net.core.somaxconn", 11, 11)),  # the command, sudo and all
        ("true && tee <<EOF /proc/sys/net/core/somaxconn\n1\nEOF", ("net.core.somaxconn", 11, 19)),
        ("dd <<EOF of=/proc/sys/net/core/somaxconn\n1\nEOF", ("net.core.somaxconn", 11, 11)),
        # the redirection after the here-document operator, or a here-string, in either order
        ("cat <<EOF > /proc/sys/net/core/somaxconn\n1\nEOF", ("net.core.somaxconn", 11, 11)),
        ("cat <<EOF >> /proc/sys/net/core/somaxconn 2>/dev/null\n1\nEOF", ("net.core.somaxconn", 11, 11)),
        ("cat <<< 1 > /proc/sys/net/core/somaxconn", ("net.core.somaxconn", 11, 11)),
        ("tee <<< 1 /proc/sys/net/core/somaxconn", ("net.core.somaxconn", 11, 11)),
    ],
)
def test_here_document_writers_in_any_order(script, expected):
    assert [(w.how, w.key, w.line, w.column) for w in script_writes(script).writes] == [("/proc/sys", *expected)]


def test_files_written_by_here_documents_in_any_order_are_loaded():
    script = (
        "tee <<EOF /tmp/t.conf\n"  # 11
        "net.core.somaxconn = 1\n"  # 12
        "EOF\n"
        "true && tee <<EOF -a /tmp/t.conf\n"  # 14: appends, in a list
        "vm.swappiness = 10\n"  # 15
        "EOF\n"
        "true && cat <<EOF >> /tmp/t.conf\n"  # 17
        "kernel.pid_max = 65536\n"  # 18
        "EOF\n"
        "sysctl -p /tmp/t.conf\n"  # 20
    )
    assert [(w.how, w.key, w.value, w.line, w.column) for w in script_writes(script).writes] == [
        ("sysctl -p", "net.core.somaxconn", "1", 12, 11),
        ("sysctl -p", "vm.swappiness", "10", 15, 11),
        ("sysctl -p", "kernel.pid_max", "65536", 18, 11),
    ]


def test_sysctl_system_loads_the_conf_files_written_before_it():
    script = (
        "cat > /etc/sysctl.d/90-net.conf <<EOF\n"  # 11
        "net.core.somaxconn = 1\n"  # 12
        "EOF\n"
        "cat > /etc/sysctl.d/README <<EOF\n"  # 14: not a *.conf file
        "vm.swappiness = 10\n"
        "EOF\n"
        "sysctl --system\n"  # 17
        "cat > /etc/sysctl.conf <<EOF\n"  # 18: written after the load
        "kernel.pid_max = 65536\n"
        "EOF\n"
    )
    assert [(w.how, w.key, w.value, w.loader, w.line, w.column) for w in script_writes(script).writes] == [
        ("sysctl -p", "net.core.somaxconn", "1", "sysctl --system", 12, 11),
    ]


def test_a_file_written_again_without_append_holds_only_the_last_here_document():
    script = (
        "tee /tmp/t.conf <<EOF\n"  # 11
        "net.core.somaxconn = 1\n"
        "EOF\n"
        "tee /tmp/t.conf <<EOF\n"  # 14: replaces it
        "vm.swappiness = 10\n"  # 15
        "EOF\n"
        "tee --append /tmp/t.conf <<EOF\n"  # 17: adds to it
        "kernel.pid_max = 65536\n"  # 18
        "EOF\n"
        "sysctl -p /tmp/t.conf\n"
    )
    assert [(w.key, w.value, w.line) for w in script_writes(script).writes] == [
        ("vm.swappiness", "10", 15),
        ("kernel.pid_max", "65536", 18),
    ]


def test_a_word_that_is_only_a_constant_is_expanded():
    script = 'KV=vm.swappiness=10\nsysctl "$KV"\n'  # sysctl at line 12
    assert [(w.key, w.value, w.line, w.column) for w in script_writes(script).writes] == [("vm.swappiness", "10", 12, 11)]


# -- positions --------------------------------------------------------------------------------


def test_block_scalar_positions_are_exact():
    body = "      command:\n        - sh\n        - -c\n        - |\n          set -e\n\n            sysctl -w a.b=1 && echo 2 > /proc/sys/net/x\n"
    _, program = container_writes(pod(body))
    assert [(w.how, w.line, w.column, w.end_line, w.end_column) for w in program.writes] == [
        ("sysctl", 13, 13, 13, 28),
        ("/proc/sys", 13, 32, 13, 56),  # "echo 2 > /proc/sys/net/x": the command and its target
    ]


def test_block_scalar_with_indentation_indicator_and_anchor():
    body = "      command:\n        - sh\n        - -c\n        - &s |2\n            echo hi\n           sysctl -w a.b=1\n"
    _, program = container_writes(pod(body))
    assert [(w.line, w.column) for w in program.writes] == [(12, 12)]


def test_a_multi_line_command_region_ends_on_its_first_line():
    program = script_writes("sysctl -w \\\n  net.core.somaxconn=1")
    assert [(w.key, w.line, w.column, w.end_line, w.end_column) for w in program.writes] == [
        ("net.core.somaxconn", 11, 11, 11, 22)
    ]


def test_folded_scripts_map_to_the_line_of_the_write():
    # "echo hi; sysctl -w a.b=1\n": the folded line break is a space; the write is on line 12
    body = "      command:\n        - sh\n        - -c\n        - >\n          echo hi;\n          sysctl -w a.b=1\n"
    _, program = container_writes(pod(body))
    assert [(w.key, w.line, w.column, w.end_line, w.end_column) for w in program.writes] == [("a.b", 12, 11, 12, 26)]


def test_nested_shell_scripts_are_searched():
    script = 'nsenter -t 1 -- true; bash -ec \'sysctl -w net.core.somaxconn=1\'\nsh -c "echo 1 > /proc/sys/net/ipv4/ip_forward"'
    program = script_writes(script)
    assert [(w.key, w.line, w.column, w.end_line, w.end_column) for w in program.writes] == [
        ("net.core.somaxconn", 11, 43, 11, 73),  # '...' and "..." without escapes map exactly: the whole write
        ("net.ipv4.ip_forward", 12, 18, 12, 56),
    ]


def test_nested_scripts_are_searched_as_deep_as_the_limit():
    def nested(script: str, levels: int) -> str:
        for _ in range(levels):
            script = "sh -c " + shlex.quote(script)
        return script

    # docs/reliability.md: nested sh -c scripts are followed 3 deep (the container's own script is not counted)
    deepest = nested("sysctl -w net.core.somaxconn=1", 3)
    beyond = nested("sysctl -w net.ipv4.ip_forward=1", 4)
    program = script_writes(deepest + "\n" + beyond)
    # quoted with '"'"': not exact, so the write is one character at the outermost sh command
    assert [(w.key, w.line, w.column, w.end_line, w.end_column) for w in program.writes] == [
        ("net.core.somaxconn", 11, 11, 11, 12)
    ]


def test_nested_script_with_escapes_maps_to_the_shell_command():
    body = '      command: [sh, -c, \'sh -c "echo \\\\"x\\\\"; sysctl -w a.b=1"\']\n'
    _, program = container_writes(pod(body))
    # the inner sh command, one character: offsets inside "..." with escapes are not the file's
    assert [(w.key, w.line, w.column, w.end_line, w.end_column) for w in program.writes] == [("a.b", 7, 26, 7, 27)]


def test_an_exact_script_inside_one_with_escapes_maps_to_the_outer_command():
    program = script_writes('true; sh -c "echo \\"x\\"; sh -c \'sysctl -w a.b=1\'"')
    # 'sysctl ...' is exact within the middle script, but the middle one is not within the file
    assert [(w.key, w.line, w.column, w.end_line, w.end_column) for w in program.writes] == [("a.b", 11, 17, 11, 18)]



def test_the_longest_mount_path_holding_a_path_wins():
    """Nested hostPath mounts: /h/sys inside /h; the host paths are ordered the other way."""
    from portlint.shell import HostMounts

    mounts = HostMounts([("/h", "/var/lib/node-files"), ("/h/sys", "/proc/sys")])
    assert mounts.host_path("/h/sys/net/core/somaxconn") == "/proc/sys/net/core/somaxconn"
    assert mounts.host_path("/h/etc/x") == "/var/lib/node-files/etc/x"

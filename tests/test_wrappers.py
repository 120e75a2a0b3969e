"""Issue 11's missed sysctl writes: what wrappers change (nsenter's namespaces, xargs' input,
shell functions over "$@"), constants through variables and for loops, other writers (dd, tee,
python -c, perl -e), writes through hostPath mounts of the node's /proc and sysctl.d, where each
write lands, and positions inside folded scalars. Every expectation is read from the input."""

from __future__ import annotations

import pytest

from portlint import argv, k8s, shell, tree, writes
from portlint.rules._sysctl_owners import NODE_WIDE, OWN, SHARED, landing, write_owner
from portlint.scalarpos import ScalarMap
from portlint.sources import SourceFile, split_documents


def parse(text: str):
    docs = list(split_documents(SourceFile("m.yaml", text)))
    root, problems = tree.parse(docs[0].text, docs[0].first_line)
    assert problems == []
    return next(k8s.manifests(docs[0], root))


def pod(container_body: str, spec: str = "") -> str:
    """A Pod whose one container's body starts on line 7 (after ``spec`` lines)."""
    return "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n" + spec + "  containers:\n    - name: c\n" + container_body


def script_writes(script: str, extra: str = "", spec: str = ""):
    """Writes of a block-scalar script: with no ``spec`` lines, script line 1 is file line 11,
    column 11."""
    body = "      command:\n        - sh\n        - -c\n        - |\n" + "".join(
        "          " + line + "\n" for line in script.splitlines()
    )
    manifest = parse(pod(body + extra, spec))
    container = k8s.containers(k8s.pod_spec(manifest))[0]
    return shell.analyze(argv.of_container(container.node), manifest.doc).writes


def summary(found):
    return [(w.how, w.key, w.value, w.line, w.column) for w in found]


# -- argv: what nsenter and xargs change ------------------------------------------------------


@pytest.mark.parametrize(
    "words, net, ipc",
    [
        (["nsenter", "-t", "1", "-m", "-u", "-n", "-i", "--", "sysctl"], "/proc/1/ns/net", "/proc/1/ns/ipc"),
        (["nsenter", "--target=1", "--net", "sysctl"], "/proc/1/ns/net", None),
        (["nsenter", "-t 1", "-n", "sysctl"], "/proc/1/ns/net", None),  # one list item "-t 1", as getopt reads it
        (["nsenter", "-a", "-t", "1", "sysctl"], "/proc/1/ns/net", "/proc/1/ns/ipc"),
        (["nsenter", "--all", "--target", "1", "sysctl"], "/proc/1/ns/net", "/proc/1/ns/ipc"),
        (["nsenter", "--net=/proc/1/ns/net", "--", "sysctl"], "/proc/1/ns/net", None),
        (["nsenter", "-n/host/proc/1/ns/net", "sysctl"], "/host/proc/1/ns/net", None),
        (["nsenter", "-t", "1", "-m", "-u", "--", "sysctl"], None, None),  # mount and UTS only
        (["nsenter", "-t", "1234", "-n", "sysctl"], "/proc/1234/ns/net", None),
        (["nsenter", "-S", "0", "-t", "1", "-n", "sysctl"], "/proc/1/ns/net", None),  # -S's value is no target
    ],
)
def test_the_namespaces_nsenter_enters(words, net, ipc):
    invocation = argv.unwrap(words)
    assert invocation.index == len(words) - 1
    assert [(e.file("net"), e.file("ipc")) for e in invocation.entered] == [(net, ipc)]


@pytest.mark.parametrize("words", [["nsenter", "-n", "sysctl"], ["chroot", "/host", "sysctl"], ["sudo", "sysctl"]])
def test_wrappers_that_enter_no_namespace(words):
    # nsenter -n without a target or a file enters nothing (nsenter refuses); chroot changes the root only
    assert argv.unwrap(words) == argv.Invocation(len(words) - 1)


@pytest.mark.parametrize("words", [["nsenter", "--target"], ["sudo", "-u"], ["sudo", "-nu"], ["timeout", "-s"]])
def test_an_option_missing_its_value_at_the_end_runs_nothing(words):
    assert argv.unwrap(words) == argv.Invocation(None)


def test_xargs_options():
    assert argv.unwrap(["xargs", "-n1", "-P", "4", "sysctl", "-w"]) == argv.Invocation(4, (), True, None, False)
    assert argv.unwrap(["xargs", "-I{}", "sysctl", "-w", "{}"]).replace == "{}"
    assert argv.unwrap(["xargs", "-I", "KV", "sysctl"]).replace == "KV"
    assert argv.unwrap(["xargs", "-a", "/etc/keys", "sysctl"]).input_file is True


# -- scripts: wrappers ------------------------------------------------------------------------


def test_xargs_takes_the_keys_from_literal_piped_words():
    found = script_writes(
        "echo net.core.somaxconn=1024 | xargs sysctl -w\n"  # 11: xargs at column 42
        "printf 'a.b=1\\nc.d=2\\n' | xargs -n1 sysctl -w\n"  # 12: two words, at column 37
        "echo e.f=3 | xargs -I{} sysctl -w {}\n"  # 13
        "cat /etc/keys | xargs sysctl -w\n"  # 14: the keys are not known, but -w writes
        "echo net.core.somaxconn | xargs sysctl\n"  # 15: a read
        "cat /etc/keys | xargs sysctl\n"  # 16: a read or a write: not known, not reported
    )
    assert summary(found) == [
        ("sysctl", "net.core.somaxconn", "1024", 11, 42),
        ("sysctl", "a.b", "1", 12, 37),
        ("sysctl", "c.d", "2", 12, 37),
        ("sysctl", "e.f", "3", 13, 24),
        ("sysctl", None, None, 14, 27),
    ]


def test_xargs_in_the_exec_form_writes_keys_it_cannot_name():
    manifest = parse(pod("      command: [xargs, -n1, sysctl, -w]\n"))
    container = k8s.containers(k8s.pod_spec(manifest))[0]
    found = shell.analyze(argv.of_container(container.node), manifest.doc).writes
    assert summary(found) == [("sysctl", None, None, 7, 29)]  # at the sysctl item


@pytest.mark.parametrize(
    "command, found",
    [
        ("[xargs, sysctl, -qw]", [("sysctl", None, None, 7, 24)]),  # -w among combined flags
        ("[xargs, sysctl, --write]", [("sysctl", None, None, 7, 24)]),  # procps' long -w
        ("[xargs, sysctl, -a]", []),  # reads
        ("[xargs, sysctl, --show-w]", []),  # a long option is no bundle of short ones
        ("[xargs, sysctl]", []),
    ],
)
def test_xargs_runs_sysctl_with_a_write_flag_or_not(command, found):
    manifest = parse(pod(f"      command: {command}\n"))
    container = k8s.containers(k8s.pod_spec(manifest))[0]
    assert summary(shell.analyze(argv.of_container(container.node), manifest.doc).writes) == found


@pytest.mark.parametrize(
    "script, found",
    [
        ("cat /etc/keys | xargs sysctl --write", [("sysctl", None, None, 11, 27)]),  # at the xargs command
        ("cat /etc/keys | xargs sysctl -qw", [("sysctl", None, None, 11, 27)]),
        ("cat /etc/keys | xargs sysctl -a", []),
        ("cat /etc/keys | xargs sysctl --show-w", []),
    ],
)
def test_xargs_in_a_script_writes_keys_it_cannot_name_only_with_a_write_flag(script, found):
    assert summary(script_writes(script)) == found


def test_shell_functions_over_all_arguments_are_wrappers():
    found = script_writes(
        'host_exec() { nsenter -t 1 -n -- "$@"; }\n'  # 11
        "run() {\n"  # 12
        '  "$@"\n'  # 13
        "}\n"  # 14
        'log() { echo "$@"; }\n'  # 15: prints its arguments, runs nothing
        "host_exec sysctl -w net.core.somaxconn=1\n"  # 16
        "run sysctl -w vm.swappiness=10\n"  # 17
        "log sysctl -w net.ipv4.tcp_tw_reuse=1\n"  # 18
        "host_exec sysctl net.core.somaxconn\n"  # 19: a read
    )
    assert summary(found) == [("sysctl", "net.core.somaxconn", "1", 16, 11), ("sysctl", "vm.swappiness", "10", 17, 11)]
    assert [e.file("net") for e in found[0].entered] == ["/proc/1/ns/net"]
    assert found[1].entered == ()


def test_every_spelling_of_all_arguments_runs_them():
    found = script_writes(
        'as_root() { sudo "${@}"; }\n'  # 11
        "quiet() { $* >/dev/null; }\n"  # 12
        'tune() { sysctl -w "net.core.somaxconn=$*"; }\n'  # 13: $* inside a word runs nothing; sysctl at column 20
        "as_root sysctl -w vm.swappiness=10\n"  # 14
        "quiet sysctl -w vm.dirty_ratio=5\n"  # 15
        "tune 1024\n"  # 16: the write is tune's own, at line 13
        'show() { env "ARGS=$@"; }\n'  # 17: "$@" inside a word: env runs no sysctl
        "show sysctl -w vm.overcommit_memory=1\n"  # 18
    )
    assert summary(found) == [
        ("sysctl", "net.core.somaxconn", None, 13, 20),
        ("sysctl", "vm.swappiness", "10", 14, 11),
        ("sysctl", "vm.dirty_ratio", "5", 15, 11),
    ]


def test_a_guard_inside_the_wrapper_function_or_at_the_call_counts():
    found = script_writes(
        'wrap() { [ "$POD_IP" != "$HOST_IP" ] && sudo "$@"; }\n'  # 11: the guard at column 20
        "wrap sysctl -w net.core.somaxconn=1\n"
    )
    assert [(f.left.var, f.right.var, f.equal, f.line, f.column) for f in found[0].facts] == [("POD_IP", "HOST_IP", False, 11, 22)]


def test_nested_scripts_behind_nsenter_inherit_the_namespaces():
    found = script_writes("nsenter -t 1 -n -- sh -c 'sysctl -w net.core.somaxconn=1'")
    assert [(w.key, w.line, w.column, [e.file("net") for e in w.entered]) for w in found] == [
        ("net.core.somaxconn", 11, 37, ["/proc/1/ns/net"])
    ]


# -- scripts: values through variables and loops ----------------------------------------------


def test_constants_and_for_loops():
    found = script_writes(
        "P=/proc/sys/net/core/somaxconn\n"  # 11
        'echo 1024 > "$P"\n'  # 12
        "KEY=vm.max_map_count; sysctl -w $KEY=262144\n"  # 13: sysctl at column 33
        "for k in a.b=1 c.d=2; do sysctl -w \"$k\"; done\n"  # 14: sysctl at column 36
        'DIR=/proc/sys/net/ipv4; LIST="e.f=5 g.h=6"\n'  # 15
        'echo 0 > "$DIR/tcp_tw_reuse"\n'  # 16: a constant built from a constant
        "for kv in $LIST; do\n"  # 17: unquoted: split into two words
        '  sysctl -w "$kv"\n'  # 18
        "done\n"
        "for f in all default; do echo 1 > /proc/sys/net/ipv4/conf/$f/rp_filter; done\n"  # 20: column 36
    )
    assert summary(found) == [
        ("/proc/sys", "net.core.somaxconn", "1024", 12, 11),
        ("sysctl", "vm.max_map_count", "262144", 13, 33),
        ("sysctl", "a.b", "1", 14, 36),
        ("sysctl", "c.d", "2", 14, 36),
        ("/proc/sys", "net.ipv4.tcp_tw_reuse", "0", 16, 11),
        ("sysctl", "e.f", "5", 18, 13),
        ("sysctl", "g.h", "6", 18, 13),
        ("/proc/sys", "net.ipv4.conf.all.rp_filter", "1", 20, 36),
        ("/proc/sys", "net.ipv4.conf.default.rp_filter", "1", 20, 36),
    ]


@pytest.mark.parametrize(
    "script",
    [
        "if [ -n \"$X\" ]; then KEY=vm.a; fi\nsysctl -w $KEY=1",  # assigned in a branch
        "KEY=vm.a\nread KEY\nsysctl -w $KEY=1",  # read at run time
        "sysctl -w $KEY=1\nKEY=vm.a",  # used before it is assigned
        "KEY=$(cat /etc/key)\nsysctl -w $KEY=1",  # a command's output
        "KEY=vm.a\nfor KEY in vm.b; do :; done\nsysctl -w $KEY=1",  # a loop variable after its loop
        "KEY=vm.a\nf() { local KEY=vm.b; }\nsysctl -w $KEY=1",  # also bound in a function
        "sysctl -w \"$@\"",
    ],
)
def test_values_that_are_not_known_leave_the_key_unknown(script):
    found = script_writes(script)
    assert [(w.how, w.key, w.value) for w in found] == [("sysctl", None, "1" if "=1" in script else None)]


def test_a_later_constant_does_not_change_an_earlier_use():
    found = script_writes("K=vm.a\nsysctl -w $K=1\nK=vm.b\nsysctl -w $K=2")
    assert [(w.key, w.value, w.line) for w in found] == [("vm.a", "1", 12), ("vm.b", "2", 14)]


def test_inside_a_function_a_constant_bound_twice_is_not_known():
    # f runs after the second binding: which value it sees depends on when it is called
    found = script_writes("K=vm.a\nf() { sysctl -w $K=1; }\nK=vm.b\nf")
    assert [(w.key, w.value, w.line) for w in found] == [(None, "1", 12)]


def test_a_loop_of_another_variable_does_not_bind_a_constant():
    found = script_writes("K=vm.a\nfor x in b c; do sysctl -w $K=1; done")
    assert [(w.key, w.value, w.line) for w in found] == [("vm.a", "1", 12)]


def test_a_double_quoted_nested_script_sees_the_outer_constants():
    found = script_writes("K=vm.a\nsh -c \"sysctl -w $K=1\"\nsh -c 'sysctl -w $K=2'")
    assert [(w.key, w.value) for w in found] == [("vm.a", "1"), (None, "2")]


def test_unknown_values_are_none():
    found = script_writes("sysctl -w net.ipv4.ip_local_port_range=\"$LOW $HIGH\"\necho $N > /proc/sys/vm/swappiness")
    assert [(w.key, w.value) for w in found] == [("net.ipv4.ip_local_port_range", None), ("vm.swappiness", None)]


# -- scripts: other writers -------------------------------------------------------------------


def test_dd_python_and_perl_writers():
    found = script_writes(
        "echo 3 | dd of=/proc/sys/vm/drop_caches status=none\n"  # 11: dd at column 20
        "python3 -c \"open('/proc/sys/vm/swappiness', 'w').write('10')\"\n"  # 12
        "python -u -c 'import pathlib; pathlib.Path(\"/proc/sys/vm/x\").write_text(\"1\")'\n"  # 13
        "perl -e 'open(my $f, \">\", \"/proc/sys/kernel/pid_max\"); print $f 1'\n"  # 14
        "perl -le 'open(F, \">/proc/sys/kernel/y\")'\n"  # 15
        "python3 -c \"print(open('/proc/sys/vm/swappiness').read())\"\n"  # 16: a read
        "perl -e 'open(my $f, \"<\", \"/proc/sys/kernel/pid_max\")'\n"  # 17: a read
        "dd if=/proc/sys/vm/swappiness of=/tmp/x\n"  # 18: a read
        "python3 -c \"open('/proc/sys/vm/swappiness', 'r').read()\"\n"  # 19: a read, its mode given
        "python3 tune.py -c \"open('/proc/sys/vm/a', 'w')\"\n"  # 20: -c is an argument of tune.py
        "python3 -E -c \"open('/proc/sys/vm/b', 'w')\"\n"  # 21
        "perl -w -e 'open(F, \">/proc/sys/kernel/z\")'\n"  # 22
    )
    assert summary(found) == [
        ("/proc/sys", "vm.drop_caches", "3", 11, 20),
        ("/proc/sys", "vm.swappiness", "10", 12, 11),
        ("/proc/sys", "vm.x", "1", 13, 11),
        ("/proc/sys", "kernel.pid_max", None, 14, 11),
        ("/proc/sys", "kernel.y", None, 15, 11),
        ("/proc/sys", "vm.b", None, 21, 11),
        ("/proc/sys", "kernel.z", None, 22, 11),
    ]


def test_one_liners_in_the_exec_form():
    text = pod("      command: [perl, -e, 'open(F, \">/proc/sys/kernel/pid_max\"); print F 65536']\n")  # the quoted code: column 27
    manifest = parse(text)
    container = k8s.containers(k8s.pod_spec(manifest))[0]
    found = shell.analyze(argv.of_container(container.node), manifest.doc).writes
    assert summary(found) == [("/proc/sys", "kernel.pid_max", None, 7, 27)]


# -- hostPath mounts and where each write lands -------------------------------------------------

MOUNTS = (
    "      volumeMounts:\n"
    "        - {name: proc, mountPath: /host/proc}\n"
    "        - {name: root, mountPath: /rootfs}\n"
    "        - {name: conf, mountPath: /sysctl-conf, subPath: 99-tune.conf}\n"
    "        - {name: proc, mountPath: /ro, readOnly: true}\n"
)
VOLUMES = "  volumes:\n    - {name: proc, hostPath: {path: /proc}}\n    - {name: root, hostPath: {path: /}}\n    - {name: conf, hostPath: {path: /etc/sysctl.d}}\n"


def container_writes(text: str):
    return writes.container_writes(parse(text))


def test_writes_through_host_mounts_and_where_they_land():
    script = (
        "echo 1 > /host/proc/sys/vm/a\n"  # 11: node-wide key through the host's /proc
        "echo 1 > /host/proc/sys/net/core/somaxconn\n"  # 12: the writer's own network namespace
        "echo net.core.somaxconn=1 > /rootfs/etc/sysctl.d/90.conf\n"  # 13: the node's configuration
        "echo vm.b=2 > /sysctl-conf\n"  # 14: a subPath mount of the node's sysctl.d
        "echo 1 > /ro/sys/vm/c\n"  # 15: read-only: fails
        "echo 1 > /rootfs/proc/sys/vm/d\n"  # 16: the node's / holds its /proc
    )
    body = "      command:\n        - sh\n        - -c\n        - |\n" + "".join(f"          {line}\n" for line in script.splitlines())
    found = container_writes(pod(body + MOUNTS, "") + VOLUMES)
    assert [(cw.write.key, cw.write.host, cw.namespace, landing(cw), write_owner(cw), cw.write.line) for cw in found] == [
        ("vm.a", "proc", None, NODE_WIDE, "PL103", 11),
        ("net.core.somaxconn", "proc", "net", OWN, "PL101", 12),
        ("net.core.somaxconn", "sysctl.d", None, NODE_WIDE, "PL103", 13),
        ("vm.b", "sysctl.d", None, NODE_WIDE, "PL103", 14),
        ("vm.d", "proc", None, NODE_WIDE, "PL103", 16),
    ]


def test_writes_through_mounts_of_the_nodes_sysctl_files_named_otherwise():
    """No word of the script says sysctl or /proc/sys: the mount paths make it worth reading."""
    mounts = "      volumeMounts:\n        - {name: d, mountPath: /node-conf}\n        - {name: f, mountPath: /node-main.cf}\n"
    volumes = "  volumes:\n    - {name: d, hostPath: {path: /etc/sysctl.d}}\n    - {name: f, hostPath: {path: /etc/sysctl.conf}}\n"
    script = (
        "echo vm.swappiness=10 > /node-conf/99.conf\n"  # 11
        "cp /tmp/98.conf /node-conf\n"  # 12: into the directory
        "echo vm.b=2 > /node-main.cf\n"  # 13: the node's /etc/sysctl.conf
        "python3 -c \"open('/node-conf/97.conf', 'w').write('vm.c = 3')\"\n"  # 14: the file's text is the value
    )
    body = "      command:\n        - sh\n        - -c\n        - |\n" + "".join(f"          {line}\n" for line in script.splitlines())
    found = container_writes(pod(body + mounts, "") + volumes)
    assert [(cw.write.how, cw.write.key, cw.write.value, cw.write.host, cw.write.line, cw.write.column) for cw in found] == [
        ("sysctl.d", "vm.swappiness", "10", "sysctl.d", 11, 11),
        ("sysctl.d", None, None, "sysctl.d", 12, 11),
        ("sysctl.d", "vm.b", "2", "sysctl.d", 13, 11),
        ("sysctl.d", None, "vm.c = 3", "sysctl.d", 14, 11),
    ]


def test_the_innermost_mount_holds_a_path():
    mounts = shell.HostMounts([("/host", "/var/lib/node-root"), ("/host/proc", "/proc")])
    assert mounts.host_path("/host/proc/sys/net/core/somaxconn") == "/proc/sys/net/core/somaxconn"
    assert mounts.host_path("/host/etc") == "/var/lib/node-root/etc"
    assert mounts.host_path("/hostile") is None


def test_what_a_script_writes_into_the_nodes_sysctl_d():
    script = (
        "printf 'net.core.somaxconn = 1\\nvm.b = 2\\n' | tee /rootfs/etc/sysctl.d/91.conf\n"  # 11: tee at column 57
        'echo "vm.c = $V" > /rootfs/etc/sysctl.d/92.conf\n'  # 12: not literal: its keys are not known
        'echo "vm.d = `cat v`" > /rootfs/etc/sysctl.d/93.conf\n'  # 13
    )
    body = "      command:\n        - sh\n        - -c\n        - |\n" + "".join(f"          {line}\n" for line in script.splitlines())
    found = container_writes(pod(body + MOUNTS, "") + VOLUMES)
    assert [(cw.write.how, cw.write.key, cw.write.value, cw.write.host, cw.write.line, cw.write.column) for cw in found] == [
        ("sysctl.d", "net.core.somaxconn", "1", "sysctl.d", 11, 57),  # one write per printed line
        ("sysctl.d", "vm.b", "2", "sysctl.d", 11, 57),
        ("sysctl.d", None, None, "sysctl.d", 12, 11),
        ("sysctl.d", None, None, "sysctl.d", 13, 11),
    ]


NSENTER_SCRIPT = "      command: [sh, -c, 'nsenter -t 1 -n -- sysctl -w net.core.somaxconn=1']\n"


@pytest.mark.parametrize(
    "spec, expected",
    [
        ("", (OWN, False, None, "PL101")),  # PID 1 is the container's own
        ("  hostPID: true\n", (SHARED, True, "hostPID", "PL201")),
        ("  hostNetwork: true\n", (SHARED, False, None, "PL201")),  # shared by hostNetwork, not by nsenter
        ("  hostNetwork: true\n  hostPID: true\n", (SHARED, False, "hostPID", "PL201")),
    ],
)
def test_nsenter_into_pid_1_lands_in_the_node_namespace_only_when_pid_1_is_the_node(spec, expected):
    (cw,) = container_writes(pod(NSENTER_SCRIPT, spec))
    assert (landing(cw), cw.via_nsenter, cw.nsenter.by if cw.nsenter else None, write_owner(cw)) == expected


def test_a_guarded_nsenter_write_still_reaches_the_node():
    env = (
        "      env:\n"
        "        - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}\n"
        "        - {name: HOST_IP, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}\n"
    )
    guarded = env + "      command: [sh, -c, '[ \"$POD_IP\" = \"$HOST_IP\" ] || nsenter -t 1 -n sysctl -w net.core.somaxconn=1']\n"
    (cw,) = container_writes(pod(guarded, "  hostPID: true\n"))
    assert (cw.verdict.state, cw.guard_state, write_owner(cw)) == ("guarded", "none", "PL201")
    (cw,) = container_writes(pod(guarded, "  hostPID: true\n  hostNetwork: true\n"))
    assert (cw.verdict.state, cw.guard_state, write_owner(cw)) == ("guarded", "guarded", None)  # the IPs are equal there
    (cw,) = container_writes(pod(guarded))
    assert write_owner(cw) is None  # PID 1 is the container's: the guard keeps it in the pod


def test_nsenter_of_the_mount_namespace_only_does_not_change_the_network():
    (cw,) = container_writes(pod("      command: [nsenter, -t, '1', -m, --, sysctl, -w, net.core.somaxconn=1]\n", "  hostPID: true\n"))
    assert (landing(cw), cw.nsenter) == (OWN, None)


def test_nsenter_through_a_host_proc_mount():
    body = "      command: [nsenter, --net=/host/proc/1/ns/net, sysctl, -w, net.core.somaxconn=1]\n" + MOUNTS
    (cw,) = container_writes(pod(body) + VOLUMES)
    assert (landing(cw), cw.nsenter.by.path, cw.nsenter.by.host) == (SHARED, "/host/proc", "/proc")
    # the same file name without the mount is the container's /proc: PID 1 there is the node's only with hostPID
    (cw,) = container_writes(pod("      command: [nsenter, --net=/proc/1/ns/net, sysctl, -w, net.core.somaxconn=1]\n"))
    assert (landing(cw), cw.nsenter.by) == (OWN, None)


# -- positions in folded and multi-line scalars -------------------------------------------------


def scalar_map(text: str):
    docs = list(split_documents(SourceFile("m.yaml", text)))
    root, problems = tree.parse(docs[0].text, docs[0].first_line)
    assert problems == []
    scalar = root.get("s")
    return scalar.value, ScalarMap(docs[0], scalar)


@pytest.mark.parametrize(
    "text, needle, expected",
    [
        # folded: "a b\n  c\nd e\n"; line 4 is more-indented, so the breaks around it stay
        ("x: 1\ns: >\n  a\n  b\n\n    c\n  d\n  e\n", "e", (8, 3)),
        ("x: 1\ns: >\n  a\n  b\n\n    c\n  d\n  e\n", "c", (6, 5)),
        ("x: 1\ns: >\n  a\n  b\n\n    c\n  d\n  e\n", "b", (4, 3)),
        ("s: >-\n    one\n    two\n", "two", (3, 5)),  # strip chomping
        ("s: >+\n  one\n\n", "one", (2, 3)),  # keep chomping
        ("s: >2\n    lead\n  x\n", "x", (3, 3)),  # explicit indentation: the first line is more-indented
        ("s: a b\n  c d\n\n  e\n", "e", (4, 3)),  # multi-line plain: "a b c d\ne"
        ("s: 'a b\n    c'\n", "c", (2, 5)),
        ('s: "a\n   b"\n', "b", (2, 4)),
    ],
)
def test_folded_and_multi_line_scalars_map_exactly(text, needle, expected):
    value, positions = scalar_map(text)
    assert positions.exact
    assert positions.locate(value.index(needle)) == expected


@pytest.mark.parametrize(
    "text",
    [
        's: "a\\tb\n  c"\n',  # an escape: the value differs from the source
        "s: 'it''s\n  x'\n",  # a quote escaped by doubling
    ],
)
def test_scalars_that_cannot_be_mapped_fall_back_to_their_start(text):
    value, positions = scalar_map(text)
    assert positions.exact is False
    assert positions.locate(len(value) - 1) == (1, 4)


def test_a_folded_write_region_ends_on_its_source_line():
    # "echo 1 > /proc/sys/vm/a" is folded from two lines: the region stays on line 12
    body = "      command:\n        - sh\n        - -c\n        - >\n          true;\n          echo 1 >\n          /proc/sys/vm/a\n"
    manifest = parse(pod(body))
    container = k8s.containers(k8s.pod_spec(manifest))[0]
    (w,) = shell.analyze(argv.of_container(container.node), manifest.doc).writes
    assert (w.key, w.line, w.column, w.end_line, w.end_column) == ("vm.a", 12, 11, 12, 19)

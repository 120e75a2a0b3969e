"""Scripts kept elsewhere (issue 11): a container runs a script, or loads a sysctl.conf, from a
ConfigMap or Secret volume. The writes are found by a join after the last input, so the
ConfigMap may be in another file, in any order, and linted by another worker process.
Every expected position below is read off the text written here."""

from __future__ import annotations

import itertools
import json
import os

import pytest
from conftest import cli, lint_text
from test_parallel import FILLER, _one_core_is_not_enough

from portlint import parallel

CONFIG_MAP = """apiVersion: v1
kind: ConfigMap
metadata: {name: tune}
data:
  tune.sh: |
    set -e
    sysctl -w net.ipv4.ip_local_port_range="1024 65535"
"""  # the write: line 7, column 5

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
          command: [bash, -c, 'bash /scripts/tune.sh']
          volumeMounts: [{name: s, mountPath: /scripts}]
      volumes:
        - {name: s, configMap: {name: tune}}
"""  # hostNetwork: line 7, column 7

SERVICE = """apiVersion: v1
kind: Service
metadata: {name: web}
spec: {type: NodePort, ports: [{port: 80, nodePort: 30080}]}
"""  # nodePort 30080: line 4, column 53 (52 characters before it)

FILES = {"a-workload.yaml": WORKLOAD, "b-tune.yaml": CONFIG_MAP, "c-web.yaml": SERVICE}


def _summary(findings):
    return sorted(
        (f["rule"], f["path"], f["line"], f["column"], tuple((r["path"], r["line"], r["column"]) for r in f["related"]))
        for f in findings
    )


EXPECTED = [
    # one finding per (container, write), at the write in the ConfigMap's file
    ("PL201", "b-tune.yaml", 7, 5, (("a-workload.yaml", 7, 7),)),
    ("PL201", "b-tune.yaml", 7, 5, (("a-workload.yaml", 7, 7),)),
    # the write declares the nodes' ephemeral range: the Service's nodePort lies in it
    ("PL301", "c-web.yaml", 4, 53, (("b-tune.yaml", 7, 5),)),
    ("PL304", "b-tune.yaml", 7, 5, ()),
]


def test_a_config_map_in_another_file_in_any_order(tmp_cwd):
    for name, text in FILES.items():
        (tmp_cwd / name).write_text(text)
    baseline = None
    for order in itertools.permutations(sorted(FILES)):
        result = cli("check", *order, "--format", "json", "--fail-on", "never")
        assert result.exit_code == 0, result.stderr
        got = json.dumps(result.findings, sort_keys=True)
        baseline = baseline or got
        assert got == baseline, f"order {order} changes the report"
    findings = json.loads(baseline)
    assert _summary(findings) == EXPECTED
    pl201 = [f for f in findings if f["rule"] == "PL201"]
    assert [f["message"].split(" writes ")[0] for f in pl201] == [
        'init container "first" of DaemonSet "tuner" (running /scripts/tune.sh from ConfigMap "tune")',
        'init container "second" of DaemonSet "tuner" (running /scripts/tune.sh from ConfigMap "tune")',
    ]
    assert len({f["fingerprint"] for f in pl201}) == 2  # one per container


def test_without_the_config_map_nothing_is_known(tmp_cwd):
    (tmp_cwd / "a-workload.yaml").write_text(WORKLOAD)
    result = cli("check", "a-workload.yaml", "--format", "json", "--fail-on", "never")
    assert result.findings == []


def test_the_config_map_must_be_in_the_pod_namespace(tmp_cwd):
    (tmp_cwd / "a-workload.yaml").write_text(WORKLOAD)
    (tmp_cwd / "b-tune.yaml").write_text(CONFIG_MAP.replace("{name: tune}", "{name: tune, namespace: ops}"))
    assert cli("check", ".", "--format", "json", "--fail-on", "never").findings == []
    (tmp_cwd / "a-workload.yaml").write_text(WORKLOAD.replace("{name: tuner}", "{name: tuner, namespace: ops}"))
    assert len(cli("check", ".", "--format", "json", "--fail-on", "never", "--select", "PL201").findings) == 2


def test_a_sysctl_p_of_a_mounted_file_the_run_lacks_stays_one_write(tmp_cwd):
    """Without the ConfigMap, `sysctl -p FILE` is the one write of unknown keys it always was,
    reported in the workload; with it, each line of the file is a write."""
    workload = WORKLOAD.replace("[sh, /scripts/tune.sh]", "[sysctl, -p, /scripts/99.conf]")  # '-p' at line 10, column 29
    (tmp_cwd / "a-workload.yaml").write_text(workload)
    alone = cli("check", "a-workload.yaml", "--format", "json", "--fail-on", "never", "--select", "PL201")
    assert [(f["path"], f["line"], f["column"]) for f in alone.findings] == [("a-workload.yaml", 10, 29)]
    assert "the sysctls listed in /scripts/99.conf (sysctl -p)" in alone.findings[0]["message"]
    (tmp_cwd / "b-conf.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: tune}\ndata:\n  99.conf: |\n    net.core.somaxconn = 1024\n"
    )
    both = cli("check", ".", "--format", "json", "--fail-on", "never", "--select", "PL201")
    assert [(f["path"], f["line"], f["column"]) for f in both.findings] == [("b-conf.yaml", 6, 5)]


def test_workers_see_the_config_map_of_another_worker(tmp_cwd, monkeypatch):
    """The workload in the first file, the ConfigMap at the end of the last: with two workers,
    each sees one side; the join in the parent sees both."""
    filler = ["apiVersion: v1", "kind: ConfigMap", "metadata: {name: filler%d}", "data:", f"  blob: {FILLER}"]
    first = [WORKLOAD.rstrip("\n")] + ["\n".join(filler) % i for i in range(90)]
    last = ["\n".join(filler) % (100 + i) for i in range(90)] + [CONFIG_MAP.rstrip("\n")]
    (tmp_cwd / "a.yaml").write_text("\n---\n".join(first) + "\n")
    (tmp_cwd / "b.yaml").write_text("\n---\n".join(last) + "\n")
    tune_line = (tmp_cwd / "b.yaml").read_text().splitlines().index('    sysctl -w net.ipv4.ip_local_port_range="1024 65535"') + 1
    _one_core_is_not_enough(monkeypatch)
    monkeypatch.delenv(parallel.ENVIRONMENT_KNOB, raising=False)
    assert parallel.workers_for(["."]) >= 2
    many = cli("check", ".", "--format", "json", "--fail-on", "never")
    monkeypatch.setenv(parallel.ENVIRONMENT_KNOB, "1")
    one = cli("check", ".", "--format", "json", "--fail-on", "never")
    assert many.json == one.json
    assert [(f["rule"], f["path"], f["line"], f["column"]) for f in one.findings] == [
        ("PL201", "b.yaml", tune_line, 5),
        ("PL201", "b.yaml", tune_line, 5),
        ("PL304", "b.yaml", tune_line, 5),
    ]
    assert os.getpid()  # the parent joined: nothing else to check here


SYSTEM = """apiVersion: apps/v1
kind: DaemonSet
metadata: {{name: d}}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
        - name: c
          command: [sysctl, {options}]
          volumeMounts: [{{name: s, mountPath: {directory}}}]
      volumes:
        - {{name: s, configMap: {{name: conf{items}}}}}
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: conf}}
data:
  a.conf: |
    net.core.somaxconn = 1024
"""  # the first option: line 10, column 29; the conf line: line 20, column 5
UNKNOWN_KEYS = 'container "c" writes the sysctls listed in the system sysctl.d files (sysctl -p)'


def loaded(options="--system", directory="/etc/sysctl.d", items=""):
    """(line, column, what is written) of each PL201 of SYSTEM."""
    text = SYSTEM.format(options=options, directory=directory, items=items)
    found = cli("check", "-", "--format", "json", "--fail-on", "never", "--select", "PL201", input=text).findings
    return [(f["line"], f["column"], f["message"].split(" in a hostNetwork pod")[0]) for f in found]


def test_sysctl_system_loads_a_config_map_only_in_a_directory_it_reads():
    assert loaded() == [
        (
            20,
            5,
            'container "c" of DaemonSet "d" writes net.core.somaxconn=1024 (from /etc/sysctl.d/a.conf of ConfigMap "conf", loaded by sysctl --system)',
        )
    ]
    # /opt/sysctl.d is no directory of --system: its one write of unknown keys stays at the command
    assert loaded(directory="/opt/sysctl.d") == [(10, 29, UNKNOWN_KEYS)]


def test_sysctl_system_loads_only_files_named_conf_and_sysctl_p_any_file():
    # the key a.conf laid out as 99-tuning: --system skips a file not named *.conf, -p loads the file it names
    items = ", items: [{key: a.conf, path: 99-tuning}]"
    assert loaded(items=items) == [(10, 29, UNKNOWN_KEYS)]
    assert loaded("-p, /etc/sysctl.d/99-tuning", items=items) == [
        (
            20,
            5,
            'container "c" of DaemonSet "d" writes net.core.somaxconn=1024 (from /etc/sysctl.d/99-tuning of ConfigMap "conf", loaded by sysctl -p)',
        )
    ]


REMOUNT = "mount -o remount,rw /proc/sys"
REMOUNT_SENTENCE = ", after remounting /proc/sys read-write"
REMOUNTED = """apiVersion: apps/v1
kind: DaemonSet
metadata: {{name: tuner}}
spec:
  template:
    spec:
      hostNetwork: true
      initContainers:
        - name: first
          command: [sh, -c, '{container}sh /scripts/tune.sh']
          volumeMounts: [{{name: s, mountPath: /scripts}}]
      volumes:
        - {{name: s, configMap: {{name: tune}}}}
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: tune}}
data:
  tune.sh: |
    {kept}sysctl -w net.core.somaxconn=1024
"""  # the write: line 20, column 5 plus the length of {kept}


def test_a_remount_of_proc_sys_in_the_container_or_in_the_kept_script_is_evidence():
    def found(container="", kept=""):
        text = REMOUNTED.format(container=container, kept=kept)
        return [
            (f["line"], f["column"], f["message"].endswith(REMOUNT_SENTENCE))
            for f in cli("check", "-", "--format", "json", "--fail-on", "never", "--select", "PL201", input=text).findings
        ]

    assert found() == [(20, 5, False)]
    assert found(container=f"{REMOUNT}; ") == [(20, 5, True)]
    assert found(kept=f"{REMOUNT}; ") == [(20, 5 + len(REMOUNT) + 2, True)]


EXECUTED = """apiVersion: apps/v1
kind: DaemonSet
metadata: {{name: tuner}}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
        - name: c
          command: [/scripts/tune.sh]
          volumeMounts: [{{name: s, mountPath: /scripts}}]
      volumes:
        - {{name: s, configMap: {{name: tune, defaultMode: 0755}}}}
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: tune}}
data:
  tune.sh: |
    #!{interpreter}
    sysctl -w net.core.somaxconn=1024
"""  # the write: line 21, column 5


def test_a_script_run_directly_takes_the_shell_its_env_line_names_past_env_options():
    def lines(interpreter):
        text = EXECUTED.format(interpreter=interpreter)
        found = cli("check", "-", "--format", "json", "--fail-on", "never", "--select", "PL201", input=text).findings
        return [(f["line"], f["column"]) for f in found]

    assert lines("/usr/bin/env bash") == [(21, 5)]
    assert lines("/usr/bin/env -S bash -e") == [(21, 5)]
    assert lines("/usr/bin/env -S python3") == []  # not a shell: its lines are not shell commands


LOADER = """apiVersion: apps/v1
kind: DaemonSet
metadata: {name: tuner}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
        - name: c
          command: [sh, /scripts/tune.sh]
          volumeMounts: [{name: s, mountPath: /scripts}]
      volumes:
        - {name: s, configMap: {name: tune}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: tune}
data:
  tune.sh: |
    sysctl -p /scripts/99.conf
  99.conf: |
    net.core.somaxconn = 1024
"""  # the line of 99.conf: line 22, column 5


def test_a_kept_script_that_loads_a_kept_file_writes_its_lines():
    found = cli("check", "-", "--format", "json", "--fail-on", "never", "--select", "PL201", input=LOADER).findings
    assert [(f["line"], f["column"], f["message"].split(" in a hostNetwork pod")[0]) for f in found] == [
        (
            22,
            5,
            'container "c" of DaemonSet "tuner" writes net.core.somaxconn=1024 (from /scripts/99.conf of ConfigMap "tune", loaded by sysctl -p)',
        )
    ]


def test_the_joined_writes_sort_by_place_with_unknown_keys_among_them():
    # a second load, of a file the run lacks, stays one write of unknown keys at its command (line 21, column 5)
    text = LOADER.replace(
        "    sysctl -p /scripts/99.conf\n", "    sysctl -p /scripts/99.conf\n    sysctl -p /scripts/none.conf\n"
    )
    found = cli("check", "-", "--format", "json", "--fail-on", "never", "--select", "PL201", input=text).findings
    assert [(f["line"], f["column"]) for f in found] == [(21, 5), (23, 5)]


def _one_container_running(command: str) -> str:
    """CONFIG_MAP, then a hostNetwork Pod whose container runs ``command`` with the ConfigMap at /scripts."""
    return (
        CONFIG_MAP
        + "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n  containers:\n"
        + f"    - name: c\n      command: {command}\n      volumeMounts: [{{name: s, mountPath: /scripts}}]\n"
        + "  volumes: [{name: s, configMap: {name: tune}}]\n"
    )


@pytest.mark.parametrize(
    "command, runs",
    [
        ("[sh, -, /scripts/tune.sh]", True),  # a lone "-" ends sh's options: the file is run
        ("[bash, --rcfile, /etc/rc, /scripts/tune.sh]", True),
        ("[sh, -o, errexit, /scripts/tune.sh]", True),
        ("[sh, -c, 'bash -e /scripts/tune.sh']", True),  # in the script: -e takes no word
        ("[sh, -c, 'bash -c \"echo tuning\" /scripts/tune.sh']", False),  # the path is only $0
        ("[sh, -s, /scripts/tune.sh]", False),  # commands from stdin; the path is only $1
        ("[sh, -c, 'sh -s /scripts/tune.sh']", False),
    ],
)
def test_the_options_of_sh_before_a_kept_script(command, runs):
    findings = lint_text(_one_container_running(command), "--select", "PL201").findings
    # the ConfigMap's write: line 7, column 5 of the stream
    assert [(f["line"], f["column"]) for f in findings] == ([(7, 5)] if runs else [])


def test_a_program_named_by_path_behind_a_wrapper_is_read_beside_a_config_map_mount():
    """With a ConfigMap mounted, `sudo /usr/bin/tee` was taken for a kept script (none) and not read."""
    command = "[sh, -c, 'echo 1 | sudo /usr/bin/tee /proc/sys/net/ipv4/ip_forward; sudo sh /scripts/tune.sh']"
    findings = lint_text(_one_container_running(command), "--select", "PL201").findings
    # the ConfigMap's write (line 7, column 5); sudo at line 16, column 35 (the script starts at column 26)
    assert sorted((f["line"], f["column"]) for f in findings) == [(7, 5), (16, 35)]

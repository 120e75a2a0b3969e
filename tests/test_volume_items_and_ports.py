"""ConfigMap volume items (sub-paths, modes, execute bits, sysctl directories), kept scripts
followed three runs deep, and node port edge values (65535, a null healthCheckNodePort): each
test pins one behaviour, with the expectation counted by hand off the
text written here (lines and columns are 1-based)."""

from __future__ import annotations

from conftest import lint_text

# --- linter/volumes.py: which ConfigMap key a container path resolves to -------------------

# Two scripts in one ConfigMap; each write starts at line 6 or 8, column 5 (4 spaces of the
# block scalar's content before "sysctl").
SCRIPTS = """apiVersion: v1
kind: ConfigMap
metadata: {{name: tune}}
data:
  a.sh: |
    sysctl -w net.core.somaxconn=1024
  b.sh: |
    sysctl -w net.ipv4.tcp_syncookies=1
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {{name: d}}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
        - name: c
          command: [{command}]
          volumeMounts: [{mount}]
      volumes:
        - name: s
          {volume}
"""


def kept(command: str, mount: str, volume: str, *args: str):
    result = lint_text(SCRIPTS.format(command=command, mount=mount, volume=volume), *args)
    assert result.json["errors"] == [], result.json["errors"]
    return [(f["rule"], f["line"], f["column"], f["message"].split(" in a ")[0]) for f in result.findings]


A_SH = 'container "c" of DaemonSet "d" (running {path} from ConfigMap "tune") writes net.core.somaxconn=1024'
B_SH = 'container "c" of DaemonSet "d" (running {path} from ConfigMap "tune") writes net.ipv4.tcp_syncookies=1'


def test_a_sub_path_of_a_volume_with_items_shows_the_item_at_that_path():
    # the volume lays a.sh out at "a.sh" and b.sh at "b.sh"; subPath a.sh mounts only the
    # first at /opt/run.sh: the container runs a.sh (its write on line 6), never b.sh
    found = kept(
        "sh, /opt/run.sh",
        "{name: s, mountPath: /opt/run.sh, subPath: a.sh}",
        "configMap: {name: tune, items: [{key: a.sh, path: a.sh}, {key: b.sh, path: b.sh}]}",
    )
    assert found == [("PL201", 6, 5, A_SH.format(path="/opt/run.sh"))]


def test_a_sub_path_follows_the_item_path_not_the_key():
    # items swap the names: key b.sh is laid out at "a.sh", so subPath a.sh shows key b.sh
    # (its write on line 8)
    found = kept(
        "sh, /opt/run.sh",
        "{name: s, mountPath: /opt/run.sh, subPath: a.sh}",
        "configMap: {name: tune, items: [{key: a.sh, path: b.sh}, {key: b.sh, path: a.sh}]}",
    )
    assert found == [("PL201", 8, 5, B_SH.format(path="/opt/run.sh"))]


def test_a_script_outside_the_mount_directory_is_not_a_key_of_the_volume():
    # every key is mounted at /opt; /etc/a.sh has the name of a key but is not in /opt, so the
    # container runs no file of the ConfigMap and no write is known
    assert kept("sh, /etc/a.sh", "{name: s, mountPath: /opt}", "configMap: {name: tune}") == []
    # the same name in /opt is the key a.sh (control)
    assert kept("sh, /opt/a.sh", "{name: s, mountPath: /opt}", "configMap: {name: tune}") == [
        ("PL201", 6, 5, A_SH.format(path="/opt/a.sh"))
    ]


def test_a_decimal_default_mode_is_read_as_decimal():
    # defaultMode 493 is decimal for 0755: the script is executable, so running it directly
    # (no shell) runs it; its write is on line 6
    found = kept("/opt/a.sh", "{name: s, mountPath: /opt}", "configMap: {name: tune, defaultMode: 493}")
    assert found == [("PL201", 6, 5, A_SH.format(path="/opt/a.sh"))]
    # decimal 420 is 0644: no execute bit, execve fails, the script never runs
    assert kept("/opt/a.sh", "{name: s, mountPath: /opt}", "configMap: {name: tune, defaultMode: 420}") == []


def test_an_execute_bit_for_others_alone_makes_a_script_executable():
    # 0641: only the others' execute bit is set; root (the usual container user) may execute a
    # file when any execute bit is set, so the direct run happens (write on line 6)
    found = kept("/opt/a.sh", "{name: s, mountPath: /opt}", "configMap: {name: tune, defaultMode: 0641}")
    assert found == [("PL201", 6, 5, A_SH.format(path="/opt/a.sh"))]


def test_a_mount_of_a_volume_that_is_no_config_map_is_skipped():
    # the container also mounts an emptyDir volume "e" (not a ConfigMap/Secret source): it is
    # skipped, the ConfigMap mount still resolves /opt/a.sh (write on line 6)
    found = kept(
        "sh, /opt/a.sh",
        "{name: e, mountPath: /work}, {name: s, mountPath: /opt}",
        "configMap: {name: tune}\n        - {name: e, emptyDir: {}}",
    )
    assert found == [("PL201", 6, 5, A_SH.format(path="/opt/a.sh"))]


def test_an_item_without_a_path_shows_no_file():
    # the item {key: a.sh} has no path: the kubelet lays out no file, so /opt/a.sh is not there
    found = kept("sh, /opt/a.sh", "{name: s, mountPath: /opt}", "configMap: {name: tune, items: [{key: a.sh}]}")
    assert found == []


CONFS = """apiVersion: v1
kind: ConfigMap
metadata: {name: conf}
data:
  a.conf: |
    net.core.somaxconn = 1024
  b.conf: |
    net.ipv4.tcp_syncookies = 1
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: d}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
        - name: c
          command: [sysctl, --system]
          volumeMounts: [{name: s, mountPath: /etc}]
      volumes:
        - name: s
          configMap: {name: conf, items: [{key: a.conf, path: sysctl.d/99-a.conf}, {key: b.conf, path: other/b.conf}]}
"""


def test_sysctl_system_loads_only_the_items_laid_out_in_a_sysctl_directory():
    # a.conf is at /etc/sysctl.d/99-a.conf, which --system loads (line 6, column 5); b.conf is at
    # /etc/other/b.conf, which it does not
    result = lint_text(CONFS)
    assert result.json["errors"] == []
    assert [(f["rule"], f["line"], f["column"]) for f in result.findings] == [("PL201", 6, 5)]
    assert "net.core.somaxconn=1024 (from /etc/sysctl.d/99-a.conf" in result.findings[0]["message"]


# --- rules/_node_ports.py: 65535 is a port --------------------------------------------------

TOP_PORT = """apiVersion: v1
kind: Service
metadata: {name: s}
spec: {type: NodePort, ports: [{port: 80, nodePort: 65535}]}
"""  # "spec: {type: NodePort, ports: [{port: 80, nodePort: " is 52 characters: column 53


def test_node_port_65535_is_a_port_the_range_can_admit():
    # with --node-port-range 30000-65535 the port is inside the range and in 1-65535: the node
    # opens it, so nothing is rejected (no PL302); under the default range it is rejected as
    # outside 30000-32767, not as "not a port"
    assert [f["rule"] for f in lint_text(TOP_PORT, "--node-port-range", "30000-65535").findings if f["rule"] == "PL302"] == []
    found = [(f["rule"], f["line"], f["column"], f["message"]) for f in lint_text(TOP_PORT).findings]
    assert [(r, line, col) for r, line, col, _ in found] == [("PL302", 4, 53)]
    assert "outside the NodePort range 30000-32767" in found[0][3]


# --- linter/facts.py: a plain null healthCheckNodePort is no port ---------------------------


def test_a_null_health_check_node_port_is_not_written():
    # "healthCheckNodePort: null" (plain) is the field left unset: no port, nothing rejected
    text = """apiVersion: v1
kind: Service
metadata: {name: s}
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  healthCheckNodePort: null
  ports: [{port: 80}]
"""
    assert lint_text(text).findings == []


# --- linter/writes.py: kept scripts are followed three runs deep ----------------------------

CHAIN = """apiVersion: v1
kind: ConfigMap
metadata: {name: tune}
data:
  a.sh: sh /opt/b.sh
  b.sh: sh /opt/c.sh
  c.sh: |
    sysctl -w net.core.somaxconn=1024
    sh /opt/d.sh
  d.sh: sysctl -w net.ipv4.tcp_syncookies=1
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: d}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
        - {name: c, command: [sh, /opt/a.sh], volumeMounts: [{name: s, mountPath: /opt}]}
      volumes: [{name: s, configMap: {name: tune}}]
"""


def test_kept_scripts_are_followed_three_runs_deep():
    # a.sh (1) runs b.sh (2) runs c.sh (3): c.sh's write on line 8, column 5 is found; c.sh's
    # run of d.sh would be the fourth and is not followed, so d.sh's write (line 10) is not
    result = lint_text(CHAIN)
    assert [(f["rule"], f["line"], f["column"]) for f in result.findings] == [("PL201", 8, 5)]

"""Several declarations of the nodes' ranges (node pools, clusters): the worst case over all of
them, whatever the order of the files; and the advice of PL101 and PL305 where the usual advice
does not hold. Every expected message below is written from the input, not from portlint's output."""

from __future__ import annotations

import itertools
import json

from conftest import cli, lint_text

APISERVER = """apiVersion: v1
kind: Pod
metadata: {{name: {name}, namespace: kube-system}}
spec:
  hostNetwork: true
  containers:
    - name: kube-apiserver
      image: registry.k8s.io/kube-apiserver:v1.31.0
      command: [kube-apiserver, --service-node-port-range={range}]
"""

KOPS_IG = """apiVersion: kops.k8s.io/v1alpha2
kind: InstanceGroup
metadata: {{name: {name}}}
spec:
  sysctlParameters:
{params}"""

SERVICES = """apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  ports:
    - {port: 80, nodePort: 30050}
    - {port: 81, nodePort: 35000}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
        - name: agent
          image: example.com/agent:1.0
          ports:
            - {containerPort: 40000, hostPort: 40000}
"""

# Two API servers that disagree, two node pools with different ranges and reservations, and
# the Services: in file order, the last declaration of each kind used to win.
FILES = {
    "a-apiserver.yaml": APISERVER.format(name="kube-apiserver-a", range="30000-32767"),
    "b-apiserver.yaml": APISERVER.format(name="kube-apiserver-b", range="30000-40000"),
    "c-pool.yaml": KOPS_IG.format(
        name="wide",
        params="    - net.ipv4.ip_local_port_range=1024 65535\n    - net.ipv4.ip_local_reserved_ports=30000-32767\n",
    ),
    "d-pool.yaml": KOPS_IG.format(name="narrow", params="    - net.ipv4.ip_local_reserved_ports=30000,30001\n"),
    "e-workloads.yaml": SERVICES,
}


def test_the_report_does_not_depend_on_the_order_of_the_files(tmp_cwd):
    for name, text in FILES.items():
        (tmp_cwd / name).write_text(text)
    names = sorted(FILES)
    baseline = None
    for order in itertools.permutations(names):
        findings = cli("check", *order, "--format", "json", "--fail-on", "never")
        assert findings.exit_code == 0, findings.stderr
        got = json.dumps(findings.findings, sort_keys=True)
        if baseline is None:
            baseline = got
        assert got == baseline, f"order {order} changes the report"

    # and the report is the worst case over every declaration, each cited
    found = {(f["rule"], f["path"], f["line"]): f for f in json.loads(baseline)}
    assert len(found) == len(json.loads(baseline))
    assert sorted(found) == [
        ("PL301", "e-workloads.yaml", 7),
        ("PL302", "e-workloads.yaml", 8),
        ("PL304", "c-pool.yaml", 6),
        ("PL305", "e-workloads.yaml", 21),
        ("PL308", "b-apiserver.yaml", 9),
        ("PL311", "e-workloads.yaml", 21),  # hostPort 40000 is inside kube-apiserver-b's NodePort range
    ]
    # 30050: in the wide pool's ephemeral range, reserved there but not by the narrow pool's 30000,30001
    pl301 = found[("PL301", "e-workloads.yaml", 7)]
    assert pl301["message"] == (
        'nodePort 30050 of Service "web" is in the ephemeral port range 1024-65535 (c-pool.yaml:6), '
        "not in the reserved ports 30000,30001 (d-pool.yaml:6)"
    )
    assert [(r["path"], r["line"], r["label"]) for r in pl301["related"]] == [
        ("c-pool.yaml", 6, "The ephemeral port range is declared here"),
        ("d-pool.yaml", 6, "The reserved ports are declared here"),
    ]
    # 35000 is inside kube-apiserver-b's range but outside kube-apiserver-a's: rejected, citing a
    pl302 = found[("PL302", "e-workloads.yaml", 8)]
    assert pl302["message"] == 'nodePort 35000 of Service "web" is outside the NodePort range 30000-32767 (a-apiserver.yaml:9)'
    assert [(r["path"], r["line"], r["column"]) for r in pl302["related"]] == [("a-apiserver.yaml", 9, 33)]
    # the hostPort of a hostNetwork pod: a failing bind, not a portmap rule; both reservations lack 40000
    pl305 = found[("PL305", "e-workloads.yaml", 21)]
    assert pl305["message"] == (
        'hostPort 40000 of container "agent" in hostNetwork DaemonSet "agent" is in the ephemeral port range '
        "1024-65535 (c-pool.yaml:6), not in the reserved ports 30000,30001 (d-pool.yaml:6)"
    )
    assert [(r["path"], r["line"], r["column"]) for r in pl305["related"]] == [
        ("c-pool.yaml", 6, 7),
        ("d-pool.yaml", 6, 7),
        ("c-pool.yaml", 7, 7),
    ]
    # the wide pool's ephemeral range against the widest unreserved overlap: 30000-40000 of kube-apiserver-b
    # under the narrow pool's reservation
    pl304 = found[("PL304", "c-pool.yaml", 6)]
    assert [(r["path"], r["line"], r["column"]) for r in pl304["related"]] == [("b-apiserver.yaml", 9, 33), ("d-pool.yaml", 6, 7)]
    assert pl304["message"] == (
        "The ephemeral port range 1024-65535 overlaps the NodePort range 30000-40000 (b-apiserver.yaml:9) and ports "
        "30002-40000 are not reserved by the reserved ports 30000,30001 (d-pool.yaml:6)"
    )
    pl308 = found[("PL308", "b-apiserver.yaml", 9)]
    assert [(r["path"], r["line"], r["column"]) for r in pl308["related"]] == [("a-apiserver.yaml", 9, 33)]
    assert pl308["message"] == "The NodePort range 30000-40000 disagrees with the NodePort range 30000-32767 (a-apiserver.yaml:9)"


TUNE = """apiVersion: apps/v1
kind: Deployment
metadata: {{name: app}}
spec:
  template:
    spec:
      initContainers:
        - name: tune
          image: busybox:1.36
          securityContext: {{privileged: true}}
          command: [sysctl, -w, "{key}={value}"]
      containers:
        - {{name: app, image: "nginx:1.27"}}
"""


def _pl101(key: str, value: str, *args: str) -> str:
    (finding,) = [f for f in lint_text(TUNE.format(key=key, value=value), *args).findings if f["rule"] == "PL101"]
    return finding["message"]


def test_pl101_names_the_write_and_the_missing_guard_whatever_the_safe_set():
    # the safe set only changes the advice (in the rule's help), not the finding
    for key, value, version in (("net.ipv4.ip_local_port_range", "1024 65535", "1.31"), ("net.core.somaxconn", "4096", "1.28")):
        assert _pl101(key, value, "--kubernetes-version", version) == (
            f'init container "tune" writes {key}={value} without the POD_IP/HOST_IP guard'
        )


def test_pl305_without_host_network_keeps_the_portmap_message():
    text = """apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: c
      image: nginx:1.27
      ports:
        - {containerPort: 80, hostPort: 40000}
"""
    (finding,) = lint_text(text).findings
    assert (finding["rule"], finding["line"], finding["column"]) == ("PL305", 9, 41)
    assert finding["message"] == 'hostPort 40000 of container "c" in Pod "p" is in the ephemeral port range 32768-60999 (the Linux default)'
    assert finding["related"] in (None, [])


def test_a_node_port_range_from_a_flag_or_the_config_that_overlaps_the_default_ephemeral_range(tmp_cwd):
    (tmp_cwd / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    result = cli("check", "cm.yaml", "--format", "json", "--fail-on", "never", "--node-port-range", "30000-50000")
    message = (
        "The NodePort range 30000-50000 (--node-port-range 30000-50000) overlaps the ephemeral port range "
        "32768-60999 (the Linux default) and ports 32768-50000 are not reserved"
    )
    assert [(f["rule"], f["line"], f["message"]) for f in result.findings] == [("PL304", None, message)]

    (tmp_cwd / ".portlint.yaml").write_text("rules: {}\nnodePortRange: 30000-50000\nreservedPorts: 32768-40000\n")
    result = cli("check", "cm.yaml", "--format", "json", "--fail-on", "never")
    (finding,) = result.findings
    assert (finding["rule"], finding["path"], finding["line"], finding["column"]) == ("PL304", ".portlint.yaml", 2, 1)
    assert finding["message"] == (
        "The NodePort range 30000-50000 overlaps the ephemeral port range 32768-60999 (the Linux default) and ports "
        "40001-50000 are not reserved by the reserved ports 32768-40000 (.portlint.yaml:3)"
    )
    assert [(r["line"], r["label"]) for r in finding["related"]] == [(3, "The reserved ports are declared here")]

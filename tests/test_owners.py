"""Which rule owns a sysctl write, a pod sysctl and an explicit nodePort: one finding per
cause. Every expectation below is decided from the rule docs, not from portlint's output."""

from __future__ import annotations

import itertools

import pytest
from conftest import lint_text

from portlint.rules import BY_ID
from portlint.rules import _node_ports as ports
from portlint.rules._sysctl_owners import NODE_WIDE, OWN, SHARED, WRITE_OWNERS

SYSCTL_RULES = {"PL101", "PL102", "PL103", "PL201"}

GUARDS = {
    # the script, line 2 of the block scalar is the write (file line 19)
    "none": "true\nsysctl -w {key}=1\n",
    "valid": 'if [ "$POD_IP" != "$HOST_IP" ]; then\n  sysctl -w {key}=1\nfi\n',
    "inverted": 'if [ "$POD_IP" = "$HOST_IP" ]; then\n  sysctl -w {key}=1\nfi\n',
}


def workload(key: str, host_network: bool, guard: str) -> str:
    script = "".join(f"              {line}\n" for line in GUARDS[guard].format(key=key).splitlines())
    return (
        "apiVersion: apps/v1\n"
        "kind: DaemonSet\n"
        "metadata: {name: tune}\n"
        "spec:\n"
        "  template:\n"
        "    spec:\n"
        f"      hostNetwork: {'true' if host_network else 'false'}\n"
        "      initContainers:\n"
        "        - name: tune\n"
        "          image: busybox\n"
        "          env:\n"
        "            - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}\n"
        "            - {name: HOST_IP, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}\n"
        "          command:\n"
        "            - sh\n"
        "            - -c\n"
        "            - |\n"
        f"{script}"
    )


# (key, hostNetwork, guard) -> the one rule expected on the write at line 19, column 15
EXPECTED = {
    ("net.core.somaxconn", False, "none"): "PL101",  # own namespace, no guard
    ("net.core.somaxconn", False, "valid"): None,
    ("net.core.somaxconn", False, "inverted"): "PL102",
    ("net.core.somaxconn", True, "none"): "PL201",  # the node's namespace, no guard
    ("net.core.somaxconn", True, "valid"): None,  # the guard makes it a no-op there
    ("net.core.somaxconn", True, "inverted"): "PL102",
    ("vm.max_map_count", False, "none"): "PL103",  # node-wide: whatever the pod or guard
    ("vm.max_map_count", False, "valid"): "PL103",
    ("vm.max_map_count", False, "inverted"): "PL103",
    ("vm.max_map_count", True, "none"): "PL103",
    ("vm.max_map_count", True, "valid"): "PL103",
    ("vm.max_map_count", True, "inverted"): "PL103",
}


@pytest.mark.parametrize("case", sorted(EXPECTED, key=str), ids=lambda c: f"{c[0]}-host{c[1]}-{c[2]}")
def test_exactly_one_rule_owns_each_write(case):
    found = lint_text(workload(*case)).triples()
    sysctl_findings = [t for t in found if t[0] in SYSCTL_RULES]
    want = EXPECTED[case]
    if want is None:
        assert sysctl_findings == []
    else:
        column = 15 if case[2] == "none" else 17  # 14 spaces of indentation; inside the if, 2 more
        line = 19
        assert sysctl_findings == [(want, line, column)]


def test_the_write_table_covers_every_case_and_names_pod_rules():
    assert set(WRITE_OWNERS) == set(itertools.product((NODE_WIDE, SHARED, OWN), ("none", "broken", "guarded")))
    for owner in WRITE_OWNERS.values():
        assert owner is None or (owner in SYSCTL_RULES and BY_ID[owner].SCOPE == "pod")


POD_SYSCTL = """apiVersion: v1
kind: Pod
metadata: {{name: p}}
spec:
  hostNetwork: {host}
  securityContext:
    sysctls:
      - {{name: {name}, value: "1"}}
  containers:
    - {{name: c, image: nginx}}
"""


@pytest.mark.parametrize(
    "name, host, want",
    [
        ("net.ipv4.tcp_syncookies", "false", []),  # safe, own namespace
        ("net.ipv4.tcp_syncookies", "true", [("PL202", 8, 16)]),  # rejected: one finding, not PL203 too
        ("net.core.somaxconn", "true", [("PL202", 8, 16)]),  # unsafe and rejected: PL202 only
        ("net.core.somaxconn", "false", [("PL203", 8, 16)]),
        ("vm.swappiness", "true", [("PL203", 8, 16)]),  # node-wide: not PL202's (no namespace shared)
    ],
)
def test_one_rule_per_pod_sysctl(name, host, want):
    assert lint_text(POD_SYSCTL.format(name=name, host=host)).triples() == want


SERVICE = """apiVersion: v1
kind: Service
metadata: {{name: {name}}}
spec:
  type: {type}
  ports:
    - {{port: 80, nodePort: {port}}}
"""


def test_a_rejected_port_is_not_also_a_conflict_or_in_the_ephemeral_range():
    two = SERVICE.format(name="a", type="NodePort", port=8080) + "---\n" + SERVICE.format(name="b", type="NodePort", port=8080)
    # 8080 is outside 30000-32767 and inside the ephemeral range 1024-65535: PL302 on each, nothing else
    found = lint_text(two, "--ephemeral-port-range", "1024 65535", "--select", "PL301,PL302,PL303").triples()
    assert found == [("PL302", 7, 28), ("PL302", 15, 28)]  # "    - {port: 80, nodePort: " is 27 columns


class _Use:
    def __init__(self, field, port, service_type, traffic_policy="Cluster"):
        self.field, self.port, self.service_type, self.traffic_policy = field, port, service_type, traffic_policy


@pytest.mark.parametrize(
    "use, want",
    [
        (_Use("nodePort", 30080, "NodePort"), (ports.OPEN, None)),
        (_Use("nodePort", 30080, "LoadBalancer"), (ports.OPEN, None)),
        (_Use("nodePort", 30000, "NodePort"), (ports.OPEN, None)),  # both ends of the range are valid
        (_Use("nodePort", 32767, "NodePort"), (ports.OPEN, None)),
        (_Use("nodePort", 29999, "NodePort"), (ports.REJECTED, ports.OUTSIDE_RANGE)),
        (_Use("nodePort", 32768, "NodePort"), (ports.REJECTED, ports.OUTSIDE_RANGE)),
        (_Use("nodePort", 70000, "NodePort"), (ports.REJECTED, ports.NOT_A_PORT)),
        (_Use("nodePort", 0, "NodePort"), (ports.IGNORED, None)),  # 0 means "allocate one"
        (_Use("nodePort", None, "NodePort"), (ports.REJECTED, ports.NOT_INTEGER)),
        (_Use("nodePort", 30080, "ClusterIP"), (ports.REJECTED, ports.NO_NODE_PORTS_TYPE)),
        (_Use("nodePort", 30080, "ExternalName"), (ports.REJECTED, ports.NO_NODE_PORTS_TYPE)),
        (_Use("nodePort", 0, "ClusterIP"), (ports.IGNORED, None)),
        (_Use("healthCheckNodePort", 0, "ClusterIP"), (ports.IGNORED, None)),  # 0 is "unset" on any type
        (_Use("healthCheckNodePort", 30100, "ClusterIP"), (ports.REJECTED, ports.HEALTH_CHECK_TYPE)),
        (_Use("healthCheckNodePort", 30100, "LoadBalancer", "Cluster"), (ports.REJECTED, ports.HEALTH_CHECK_TYPE)),
        (_Use("healthCheckNodePort", 30100, "LoadBalancer", "Local"), (ports.OPEN, None)),
    ],
    ids=lambda v: v if isinstance(v, tuple) else f"{v.field}-{v.port}-{v.service_type}-{v.traffic_policy}",
)
def test_admission_of_explicit_node_ports(use, want):
    from portlint.network import default_network

    assert ports.admission(use, default_network()) == want


def test_health_check_node_port_zero_on_a_cluster_ip_service_is_not_reported():
    text = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  type: ClusterIP\n  healthCheckNodePort: 0\n"
    assert lint_text(text).triples() == []

"""linter/node_components.py: the node components' ports, the config's nodeServicePorts over
them, and how a workload that is the component is recognised."""

from __future__ import annotations

import pytest
from conftest import cli
from portlint.findings import Location
from portlint.network import PortRange, RangeError
from portlint.node_components import TABLE, Component, PortSpec, parse_port_spec, table


@pytest.mark.parametrize(
    "text, spec",
    [
        ("10250", PortSpec(PortRange(10250, 10250), "TCP")),
        (" 2379 - 2380 ", PortSpec(PortRange(2379, 2380), "TCP")),
        ("8472/UDP", PortSpec(PortRange(8472, 8472), "UDP")),
        ("8472 / udp", PortSpec(PortRange(8472, 8472), "UDP")),
        ("9000-9001/sctp", PortSpec(PortRange(9000, 9001), "SCTP")),
    ],
)
def test_port_spec_forms(text, spec):
    assert parse_port_spec(text) == spec


@pytest.mark.parametrize(
    "text, message",
    [
        ("http", '"http" is not a port, a range or either with a protocol, like "10250", "2379-2380", "8472/UDP"'),
        ("53/DNS", '"53/DNS" is not a port, a range or either with a protocol, like "10250", "2379-2380", "8472/UDP"'),
        ("2380-2379", '"2380-2379" is reversed: the low end 2380 is above the high end 2379'),
        ("70000", '"70000" has port 70000 outside 1-65535'),
    ],
)
def test_port_spec_errors(text, message):
    with pytest.raises(RangeError) as err:
        parse_port_spec(text)
    assert str(err.value) == message


def test_port_spec_text_names_a_protocol_other_than_tcp():
    assert [str(parse_port_spec(t)) for t in ("10250", "2379-2380", "8472/udp")] == ["10250", "2379-2380", "8472/UDP"]


def by_name(components) -> dict[str, Component]:
    return {c.name: c for c in components}


def test_the_table():
    components = by_name(TABLE)
    kubelet, proxy, apiserver = components["kubelet"], components["kube-proxy"], components["kube-apiserver"]
    assert [(str(s), s.host) for s in kubelet.ports] == [("10248", "127.0.0.1"), ("10250", "")]
    assert [(str(s), s.host) for s in proxy.ports] == [("10249", "127.0.0.1"), ("10256", "")]
    assert [c.name for c in TABLE if c.control_plane_only] == [
        "kube-apiserver",
        "etcd",
        "kube-scheduler",
        "kube-controller-manager",
    ]
    assert apiserver.port_at(6443, "TCP") is not None
    assert str(components["etcd"].port_at(2380, "TCP")) == "2379-2380"
    assert components["etcd"].port_at(2381, "TCP") is None and components["etcd"].port_at(2378, "TCP") is None
    assert components["cilium-agent"].port_at(8472, "UDP") is not None
    assert components["cilium-agent"].port_at(8472, "TCP") is None
    assert [c.name for c in TABLE if not c.always] == ["cilium-agent", "calico-node", "flannel"]
    assert all(c.source.startswith("https://") and c.location is None for c in TABLE)


@pytest.mark.parametrize(
    "name, images, itself",
    [
        ("node-exporter", ("quay.io/prometheus/node-exporter",), True),
        ("node-exporter", ("quay.io/brancz/kube-rbac-proxy", "docker.io/bitnami/node-exporter"), True),
        ("node-exporter", ("prom/node_exporter",), True),
        ("node-exporter", ("example.com/node-exporter-proxy",), False),
        ("kube-apiserver", ("registry.k8s.io/kube-apiserver",), True),
        ("kube-apiserver", ("registry.k8s.io/kube-apiserver-proxy",), False),
        ("cilium-agent", ("quay.io/cilium/cilium",), True),
        ("cilium-agent", ("quay.io/cilium/operator-generic",), True),
        ("cilium-agent", ("example.com/ciliumx",), False),
        ("calico-node", ("docker.io/calico/node",), True),
        ("kubelet", ("registry.k8s.io/kubelet",), False),  # the kubelet is never a workload
    ],
)
def test_a_workload_that_is_the_component(name, images, itself):
    assert by_name(TABLE)[name].is_component(images) is itself


def test_the_config_replaces_drops_and_adds():
    where = Location("cfg.yaml", 3, 1, 3, 17)
    got = by_name(table({"kube-proxy": ["10249", "10266"], "node-exporter": [], "storage": ["7000-7001/UDP"], "gone": []}, where))
    assert "node-exporter" not in got and "gone" not in got
    proxy = got["kube-proxy"]
    assert [str(s) for s in proxy.ports] == ["10249", "10266"]
    assert (proxy.images, proxy.always, proxy.control_plane_only) == (by_name(TABLE)["kube-proxy"].images, True, False)
    assert (proxy.source, proxy.location) == ("nodeServicePorts in the portlint config", where)
    storage = got["storage"]
    assert ([str(s) for s in storage.ports], storage.images, storage.always) == (["7000-7001/UDP"], "", True)
    assert storage.is_component(("example.com/storage",)) is False
    assert list(got)[: len(TABLE) - 1] == [c.name for c in TABLE if c.name != "node-exporter"]
    assert table() == TABLE and table({}) == TABLE


def test_node_service_ports_in_the_config(tmp_cwd):
    (tmp_cwd / "cfg.yaml").write_text("# the cluster's own\nnodeServicePorts:\n  kubelet: ['10250', 10248-10249/tcp]\n")
    from portlint.config import load

    settings = load("cfg.yaml")
    assert settings.node_service_ports == {"kubelet": ["10250", "10248-10249/tcp"]}
    assert (settings.node_service_ports_at.line, settings.node_service_ports_at.column) == (2, 1)
    assert load(None).node_service_ports == {} and load(None).node_service_ports_at is None


@pytest.mark.parametrize(
    "text, error",
    [
        ("nodeServicePorts: {kubelet: ['10250/quic']}\n", 'nodeServicePorts.kubelet: "10250/quic" is not a port, a range'),
        ("nodeServicePorts: {kubelet: [10250]}\n", "nodeServicePorts.kubelet.0: 10250 is not of type 'string'"),
        ("nodeServicePorts: [kubelet]\n", "nodeServicePorts: ['kubelet'] is not of type 'object'"),
    ],
)
def test_bad_node_service_ports_exit_2(tmp_cwd, text, error):
    (tmp_cwd / "svc.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n")
    (tmp_cwd / "cfg.yaml").write_text(text)
    result = cli("check", "svc.yaml", "--config", "cfg.yaml")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"portlint: error: cfg.yaml: {error}"), result.stderr

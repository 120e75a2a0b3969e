"""linter/ledger.py: the ports a workload's pods hold on their node, declared and inferred, once
per port and protocol per workload. Each expectation is read off the YAML written in the test."""

from __future__ import annotations

import pytest
from portlint import k8s, tree
from portlint.k8s import ObjectRef
from portlint.ledger import agent_images, holders, image_repository, same_workload, shares_address
from portlint.sources import SourceFile, split_documents


def workload(text: str) -> tuple[k8s.Manifest, k8s.PodSpec]:
    (doc,) = split_documents(SourceFile("m.yaml", text))
    root, problems = tree.parse(doc.text, doc.first_line)
    assert problems == []
    (manifest,) = k8s.manifests(doc, root)
    return manifest, k8s.pod_spec(manifest)


def ledger(text: str) -> list:
    return holders(*workload(text))


def rows(text: str) -> list[tuple]:
    return [(h.port, h.protocol, h.host, h.source, h.container, h.location.line, h.location.column, h.path) for h in ledger(text)]


DAEMONSET = """apiVersion: apps/v1
kind: DaemonSet
metadata: {{name: agent, namespace: ops}}
spec:
  template:
    spec:
      hostNetwork: {host_network}
      initContainers:
        - name: setup
          image: example.com/setup:1
          ports:
            - {{containerPort: 7000}}
          args: [--port=7001]
        - name: proxy
          image: example.com/proxy:1
          restartPolicy: Always
          args: ["--listen=127.0.0.1:7002"]
      containers:
        - name: agent
          image: registry.example.com:5000/team/agent:1.0@sha256:abc
          ports:
            - {{containerPort: 9100, hostPort: 9100, name: metrics}}
            - {{containerPort: 53, protocol: udp, hostIP: 10.0.0.1}}
            - {{containerPort: 8080, hostPort: 0}}
            - {{containerPort: 65536}}
            - {{containerPort: "8443"}}
          livenessProbe:
            httpGet: {{port: metrics}}
          readinessProbe:
            tcpSocket: {{port: 53}}
          args: [--health-port=53, --admin-port=7002, "--web.listen-address=:9200"]
"""


# the agent's hostPort 9100, on line 22, its value at column 47, whatever the pod's network
AGENT_HOST_PORT = (
    9100,
    "TCP",
    "",
    "hostPort",
    'container "agent"',
    22,
    47,
    "spec.template.spec.containers[agent].ports[metrics].hostPort",
)


def test_a_hostnetwork_pod_holds_declared_ports_then_inferred_ones_it_does_not_hold_yet():
    assert rows(DAEMONSET.format(host_network="true")) == [
        (
            7000,
            "TCP",
            "",
            "containerPort",
            'init container "setup"',
            12,
            31,
            "spec.template.spec.initContainers[setup].ports[0].containerPort",
        ),
        AGENT_HOST_PORT,
        (
            53,
            "UDP",
            "10.0.0.1",
            "containerPort",
            'container "agent"',
            23,
            31,
            "spec.template.spec.containers[agent].ports[1].containerPort",
        ),
        # the sidecar's listener, then the agent's: its probes (9100 is held), then its flags
        (7002, "TCP", "127.0.0.1", "flag", 'init container "proxy"', 17, 18, "spec.template.spec.initContainers[proxy].argv[0]"),
        (
            53,
            "TCP",
            "",
            "probe",
            'container "agent"',
            30,
            31,
            "spec.template.spec.containers[agent].readinessProbe.tcpSocket.port",
        ),
        (9200, "TCP", "", "flag", 'container "agent"', 31, 55, "spec.template.spec.containers[agent].argv[2]"),
    ]


def test_a_pod_network_pod_holds_only_its_host_ports():
    assert rows(DAEMONSET.format(host_network="false")) == [
        AGENT_HOST_PORT,
    ]


def test_what_every_holder_of_a_pod_shares():
    found = ledger(DAEMONSET.format(host_network="true"))
    first = found[0]
    assert first.obj.ident == "DaemonSet/ops/agent" and first.kind == "DaemonSet"
    assert first.images == ("example.com/setup", "example.com/proxy", "registry.example.com:5000/team/agent")
    assert all(h.obj is first.obj and h.placement is first.placement and h.images is first.images for h in found)
    assert [h.host_network for h in found] == [True] * 6
    assert [h.inferred for h in found] == [False, False, False, True, True, True]


def test_the_images_that_tell_which_agents_run_come_from_hostnetwork_pods():
    def images(host_network: str) -> tuple[str, ...]:
        return agent_images(workload(DAEMONSET.format(host_network=host_network))[1])

    assert images("true") == ("example.com/setup", "example.com/proxy", "registry.example.com:5000/team/agent")
    assert images("false") == ()


def test_how_messages_name_each_kind_of_holder():
    found = ledger(DAEMONSET.format(host_network="true"))
    assert [h.holder for h in found] == [
        'containerPort 7000 of init container "setup" in hostNetwork DaemonSet "agent"',
        'hostPort 9100 of container "agent" in hostNetwork DaemonSet "agent"',
        'containerPort 53/UDP of container "agent" in hostNetwork DaemonSet "agent"',
        'port 7002 of --listen=127.0.0.1:7002 of init container "proxy" in hostNetwork DaemonSet "agent"',
        'port 53 of its readinessProbe of container "agent" in hostNetwork DaemonSet "agent"',
        'port 9200 of --web.listen-address=:9200 of container "agent" in hostNetwork DaemonSet "agent"',
    ]
    (pod_network,) = ledger(DAEMONSET.format(host_network="false"))
    assert pod_network.holder == 'hostPort 9100 of container "agent" in DaemonSet "agent"'


def test_the_port_numbers_a_node_has():
    text = "kind: Pod\napiVersion: v1\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      ports:\n"
    text += "".join(f"        - {{containerPort: 1, hostPort: {port}}}\n" for port in (0, 1, 65535, 65536, -1))
    assert [h.port for h in ledger(text)] == [1, 65535]


def test_a_patch_without_kind_is_named_as_a_pod_template_patch():
    text = "spec:\n  template:\n    spec:\n      containers:\n        - {name: a, image: x, ports: [{containerPort: 1, hostPort: 2}]}\n"
    (holder,) = ledger(text)
    assert holder.kind == "pod template patch" and holder.port == 2


@pytest.mark.parametrize(
    "image, repository",
    [
        ("quay.io/prometheus/node-exporter:v1.8.2", "quay.io/prometheus/node-exporter"),
        ("node-exporter", "node-exporter"),
        ("busybox:1.36", "busybox"),
        ("localhost:5000/cilium/cilium@sha256:0123", "localhost:5000/cilium/cilium"),
        ("", ""),
    ],
)
def test_image_repository(image, repository):
    assert image_repository(image) == repository


def ref(ident: str) -> ObjectRef:
    return ObjectRef(ident, ident, None, ())


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("DaemonSet/ops/agent", "DaemonSet/ops/agent", True),
        ("DaemonSet//agent", "DaemonSet/ops/agent", True),  # no namespace: the one kubectl -n gives
        ("DaemonSet/ops/agent", "DaemonSet//agent", True),
        ("DaemonSet/ops/agent", "DaemonSet/mon/agent", False),
        ("DaemonSet/ops/agent", "Deployment/ops/agent", False),
        ("DaemonSet/ops/agent", "DaemonSet/ops/agent2", False),
        ("DaemonSet/ops/a/b", "DaemonSet/ops/a/b", True),  # a name Kubernetes rejects is still read
    ],
)
def test_same_workload(a, b, same):
    assert same_workload(ref(a), ref(b)) is same


@pytest.mark.parametrize(
    "a, b, shared",
    [
        ("", "10.0.0.1", True),
        ("0.0.0.0", "127.0.0.1", True),
        ("::", "10.0.0.1", True),
        ("10.0.0.1", "*", True),
        ("127.0.0.1", "127.0.0.1", True),
        ("127.0.0.1", "$(ip)", False),
        ("10.0.0.1", "10.0.0.2", False),
    ],
)
def test_shares_address(a, b, shared):
    assert shares_address(a, b) is shared
    assert shares_address(b, a) is shared


def test_wrong_types_are_skipped_and_the_rest_still_read():
    text = """apiVersion: apps/v1
kind: DaemonSet
metadata: {name: odd}
spec:
  template:
    spec:
      hostNetwork: true
      nodeSelector: [pool, edge]
      tolerations: everywhere
      affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: {a: b}}}}
      containers:
        - name: a
          image: [not, a, string]
          ports: "9100"
          livenessProbe: [httpGet]
          readinessProbe: {httpGet: {port: {name: http}}, tcpSocket: [7000], grpc: {port: 7001, host: [x]}}
          args: [{--port: 1}, --port, [2], "--listen=:7002", --port]
        - just a string
        - name: b
          ports: [{containerPort: 7003, protocol: [tcp], hostIP: {a: b}}]
"""
    found = ledger(text)
    assert [(h.port, h.protocol, h.host, h.source, h.container) for h in found] == [
        (7003, "TCP", "", "containerPort", 'container "b"'),
        (7001, "TCP", "", "probe", 'container "a"'),
        (7002, "TCP", "", "flag", 'container "a"'),
    ]
    assert found[0].placement.terms == ((),) and found[0].placement.control_plane is False
    assert found[0].images == ("", "")

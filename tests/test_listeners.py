"""linter/listeners.py: the ports a container listens on without declaring them, read from its
probes and its flags. Each expectation is read off the text written in the test."""

from __future__ import annotations

import pytest
from portlint import k8s, tree
from portlint.listeners import flag_ports, listeners
from portlint.sources import SourceFile, split_documents


@pytest.mark.parametrize(
    "name, value, found",
    [
        ("port", "8080", [("", 8080)]),
        ("secure-port", "10250", [("", 10250)]),
        ("metrics_port", "9090", [("", 9090)]),
        ("web.port", "9090", [("", 9090)]),
        ("port", "0", []),  # 0 turns the listener off
        ("port", "65536", []),
        ("port", "65535", [("", 65535)]),
        ("port", "1", [("", 1)]),
        ("port", "$(PORT)", []),
        ("port", ":8080", []),
        ("port-range", "8080", []),  # not a port flag: the last word is not "port"
        ("kubelet-port", "10250", []),  # another program's endpoint
        ("target-port", "8080", []),
        ("bind-address", "0.0.0.0:10256", [("0.0.0.0", 10256)]),
        ("metrics-bind-address", "127.0.0.1:10249", [("127.0.0.1", 10249)]),
        ("health-probe-bind-address", ":8081", [("", 8081)]),
        ("metrics-addr", "[::]:8443", [("::", 8443)]),
        ("web.listen-address", "[$(IP)]:9100", [("$(ip)", 9100)]),
        ("listen", "LOCALHOST:53", [("localhost", 53)]),
        ("listen-client-urls", "https://127.0.0.1:2379,https://10.0.0.1:2379/", [("127.0.0.1", 2379), ("10.0.0.1", 2379)]),
        ("listen-peer-urls", "https://10.0.0.1:0", []),
        ("listen", ":1", [("", 1)]),
        ("listen", ":65535", [("", 65535)]),
        ("listen-peer-urls", "https://10.0.0.1:65536, https://10.0.0.2:2380", [("10.0.0.2", 2380)]),
        ("listen-address", "0.0.0.0", []),  # no port
        ("address", "0.0.0.0", []),
        ("advertise-address", "10.0.0.1:6443", []),  # another program's endpoint
        ("upstream-addr", "127.0.0.1:8080", []),
        ("peer-listen-address", ":7946", [("", 7946)]),  # a listen flag is a listener whatever its other words
        ("health", "0.0.0.0:8080", []),  # neither a port, a listen nor an address flag
        ("node-ip", "10.0.0.1", []),
    ],
)
def test_flag_ports(name, value, found):
    assert flag_ports(name, value) == found


def container(body: str) -> k8s.Container:
    text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n  containers:\n" + body
    (doc,) = split_documents(SourceFile("m.yaml", text))
    root, problems = tree.parse(doc.text, doc.first_line)
    assert problems == []
    (manifest,) = k8s.manifests(doc, root)
    (first,) = k8s.containers(k8s.pod_spec(manifest))
    return first


def read(body: str) -> list[tuple]:
    return [
        (
            found.port,
            found.host,
            found.source,
            found.detail,
            found.node.start_mark.line + 1,
            found.node.start_mark.column + 1,
            found.path,
        )
        for found in listeners(container(body))
    ]


def test_probe_ports_by_number_and_by_name():
    body = """    - name: app
      image: x
      ports:
        - {name: http, containerPort: 8080}
        - {name: bad, containerPort: "8081"}
        - {containerPort: 7006}
      startupProbe:
        httpGet: {port: 7004, host: LocalHost}
        tcpSocket: {port: 7000}
        grpc: {port: [7005]}
      livenessProbe:
        httpGet: {path: /, port: http}
        grpc: {port: 7001}
      readinessProbe:
        httpGet: {port: 7002, host: 10.0.0.9}
        tcpSocket: {port: unknown}
        grpc: {port: 0}
      lifecycle:
        preStop:
          httpGet: {port: 7003}
"""
    assert read(body) == [
        (7004, "127.0.0.1", "probe", "startupProbe", 14, 25, "spec.containers[app].startupProbe.httpGet.port"),
        (7000, "", "probe", "startupProbe", 15, 27, "spec.containers[app].startupProbe.tcpSocket.port"),
        (8080, "", "probe", "livenessProbe", 18, 34, "spec.containers[app].livenessProbe.httpGet.port"),
        (7001, "", "probe", "livenessProbe", 19, 22, "spec.containers[app].livenessProbe.grpc.port"),
    ]


def test_probe_port_bounds():
    body = """    - name: app
      image: x
      livenessProbe:
        tcpSocket: {port: 65535}
        httpGet: {port: 65536}
      readinessProbe:
        tcpSocket: {port: 1}
        httpGet: {port: -1}
      ports:
        - {name: big, containerPort: 70000}
      startupProbe:
        tcpSocket: {port: big}
"""
    assert [(p, d) for p, _, _, d, *_ in read(body)] == [(65535, "livenessProbe"), (1, "readinessProbe")]


def test_flags_in_both_forms_across_command_and_args():
    body = """    - name: agent
      image: x
      command: [agent, --port, "9000", --verbose]
      args:
        - --metrics-bind-address=127.0.0.1:9001
        - --health-port
        - --listen-address
        - -v
        - --secure-port=$(PORT)
        - --web.listen-address
        - --health-port
        - "9003"
"""
    assert read(body) == [
        (9000, "", "flag", "--port 9000", 9, 32, "spec.containers[agent].argv[1]"),
        (9001, "127.0.0.1", "flag", "--metrics-bind-address=127.0.0.1:9001", 11, 11, "spec.containers[agent].argv[4]"),
        (9003, "", "flag", "--health-port 9003", 18, 11, "spec.containers[agent].argv[10]"),
    ]


def test_a_flag_without_its_value_at_the_end():
    assert read("    - name: agent\n      image: x\n      args: [--port]\n") == []

"""The rules on the node's port ledger: PL309 host-port-conflict (levels, when two holders can
share a node, whatever the order of the files), PL310 node-component-port (addresses, agents
that are deployed or not), PL311 host-port-in-nodeport-range (the range and the Service that
pins the port). Every expected message below is written from the input."""

from __future__ import annotations

from conftest import REPO, cli, lint_text

WORKLOAD = """apiVersion: apps/v1
kind: {kind}
metadata: {{name: {name}{namespace}}}
spec:
  template:
    spec:
      hostNetwork: {host_network}
      tolerations: {tolerations}
      containers:
        - name: main
          image: {image}
          args: {args}
          ports: {ports}
"""
# each workload is 13 lines and a '---': the k-th (from 0) has its ports on line 13 + 14k, and
# in 'ports: [{containerPort: N, hostPort: M}]' the containerPort value at column 35, the
# hostPort value (after a four-digit containerPort) at column 51; the args list opens at 17


def workload(
    kind="DaemonSet",
    name="a",
    *,
    host_network="false",
    tolerations="[]",
    image="example.com/x:1",
    args="[]",
    ports="[]",
    namespace="",
):
    namespace = f", namespace: {namespace}" if namespace else ""
    return WORKLOAD.format(**locals())


def stream(*workloads: str) -> str:
    return "---\n".join(workloads)


def found(text: str, rule: str, *args: str) -> list[tuple]:
    result = lint_text(text, "--select", rule, *args)
    assert result.exit_code == 0, result.stderr
    return [(f["rule"], f["level"], f["line"], f["column"], f["message"]) for f in result.findings]


HOST_9500 = "[{containerPort: 9500, hostPort: 9500}]"


def test_two_daemonsets_on_one_host_port_are_an_error_and_certain():
    text = stream(workload(name="a", ports=HOST_9500), workload(name="b", ports=HOST_9500))
    assert found(text, "PL309") == [
        (
            "PL309",
            "error",
            27,
            51,
            'hostPort 9500 of container "main" in DaemonSet "b" is also held by DaemonSet "a" (hostPort 9500, manifest.yaml:13)',
        )
    ]


def test_two_daemonsets_eligible_for_different_nodes_may_meet():
    text = stream(workload(name="a", ports=HOST_9500), workload(name="b", ports=HOST_9500, tolerations="[{operator: Exists}]"))
    ((rule, level, line, column, message),) = found(text, "PL309")
    assert (level, line, column) == ("error", 27, 51)
    assert message.endswith("(hostPort 9500, manifest.yaml:13), if both run on one node")


def test_declared_ports_of_other_workloads_are_a_warning():
    text = stream(
        workload("Deployment", "a", ports=HOST_9500),
        workload("Deployment", "b", ports=HOST_9500),
        workload("DaemonSet", "c", ports=HOST_9500),
    )
    tail = "(hostPort 9500, manifest.yaml:13), if both run on one node"
    assert [(level, line, message.endswith(tail)) for _, level, line, _, message in found(text, "PL309")] == [
        ("warning", 27, True),
        ("warning", 41, True),
    ]


def test_an_inferred_listener_is_an_error_on_either_side():
    listener = workload("Deployment", "a", host_network="true", args='["--port=9500"]')
    declared = workload("Deployment", "b", ports=HOST_9500)
    assert [(level, line, column) for _, level, line, column, _ in found(stream(listener, declared), "PL309")] == [
        ("error", 27, 51)
    ]
    assert [(level, line, column) for _, level, line, column, _ in found(stream(declared, listener), "PL309")] == [
        ("error", 26, 18)
    ]


def test_what_keeps_two_holders_apart():
    cases = {
        "another protocol": (HOST_9500, "[{containerPort: 9500, hostPort: 9500, protocol: UDP}]"),
        "two addresses": (
            "[{containerPort: 9500, hostPort: 9500, hostIP: 10.0.0.1}]",
            "[{containerPort: 9500, hostPort: 9500, hostIP: 10.0.0.2}]",
        ),
    }
    for why, (first, second) in cases.items():
        assert found(stream(workload(name="a", ports=first), workload(name="b", ports=second)), "PL309") == [], why
    same_address = stream(
        workload(name="a", ports="[{containerPort: 9500, hostPort: 9500, hostIP: 10.0.0.1}]"),
        workload(name="b", ports="[{containerPort: 9500, hostPort: 9500, hostIP: 10.0.0.1}]"),
    )
    assert [(line, column) for _, _, line, column, _ in found(same_address, "PL309")] == [(27, 51)]


def test_one_workload_written_twice_is_not_a_conflict():
    text = stream(workload(name="a", ports=HOST_9500, namespace="ops"), workload(name="a", ports=HOST_9500))
    assert found(text, "PL309") == []
    other_namespace = stream(
        workload(name="a", ports=HOST_9500, namespace="ops"), workload(name="a", ports=HOST_9500, namespace="mon")
    )
    assert [(line, column) for _, _, line, column, _ in found(other_namespace, "PL309")] == [(27, 51)]


def test_the_later_holder_in_file_order_is_reported_whatever_the_order_of_the_files(tmp_cwd):
    (tmp_cwd / "a.yaml").write_text(workload(name="a", ports=HOST_9500))
    (tmp_cwd / "b.yaml").write_text(workload(name="b", ports=HOST_9500))
    for order in (["a.yaml", "b.yaml"], ["b.yaml", "a.yaml"]):
        result = cli("check", *order, "--select", "PL309", "--format", "json", "--fail-on", "never")
        assert [(f["path"], f["line"], f["column"], f["related"][0]["path"]) for f in result.findings] == [
            ("b.yaml", 13, 51, "a.yaml")
        ]


def test_component_ports_on_loopback_are_taken_only_by_hostnetwork_binds_there():
    pod_network = workload(name="a", ports="[{containerPort: 8080, hostPort: 10249}, {containerPort: 8081, hostPort: 10250}]")
    assert [(line, message) for _, _, line, _, message in found(pod_network, "PL310")] == [
        (13, 'hostPort 10250 of container "main" in DaemonSet "a" is kubelet\'s port 10250')
    ]
    host_network = workload(
        name="a", host_network="true", args='["--metrics-bind-address=127.0.0.1:10249", "--healthz-port=10256"]'
    )
    assert [(column, message) for _, _, _, column, message in found(host_network, "PL310")] == [
        (
            18,
            'port 10249 of --metrics-bind-address=127.0.0.1:10249 of container "main" in hostNetwork DaemonSet "a" is kube-proxy\'s port 10249',
        ),
        (60, 'port 10256 of --healthz-port=10256 of container "main" in hostNetwork DaemonSet "a" is kube-proxy\'s port 10256'),
    ]
    elsewhere = workload(name="a", host_network="true", args='["--metrics-bind-address=10.0.0.1:10249"]')
    assert found(elsewhere, "PL310") == []


def test_a_cni_agents_ports_count_when_the_run_deploys_it():
    tunnel = workload(name="tunnel", host_network="true", ports="[{containerPort: 8472, protocol: UDP}]")
    assert found(tunnel, "PL310") == []
    in_pod_network = workload(name="kube-flannel-ds", image="docker.io/flannel/flannel:v0.26.1")
    assert found(stream(in_pod_network, tunnel), "PL310") == []  # not how flannel runs: not the node's agent
    flannel = workload(name="kube-flannel-ds", image="docker.io/flannel/flannel:v0.26.1", host_network="true")
    assert [(line, column, message) for _, _, line, column, message in found(stream(flannel, tunnel), "PL310")] == [
        (27, 35, 'containerPort 8472/UDP of container "main" in hostNetwork DaemonSet "tunnel" is flannel\'s port 8472/UDP')
    ]


def test_the_nodeport_range_the_port_lies_in_and_the_service_that_pins_it():
    holder = workload(name="a", host_network="true", ports="[{containerPort: 21000}]")
    services = """apiVersion: v1
kind: Service
metadata: {name: udp}
spec: {type: NodePort, ports: [{port: 53, protocol: UDP, nodePort: 21000}]}
---
apiVersion: v1
kind: Service
metadata: {name: internal}
spec: {type: ClusterIP, ports: [{port: 80, nodePort: 21000}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {type: LoadBalancer, ports: [{port: 80, nodePort: 21000}]}
"""
    assert found(stream(holder, services), "PL311", "--node-port-range", "20000-22000") == [
        (
            "PL311",
            "error",
            13,
            35,
            'containerPort 21000 of container "main" in hostNetwork DaemonSet "a" is in the NodePort range 20000-22000 '
            '(--node-port-range 20000-22000); Service "web" pins it (manifest.yaml:28)',
        )
    ]
    assert found(stream(holder, services), "PL311") == []  # the default range is 30000-32767


def test_with_several_declared_nodeport_ranges_any_one_holding_the_port_counts():
    apiservers = "".join(
        f"""---
apiVersion: v1
kind: Pod
metadata: {{name: apiserver-{i}, namespace: kube-system}}
spec:
  containers:
    - name: kube-apiserver
      image: registry.k8s.io/kube-apiserver:v1.31.0
      command: [kube-apiserver, --service-node-port-range={rng}]
"""
        for i, rng in enumerate(("30000-32767", "20000-29999"))
    )
    holder = workload(name="a", ports="[{containerPort: 8080, hostPort: 21000}]")
    ((_, _, line, column, message),) = found(holder + apiservers, "PL311")
    assert (line, column) == (13, 51)
    assert message.endswith("is in the NodePort range 20000-29999 (manifest.yaml:31)")


def test_two_real_ingress_controllers_in_one_cluster():
    """Real manifests (tests/realworld/, sources in its SOURCES.tsv): NGINX Inc.'s ingress
    DaemonSet and Contour's Envoy DaemonSet both take hostPorts 80 and 443 on every node, with
    no node selector or toleration: in one cluster one of them stays Pending everywhere."""
    nginx = "tests/realworld/nginxinc__kubernetes-ingress/deployments__daemon-set__nginx-ingress.yaml"
    envoy = "tests/realworld/projectcontour__contour/examples__contour__03-envoy.yaml"
    result = cli("check", envoy, nginx, "--select", "PL309", "--format", "json", "--fail-on", "never")
    got = [
        (f["path"], f["line"], f["column"], f["level"], f["message"], [(r["path"], r["line"]) for r in f["related"]])
        for f in result.findings
    ]
    assert got == [
        (
            envoy,
            65,
            21,
            "error",
            f'hostPort 80 of container "envoy" in DaemonSet "envoy" is also held by DaemonSet "nginx-ingress" (hostPort 80, {nginx}:41)',
            [(nginx, 41)],
        ),
        (
            envoy,
            69,
            21,
            "error",
            f'hostPort 443 of container "envoy" in DaemonSet "envoy" is also held by DaemonSet "nginx-ingress" (hostPort 443, {nginx}:44)',
            [(nginx, 44)],
        ),
    ]


def test_a_profile_s_node_listeners_count_only_with_that_profile():
    # the EBS CSI node plugin's 9808 is an EKS add-on port: a finding with --profile eks-al2023
    # (tests/fixtures/PL310/eks-profile-add-on-ports.yaml), none without a profile or with another
    text = (REPO / "tests/fixtures/PL310/eks-profile-add-on-ports.yaml").read_text()
    assert [f["line"] for f in lint_text(text, "--profile", "eks-al2023").findings if f["rule"] == "PL310"] == [30, 31]
    for other in ((), ("--profile", "bottlerocket")):
        assert [f for f in lint_text(text, *other).findings if f["rule"] == "PL310"] == []


def pinned(name: str, pool: str, host: str) -> str:
    """A DaemonSet for the nodes of one pool holding 9500 on one address: 11 lines, its
    hostPort value on the last at column 51."""
    return (
        f"apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {{name: {name}}}\nspec:\n  template:\n    spec:\n"
        f"      nodeSelector: {{pool: {pool}}}\n      containers:\n        - name: main\n"
        f"          image: example.com/x:1\n          ports: [{{containerPort: 9500, hostPort: 9500, hostIP: {host}}}]\n"
    )


def test_a_workload_written_twice_for_other_nodes_or_addresses_is_the_holder_a_third_meets_there():
    other_nodes = stream(pinned("a", "x", "10.0.0.1"), pinned("a", "y", "10.0.0.1"), pinned("b", "y", "10.0.0.1"))
    other_address = stream(pinned("a", "y", "10.0.0.1"), pinned("a", "y", "10.0.0.2"), pinned("b", "y", "10.0.0.2"))
    for text in (other_nodes, other_address):
        assert found(text, "PL309") == [
            (
                "PL309",
                "error",
                35,
                51,
                'hostPort 9500 of container "main" in DaemonSet "b" is also held by DaemonSet "a" (hostPort 9500, manifest.yaml:23)',
            )
        ]
    again = stream(pinned("a", "y", "10.0.0.1"), pinned("b", "y", "10.0.0.1"), pinned("a", "y", "10.0.0.1"))
    assert [(line, message) for _, _, line, _, message in found(again, "PL309")] == [
        (
            23,
            'hostPort 9500 of container "main" in DaemonSet "b" is also held by DaemonSet "a" (hostPort 9500, manifest.yaml:11)',
        ),
        (
            35,
            'hostPort 9500 of container "main" in DaemonSet "a" is also held by DaemonSet "b" (hostPort 9500, manifest.yaml:23)',
        ),
    ]


def test_two_holders_on_every_address_do_not_hide_a_later_one_on_other_nodes_or_one_address():
    held = 'hostPort 9500 of container "main" in DaemonSet "{}" is also held by DaemonSet "{}" (hostPort 9500, manifest.yaml:{})'
    other_nodes = stream(
        pinned("a", "x", "0.0.0.0"), pinned("b", "x", "0.0.0.0"), pinned("c", "y", "0.0.0.0"), pinned("d", "y", "0.0.0.0")
    )
    one_address = stream(
        pinned("a", "x", "10.0.0.1"), pinned("b", "x", "10.0.0.1"), pinned("c", "x", "10.0.0.2"), pinned("d", "x", "10.0.0.2")
    )
    for text in (other_nodes, one_address):
        assert [(line, message) for _, _, line, _, message in found(text, "PL309")] == [
            (23, held.format("b", "a", 11)),
            (47, held.format("d", "c", 35)),
        ]
    # names the API server refuses are still names: "/" in one is not a separator
    slashed = stream(pinned("a/1", "x", "0.0.0.0"), pinned("a/2", "x", "0.0.0.0"), pinned("a/1", "x", "0.0.0.0"))
    assert [(line, message) for _, _, line, _, message in found(slashed, "PL309")] == [
        (23, held.format("a/2", "a/1", 11)),
        (35, held.format("a/1", "a/2", 23)),
    ]

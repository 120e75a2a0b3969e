"""NodePort ranges and related settings read from cluster configuration files: which objects
and keys count, the value each declares, and where it is written (line, column, end)."""

from __future__ import annotations

import pytest
from portlint import clusterconfig, k8s
from portlint.facts import RunFacts
from portlint.sources import Document, SourceFile
from portlint.tree import parse


def collected(text: str, path: str = "c.yaml") -> RunFacts:
    doc = Document(SourceFile(path, text), text, 1, 0)
    root, problems = parse(text)
    assert problems == []
    facts = RunFacts()
    for manifest in k8s.manifests(doc, root):
        clusterconfig.collect(manifest, facts)
    if clusterconfig.is_distribution_config(path):
        clusterconfig.collect_distribution_config(doc, root, facts)
    return facts


def declared(text: str, path: str = "c.yaml") -> dict[str, list[tuple]]:
    """kind -> (description, value, line, column, end line, end column) of each declaration."""
    facts = collected(text, path)
    return {
        kind: [
            (d.description, d.value, *(d.location.line, d.location.column, d.location.end_line, d.location.end_column))
            for d in decls
        ]
        for kind, decls in facts.declarations.items()
    }


def test_kubeadm_v1beta3_extra_args_map():
    text = """apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
apiServer:
  extraArgs:
    authorization-mode: Node,RBAC
    service-node-port-range: "30000-40000"
"""
    assert declared(text) == {
        "node_ports": [("service-node-port-range in apiServer.extraArgs of ClusterConfiguration", "30000-40000", 6, 30, 6, 43)]
    }


def test_kubeadm_v1beta4_extra_args_list_last_entry_wins():
    text = """apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
metadata: {name: prod}
apiServer:
  extraArgs:
    - name: service-node-port-range
      value: 30000-31000
    - {name: authorization-mode, value: "Node,RBAC"}
    - name: service-node-port-range
      value: 30000-32000
    - name: other
"""
    assert declared(text) == {
        "node_ports": [
            ('service-node-port-range in apiServer.extraArgs of ClusterConfiguration "prod"', "30000-32000", 10, 14, 10, 25)
        ]
    }


@pytest.mark.parametrize(
    "text",
    [
        # another group's ClusterConfiguration, kubeadm's other kinds, an empty or missing value
        "apiVersion: example.com/v1\nkind: ClusterConfiguration\napiServer: {extraArgs: {service-node-port-range: 1-2}}\n",
        "apiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\napiServer: {extraArgs: {service-node-port-range: 1-2}}\n",
        "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\napiServer: {extraArgs: {service-node-port-range: ''}}\n",
        "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\napiServer: {extraArgs: [{name: x, value: 1-2}]}\n",
        "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\napiServer: {extraArgs: 3}\n",
    ],
)
def test_what_is_not_a_kubeadm_declaration(text):
    assert declared(text) == {}


KIND = """kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
metadata: {name: dev}
kubeadmConfigPatches:
  - |
    kind: ClusterConfiguration
    apiServer:
      extraArgs:
        service-node-port-range: 30000-34000
nodes:
  - kubeadmConfigPatches:
      - "kind: JoinConfiguration"
      - {kind: ClusterConfiguration}
      - "kind: ClusterConfiguration\\napiServer: {extraArgs: {service-node-port-range: 30000-35000}}"
      - |
        kind: ClusterConfiguration
        apiServer: {extraArgs: [
      - |
        apiVersion: kubeadm.k8s.io/v1beta4
        kind: ClusterConfiguration
        apiServer:
          extraArgs:
            - name: service-node-port-range
              value: "30000-36000"
  - role: control-plane
    kubeadmConfigPatches: ["kind: ClusterConfiguration\\napiServer: {extraArgs: {service-node-port-range: 1-2}}"]
  - role: worker
    kubeadmConfigPatches: ["kind: ClusterConfiguration\\napiServer: {extraArgs: {service-node-port-range: 3-4}}"]
"""


def test_kind_patches_are_parsed_and_located_in_the_outer_file():
    """Block scalars map exactly into the file; the escaped string maps to its start; the
    patch that is not YAML, the mapping and the JoinConfiguration declare nothing, nor do the
    nodes that join (the second control plane, the worker); every declaration belongs to the
    Cluster. The first node has no role: kind's default, a control plane."""
    assert {d.obj.label for d in collected(KIND).declarations["node_ports"]} == {'Cluster "dev"'}
    assert declared(KIND) == {
        "node_ports": [
            ('service-node-port-range in kubeadmConfigPatches[0] of Cluster "dev"', "30000-34000", 9, 34, 9, 45),
            ('service-node-port-range in nodes[0].kubeadmConfigPatches[2] of Cluster "dev"', "30000-35000", 14, 9, 14, 10),
            ('service-node-port-range in nodes[0].kubeadmConfigPatches[4] of Cluster "dev"', "30000-36000", 24, 22, 24, 35),
        ]
    }


def test_kind_patch_of_another_kind_is_not_read():
    patch = "kind: InitConfiguration # not a ClusterConfiguration\\napiServer: {extraArgs: {service-node-port-range: 1-2}}"
    text = f'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nkubeadmConfigPatches: ["{patch}"]\n'
    assert declared(text) == {}


def test_a_cluster_of_another_group_is_not_kind():
    text = 'kind: Cluster\napiVersion: cluster.x-k8s.io/v1beta1\nkubeadmConfigPatches: ["kind: ClusterConfiguration\\napiServer: {extraArgs: {service-node-port-range: 1-2}}"]\n'
    assert declared(text) == {}


@pytest.mark.parametrize(
    "path, distribution",
    [
        ("etc/rancher/k3s/config.yaml", "k3s"),
        ("/etc/rancher/rke2/config.yaml", "rke2"),
        ("rancher/k3s/config.yaml.d/10-ports.yaml", "k3s"),
        ("nodes/a/etc/rancher/rke2/config.yaml.d/x.yml", "rke2"),
    ],
)
def test_distribution_config_paths(path, distribution):
    assert clusterconfig.is_distribution_config(path)
    text = "service-node-port-range: 30000-32000\n"
    assert declared(text, path) == {
        "node_ports": [(f"service-node-port-range in the {distribution} config", "30000-32000", 1, 26, 1, 37)]
    }


@pytest.mark.parametrize(
    "path",
    [
        "config.yaml",
        "etc/rancher/k3s/registries.yaml",
        "rancher/k3s/config.yaml.bak",
        "rancher/k3d/config.yaml",
        "xrancher/k3s/config.yaml",
        "rancher/k3s/config.yaml.d/a/b.yaml",
    ],
)
def test_other_paths_are_not_distribution_configs(path):
    assert not clusterconfig.is_distribution_config(path)


def test_kube_apiserver_arg_wins_over_the_key_and_the_last_one_wins():
    text = """service-node-port-range: 30000-32767
kube-apiserver-arg:
  - "service-node-port-range=20000-22767"
  - audit-log-maxage=30
kube-apiserver-arg+:
  - --service-node-port-range=21000-22767
"""
    assert declared(text, "etc/rancher/k3s/config.yaml") == {
        "node_ports": [("kube-apiserver-arg+ in the k3s config", "21000-22767", 6, 5, 6, 42)]
    }


def test_kube_apiserver_arg_as_one_string():
    text = "kube-apiserver-arg: service-node-port-range=20000-22767\n"
    assert declared(text, "etc/rancher/rke2/config.yaml") == {
        "node_ports": [("kube-apiserver-arg in the rke2 config", "20000-22767", 1, 21, 1, 56)]
    }


@pytest.mark.parametrize("text", ["kube-apiserver-arg: [audit-log-maxage=30]\n", "- a\n", "service-node-port-range: ''\n"])
def test_distribution_config_without_a_range(text):
    assert declared(text, "etc/rancher/k3s/config.yaml") == {}


CILIUM = """apiVersion: v1
kind: ConfigMap
metadata: {{name: {name}, namespace: kube-system}}
data:
  {switch}
  node-port-range: "30000,32000"
"""


@pytest.mark.parametrize(
    "switch",
    [
        'kube-proxy-replacement: "true"',
        "kube-proxy-replacement: strict",
        'enable-node-port: "true"',
        'kube-proxy-replacement: partial\n  enable-node-port: "true"',
    ],
)
def test_cilium_range_when_cilium_serves_node_ports(switch):
    line = 6 + switch.count("\n")  # the range follows the switch
    assert declared(CILIUM.format(name="cilium-config", switch=switch)) == {
        "node_ports": [('node-port-range of ConfigMap "cilium-config"', "30000-32000", line, 20, line, 33)]
    }


@pytest.mark.parametrize(
    "name, switch",
    [
        ("cilium-config", 'kube-proxy-replacement: "false"'),
        ("cilium-config", "kube-proxy-replacement: partial"),  # NodePort only with enable-node-port
        ("cilium-config", "kube-proxy-replacement: probe"),  # decided by the kernel at start
        ("cilium-config", 'enable-node-port: "false"'),
        ("cilium-config", "other: x"),
        ("other-config", 'kube-proxy-replacement: "true"'),
    ],
)
def test_cilium_range_not_in_force(name, switch):
    assert declared(CILIUM.format(name=name, switch=switch)) == {}


def test_cilium_range_in_dash_form_is_kept():
    text = CILIUM.format(name="cilium-config", switch='kube-proxy-replacement: "true"').replace("30000,32000", "30000-32000")
    assert declared(text)["node_ports"][0][1] == "30000-32000"


@pytest.mark.parametrize("api", ["crd.projectcalico.org/v1", "projectcalico.org/v3"])
def test_calico_kube_node_port_ranges(api):
    text = f"""apiVersion: {api}
kind: FelixConfiguration
metadata: {{name: default}}
spec:
  kubeNodePortRanges: ["30000:32000", 32500, "40000:40010"]
"""
    assert declared(text) == {
        "calico_node_ports": [
            ('spec.kubeNodePortRanges of FelixConfiguration "default"', "30000-32000,32500,40000-40010", 5, 23, 5, 60)
        ]
    }


@pytest.mark.parametrize(
    "text",
    [
        "apiVersion: example.com/v1\nkind: FelixConfiguration\nspec: {kubeNodePortRanges: ['1:2']}\n",
        "apiVersion: projectcalico.org/v3\nkind: FelixConfiguration\nspec: {kubeNodePortRanges: []}\n",
        "apiVersion: projectcalico.org/v3\nkind: FelixConfiguration\nspec: {logSeverityScreen: Info}\n",
    ],
)
def test_what_is_not_a_calico_declaration(text):
    assert declared(text) == {}


def test_kube_proxy_mode():
    text = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\n"
    assert declared(text) == {"kube_proxy_modes": [("mode of KubeProxyConfiguration", "ipvs", 3, 7, 3, 11)]}
    empty = text.replace("mode: ipvs", 'mode: ""')  # the default mode: iptables on Linux
    assert declared(empty)["kube_proxy_modes"][0][1] == "iptables"
    assert declared(text.replace("mode: ipvs", "clusterCIDR: 10.0.0.0/8")) == {}
    assert declared(text.replace("kubeproxy.config.k8s.io", "example.com")) == {}


def test_malformed_values_are_not_declarations_nor_internal_errors():
    """Values each tool would refuse: nothing is declared from them, and the run goes on."""
    from conftest import lint_text

    text = """apiVersion: crd.projectcalico.org/v1
kind: FelixConfiguration
metadata: {name: default}
spec:
  kubeNodePortRanges: ["32000:30000", {a: 1}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cilium-config}
data: {kube-proxy-replacement: "true", node-port-range: "30000,32767,1"}
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
apiServer: {extraArgs: [{name: service-node-port-range, value: {a: 1}}, 7, {name: [x]}]}
---
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
kubeadmConfigPatches: ["kind: ClusterConfiguration\\napiServer: [[[", 12, "kind: ClusterConfiguration\\n- a"]
"""
    result = lint_text(text)
    assert (result.exit_code, result.stderr, result.triples()) == (0, "", [])


RKE2_CILIUM = """apiVersion: helm.cattle.io/v1
kind: HelmChartConfig
metadata:
  name: rke2-cilium
  namespace: kube-system
spec:
  valuesContent: |-
    kubeProxyReplacement: true
    k8sServiceHost: 127.0.0.1
    nodePort:
      range: "30000,31000"
"""  # the range: line 11, column 14 to 27


def test_cilium_values_in_an_rke2_helm_chart_config():
    assert declared(RKE2_CILIUM) == {
        "node_ports": [('nodePort.range in the Cilium values of HelmChartConfig "rke2-cilium"', "30000-31000", 11, 14, 11, 27)]
    }


@pytest.mark.parametrize(
    "change",
    [
        ("kubeProxyReplacement: true", "kubeProxyReplacement: false"),  # kube-proxy serves NodePorts
        ("name: rke2-cilium", "name: rke2-canal"),  # another chart
        ("kubeProxyReplacement: true", "kubeProxyReplacement: [true"),  # not YAML: Helm refuses it
        ("valuesContent: |-", "valuesContent:\n    - a\n  x: |-"),  # not a string
        ("apiVersion: helm.cattle.io/v1", "apiVersion: example.com/v1"),
    ],
)
def test_cilium_values_that_do_not_declare(change):
    assert declared(RKE2_CILIUM.replace(*change)) == {}


def test_cilium_values_in_a_k3s_helm_chart_with_node_port_enabled():
    text = """apiVersion: helm.cattle.io/v1
kind: HelmChart
metadata: {name: networking, namespace: kube-system}
spec:
  chart: cilium
  valuesContent: |
    nodePort:
      enabled: True
      range: 30000-30500
"""
    assert declared(text) == {
        "node_ports": [('nodePort.range in the Cilium values of HelmChart "networking"', "30000-30500", 9, 14, 9, 25)]
    }


FLUX = """apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {{name: cilium, namespace: kube-system}}
spec:
  chart:
    spec:
      chart: {chart}
      sourceRef: {{kind: HelmRepository, name: cilium}}
  values:
    kubeProxyReplacement: strict
    nodePort: {{range: "30000,32000"}}
"""  # the range: line 11, column 23 to 36


def test_cilium_values_in_a_flux_helm_release():
    assert declared(FLUX.format(chart="cilium")) == {
        "node_ports": [('nodePort.range in the Cilium values of HelmRelease "cilium"', "30000-32000", 11, 23, 11, 36)]
    }
    assert declared(FLUX.format(chart="traefik")) == {}
    assert declared(FLUX.format(chart="cilium").replace("helm.toolkit.fluxcd.io/v2", "example.com/v1")) == {}


def test_kind_kube_proxy_mode():
    text = "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking:\n  kubeProxyMode: ipvs\n"
    assert declared(text) == {"kube_proxy_modes": [("networking.kubeProxyMode of Cluster", "ipvs", 4, 18, 4, 22)]}
    assert declared(text.replace("kubeProxyMode", "podSubnet")) == {}


def test_k3s_kube_proxy_mode_and_an_arg_without_a_value():
    text = """service-node-port-range: 30000-31000
kube-apiserver-arg: [service-node-port-range]
kube-proxy-arg:
  - proxy-mode=ipvs
  - metrics-bind-address=0.0.0.0:10249
"""
    assert declared(text, "etc/rancher/k3s/config.yaml") == {
        "node_ports": [("service-node-port-range in the k3s config", "30000-31000", 1, 26, 1, 37)],
        "kube_proxy_modes": [("kube-proxy-arg in the k3s config", "ipvs", 4, 5, 4, 20)],
    }
    empty = "kube-proxy-arg+: --proxy-mode=\n"
    assert declared(empty, "etc/rancher/rke2/config.yaml") == {
        "kube_proxy_modes": [("kube-proxy-arg+ in the rke2 config", "iptables", 1, 18, 1, 31)]
    }

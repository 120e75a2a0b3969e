"""PL320: Calico's kubeNodePortRanges against every NodePort range the run knows, and only
when kube-proxy may run in IPVS mode."""

from __future__ import annotations

import pytest
from conftest import lint_text

FELIX = """apiVersion: crd.projectcalico.org/v1
kind: FelixConfiguration
metadata: {{name: default}}
spec:
  kubeNodePortRanges: {ranges}
"""  # the ranges: line 5, column 23

PROXY = """---
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: {mode}
"""


def pl320(text: str, *args: str) -> list[tuple]:
    found = lint_text(text, *args).findings
    return [(f["line"], f["column"], f["message"]) for f in found if f["rule"] == "PL320"]


def message(ranges: str, differences: str, node_ports: str = "30000-32767 (the kube-apiserver default)") -> str:
    return f"kubeNodePortRanges {ranges} differ from the NodePort range {node_ports}: {differences}"


@pytest.mark.parametrize(
    "ranges, shown, differences",
    [
        ('["30001:32767"]', "30001-32767", "30000 missing"),
        ('["30000:32766"]', "30000-32766", "32767 missing"),
        ('["29999:32767"]', "29999-32767", "29999 extra"),
        ('["30000:32768"]', "30000-32768", "32768 extra"),
        ('["20000:25000", "30000:32767"]', "20000-25000,30000-32767", "20000-25000 extra"),
        ('["20000:40000"]', "20000-40000", "20000-29999, 32768-40000 extra"),
        ('[31000, "30000:30999", "32000:32767"]', "31000,30000-30999,32000-32767", "31001-31999 missing"),
        ('["30000:31000", 40000]', "30000-31000,40000", "31001-32767 missing; 40000 extra"),
    ],
)
def test_ports_that_differ_from_the_default_range(ranges, shown, differences):
    assert pl320(FELIX.format(ranges=ranges)) == [(5, 23, message(shown, differences))]


@pytest.mark.parametrize("ranges", ['["30000:32767"]', '["30000:31000", "31001:32767"]', '["abc"]'])
def test_nothing_when_they_match_or_cannot_be_read(ranges):
    assert pl320(FELIX.format(ranges=ranges)) == []


def test_against_the_configured_range_and_each_declared_one():
    text = FELIX.format(ranges='["30000:32767"]')
    assert pl320(text, "--node-port-range", "30000-32000") == [
        (5, 23, message("30000-32767", "32001-32767 extra", "30000-32000 (--node-port-range 30000-32000)"))
    ]
    kubeadm = "---\napiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\napiServer: {extraArgs: {service-node-port-range: 30000-33000}}\n"
    where = "30000-33000 (manifest.yaml:9)"
    assert pl320(text + kubeadm) == [(5, 23, message("30000-32767", "32768-33000 missing", where))]


@pytest.mark.parametrize(
    "modes, reported",
    [
        (["iptables"], False),
        (['""'], False),
        (["nftables", "iptables"], False),
        (["IPVS"], True),
        (["iptables", "ipvs"], True),
        ([], True),
    ],
)
def test_only_when_kube_proxy_may_run_in_ipvs_mode(modes, reported):
    text = FELIX.format(ranges='["30000:32000"]') + "".join(PROXY.format(mode=mode) for mode in modes)
    assert bool(pl320(text)) is reported


def test_the_finding_names_the_range_declaration_as_related():
    text = FELIX.format(ranges='["30000:32000"]') + (
        "---\napiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\napiServer: {extraArgs: {service-node-port-range: 30000-32767}}\n"
    )
    [finding] = [f for f in lint_text(text).findings if f["rule"] == "PL320"]
    assert finding["level"] == "warning"
    assert [(r["line"], r["column"], r["label"]) for r in finding["related"]] == [(9, 50, "The NodePort range is declared here")]

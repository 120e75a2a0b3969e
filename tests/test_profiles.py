"""Provider profiles: the defaults each one gives, how the config and flags choose and override
one, and how findings cite it."""

from __future__ import annotations

import json

import pytest
from conftest import REPO, cli, lint_text
from portlint import profiles
from portlint.network import DEFAULT, Declaration

EKS_AL2023_RESERVED = "2703,9808,9809,10249,10250,10256,61678,61679"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("eks-al2", {}),
        ("eks-al2023", {"reserved": Declaration(DEFAULT, "the eks-al2023 profile", None, EKS_AL2023_RESERVED)}),
        ("bottlerocket", {"ephemeral": Declaration(DEFAULT, "the bottlerocket profile", None, "32768-60999")}),
        ("gke-cos", {}),
        ("gke-ubuntu", {}),
        ("aks-ubuntu", {}),
        ("aks-azurelinux", {}),
        ("openshift", {}),
        ("k3s", {}),
        ("kind", {}),
        (None, {}),
    ],
)
def test_the_defaults_of_each_profile(name, expected):
    """Only values read from a cited source; the others leave portlint's defaults."""
    assert profiles.defaults(name) == expected


def test_every_value_and_listener_list_has_a_source():
    for profile in profiles.PROFILES.values():
        for sourced in (profile.ephemeral, profile.reserved, profile.node_ports):
            assert sourced is None or sourced.source.startswith("https://")
        assert bool(profile.node_listeners) == profile.listeners_source.startswith("https://")


def test_the_config_schema_lists_the_profiles():
    schema = json.loads((REPO / "linter" / "config.schema.json").read_text())
    assert schema["properties"]["profile"]["enum"] == list(profiles.PROFILES)


def test_check():
    assert profiles.check("kind", "--profile") == "kind"
    assert profiles.check(None, "--profile") is None
    with pytest.raises(ValueError) as err:
        profiles.check("eks", "--profile")
    assert str(err.value) == (
        "--profile: unknown profile 'eks' (profiles: eks-al2, eks-al2023, bottlerocket, gke-cos, gke-ubuntu, "
        "aks-ubuntu, aks-azurelinux, openshift, k3s, kind)"
    )


def test_describe_a_profile_with_values_and_one_without():
    assert profiles.describe("bottlerocket") == (
        "# bottlerocket: Bottlerocket (aws-k8s variants)\n\n"
        f"- Ephemeral port range: 32768-60999 (source: {profiles.BOTTLEROCKET_SYSCTL})\n"
        "- Reserved ports: not set by the profile (no port is reserved)\n"
        "- NodePort range: not set by the profile (the kube-apiserver default 30000-32767 applies)\n"
        "- Ports its components hold on the node: none beyond Kubernetes' own\n"
    )
    assert profiles.describe("k3s").splitlines()[5:] == [
        f"- Ports its components hold on the node (source: {profiles.K3S_REQUIREMENTS}):",
        "  - 6443/TCP: k3s supervisor and Kubernetes API server (servers)",
        "  - 2379-2380/TCP: embedded etcd (HA servers)",
        "  - 8472/UDP: Flannel VXLAN",
        "  - 10250/TCP: kubelet",
        "  - 51820/UDP: Flannel WireGuard (IPv4)",
        "  - 51821/UDP: Flannel WireGuard (IPv6)",
    ]


def test_the_docs_list_every_profile_as_explain_prints_it():
    text = (REPO / "docs" / "profiles.md").read_text()
    for name in profiles.PROFILES:
        assert "#" + profiles.describe(name) in text


def test_explain_prints_a_profile():
    result = cli("explain", "EKS-AL2023")
    assert result.exit_code == 0
    assert result.stdout == profiles.describe("eks-al2023")


SERVICE = """apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  selector: {app: web}
  ports:
    - port: 80
      nodePort: 40000
"""  # the nodePort: line 9, column 17


def pl301(*args: str) -> list[tuple]:
    found = lint_text(SERVICE, "--node-port-range", "30000-50000", *args).findings
    return [(f["line"], f["column"], f["message"]) for f in found if f["rule"] == "PL301"]


def test_a_profile_range_is_cited_in_findings():
    assert pl301("--profile", "bottlerocket") == [
        (
            9,
            17,
            'nodePort 40000 of Service "web" is in the ephemeral port range 32768-60999 (the bottlerocket profile)',
        )
    ]


def test_a_flag_range_overrides_the_profile():
    assert pl301("--profile", "bottlerocket", "--ephemeral-port-range", "40000-40001") == [
        (
            9,
            17,
            'nodePort 40000 of Service "web" is in the ephemeral port range 40000-40001 (--ephemeral-port-range 40000-40001)',
        )
    ]


def test_the_config_profile_and_the_flag_that_overrides_it(tmp_cwd):
    (tmp_cwd / ".portlint.yaml").write_text("profile: bottlerocket\nnodePortRange: 30000-50000\n")
    (tmp_cwd / "svc.yaml").write_text(SERVICE)
    first = 'nodePort 40000 of Service "web" is in the ephemeral port range 32768-60999 '
    for args, origin in (((), "(the bottlerocket profile)"), (("--profile", "kind"), "(the Linux default)")):
        found = cli("check", "svc.yaml", "--format", "json", "--fail-on", "never", *args).findings
        assert [(f["line"], f["message"]) for f in found if f["rule"] == "PL301"] == [(9, first + origin)]


def test_an_unknown_profile_is_a_usage_error(tmp_cwd):
    (tmp_cwd / "svc.yaml").write_text(SERVICE)
    result = cli("check", "svc.yaml", "--profile", "gke")
    assert (result.exit_code, result.stderr.splitlines()[0]) == (
        2,
        "portlint: error: --profile: unknown profile 'gke' (profiles: eks-al2, eks-al2023, bottlerocket, gke-cos, "
        "gke-ubuntu, aks-ubuntu, aks-azurelinux, openshift, k3s, kind)",
    )
    (tmp_cwd / ".portlint.yaml").write_text("profile: gke\n")
    result = cli("check", "svc.yaml")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"portlint: error: {tmp_cwd}/.portlint.yaml: profile: 'gke' is not one of ['eks-al2', ")


def test_config_range_keys_and_reserved_ports_flag_override_the_profile(tmp_cwd):
    """A service whose nodePort 9808 lies in a configured ephemeral range: eks-al2023 reserves
    9808, unless --reserved-ports replaces the reservation."""
    (tmp_cwd / ".portlint.yaml").write_text("profile: bottlerocket\nephemeralPortRange: 9000-9999\nnodePortRange: 9000-9999\n")
    (tmp_cwd / "svc.yaml").write_text(SERVICE.replace("40000", "9808"))

    def pl301(*args):
        found = cli("check", "svc.yaml", "--format", "json", "--fail-on", "never", *args).findings
        return [f["message"] for f in found if f["rule"] == "PL301"]

    configured = 'nodePort 9808 of Service "web" is in the ephemeral port range 9000-9999 (.portlint.yaml:2)'
    assert pl301() == [configured]
    assert pl301("--profile", "eks-al2023") == []
    assert pl301("--profile", "eks-al2023", "--reserved-ports", "9000") == [configured + ", not in --reserved-ports 9000"]

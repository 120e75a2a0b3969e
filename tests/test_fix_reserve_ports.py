"""The PL304/PL301 fix (linter/fixes/reserve_ports.py), run as `portlint check --fix
--unsafe-fixes`: the NodePort range reserved beside the kops sysctlParameters item that widens
the ephemeral range. Each expected text is the input with the one line the fix must add or
change, read off the input; the refusals leave the file as it was and say why."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import cli

from portlint.fixes.reserve_places import places, union
from portlint.network import PortRange, PortSet

FIXTURES = Path(__file__).parent / "fixtures"
# tests/fixtures/PL301/declared-by-kops.yaml: PL304 at 7:7 (the item), PL301 at 19:17 citing it
KOPS = (FIXTURES / "PL301" / "declared-by-kops.yaml").read_text()
WIDE = "    - net.ipv4.ip_local_port_range=1024 65535\n"
RESERVED = "    - net.ipv4.ip_local_reserved_ports=30000-32767\n"
NOTE = "portlint: note: cluster.yaml:{}: {} not fixed: {}"


def fix(tmp_cwd, text: str | bytes, *flags: str) -> tuple[bytes, str, int]:
    """(the file's bytes after ``check --fix --unsafe-fixes``, stderr, exit code)."""
    path = Path("cluster.yaml")
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    result = cli("check", "--fix", "--unsafe-fixes", *flags, "cluster.yaml")
    return path.read_bytes(), result.stderr, result.exit_code


def test_the_kops_fixture_gets_the_default_range_reserved_after_its_item(tmp_cwd):
    after, err, code = fix(tmp_cwd, KOPS)
    assert after.decode() == KOPS.replace(WIDE, WIDE + RESERVED)
    assert (err, code) == ("No problems found in 1 file; 2 fixed.\n", 0)  # PL304 and PL301, nothing refused


def test_without_unsafe_fixes_the_file_stays(tmp_cwd):
    Path("cluster.yaml").write_text(KOPS)
    result = cli("check", "--fix", "cluster.yaml")
    assert Path("cluster.yaml").read_text() == KOPS
    assert result.exit_code == 1


@pytest.mark.parametrize("quote", ['"', "'"])
def test_the_new_item_takes_the_quoting_of_the_ephemeral_item(tmp_cwd, quote):
    text = KOPS.replace(WIDE, f"    - {quote}net.ipv4.ip_local_port_range=1024 65535{quote}  # widened\n")
    after, _, _ = fix(tmp_cwd, text)
    assert after.decode() == text.replace("  # widened\n", f"  # widened\n    - {quote}net.ipv4.ip_local_reserved_ports=30000-32767{quote}\n")


def test_an_instance_group_list_at_its_own_indentation(tmp_cwd):
    text = KOPS.replace("kind: Cluster", "kind: InstanceGroup").replace("  sysctlParameters:\n    - ", "  sysctlParameters:\n  - ")
    text = text.replace("    - net.core.somaxconn", "  - net.core.somaxconn")
    after, _, _ = fix(tmp_cwd, text)
    assert after.decode() == text.replace("  - net.ipv4.ip_local_port_range=1024 65535\n", "  - net.ipv4.ip_local_port_range=1024 65535\n  - net.ipv4.ip_local_reserved_ports=30000-32767\n")


def test_the_node_port_range_the_run_declares_is_the_one_reserved(tmp_cwd):
    after, _, _ = fix(tmp_cwd, KOPS, "--node-port-range", "30000-30999")
    assert after.decode() == KOPS.replace(WIDE, WIDE + "    - net.ipv4.ip_local_reserved_ports=30000-30999\n")


def test_a_serviceNodePortRange_of_the_file_is_the_one_reserved(tmp_cwd):
    text = KOPS.replace("  sysctlParameters:\n", "  kubeAPIServer:\n    serviceNodePortRange: 30000-31999\n  sysctlParameters:\n")
    after, err, _ = fix(tmp_cwd, text)
    assert after.decode() == text.replace(WIDE, WIDE + "    - net.ipv4.ip_local_reserved_ports=30000-31999\n")
    # the PL304 citing it is fixed, not refused; left: PL307's note (30080 is above the static
    # band 30000-30061 of 30000-31999)
    assert err == "Found 1 problem (1 note) in 1 file; 2 fixed.\n"


@pytest.mark.parametrize(
    ("written", "widened"),
    [
        ("net.ipv4.ip_local_reserved_ports=30500-31000,40000", "net.ipv4.ip_local_reserved_ports=30000-32767,40000"),
        ("net.ipv4.ip_local_reserved_ports = 29990-29999, 8080", "net.ipv4.ip_local_reserved_ports = 8080,29990-32767"),
        ('"net.ipv4.ip_local_reserved_ports=32768"', '"net.ipv4.ip_local_reserved_ports=30000-32768"'),
        ("net/ipv4/ip_local_reserved_ports=30001", "net/ipv4/ip_local_reserved_ports=30000-32767"),
    ],
)
def test_a_reserved_ports_item_of_the_list_is_widened_not_repeated(tmp_cwd, written, widened):
    text = KOPS.replace("    - net.core.somaxconn=4096\n", f"    - net.core.somaxconn=4096\n    - {written}\n")
    after, err, code = fix(tmp_cwd, text)
    assert after.decode() == text.replace(written, widened)
    assert (err, code) == ("No problems found in 1 file; 2 fixed.\n", 0)


def test_crlf_and_a_bom_stay(tmp_cwd):
    after, _, _ = fix(tmp_cwd, b"\xef\xbb\xbf" + KOPS.replace("\n", "\r\n").encode())
    assert after == b"\xef\xbb\xbf" + KOPS.replace(WIDE, WIDE + RESERVED).replace("\n", "\r\n").encode()


def test_a_second_document_is_fixed_at_its_own_offsets(tmp_cwd):
    first = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n---\n"
    after, _, _ = fix(tmp_cwd, first + KOPS)
    assert after.decode() == first + KOPS.replace(WIDE, WIDE + RESERVED)


def assert_refused(tmp_cwd, text: str, at: str, reason: str) -> None:
    """``check --fix --unsafe-fixes`` leaves ``text`` as it is, exits 1 and notes ``reason``
    for the PL304 at ``at`` and the PL301 of the Service's nodePort 30080 that cites it."""
    after, err, code = fix(tmp_cwd, text)
    assert after.decode() == text
    service_line = text.splitlines().index("      nodePort: 30080") + 1
    assert err.splitlines()[:2] == [NOTE.format(at, "PL304", reason), NOTE.format(f"{service_line}:17", "PL301", reason)]
    assert code == 1


def test_a_flow_list_is_refused(tmp_cwd):
    text = KOPS.replace("  sysctlParameters:\n" + WIDE, "  sysctlParameters: [net.ipv4.ip_local_port_range=1024 65535,\n    net.core.somaxconn=4096]\n")
    text = text.replace("    - net.core.somaxconn=4096\n", "")
    assert_refused(tmp_cwd, text, "6:22", "the sysctlParameters list is a flow list ([...])")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (("  sysctlParameters:\n", "  sysctlParameters: &params\n"), "the edit would change a YAML anchor (&) that aliases (*) reuse"),
        ((WIDE, "    - net.ipv4.ip_local_port_range=1024\n      65535\n"), "the ephemeral range item does not stand alone on its line"),
        (("    - net.core.somaxconn=4096\n", "    - net.ipv4.ip_local_reserved_ports=8080\n    - net.ipv4.ip_local_reserved_ports=9090\n"), "the sysctlParameters list sets net.ipv4.ip_local_reserved_ports more than once"),
        (("    - net.core.somaxconn=4096\n", "    - net.ipv4.ip_local_reserved_ports=http\n"), "the reserved ports value http does not parse"),
        (("    - net.core.somaxconn=4096\n", '    - "net.ipv4.ip_local_reserved_ports=\\x38080"\n'), "the reserved ports item is not written as its value (escapes or line breaks)"),
    ],
)
def test_refusals_leave_the_file_and_say_why_for_each_finding(tmp_cwd, change, reason):
    text = KOPS.replace(*change)
    assert text != KOPS
    assert_refused(tmp_cwd, text, "7:7", reason)


TUNED = (FIXTURES / "PL301" / "declared-by-tuned.yaml").read_text()
# line 14 of tests/fixtures/PL301/declared-by-tuned.yaml (PL304 at 14:9, PL301 at 31:17 citing it)
TUNED_WIDE = '        net.ipv4.ip_local_port_range="20000 65535"\n'


def test_the_tuned_fixture_gets_a_line_after_its_range_in_its_quoting(tmp_cwd):
    after, err, code = fix(tmp_cwd, TUNED)
    assert after.decode() == TUNED.replace(TUNED_WIDE, TUNED_WIDE + '        net.ipv4.ip_local_reserved_ports="30000-32767"\n')
    assert (err, code) == ("No problems found in 1 file; 2 fixed.\n", 0)


def test_a_tuned_line_with_spaces_around_the_separator_is_followed_as_written(tmp_cwd):
    text = TUNED.replace(TUNED_WIDE, "        net.ipv4.ip_local_port_range = 20000 65535\n")
    after, _, _ = fix(tmp_cwd, text)
    assert after.decode() == text.replace(" = 20000 65535\n", " = 20000 65535\n        net.ipv4.ip_local_reserved_ports = 30000-32767\n")


@pytest.mark.parametrize(
    ("written", "widened"),
    [
        ('net.ipv4.ip_local_reserved_ports="31000-31999,40000"', 'net.ipv4.ip_local_reserved_ports="30000-32767,40000"'),
        ("net.ipv4.ip_local_reserved_ports = 32768", "net.ipv4.ip_local_reserved_ports = 30000-32768"),
        ('net.ipv4.ip_local_reserved_ports=""', 'net.ipv4.ip_local_reserved_ports="30000-32767"'),  # none yet
    ],
)
def test_a_reserved_ports_line_of_the_profile_is_widened(tmp_cwd, written, widened):
    text = TUNED.replace("        [sysctl]\n", f"        [sysctl]\n        {written}\n")
    after, err, _ = fix(tmp_cwd, text)
    assert after.decode() == text.replace(written, widened)
    assert err == "No problems found in 1 file; 2 fixed.\n"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            ("        [sysctl]\n", "        [sysctl]\n        net.ipv4.ip_local_reserved_ports=8080\n        net.ipv4.ip_local_reserved_ports=9090\n"),
            "the profile's [sysctl] section sets net.ipv4.ip_local_reserved_ports more than once",
        ),
        (("        [sysctl]\n", "        [sysctl]\n        net.ipv4.ip_local_reserved_ports='http'\n"), "the reserved ports value 'http' does not parse"),
        (("        [sysctl]\n", '        [sysctl]\n        net.ipv4.ip_local_reserved_ports="\n'), 'the reserved ports value " does not parse'),
    ],
)
def test_tuned_refusals(tmp_cwd, change, reason):
    text = TUNED.replace(*change)
    assert text != TUNED
    line = text.splitlines().index(TUNED_WIDE.rstrip("\n")) + 1
    assert_refused(tmp_cwd, text, f"{line}:9", reason)


@pytest.mark.parametrize(
    ("data", "at"),
    [
        # an escaped string has no exact positions: the findings are at its opening quote
        ('"[sysctl]\\nnet.ipv4.ip_local_port_range=20000 65535\\n"', "9:13"),
        # a multi-line string without escapes is exact: they are at the range's line
        ('"[sysctl]\n\n        net.ipv4.ip_local_port_range=20000 65535\n\n        "', "11:9"),
    ],
)
def test_a_tuned_profile_in_a_quoted_string_is_refused(tmp_cwd, data, at):
    block = TUNED[TUNED.index("      data: |\n") : TUNED.index("  recommend:\n")]
    text = TUNED.replace(block, f"      data: {data}\n")
    assert_refused(tmp_cwd, text, at, "the profile's data is not a literal block (|) whose lines can be edited where they stand")


def test_a_script_declaration_is_refused(tmp_cwd):
    text = (FIXTURES / "PL301" / "declared-by-daemonset.yaml").read_text()
    after, err, _ = fix(tmp_cwd, text, "--select", "PL301,PL304")
    assert after.decode() == text
    reason = "the ephemeral port range is not declared by a kops sysctlParameters item or a Tuned profile"
    assert err.splitlines()[:2] == [NOTE.format("13:30", "PL304", reason), NOTE.format("27:17", "PL301", reason)]


def test_a_nodeport_range_declaration_is_refused(tmp_cwd):
    text = "apiVersion: kops.k8s.io/v1alpha2\nkind: Cluster\nmetadata: {name: c}\nspec:\n  kubeAPIServer:\n    serviceNodePortRange: 30000-40000\n"
    after, err, _ = fix(tmp_cwd, text)
    assert after.decode() == text
    assert err.splitlines()[0] == NOTE.format("6:27", "PL304", "the finding is at a NodePort range declaration, not at an ephemeral range one")


def test_a_range_from_the_config_is_refused(tmp_cwd):
    Path(".portlint.yaml").write_text('ephemeralPortRange: "1024 65535"\n')
    service = KOPS[KOPS.index("---\n") + 4 :]
    after, err, _ = fix(tmp_cwd, service)
    assert after.decode() == service
    assert err.splitlines()[:2] == [
        "portlint: note: .portlint.yaml:1:1: PL304 not fixed: the range is given by the portlint config: no file edit reserves ports on nodes",
        NOTE.format("10:17", "PL301", "the ephemeral port range is declared in another file (.portlint.yaml)"),
    ]


def test_a_flag_range_is_refused_for_the_port(tmp_cwd):
    service = KOPS[KOPS.index("---\n") + 4 :]
    after, err, _ = fix(tmp_cwd, service, "--ephemeral-port-range", "1024 65535")
    assert after.decode() == service
    assert err.splitlines()[0] == NOTE.format(
        "10:17", "PL301", "the ephemeral port range is given by a flag, the portlint config or a default: no file edit reserves ports on nodes"
    )


def test_a_declaration_in_another_file_is_refused(tmp_cwd):
    cluster, service = KOPS.split("---\n")
    Path("kops.yaml").write_text(cluster)
    Path("cluster.yaml").write_text(service)
    result = cli("check", "--fix", "--unsafe-fixes", "kops.yaml", "cluster.yaml")
    assert Path("cluster.yaml").read_text() == service
    assert Path("kops.yaml").read_text() == cluster.replace(WIDE, WIDE + RESERVED)  # its own PL304 is fixed
    assert NOTE.format("10:17", "PL301", "the ephemeral port range is declared in another file (kops.yaml)") in result.stderr.splitlines()


def test_a_port_in_two_declared_ranges_needs_both_reserved(tmp_cwd):
    second = KOPS[: KOPS.index("---\n") + 4].replace("kind: Cluster", "kind: InstanceGroup").replace("1024 65535", "20000 65535")
    text = second + KOPS
    after, err, _ = fix(tmp_cwd, text)
    # each declaration gets its reservation; the port cited by both goes with them
    assert after.decode() == text.replace("=20000 65535\n", "=20000 65535\n" + RESERVED).replace(WIDE, WIDE + RESERVED)
    assert NOTE.format("28:17", "PL301", "the port is in several declared ephemeral ranges: each needs its own reservation") in err.splitlines()


@pytest.mark.parametrize(
    ("present", "ports", "merged"),
    [
        ("", [PortRange(30000, 32767)], "30000-32767"),
        ("40000,8080", [PortRange(30000, 32767)], "8080,30000-32767,40000"),
        ("29999", [PortRange(30000, 32767)], "29999-32767"),  # adjacent: one range
        ("29998", [PortRange(30000, 32767)], "29998,30000-32767"),  # a gap of one port stays
        ("30100-40000", [PortRange(30000, 32767)], "30000-40000"),  # the wider end is kept
        ("31000", [PortRange(30000, 32767)], "30000-32767"),  # inside
    ],
)
def test_union_writes_the_fewest_ranges_lowest_first(present, ports, merged):
    from portlint.network import parse_port_set

    assert str(union(parse_port_set(present), ports)) == merged
    assert isinstance(union(PortSet(), ports), PortSet)


def test_a_nodeport_range_declared_in_another_file_is_refused(tmp_cwd):
    cluster = KOPS[: KOPS.index("---\n")]
    Path("cluster.yaml").write_text(cluster)
    Path("api.yaml").write_text(cluster.replace("  sysctlParameters:\n" + WIDE + "    - net.core.somaxconn=4096\n", "  kubeAPIServer:\n    serviceNodePortRange: 30000-40000\n"))
    result = cli("check", "--fix", "--unsafe-fixes", "cluster.yaml", "api.yaml")
    assert Path("cluster.yaml").read_text() == cluster
    assert result.stderr.splitlines()[0] == NOTE.format("7:7", "PL304", "the NodePort range is declared in another file (api.yaml)")


def test_only_the_items_of_kops_objects_are_read():
    cluster = KOPS[: KOPS.index("---\n")]
    assert sorted(places(cluster, "c.yaml")) == [(7, 7), (8, 7)]
    assert places(cluster.replace("kops.k8s.io/v1alpha2", "cluster.x-k8s.io/v1beta1"), "c.yaml") == {}
    assert places(cluster.replace("kind: Cluster", "kind: Tuned"), "c.yaml") == {}
    assert sorted(places(TUNED, "t.yaml")) == [(14, 9), (15, 9)]  # the [sysctl] lines, not [main]'s
    assert places(TUNED.replace("tuned.openshift.io/v1", "example.com/v1"), "t.yaml") == {}

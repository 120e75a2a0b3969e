"""Port ranges as the kernel and Kubernetes write them, and the node network of a run."""

from __future__ import annotations

import pytest

from portlint.network import PortRange, PortSet, RangeError, parse_port_set, parse_range
from portlint.rules.pl307_nodeport_outside_static_band import static_band


@pytest.mark.parametrize("text", ["32768 60999", "32768\t60999", "32768-60999", " 32768   60999 ", "32768 - 60999"])
def test_range_forms(text):
    assert parse_range(text) == PortRange(32768, 60999)


def test_range_ends_are_inclusive_of_1_and_65535():
    assert parse_range("1 65535") == PortRange(1, 65535)
    assert parse_range("40000", allow_single=True) == PortRange(40000, 40000)
    assert parse_range("1", allow_single=True) == PortRange(1, 1)


@pytest.mark.parametrize(
    "text, message",
    [
        ("60999 32768", '"60999 32768" is reversed: the low end 60999 is above the high end 32768'),
        ("0 100", '"0 100" has port 0 outside 1-65535'),
        ("1024 65536", '"1024 65536" has port 65536 outside 1-65535'),
        ("abc", '"abc" is not a port range: write "LOW HIGH" or "LOW-HIGH", e.g. "32768 60999"'),
        ("1024", '"1024" is not a port range: write "LOW HIGH" or "LOW-HIGH", e.g. "32768 60999"'),
        ("1 2 3", '"1 2 3" is not a port range: write "LOW HIGH" or "LOW-HIGH", e.g. "32768 60999"'),
    ],
)
def test_range_errors(text, message):
    with pytest.raises(RangeError) as err:
        parse_range(text)
    assert str(err.value) == message


def test_port_sets_and_coverage():
    ports = parse_port_set("30000-32767, 40000,")
    assert ports == PortSet((PortRange(30000, 32767), PortRange(40000, 40000)))
    assert 30500 in ports and 40000 in ports and 40001 not in ports
    assert str(ports) == "30000-32767,40000"
    assert ports.uncovered(PortRange(29000, 41000)) == [PortRange(29000, 29999), PortRange(32768, 39999), PortRange(40001, 41000)]
    assert ports.uncovered(PortRange(30000, 32767)) == []
    assert parse_port_set("") == PortSet()
    with pytest.raises(RangeError):
        parse_port_set("30000-x")


@pytest.mark.parametrize(
    "low, high, band", [(30000, 32767, (30000, 30085)), (30000, 30099, (30000, 30015)), (20000, 40000, (20000, 20127))]
)
def test_static_band_follows_kep_3668(low, high, band):
    assert static_band(low, high) == band


def _facts_with(*declarations):
    from portlint.facts import RunFacts
    from portlint.findings import Location

    facts = RunFacts()
    for kind, value, line in declarations:
        facts.declare(kind, f"object at line {line}", Location("m.yaml", line, 1, line, 2), value, None)
    return facts


def test_the_node_network_takes_flags_over_config_over_manifests_over_defaults(tmp_path):
    from portlint.config import Settings, load
    from portlint.network import resolve

    net = resolve(Settings(), _facts_with())
    assert (str(net.ephemeral), net.ephemeral_from.origin, str(net.node_ports), str(net.reserved)) == (
        "32768-60999",
        "default",
        "30000-32767",
        "none",
    )
    # in the manifests the widest ephemeral range wins: the worst case over the nodes
    facts = _facts_with(("ephemeral", "1024 65535", 3), ("ephemeral", "20000 40000", 9), ("node_ports", "20000-22767", 5))
    net = resolve(Settings(), facts)
    assert (str(net.ephemeral), net.ephemeral_from.location.line, str(net.node_ports)) == ("1024-65535", 3, "20000-22767")

    config = tmp_path / ".portlint.yaml"
    config.write_text("# ephemeralPortRange is the nodes' range\nrules: {}\nephemeralPortRange: '40000 50000'\n")
    settings = load(str(config))
    net = resolve(settings, facts)
    assert (str(net.ephemeral), net.ephemeral_from.origin) == ("40000-50000", "config")
    # located on its own line, not on the comment that mentions it
    assert (net.ephemeral_from.location.line, net.ephemeral_from.location.column) == (3, 1)

    settings.set_from_flag("ephemeral", "45000 46001")
    net = resolve(settings, facts)
    assert (str(net.ephemeral), net.ephemeral_from.origin, net.ephemeral_from.location) == ("45000-46001", "flag", None)
    assert net.where(net.ephemeral_from) == "--ephemeral-port-range 45000 46001"


def test_a_port_set_counts_its_ports_once():
    assert parse_port_set("30000,30001").size == 2
    assert parse_port_set("30000-32767").size == 2768
    assert parse_port_set("30000-31000,30500-32000,40000").size == 2002  # 30000-32000 and 40000
    assert parse_port_set("").size == 0


def test_several_declarations_are_all_candidates_in_written_order():
    """Each declared range is a node pool's: all are kept, sorted by where they are written
    (never by input order), and the single values are the worst case of each list."""
    from portlint.config import Settings
    from portlint.network import resolve

    declarations = [
        ("reserved", "30000-32767", 4),  # one range, 2768 ports
        ("reserved", "30000,30001", 12),  # two ranges, 2 ports: the smaller reservation
        ("ephemeral", "20000 65535", 20),
        ("ephemeral", "1024 65535", 8),
        ("node_ports", "30000-40000", 30),
        ("node_ports", "30000-32767", 2),
    ]
    for order in (declarations, declarations[::-1], declarations[2:] + declarations[:2]):
        net = resolve(Settings(), _facts_with(*order))
        assert [(str(r), d.location.line) for r, d in net.ephemerals] == [("1024-65535", 8), ("20000-65535", 20)]
        assert [(str(s), d.location.line) for s, d in net.reservations] == [("30000,30001", 12), ("30000-32767", 4)]
        assert [(str(r), d.location.line) for r, d in net.node_port_ranges] == [("30000-32767", 2), ("30000-40000", 30)]
        assert (str(net.ephemeral), str(net.reserved), str(net.node_ports)) == ("1024-65535", "30000,30001", "30000-32767")
        # a port is exposed when some range holds it and some reservation lacks it
        assert [str(s) for s, _ in net.reservations_lacking(31000)] == ["30000,30001"]
        assert net.reservations_lacking(30001) == []
        assert [str(r) for r, _ in net.ephemerals_holding(10000)] == ["1024-65535"]
        # a nodePort must lie in every declared NodePort range
        assert net.rejecting_range(35000)[1].location.line == 2
        assert net.rejecting_range(30000) is None
        gaps, reserved, decl = net.worst_reservation(PortRange(30000, 32767))
        assert (gaps, str(reserved), decl.location.line) == ([PortRange(30002, 32767)], "30000,30001", 12)


def test_settings_override_the_manifests_but_the_manifest_declarations_stay_declared():
    from portlint.config import Settings
    from portlint.network import resolve

    settings = Settings()
    settings.set_from_flag("node_ports", "30000-32767")
    net = resolve(settings, _facts_with(("node_ports", "31000-32767", 5)))
    assert [(str(r), d.origin) for r, d in net.node_port_ranges] == [("30000-32767", "flag")]
    assert [(str(r), d.origin) for r, d in net.declared["node_ports"]] == [("30000-32767", "flag"), ("31000-32767", "manifest")]


def test_a_one_port_range_is_not_reversed_and_a_set_from_port_1_counts_it():
    assert parse_range("30000-30000") == PortRange(30000, 30000)
    assert parse_port_set("1-3").size == 3


@pytest.mark.parametrize(
    "ports, gaps",
    [
        ("1-50,150-160,300-400", [PortRange(100, 149), PortRange(161, 200)]),  # ranges before and after are skipped
        ("1-100", [PortRange(101, 200)]),  # a range ending at the low end covers it
        ("200-300", [PortRange(100, 199)]),  # a range starting at the high end covers it
        ("100-199", [PortRange(200, 200)]),  # one port left at the high end
        ("100-199,200-300", []),
    ],
)
def test_uncovered_parts_at_the_edges_of_the_wanted_range(ports, gaps):
    assert parse_port_set(ports).uncovered(PortRange(100, 200)) == gaps


def test_the_worst_reservation_on_a_tie_is_the_first_candidate():
    from portlint.network import DEFAULT, Declaration, default_network

    first, second = parse_port_set("100-150"), parse_port_set("150-200")  # each leaves 50 of 100-200
    net = default_network()
    net.reservations = [(first, Declaration(DEFAULT, "first")), (second, Declaration(DEFAULT, "second"))]
    gaps, reserved, decl = net.worst_reservation(PortRange(100, 200))
    assert (gaps, reserved, decl.description) == ([PortRange(151, 200)], first, "first")


def test_a_range_counts_both_ends_and_ranges_touching_at_one_port_overlap_there():
    assert PortRange(30000, 30000).size == 1
    assert PortRange(100, 200).overlap(PortRange(200, 300)) == PortRange(200, 200)
    assert PortRange(100, 199).overlap(PortRange(200, 300)) is None

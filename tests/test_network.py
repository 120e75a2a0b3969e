"""Port ranges as the kernel and Kubernetes write them, and the node network of a run."""

from __future__ import annotations

import pytest

from portlint.network import PortRange, PortSet, RangeError, parse_port_set, parse_range
from portlint.rules.pl307_nodeport_outside_static_band import static_band


@pytest.mark.parametrize("text", ["32768 60999", "32768\t60999", "32768-60999", " 32768   60999 ", "32768 - 60999"])
def test_range_forms(text):
    assert parse_range(text) == PortRange(32768, 60999)


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

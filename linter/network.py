"""Port ranges, and the node network a run assumes.

The kernel writes ``net.ipv4.ip_local_port_range`` as "32768\\t60999"; Kubernetes writes
``--service-node-port-range`` as "30000-32767"; ``net.ipv4.ip_local_reserved_ports`` is a
comma list of ports and ranges. All three forms parse here, with one clear error each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .findings import Location

DEFAULT_EPHEMERAL = "32768-60999"  # Linux default net.ipv4.ip_local_port_range
DEFAULT_NODE_PORTS = "30000-32767"  # kube-apiserver default --service-node-port-range

_RANGE = re.compile(r"^\s*(\d+)\s*(?:-|\s)\s*(\d+)\s*$")
_PORT = re.compile(r"^\s*(\d+)\s*$")


class RangeError(ValueError):
    """A port range that cannot be read; the message says what is wrong."""


@dataclass(frozen=True, slots=True)
class PortRange:
    low: int
    high: int

    def __str__(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}-{self.high}"

    def __contains__(self, port: int) -> bool:
        return self.low <= port <= self.high

    @property
    def size(self) -> int:
        return self.high - self.low + 1

    def overlap(self, other: "PortRange") -> "PortRange | None":
        low, high = max(self.low, other.low), min(self.high, other.high)
        return PortRange(low, high) if low <= high else None


def parse_range(text: str, *, allow_single: bool = False) -> PortRange:
    """'32768 60999', '32768\\t60999' or '32768-60999' (a single port when allowed).
    Raises RangeError for malformed, reversed or out-of-range values."""
    raw = str(text)
    match = _RANGE.match(raw)
    if match is None and allow_single:
        single = _PORT.match(raw)
        if single:
            port = int(single.group(1))
            _check_port(port, raw)
            return PortRange(port, port)
    if match is None:
        raise RangeError(f'"{raw}" is not a port range: write "LOW HIGH" or "LOW-HIGH", e.g. "32768 60999"')
    low, high = int(match.group(1)), int(match.group(2))
    _check_port(low, raw)
    _check_port(high, raw)
    if low > high:
        raise RangeError(f'"{raw}" is reversed: the low end {low} is above the high end {high}')
    return PortRange(low, high)


def _check_port(port: int, raw: str) -> None:
    if not 1 <= port <= 65535:
        raise RangeError(f'"{raw}" has port {port} outside 1-65535')


@dataclass(frozen=True, slots=True)
class PortSet:
    """A set of ports written as a comma list of ports and ranges ("30000-32767,40000")."""

    ranges: tuple[PortRange, ...] = ()

    def __str__(self) -> str:
        return ",".join(str(r) for r in self.ranges) or "none"

    def __contains__(self, port: int) -> bool:
        return any(port in r for r in self.ranges)

    def __bool__(self) -> bool:
        return bool(self.ranges)

    def uncovered(self, wanted: PortRange) -> list[PortRange]:
        """The parts of ``wanted`` that this set does not contain."""
        gaps: list[PortRange] = []
        low = wanted.low
        for r in sorted(self.ranges, key=lambda r: r.low):
            if r.high < low or r.low > wanted.high:
                continue
            if r.low > low:
                gaps.append(PortRange(low, r.low - 1))
            low = max(low, r.high + 1)
            if low > wanted.high:
                break
        if low <= wanted.high:
            gaps.append(PortRange(low, wanted.high))
        return gaps


def parse_port_set(text: str) -> PortSet:
    """'30000-32767,40000' (spaces after commas allowed; empty means no ports)."""
    ranges = []
    for part in str(text).split(","):
        if not part.strip():
            continue
        try:
            ranges.append(parse_range(part, allow_single=True))
        except RangeError as exc:
            raise RangeError(f'"{text}" is not a list of ports and ranges like "30000-32767,40000": {exc}') from None
    return PortSet(tuple(ranges))


@dataclass(slots=True)
class Declaration:
    """Where a setting of the node network comes from: the defaults, the command line,
    the config file, or an object in the linted manifests (with its location)."""

    origin: str  # "default" | "flag" | "config" | "manifest"
    description: str  # e.g. 'DaemonSet "tune" writes net.ipv4.ip_local_port_range'
    location: Location | None = None


@dataclass(slots=True)
class NodeNetwork:
    """The ports of the nodes a run assumes, each with where it was declared."""

    ephemeral: PortRange
    ephemeral_from: Declaration
    node_ports: PortRange
    node_ports_from: Declaration
    reserved: PortSet = field(default_factory=PortSet)
    reserved_from: Declaration | None = None

    def where(self, decl: Declaration) -> str:
        """How messages cite a declaration: 'the Linux default', 'set by --ephemeral-port-range',
        'declared by init container "x" of DaemonSet "y" at path:line'."""
        if decl.origin == "default":
            return decl.description
        if decl.location is not None:
            return f"declared by {decl.description} at {decl.location.path}:{decl.location.line}"
        return f"set by {decl.description}"


def default_network() -> NodeNetwork:
    return NodeNetwork(
        parse_range(DEFAULT_EPHEMERAL),
        Declaration("default", "the Linux default"),
        parse_range(DEFAULT_NODE_PORTS),
        Declaration("default", "the kube-apiserver default"),
    )


def resolve(settings, facts) -> NodeNetwork:
    """The node network of a run. Precedence: flags > config file > declarations found in
    the linted manifests (``facts.declarations``) > defaults."""
    net = default_network()
    declared = facts.declarations
    for kind in ("ephemeral", "reserved", "node_ports"):
        for decl, raw, _obj in declared.get(kind, []):
            try:
                value = parse_port_set(raw) if kind == "reserved" else parse_range(raw)
            except RangeError:
                continue  # PL306 reports malformed values where they are written
            _apply(net, kind, value, decl)
    for attr, kind in (("ephemeral_port_range", "ephemeral"), ("reserved_ports", "reserved"), ("node_port_range", "node_ports")):
        value = getattr(settings, attr)
        if value is None:
            continue
        origin = settings.origins.get(attr, "config")
        if origin == "flag":
            decl = Declaration("flag", f"--{attr.replace('_', '-')} {value}")
        else:
            decl = Declaration(
                "config",
                f"{_CONFIG_KEYS[attr]} in the portlint config",
                _config_location(settings.config_path, _CONFIG_KEYS[attr]),
            )
        parsed = parse_port_set(value) if kind == "reserved" else parse_range(value)
        _set(net, kind, parsed, decl)
    return net


_CONFIG_KEYS = {
    "ephemeral_port_range": "ephemeralPortRange",
    "reserved_ports": "reservedPorts",
    "node_port_range": "nodePortRange",
}


def _apply(net: NodeNetwork, kind: str, value, decl: Declaration) -> None:
    """A manifest declaration: the widest ephemeral range wins (the worst case across nodes)."""
    if kind == "ephemeral":
        current = net.ephemeral if net.ephemeral_from.origin == "manifest" else None
        if current is None or value.size > current.size:
            _set(net, kind, value, decl)
    elif kind == "reserved":
        if net.reserved_from is None or len(value.ranges) < len(net.reserved.ranges):
            _set(net, kind, value, decl)
    else:
        _set(net, kind, value, decl)


def _set(net: NodeNetwork, kind: str, value, decl: Declaration) -> None:
    if kind == "ephemeral":
        net.ephemeral, net.ephemeral_from = value, decl
    elif kind == "reserved":
        net.reserved, net.reserved_from = value, decl
    else:
        net.node_ports, net.node_ports_from = value, decl


def _config_location(path: str | None, key: str) -> Location | None:
    """Where ``key`` is written in the config file (its first line when not found)."""
    if path is None:
        return None
    from .sources import display_path

    line, column, width = 1, 1, 1
    try:
        with open(path, encoding="utf-8-sig") as handle:
            for number, text in enumerate(handle, 1):
                at = text.find(key)
                if at >= 0 and not text.lstrip().startswith("#"):
                    line, column, width = number, at + 1, len(text.rstrip()) - at
                    break
    except OSError:
        pass
    return Location(display_path(path), line, column, line, column + max(width, 1))

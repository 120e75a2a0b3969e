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


# Where a setting of the node network comes from, from weakest to strongest.
DEFAULT, MANIFEST, CONFIG, FLAG = "default", "manifest", "config", "flag"


@dataclass(slots=True)
class Declaration:
    """One statement of a node-network setting: its value as written, where it comes from
    (the defaults, an object of the linted manifests, the config file, a flag), a phrase
    that names it in messages, and its location (None for defaults and flags)."""

    origin: str  # DEFAULT | MANIFEST | CONFIG | FLAG
    description: str  # e.g. 'init container "tune" of DaemonSet "t"', 'ephemeralPortRange in the portlint config'
    location: Location | None = None
    value: str = ""
    obj: object = None  # the facts.ObjectRef of a manifest declaration (for fingerprints, suppression)

    @property
    def from_settings(self) -> bool:
        """Given to portlint (config file or flag) rather than found in the manifests."""
        return self.origin in (CONFIG, FLAG)


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
        if decl.origin == DEFAULT:
            return decl.description
        if decl.location is not None:
            return f"declared by {decl.description} at {decl.location.path}:{decl.location.line}"
        return f"set by {decl.description}"


def default_network() -> NodeNetwork:
    return NodeNetwork(
        parse_range(DEFAULT_EPHEMERAL),
        Declaration(DEFAULT, "the Linux default"),
        parse_range(DEFAULT_NODE_PORTS),
        Declaration(DEFAULT, "the kube-apiserver default"),
    )


# the three node-network settings: facts/config key -> parser
KINDS = {"ephemeral": parse_range, "reserved": parse_port_set, "node_ports": parse_range}


def resolve(settings, facts) -> NodeNetwork:
    """The node network of a run. Precedence: flags > config file > declarations found in
    the linted manifests (``facts.declarations``) > defaults."""
    net = default_network()
    for kind, parse in KINDS.items():
        for decl in facts.declarations.get(kind, []):
            try:
                value = parse(decl.value)
            except RangeError:
                continue  # PL306 reports malformed values where they are written
            _apply(net, kind, value, decl)
    for kind, decl in settings.declared.items():  # checked when the settings were read
        _set(net, kind, KINDS[kind](decl.value), decl)
    return net


def _apply(net: NodeNetwork, kind: str, value, decl: Declaration) -> None:
    """A manifest declaration: the widest ephemeral range wins (the worst case across nodes)."""
    if kind == "ephemeral":
        current = net.ephemeral if net.ephemeral_from.origin == MANIFEST else None
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

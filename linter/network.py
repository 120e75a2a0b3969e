"""Port ranges, and the node network a run assumes.

The kernel writes ``net.ipv4.ip_local_port_range`` as "32768\\t60999"; Kubernetes writes
``--service-node-port-range`` as "30000-32767"; ``net.ipv4.ip_local_reserved_ports`` is a
comma list of ports and ranges. All three forms parse here, with one clear error each.
"""

from __future__ import annotations

import re

from .findings import Location
from .numbers import parse_int
from .records import field, frozen, mutable

DEFAULT_EPHEMERAL = "32768-60999"  # Linux default net.ipv4.ip_local_port_range
DEFAULT_NODE_PORTS = "30000-32767"  # kube-apiserver default --service-node-port-range

_RANGE = re.compile(r"^\s*([0-9]+)\s*(?:-|\s)\s*([0-9]+)\s*$")
_PORT = re.compile(r"^\s*([0-9]+)\s*$")


class RangeError(ValueError):
    """A port range that cannot be read; the message says what is wrong."""


@frozen
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
            port = _port(single.group(1), raw)
            return PortRange(port, port)
    if match is None:
        raise RangeError(f'"{raw}" is not a port range: write "LOW HIGH" or "LOW-HIGH", e.g. "32768 60999"')
    low, high = _port(match.group(1), raw), _port(match.group(2), raw)
    if low > high:
        raise RangeError(f'"{raw}" is reversed: the low end {low} is above the high end {high}')
    return PortRange(low, high)


def _port(digits: str, raw: str) -> int:
    port = parse_int(digits)
    if port is None or not 1 <= port <= 65535:
        raise RangeError(f'"{raw}" has port {digits} outside 1-65535')
    return port


@frozen
class PortSet:
    """A set of ports written as a comma list of ports and ranges ("30000-32767,40000")."""

    ranges: tuple[PortRange, ...] = ()

    def __str__(self) -> str:
        return ",".join(str(r) for r in self.ranges) or "none"

    def __contains__(self, port: int) -> bool:
        return any(port in r for r in self.ranges)

    def __bool__(self) -> bool:
        return bool(self.ranges)

    @property
    def size(self) -> int:
        """How many ports the set holds (overlapping parts counted once)."""
        count, high = 0, 0
        for r in sorted(self.ranges, key=lambda r: r.low):
            if r.high > high:
                count += r.high - max(r.low, high + 1) + 1
                high = r.high
        return count

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


@mutable
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


@mutable
class NodeNetwork:
    """The ports of the nodes a run assumes, each with where it was declared.

    One source gives each setting (flags > config file > the manifests > defaults), but the
    manifests may hold several declarations of it, one per node pool or cluster (two
    kube-apiserver manifests, a kops Cluster and an InstanceGroup, DaemonSets that reserve
    different ports). portlint does not know which nodes each one reaches, so every
    declaration is a candidate and the rules take the worst case over all of them, as if any
    ephemeral range, any reservation and any NodePort range could meet on one node:

    - ``ephemerals``: each declared ephemeral range is checked on its own (not their union:
      each is one pool's range, and each finding cites the declaration it comes from);
    - ``reservations``: a port is unreserved when some declared reservation lacks it;
    - ``node_port_ranges``: a nodePort is rejected when some declared range lacks it.

    Every list is sorted by where the declaration is written, never by input order, so the
    result does not depend on the order of the files. The single fields are the worst case
    of each list (the widest ephemeral range, the narrowest NodePort range, the reservation
    of the fewest ports), for rules that need one value. ``declared`` holds every valid
    declaration of each kind, those of the manifests included when a flag or the config
    overrides them (PL304 and PL308 report on declarations, not on the resolved value)."""

    ephemeral: PortRange
    ephemeral_from: Declaration
    node_ports: PortRange
    node_ports_from: Declaration
    reserved: PortSet = field(default_factory=PortSet)
    reserved_from: Declaration | None = None
    ephemerals: list[tuple[PortRange, Declaration]] = field(default_factory=list)
    node_port_ranges: list[tuple[PortRange, Declaration]] = field(default_factory=list)
    reservations: list[tuple[PortSet, Declaration | None]] = field(default_factory=list)
    declared: dict[str, list[tuple[object, Declaration]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.ephemerals = self.ephemerals or [(self.ephemeral, self.ephemeral_from)]
        self.node_port_ranges = self.node_port_ranges or [(self.node_ports, self.node_ports_from)]
        self.reservations = self.reservations or [(self.reserved, self.reserved_from)]

    def where(self, decl: Declaration) -> str:
        """How messages cite a declaration, briefly: 'path:line' where it has a place, else
        'the Linux default' or the flag ('--ephemeral-port-range 1024 65535'); who declares it
        is in the related location's label."""
        if decl.location is not None:
            return f"{decl.location.path}:{decl.location.line}"
        return decl.description

    def ephemerals_holding(self, port: int) -> list[tuple[PortRange, Declaration]]:
        """The candidate ephemeral ranges that contain ``port``, widest first."""
        return [(r, d) for r, d in self.ephemerals if port in r]

    def reservations_lacking(self, port: int) -> list[tuple[PortSet, Declaration | None]]:
        """The candidate reservations that do not contain ``port``, fewest ports first."""
        return [(s, d) for s, d in self.reservations if port not in s]

    def rejecting_range(self, port: int) -> tuple[PortRange, Declaration] | None:
        """The first candidate NodePort range (narrowest first) that does not contain ``port``."""
        for r, d in self.node_port_ranges:
            if port not in r:
                return r, d
        return None

    def worst_reservation(self, ports: PortRange) -> tuple[list[PortRange], PortSet, Declaration | None]:
        """The candidate reservation that leaves the most of ``ports`` unreserved, with the
        unreserved parts (ties: the reservation of fewest ports, then the first written)."""
        best = None
        for reserved, decl in self.reservations:
            gaps = reserved.uncovered(ports)
            count = sum(g.size for g in gaps)
            if best is None or count > best[0]:
                best = (count, gaps, reserved, decl)
        return best[1], best[2], best[3]


def default_network(defaults: dict[str, Declaration] | None = None) -> NodeNetwork:
    """The node network nothing declares: Linux's and kube-apiserver's defaults, or those a
    provider profile gives instead (``defaults``: kind -> a DEFAULT declaration naming it)."""
    defaults = defaults or {}
    ephemeral = defaults.get("ephemeral") or Declaration(DEFAULT, "the Linux default", None, DEFAULT_EPHEMERAL)
    node_ports = defaults.get("node_ports") or Declaration(DEFAULT, "the kube-apiserver default", None, DEFAULT_NODE_PORTS)
    reserved = defaults.get("reserved")
    return NodeNetwork(
        parse_range(ephemeral.value),
        ephemeral,
        parse_range(node_ports.value),
        node_ports,
        parse_port_set(reserved.value) if reserved else PortSet(),
        reserved,
    )


# the three node-network settings: facts/config key -> parser
KINDS = {"ephemeral": parse_range, "reserved": parse_port_set, "node_ports": parse_range}

_STRONGEST_FIRST = (FLAG, CONFIG, MANIFEST, DEFAULT)


def written_order(decl: Declaration) -> tuple:
    """A declaration's place, independent of the order of the inputs: settings first (flag,
    then config), then by file, line and column."""
    loc = decl.location
    where = (loc.path, loc.line, loc.column) if loc is not None else ("", 0, 0)
    return (_STRONGEST_FIRST.index(decl.origin), *where, decl.description, decl.value)


def resolve(settings, facts) -> NodeNetwork:
    """The node network of a run. Precedence: flags > config file > declarations found in
    the linted manifests (``facts.declarations``, every one a candidate) > defaults (the
    provider profile's where it gives them)."""
    from . import profiles  # here: profiles builds on this module's Declaration

    base = default_network(profiles.defaults(settings.profile))
    declared: dict[str, list[tuple[object, Declaration]]] = {}
    for kind, parse in KINDS.items():
        found = []
        for decl in facts.declarations.get(kind, []):
            try:
                found.append((parse(decl.value), decl))
            except RangeError:
                continue  # PL306 reports malformed values where they are written
        setting = settings.declared.get(kind)  # checked when the settings were read
        if setting is not None:
            found.append((parse(setting.value), setting))
        declared[kind] = sorted(found, key=lambda pair: written_order(pair[1]))

    def candidates(kind, default):
        items = declared[kind]
        if items and items[0][1].from_settings:
            return [items[0]]  # a flag or the config overrides the manifests
        return list(items) or default

    ephemerals = sorted(candidates("ephemeral", base.ephemerals), key=lambda p: -p[0].size)  # stable: widest first
    node_port_ranges = sorted(candidates("node_ports", base.node_port_ranges), key=lambda p: p[0].size)
    reservations = sorted(candidates("reserved", base.reservations), key=lambda p: p[0].size)
    return NodeNetwork(
        *ephemerals[0],
        *node_port_ranges[0],
        *reservations[0],
        ephemerals=ephemerals,
        node_port_ranges=node_port_ranges,
        reservations=reservations,
        declared=declared,
    )

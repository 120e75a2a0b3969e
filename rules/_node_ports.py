"""Shared helpers of the port rules (PL3xx): what the API server does with each explicit
nodePort, and how to cite where a range was declared.

Every explicit nodePort/healthCheckNodePort gets exactly one admission verdict: IGNORED
(0, or a Service type without node ports where the API server drops it silently), REJECTED
(PL302 reports it, with the reason), or OPEN (the node really opens it: PL301, PL303 and
PL307 look only at these). So a port the API server refuses is never also reported as a
conflict or as being in the ephemeral range: one root cause, one finding.
"""

from __future__ import annotations

from typing import Iterator

from ..facts import PortUse
from ..findings import Location
from ..network import FLAG, Declaration, NodeNetwork
from ..store import RecordLog

EXPOSING_TYPES = ("NodePort", "LoadBalancer")

IGNORED, OPEN, REJECTED = "ignored", "open", "rejected"
# why the API server rejects a port (PL302 words each one)
HEALTH_CHECK_TYPE, NO_NODE_PORTS_TYPE, NOT_INTEGER, NOT_A_PORT, OUTSIDE_RANGE = (
    "health-check-type",
    "no-node-ports-type",
    "not-integer",
    "not-a-port",
    "outside-range",
)


def admission(use: PortUse, net: NodeNetwork) -> tuple[str, str | None]:
    """(IGNORED | OPEN | REJECTED, the reason when rejected), in the order the API server's
    validation reports them."""
    if use.field == "healthCheckNodePort" and use.port != 0:
        if use.service_type != "LoadBalancer" or use.traffic_policy != "Local":
            return REJECTED, HEALTH_CHECK_TYPE
    elif use.field == "nodePort" and use.port != 0 and use.service_type in ("ClusterIP", "ExternalName"):
        return REJECTED, NO_NODE_PORTS_TYPE
    if use.port is None:
        return REJECTED, NOT_INTEGER
    if use.port == 0 or use.service_type not in EXPOSING_TYPES:
        return IGNORED, None
    if not 1 <= use.port <= 65535:
        return REJECTED, NOT_A_PORT
    if net.rejecting_range(use.port) is not None:  # outside some declared NodePort range
        return REJECTED, OUTSIDE_RANGE
    return OPEN, None


def is_open(use: PortUse, net: NodeNetwork) -> bool:
    return admission(use, net)[0] == OPEN


def in_file_order(facts: RecordLog) -> Iterator:
    """``facts`` by file and position, not input order: which of two facts a rule reports
    must not depend on the order the files were given in."""
    return facts.in_order()


def related(decl: Declaration, label: str) -> list[Location]:
    return [decl.location.at(label)] if decl.location is not None else []


def node_port_text(net: NodeNetwork, port: int | None = None) -> str:
    """The NodePort range with its origin: the one that rejects ``port`` when given."""
    rng, decl = (net.rejecting_range(port) if port is not None else None) or (net.node_ports, net.node_ports_from)
    return f"{rng.low}-{rng.high} ({net.where(decl)})"


def reservation_text(net: NodeNetwork, reserved, decl: Declaration) -> str:
    """'--reserved-ports 30000,30001' for a flag, else 'the reserved ports 30000,30001 (declared by ...)'."""
    if decl.origin == FLAG:
        return decl.description
    return f"the reserved ports {reserved} ({net.where(decl)})"


def exposure(port: int, net: NodeNetwork):
    """(the candidate ephemeral ranges holding ``port``, the candidate reservations lacking it):
    the port can be taken by an outbound connection on some node when both are non-empty."""
    holding = net.ephemerals_holding(port)
    return holding, net.reservations_lacking(port) if holding else []


def exposure_text(port: int, net: NodeNetwork, holding, lacking) -> tuple[str, str, list[Location]]:
    """(the ephemeral range holding ``port`` with its origin, a clause naming the declared
    reservation that lacks it or "", the related locations of every declaration involved)."""
    rng, decl = holding[0]
    declared_lacking = [(s, d) for s, d in lacking if d is not None]
    note = ""
    if declared_lacking:
        reserved, by = declared_lacking[0]
        text = reservation_text(net, reserved, by)
        note = f", not in {text}"
    locations = [loc for _, d in holding for loc in related(d, "The ephemeral port range is declared here")]
    locations += [loc for _, d in declared_lacking for loc in related(d, "The reserved ports are declared here")]
    return f"{rng.low}-{rng.high} ({net.where(decl)})", note, locations

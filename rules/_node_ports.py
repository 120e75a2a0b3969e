"""Shared helpers of the port rules (PL3xx): what the API server does with each explicit
nodePort, and how to cite where a range was declared.

Every explicit nodePort/healthCheckNodePort gets exactly one admission verdict: IGNORED
(0, or a Service type without node ports where the API server drops it silently), REJECTED
(PL302 reports it, with the reason), or OPEN (the node really opens it: PL301, PL303 and
PL307 look only at these). So a port the API server refuses is never also reported as a
conflict or as being in the ephemeral range: one root cause, one finding.
"""

from __future__ import annotations

from ..facts import PortUse
from ..findings import Location
from ..network import Declaration, NodeNetwork

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
    if use.port not in net.node_ports:
        return REJECTED, OUTSIDE_RANGE
    return OPEN, None


def is_open(use: PortUse, net: NodeNetwork) -> bool:
    return admission(use, net)[0] == OPEN


def related(decl: Declaration, label: str) -> list[Location]:
    return [decl.location.at(label)] if decl.location is not None else []


def ephemeral_text(net: NodeNetwork) -> str:
    return f"{net.ephemeral.low}-{net.ephemeral.high} ({net.where(net.ephemeral_from)})"


def node_port_text(net: NodeNetwork) -> str:
    return f"{net.node_ports.low}-{net.node_ports.high} ({net.where(net.node_ports_from)})"


RESERVE_HINT = (
    "reserve the NodePort range on the nodes with net.ipv4.ip_local_reserved_ports "
    '(e.g. "30000-32767"), narrow net.ipv4.ip_local_port_range, or pick a port outside it'
)

"""Shared helpers of the port rules (PL3xx): which nodePorts count, and how to cite
where a range was declared."""

from __future__ import annotations

from .facts import PortUse
from .findings import Location
from .network import Declaration, NodeNetwork

EXPOSING_TYPES = ("NodePort", "LoadBalancer")


def exposed(use: PortUse) -> bool:
    """An explicit, integer, non-zero port of a Service type that opens node ports."""
    if use.port is None or use.port == 0:
        return False
    if use.field == "healthCheckNodePort":
        return use.service_type == "LoadBalancer" and use.traffic_policy == "Local"
    return use.service_type in EXPOSING_TYPES


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

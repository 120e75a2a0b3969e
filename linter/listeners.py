"""Ports a container listens on without declaring them: its probes' ports and its flags.

In a hostNetwork pod these are the node's ports, yet neither the API server nor the
scheduler knows them (a probe or a flag is not a ``containerPort``). portlint reads:

- probes (``startupProbe``, ``livenessProbe``, ``readinessProbe``): ``httpGet``, ``tcpSocket``
  and ``grpc`` ports given as a number, or as a name resolved through the container's own
  ``ports``; a probe with its own ``host`` checks another machine and is skipped;
- flags in ``command`` and ``args``, as ``--flag=VALUE`` or ``--flag VALUE``:
  ``--port``/``--*-port`` with a number, and ``--*listen*``/``--*addr*`` (``--bind-address``,
  ``--metrics-bind-address``, ``--web.listen-address``, ``--listen-client-urls``) with
  ``[HOST]:PORT`` or URLs ``scheme://HOST:PORT`` (comma lists too). A flag naming another
  program's endpoint (``--kubelet-port``, ``--upstream``, ``--advertise-address``,
  ``--target-port``, ...) is not a listener; nor is a value with a ``$(VAR)`` port.
"""

from __future__ import annotations

import re

from .k8s import Container, string_list
from .numbers import parse_int
from .records import frozen
from .tree import Mapping, Node, as_int, as_str, dig, sequence_items

PROBES = ("startupProbe", "livenessProbe", "readinessProbe")
PROBE_HANDLERS = ("httpGet", "tcpSocket", "grpc")
LOOPBACK = ("127.0.0.1", "localhost", "::1")  # a probe's host that is the pod itself
# words of a flag name that make it another program's endpoint, not this one's listener
REMOTE_WORDS = frozenset(
    "advertise api apiserver backend cluster dest destination endpoint external kubelet master node nodeport peer proxy "
    "public remote server service target upstream".split()
)
_WORDS = re.compile(r"[-._]")
_HOST_PORT = r"(?i)^(?:[a-z][a-z0-9+.-]*://)?(\[[^\]]*\]|[^/:\[\]]*):([0-9]+)(?:/.*)?$"  # compiled at first use (start-up)


@frozen
class Listener:
    """A port one container listens on, read from ``node`` (``source``: "probe" | "flag");
    ``detail`` names it in messages ('readinessProbe', '--metrics-port=8080')."""

    port: int
    host: str  # "" for every address
    source: str
    detail: str
    node: Node
    path: str


def listeners(container: Container) -> list[Listener]:
    """The probe and flag listeners of one container, in that order."""
    return _probe_listeners(container) + _flag_listeners(container)


def _probe_listeners(container: Container) -> list[Listener]:
    found = []
    for probe in PROBES:
        spec = container.node.get(probe)
        if type(spec) is not Mapping:
            continue
        for handler in PROBE_HANDLERS:
            action = spec.get(handler)
            node = dig(action, "port")
            host = as_str(dig(action, "host")) or ""
            if node is None or (host and host.lower() not in LOOPBACK):
                continue
            port = as_int(node)
            if port is None:
                port = _named_port(container, as_str(node))
            if port is not None and 0 < port < 65536:
                path = f"{container.path}.{probe}.{handler}.port"
                found.append(Listener(port, LOOPBACK[0] if host else "", "probe", probe, node, path))
    return found


def _named_port(container: Container, name: str | None) -> int | None:
    """The containerPort of the container's port called ``name`` (names are unique in a container)."""
    if name is not None:
        for port in sequence_items(container.node.get("ports")):
            if as_str(dig(port, "name")) == name:
                return as_int(dig(port, "containerPort"))
    return None


def _flag_listeners(container: Container) -> list[Listener]:
    argv = (string_list(container.node.get("command")) or []) + (string_list(container.node.get("args")) or [])
    found = []
    for i, word in enumerate(argv):
        text = word.value.strip()
        if not text.startswith("--"):
            continue
        name, eq, value = text.partition("=")
        node = word
        if not eq:
            if i + 1 >= len(argv) or argv[i + 1].value.startswith("-"):
                continue
            node = argv[i + 1]
            value = node.value.strip()
        for host, port in flag_ports(name[2:], value):
            found.append(
                Listener(port, host, "flag", f"{name}={value}" if eq else f"{name} {value}", node, f"{container.path}.argv[{i}]")
            )
    return found


def flag_ports(name: str, value: str) -> list[tuple[str, int]]:
    """The (host, port) pairs a flag ``--NAME=VALUE`` makes its program listen on; [] when the
    flag is not a listener's or the value names no port."""
    words = _WORDS.split(name.lower())
    listen = any(w.startswith("listen") for w in words)
    if not listen and REMOTE_WORDS.intersection(words):
        return []
    if words[-1] == "port":
        port = parse_int(value)
        return [("", port)] if port is not None and 0 < port < 65536 else []
    if not (listen or any(w.startswith("addr") for w in words)):
        return []
    found = []
    for part in value.split(","):
        match = re.match(_HOST_PORT, part.strip())
        if match is None:
            continue
        port = parse_int(match.group(2))
        if port is not None and 0 < port < 65536:
            found.append((match.group(1).strip("[]").lower(), port))
    return found

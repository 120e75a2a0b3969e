"""Facts about Linux sysctls as Kubernetes sees them.

Namespaced sysctls live in the pod's own network or IPC namespace; writing them from a
pod that shares the node's namespace (hostNetwork/hostIPC) changes the node. Node-wide
sysctls change the node from any privileged container.
References: https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/ and
https://kubernetes.io/docs/concepts/security/pod-security-standards/ (Baseline, Sysctls).
"""

from __future__ import annotations

import re

from .numbers import parse_int

# Network sysctls that are not per network namespace (conntrack table size is global).
_NODE_WIDE_NET = frozenset({"net.netfilter.nf_conntrack_max", "net.netfilter.nf_conntrack_expect_max"})
_IPC_PREFIXES = ("kernel.shm", "kernel.msg", "fs.mqueue.")
_IPC_EXACT = frozenset({"kernel.sem"})

# The safe set (kubelet defaults, Pod Security baseline): names safe in every version, and
# names by the Kubernetes minor version that added them.
SAFE_SYSCTLS = frozenset({
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
})  # fmt: skip
SAFE_SYSCTLS_SINCE: dict[str, tuple[int, int]] = {
    "net.ipv4.ip_local_reserved_ports": (1, 27),
    "net.ipv4.tcp_keepalive_time": (1, 29),
    "net.ipv4.tcp_fin_timeout": (1, 29),
    "net.ipv4.tcp_keepalive_intvl": (1, 29),
    "net.ipv4.tcp_keepalive_probes": (1, 29),
    "net.ipv4.tcp_rmem": (1, 32),
    "net.ipv4.tcp_wmem": (1, 32),
    "net.ipv4.tcp_slow_start_after_idle": (1, 37),
    "net.ipv4.tcp_notsent_lowat": (1, 37),
}
NEWEST_KNOWN = max(SAFE_SYSCTLS_SINCE.values())

EPHEMERAL_RANGE = "net.ipv4.ip_local_port_range"
RESERVED_PORTS = "net.ipv4.ip_local_reserved_ports"


def normalize(name: str) -> str:
    """'net/ipv4/ip_local_port_range' and 'net.ipv4.ip_local_port_range' are the same key.
    (The kernel's sysctl(8) swaps '.' and '/' when the first separator is a slash.)"""
    name = name.strip()
    if "/" in name:
        name = name.strip("/")
        if name.startswith("proc/sys/"):
            name = name[len("proc/sys/") :]
        return name.replace("/", ".")
    return name


def namespace_of(name: str) -> str | None:
    """'net' or 'ipc' for namespaced sysctls, None for node-wide ones."""
    key = normalize(name)
    if key.startswith("net.") and key not in _NODE_WIDE_NET:
        return "net"
    if key in _IPC_EXACT or key.startswith(_IPC_PREFIXES):
        return "ipc"
    return None


_VERSION = r"v?1\.([0-9]+)(?:\.[0-9]+)?"  # compiled at first use: a run that names a version (start-up)


def parse_version(text: str | None) -> tuple[int, int]:
    """'1.31', 'v1.31' or '1.31.2' -> (1, 31); None -> the newest version known.
    Raises ValueError for anything else."""
    if not text:
        return NEWEST_KNOWN
    match = re.fullmatch(_VERSION, text)
    minor = parse_int(match.group(1)) if match else None
    if minor is None:
        raise ValueError(f"'{text}' is not a Kubernetes version like 1.31")
    return 1, minor


def is_safe(name: str, version: tuple[int, int]) -> bool:
    key = normalize(name)
    since = SAFE_SYSCTLS_SINCE.get(key)
    return key in SAFE_SYSCTLS or (since is not None and since <= version)

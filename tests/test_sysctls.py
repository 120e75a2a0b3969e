"""The safe sysctl set by Kubernetes version, as the Kubernetes documentation lists it.

Sources: https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/ (the safe set) and
https://kubernetes.io/docs/reference/node/kernel-version-requirements/ ("net.ipv4.ip_local_reserved_ports
(since Kubernetes 1.27)", "net.ipv4.tcp_keepalive_time (since Kubernetes 1.29)", ..., "net.ipv4.tcp_rmem
(since Kubernetes 1.32)").
"""

from __future__ import annotations

import pytest

from portlint.sysctls import is_safe, parse_version

ALWAYS_SAFE = [
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
]
SAFE_SINCE = [
    ("net.ipv4.ip_local_reserved_ports", 27),
    ("net.ipv4.tcp_keepalive_time", 29),
    ("net.ipv4.tcp_fin_timeout", 29),
    ("net.ipv4.tcp_keepalive_intvl", 29),
    ("net.ipv4.tcp_keepalive_probes", 29),
    ("net.ipv4.tcp_rmem", 32),
    ("net.ipv4.tcp_wmem", 32),
    ("net.ipv4.tcp_slow_start_after_idle", 37),
    ("net.ipv4.tcp_notsent_lowat", 37),
]


@pytest.mark.parametrize("name", ALWAYS_SAFE)
def test_the_original_safe_set_is_safe_in_every_version(name):
    assert is_safe(name, (1, 0)) and is_safe(name, (1, 20)) and is_safe(name, parse_version(None))
    assert is_safe(name.replace(".", "/"), (1, 0))  # the /proc/sys spelling is the same key


@pytest.mark.parametrize("name, minor", SAFE_SINCE)
def test_later_additions_are_safe_from_their_version_on(name, minor):
    assert not is_safe(name, (1, minor - 1))
    assert is_safe(name, (1, minor))
    assert is_safe(name, (1, minor + 1))
    assert is_safe(name, parse_version(None))  # no --kubernetes-version: the newest version known


@pytest.mark.parametrize("name", ["net.core.somaxconn", "vm.max_map_count", "kernel.msgmax", "net.ipv4.ip_forward"])
def test_other_sysctls_are_not_safe(name):
    assert not is_safe(name, parse_version(None))


@pytest.mark.parametrize("text, version", [("1.31", (1, 31)), ("v1.28", (1, 28)), ("1.29.3", (1, 29)), (None, (1, 37)), ("", (1, 37))])
def test_kubernetes_versions(text, version):
    assert parse_version(text) == version


@pytest.mark.parametrize(
    "name, namespace",
    [
        ("net.core.somaxconn", "net"),
        ("net/ipv4/ip_local_port_range", "net"),
        ("net.netfilter.nf_conntrack_max", None),  # one conntrack table per node
        ("kernel.sem", "ipc"),
        ("kernel.shmmax", "ipc"),
        ("kernel.msgmnb", "ipc"),
        ("fs.mqueue.msg_max", "ipc"),
        ("kernel.semaphore", None),  # only kernel.sem itself, not every name that starts with it
        ("kernel.pid_max", None),
        ("vm.max_map_count", None),
        ("fs.file-max", None),
    ],
)
def test_namespace_of_a_sysctl(name, namespace):
    from portlint.sysctls import namespace_of

    assert namespace_of(name) == namespace

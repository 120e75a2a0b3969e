"""Which rule owns a sysctl write or a pod sysctl: one table each, read in one place.

Every sysctl write a container makes gets at most one finding, and the tables below say
which: a node-wide key is PL103's whatever the guard; a namespaced key with a guard that
does not protect is PL102's; with no guard it is PL201's when the pod shares that
namespace with the node, else PL101's; a valid guard makes it nobody's. The rules filter on
``write_owner(cw) == ID``; tests/test_owners.py checks the table as a property.
"""

from __future__ import annotations

from typing import Callable

from ..findings import Finding, Location, report
from ..podsysctls import PodSysctl, rejected_for_host_namespace
from ..sysctls import is_safe
from ..writes import ContainerWrite

NODE_WIDE, SHARED, OWN = "node-wide", "shared with the node", "the pod's own"

# (where the write lands, guard state) -> the rule that reports it; None: safe
WRITE_OWNERS: dict[tuple[str, str], str | None] = {
    (NODE_WIDE, "none"): "PL103",
    (NODE_WIDE, "broken"): "PL103",
    (NODE_WIDE, "guarded"): "PL103",  # the guard cannot help: there is no pod namespace
    (SHARED, "none"): "PL201",
    (SHARED, "broken"): "PL102",
    (SHARED, "guarded"): None,
    (OWN, "none"): "PL101",
    (OWN, "broken"): "PL102",
    (OWN, "guarded"): None,
}


def landing(cw: ContainerWrite) -> str:
    """Which kernel the write changes, before any guard. ``linter.writes`` decides the two
    inputs once: the key's namespace (none for a node-wide key or a file written into the
    node's sysctl.d) and whether the pod shares it with the node (hostNetwork/hostIPC, or
    an nsenter into PID 1's namespace that is the node's: hostPID, a host /proc mount)."""
    if cw.namespace is None:
        return NODE_WIDE
    return SHARED if cw.shares_node else OWN


def write_owner(cw: ContainerWrite) -> str | None:
    return WRITE_OWNERS[landing(cw), cw.guard_state]


ALSO_WRITES = "It also writes "  # the label of each other write a finding groups


def one_per_cause(
    rule_id: str,
    cws: list[ContainerWrite],
    message: Callable[[ContainerWrite, str, int], str],
    related: Callable[[ContainerWrite], list[Location]],
) -> list[Finding]:
    """The findings of ``rule_id`` among ``cws``, one per cause: the writes of one container
    (in one file) that the rule words alike but for the sysctl, with the same related places,
    are one mistake (a script without a guard, one broken guard), so they are one finding at
    the first write with the others as related locations, not N near-identical lines.
    ``message(cw, what, count)`` words a finding about ``count`` writes, ``what`` naming them.
    A list, not a generator: most objects write no sysctl, and the engine skips an empty
    list without iterating it."""
    if not cws:
        return []
    groups: dict[tuple, list[ContainerWrite]] = {}
    for cw in cws:
        if write_owner(cw) == rule_id:
            key = (cw.obj.ident, cw.file, message(cw, "", 1), tuple(related(cw)))
            groups.setdefault(key, []).append(cw)
    return [_grouped(rule_id, first, others, message, related) for first, *others in groups.values()]


def _grouped(rule_id: str, first: ContainerWrite, others: list[ContainerWrite], message, related) -> Finding:
    """One finding at ``first``, with each of ``others`` as a related location."""
    what = first.what + (f" and {len(others)} more sysctl{'s' if len(others) > 1 else ''}" if others else "")
    also = [o.location.at(f"{ALSO_WRITES}{o.what} here") for o in others]
    return report(rule_id, first.obj, first.location, message(first, what, 1 + len(others)), first.path, related(first) + also)


def pod_sysctl_owner(sysctl: PodSysctl, version: tuple[int, int]) -> str | None:
    """PL202 when the pod is rejected for sharing the sysctl's namespace with the node (one
    root cause, one finding), else PL203 when the sysctl is outside the safe set."""
    if rejected_for_host_namespace(sysctl):
        return "PL202"
    return None if is_safe(sysctl.name, version) else "PL203"


def nsenter_reason(cw: ContainerWrite) -> str:
    """Why the PID 1 an nsenter enters is the node's, for a write that reaches the node so."""
    by = cw.nsenter.by if cw.nsenter is not None else None
    if by == "hostPID":
        return "the pod has hostPID"
    return f"{by.path} is the node's /proc, a hostPath volume of {by.host.rstrip('/') or '/'}"


def nsenter_related(cw: ContainerWrite) -> list:
    """Where the pod gets the node's PID 1: the hostPID key or the hostPath volume."""
    by = cw.nsenter.by if cw.nsenter is not None else None
    if by == "hostPID":
        return cw.container.flag_location("hostPID")
    return [by.location.at(f"hostPath {by.host} is mounted at {by.path}")] if by is not None else []


def nsenter_note(cw: ContainerWrite) -> str:
    """For a write behind an nsenter aimed at PID 1 that cannot reach the node: say so, since
    the reader sees the nsenter and expects PL201."""
    entry = cw.nsenter
    if entry is None or entry.by is not None:
        return ""
    return f" ({entry.words} enters the container's own {cw.namespace_name} namespace: no hostPID or host /proc)"


def evidence(cw: ContainerWrite) -> str:
    """The remount of /proc/sys read-write proves the write is meant to reach the kernel."""
    return ", after remounting /proc/sys read-write" if cw.remounts_proc_sys else ""

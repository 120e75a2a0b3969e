"""Judge the POD_IP/HOST_IP guard of a sysctl write.

A write is guarded when it only runs if the pod's IP differs from the node's IP: in a
``hostNetwork: true`` pod both are the node's address, so the write is skipped there.
The compared variables must come from the container's env through the downward API
(``status.podIP`` and ``status.hostIP``); their names do not matter.
"""

from __future__ import annotations

import re

from .conditions import Fact, Operand
from .records import frozen

POD_IP, HOST_IP = "status.podIP", "status.hostIP"
_IP_NAME = re.compile(r"IPS?$", re.I)
_IP_LITERAL = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$|:")


@frozen
class Verdict:
    """``state``: 'guarded', 'broken' or 'none'; ``reason`` says why a guard is broken;
    ``guard``: the comparison judged (the valid one, else the first broken one; its place is
    where PL102 points), None for 'none'."""

    state: str
    reason: str = ""
    guard: Fact | None = None


NONE = Verdict("none")


def judge(facts: list[Fact], env: dict[str, str | None]) -> Verdict:
    """The verdict for one write given the facts that hold when it runs."""
    broken: Verdict | None = None
    for fact in facts:
        if not _guard_shaped(fact, env):
            continue
        problem = _problem(fact, env)
        if problem is None:
            return Verdict("guarded", guard=fact)
        if broken is None:
            broken = Verdict("broken", problem, fact)
    return broken or NONE


def _guard_shaped(fact: Fact, env) -> bool:
    """A comparison meant as the pod/host IP guard: an IP variable compared with another
    variable or with a literal IP address (``[ "$MODE" = on ]`` or ``[ "$POD_IP" != "" ]`` are not)."""
    sides = (fact.left, fact.right)
    if not any(_is_ip_var(side, env) for side in sides):
        return False
    return all(side.var is not None or _IP_LITERAL.search(side.text) or side.text.startswith(("$(", "`")) for side in sides)


def _is_ip_var(side: Operand, env) -> bool:
    if side.var is None:
        return False
    if env.get(side.var) in (POD_IP, HOST_IP, "status.podIPs", "status.hostIPs"):
        return True
    return bool(_IP_NAME.search(side.var))


def _source(side: Operand, env) -> tuple[str | None, str]:
    """(fieldPath, description) of one operand."""
    if side.var is None:
        if side.text.startswith(("$(", "`")):
            return None, f"it compares with the output of {side.text!r} instead of a variable from the downward API"
        return None, f"it compares with the literal {side.text!r} instead of a variable from the downward API"
    if side.var not in env:
        return None, f"${side.var} is not set in the container's env"
    field_path = env[side.var]
    if field_path is None:
        return None, f"${side.var} is not taken from the downward API (it has no valueFrom.fieldRef)"
    return field_path, f"${side.var} comes from fieldPath {field_path}"


def _problem(fact: Fact, env) -> str | None:
    """None for a valid guard, else what is wrong with it."""
    left_path, left_desc = _source(fact.left, env)
    right_path, right_desc = _source(fact.right, env)
    for path, desc in ((left_path, left_desc), (right_path, right_desc)):
        if path is None:
            return desc
        if path not in (POD_IP, HOST_IP):
            return f"{desc}, not {POD_IP} or {HOST_IP}"
    if left_path == right_path:
        return f"both compared variables come from fieldPath {left_path}, so they are always equal"
    if fact.equal:
        return (
            "the comparison is inverted: the write runs only when the pod IP equals the host IP, "
            "which is exactly when the pod shares the node's network"
        )
    return None

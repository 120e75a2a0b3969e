"""The fix of PL102: repair the POD_IP/HOST_IP guard so that the write runs only when the
pod's IP differs from the node's.

- A compared variable missing from the container's env gets an entry from the field the
  guard needs there; one taken from the wrong field (both from status.podIP, or from
  spec.nodeName) gets that field.
- The field each side needs: the other of the two when the other side's is right; else the
  one its name says (HOST or NODE: status.hostIP; POD: status.podIP).
- An inverted test (the write runs when the two are equal) gets its operator turned:
  ``=``/``==`` to ``!=`` (``!=`` to ``=`` in an ``else`` branch).

Refused: a side that is not a variable (a literal, a command's output), a variable set from
a literal value, sides whose fields cannot be told apart, an operator not found once in the
comparison's text.
"""

from __future__ import annotations

import re

from ..guard import HOST_IP, POD_IP
from ..sources import Document
from .edits import Edit, offset
from .env import env_edit, field_path_edit
from .model import Fix, Refusal
from .targets import Target, each_target, finished

DOES = (
    "adds the env entry a compared variable lacks, sets the fieldPath of one taken from the wrong field, "
    "and turns an inverted test (`=` to `!=`)"
)
OTHER = {POD_IP: HOST_IP, HOST_IP: POD_IP}
_BY_NAME = ((re.compile(r"HOST|NODE", re.I), HOST_IP), (re.compile(r"POD", re.I), POD_IP))
_OPERATOR = re.compile(r"(?<=\s)(!=|==|=)(?=\s)")


def fixes(text: str, path: str, findings, settings=None) -> list[Fix | Refusal]:
    """One fix (or refusal) per broken guard of each container the PL102 ``findings`` name."""
    return each_target(text, path, findings, _repairs)


def _repairs(target: Target, base: int) -> list[Fix | Refusal]:
    title = f"Repair the POD_IP/HOST_IP guard of {target.container.label}"
    out = []
    for guard in dict.fromkeys(cw.verdict.guard for cw in target.writes):
        guarded = target.narrowed([cw for cw in target.writes if cw.verdict.guard == guard])
        out.append(finished(guarded, base, title, repair(guarded, guard)))
    return out


def repair(target: Target, guard) -> list[Edit] | str:
    env = target.writes[0].container.env
    sides = (guard.left, guard.right)
    if any(side.var is None for side in sides):
        return "the guard compares with a literal or a command's output, not two variables"
    wanted = needed_fields(sides[0].var, sides[1].var, env)
    if isinstance(wanted, str):
        return wanted
    edits: list[Edit] = []
    missing = [(side.var, field) for side, field in zip(sides, wanted, strict=True) if side.var not in env]
    if missing:
        added = env_edit(target.doc, target.container.node, missing)
        if isinstance(added, str):
            return added
        edits.append(added)
    for side, field in zip(sides, wanted, strict=True):
        if side.var in env and env[side.var] != field:
            changed = field_path_edit(target.doc, target.container.node, side.var, field)
            if isinstance(changed, str):
                return changed
            edits.append(changed)
    if guard.equal:
        turned = turn_operator(target.doc, guard)
        if isinstance(turned, str):
            return turned
        edits.append(turned)
    return edits


def needed_fields(left: str, right: str, env: dict[str, str | None]) -> tuple[str, str] | str:
    """The fieldPath each compared variable needs."""
    have = [env.get(left), env.get(right)]
    right_ok = [field in OTHER for field in have]
    if right_ok[0] and have[0] != have[1]:
        return have[0], OTHER[have[0]]
    if right_ok[1] and have[0] != have[1]:
        return OTHER[have[1]], have[1]
    named = (by_name(left), by_name(right))
    if None in named or named[0] == named[1]:
        return f"cannot tell which of ${left} and ${right} should hold the pod's IP and which the node's"
    return named


def by_name(var: str) -> str | None:
    for pattern, field in _BY_NAME:
        if pattern.search(var):
            return field
    return None


def turn_operator(doc: Document, guard) -> Edit | str:
    """``=`` <-> ``!=`` in the comparison's text."""
    first = doc.first_line
    start = offset(doc.text, guard.line - first + 1, guard.column)
    end = offset(doc.text, guard.end_line - first + 1, guard.end_column)
    found = list(_OPERATOR.finditer(doc.text, start, end))
    if len(found) != 1:
        return "the comparison's operator is not found once in its text"
    operator = found[0]
    return Edit(operator.start(), operator.end(), "=" if operator.group() == "!=" else "!=")

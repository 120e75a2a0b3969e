"""Which rules have a fix, and whether it is safe (as ruff says it: a safe fix keeps what the
manifest does wherever the finding's hazard is absent; an unsafe one changes what runs on the
node, so ``--fix`` applies it only with ``--unsafe-fixes``)."""

from __future__ import annotations

from types import ModuleType

from . import guard_repair, reserve_ports, sysctl_guard

SAFE, UNSAFE = "safe", "unsafe"
# rule id -> (the module whose ``fixes(text, path, findings, settings)`` computes the fix, its
# safety); the run's settings matter only where an edit writes the run's values (reserve_ports)
FIXES: dict[str, tuple[ModuleType, str]] = {
    # in a pod without hostNetwork the guard is true: the write runs as before
    "PL101": (sysctl_guard, SAFE),
    # in a hostNetwork pod the guard is false: the node no longer gets the setting
    "PL201": (sysctl_guard, UNSAFE),
    # a repaired guard turns the write off in a hostNetwork pod (and an inverted one on elsewhere)
    "PL102": (guard_repair, UNSAFE),
    # reserved ports are never handed to outbound connections from the node
    "PL304": (reserve_ports, UNSAFE),
    "PL301": (reserve_ports, UNSAFE),
}


def safety(rule_id: str) -> str | None:
    """'safe', 'unsafe', or None when the rule has no fix."""
    found = FIXES.get(rule_id)
    return found[1] if found is not None else None


def fixers() -> list[ModuleType]:
    """The fixer modules, each once, in the order of the table."""
    return list(dict.fromkeys(module for module, _ in FIXES.values()))


def rules_of(fixer: ModuleType) -> set[str]:
    return {rule_id for rule_id, (module, _) in FIXES.items() if module is fixer}

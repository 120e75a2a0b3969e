"""``--show-fixes``: each reported rule's "How to fix", printed once after the findings.

The messages say what is wrong with the concrete values; the advice is the same for every
finding of a rule, so it lives in the rule's help and is printed once per rule, as ruff's
``--show-fixes`` lists the fixes after the diagnostics."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from ..ruledoc import how_to_fix

if TYPE_CHECKING:
    from . import RunInfo


def advice(run: RunInfo, rule_ids: Iterable[str]) -> str:
    """The block for ``rule_ids`` in the registry's order; "" when there is none to give."""
    import textwrap  # here, not at the top: the text report imports this module (start-up)

    wanted = set(rule_ids)
    parts = []
    for rule in run.rules:
        if rule.ID in wanted and (text := how_to_fix(rule)):
            body = textwrap.fill(
                text, width=100, initial_indent="    ", subsequent_indent="    ", break_on_hyphens=False, break_long_words=False
            )
            parts.append(f"  {rule.ID} {rule.NAME}\n{body}\n")
    return "\nHow to fix:\n" + "".join(parts) if parts else ""

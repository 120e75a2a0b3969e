"""Write docs/rules/PLxxx.md from the rule modules: ``python -m portlint.docs [DIR]``.

The pages, ``portlint explain`` and the SARIF rule help all come from the module
docstrings (see ``linter.ruledoc``); tests/test_docs.py fails when a page is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .rules import RULES

from . import ruledoc


def pages() -> dict[str, str]:
    index = ["# Rules\n", "| id | name | level | summary |", "|---|---|---|---|"]
    out = {}
    for rule in RULES:
        out[f"{rule.ID}.md"] = ruledoc.page(rule)
        index.append(f"| [{rule.ID}]({rule.ID}.md) | {rule.NAME} | {rule.LEVEL} | {rule.SUMMARY} |")
    out["README.md"] = "\n".join(index) + "\n"
    return out


def main(argv: list[str]) -> int:
    target = Path(argv[0] if argv else "docs/rules")
    target.mkdir(parents=True, exist_ok=True)
    for name, text in pages().items():
        (target / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(RULES) + 1} pages to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""A rule's documentation, read from its module docstring: used by ``portlint explain``,
the SARIF rule descriptors and the docs/rules/PLxxx.md pages, so all three agree.

``python -m portlint.ruledoc [DIR]`` writes the pages (default docs/rules);
tests/test_docs.py fails when one is stale.
"""

from __future__ import annotations

import sys
from types import ModuleType

DOCS_URL = "https://github.com/portlint/portlint/blob/main/docs/rules/{id}.md"


def help_markdown(rule: ModuleType) -> str:
    """The rule's docstring, then whether it has a fix and whether the fix is safe."""
    import inspect  # here: the text report imports this module for its advice (start-up)

    return inspect.cleandoc(rule.__doc__ or rule.SUMMARY) + "\n\n" + fix_section(rule.ID)


def fix_section(rule_id: str) -> str:
    """Fix safety as ruff documents it: a safe fix is applied by ``check --fix``; an unsafe
    one, which changes what runs on the node, only with ``--unsafe-fixes`` too."""
    from .fixes.registry import SAFE, FIXES

    if rule_id not in FIXES:
        return "## Fix availability\nNo fix is available."
    fixer, safety = FIXES[rule_id]
    how = "`portlint check --fix`" if safety == SAFE else "`portlint check --fix --unsafe-fixes`"
    return (
        f"## Fix availability\nFix is sometimes available ({safety}): {how} {fixer.DOES}. "
        "It is refused, with the reason, where it cannot edit the file exactly."
    )


def full_description(rule: ModuleType) -> str:
    """The first paragraph after the title, as plain text, at most 1024 characters (GitHub's limit)."""
    body = help_markdown(rule).split("\n\n")
    for para in body[1:]:
        para = para.strip()
        if para and not para.startswith("#"):
            text = " ".join(line.strip() for line in para.splitlines())
            return text if len(text) <= 1024 else text[:1020].rsplit(" ", 1)[0] + " ..."
    return rule.SUMMARY


def help_text(rule: ModuleType) -> str:
    """The help as plain text: Markdown headings and fences dropped, everything else kept."""
    lines = []
    for line in help_markdown(rule).splitlines():
        if line.startswith("```"):
            continue
        lines.append(line.lstrip("#").strip() if line.startswith("#") else line)
    return "\n".join(lines).strip()


def how_to_fix(rule: ModuleType) -> str:
    """The "## How to fix" section as one paragraph of plain text ("" when the help has none)."""
    _, found, rest = help_markdown(rule).partition("\n## How to fix\n")
    section = rest.split("\n#", 1)[0] if found else ""
    return " ".join(line.strip() for line in section.splitlines() if line.strip())


def url(rule: ModuleType) -> str:
    return DOCS_URL.format(id=rule.ID)


def page(rule: ModuleType) -> str:
    """The docs/rules/PLxxx.md page of a rule."""
    head = f"# {rule.ID} {rule.NAME}\n\n*Default level: {rule.LEVEL}.* {rule.SUMMARY}\n\n"
    body = help_markdown(rule).split("\n", 1)
    rest = body[1].strip() if len(body) > 1 else ""
    note = f"<!-- generated from rules/{rule.__name__.rsplit('.', 1)[-1]}.py by `python -m portlint.ruledoc`; do not edit -->\n"
    return note + head + f"**{body[0].strip()}**\n\n" + rest + "\n"


def pages() -> dict[str, str]:
    """File name -> text of every page: one per rule and the index."""
    from .rules import RULES

    index = ["# Rules\n", "| id | name | level | summary |", "|---|---|---|---|"]
    out = {}
    for rule in RULES:
        out[f"{rule.ID}.md"] = page(rule)
        index.append(f"| [{rule.ID}]({rule.ID}.md) | {rule.NAME} | {rule.LEVEL} | {rule.SUMMARY} |")
    out["README.md"] = "\n".join(index) + "\n"
    return out


def main(argv: list[str]) -> int:
    from pathlib import Path  # here: the text report imports this module for its advice (start-up)

    target = Path(argv[0] if argv else "docs/rules")
    target.mkdir(parents=True, exist_ok=True)
    written = pages()
    for name, text in written.items():
        (target / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(written)} pages to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

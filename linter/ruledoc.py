"""A rule's documentation, read from its module: used by ``portlint explain``, the SARIF
rule descriptors and the generated docs/rules/PLxxx.md pages, so all three agree."""

from __future__ import annotations

import inspect
from types import ModuleType

DOCS_URL = "https://github.com/portlint/portlint/blob/main/docs/rules/{id}.md"


def help_markdown(rule: ModuleType) -> str:
    return inspect.cleandoc(rule.__doc__ or rule.SUMMARY)


def title(rule: ModuleType) -> str:
    return help_markdown(rule).split("\n", 1)[0].strip()


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


def url(rule: ModuleType) -> str:
    return DOCS_URL.format(id=rule.ID)


def page(rule: ModuleType) -> str:
    """The docs/rules/PLxxx.md page of a rule."""
    head = f"# {rule.ID} {rule.NAME}\n\n*Default level: {rule.LEVEL}.* {rule.SUMMARY}\n\n"
    body = help_markdown(rule).split("\n", 1)
    rest = body[1].strip() if len(body) > 1 else ""
    note = f"<!-- generated from rules/{rule.__name__.rsplit('.', 1)[-1]}.py by `python -m portlint.docs`; do not edit -->\n"
    return note + head + f"**{body[0].strip()}**\n\n" + rest + "\n"

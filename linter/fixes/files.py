"""``check --fix`` and ``--diff``: the fixable findings of a run, fixed file by file.

Only files on disk are fixed: not stdin, not Helm output (a rendered stream, or a file with
``# Source:`` lines: the fix belongs in the template), not the templates findings are moved
to (a template is not the YAML the findings were found in). A file that is not
text as its encoding says is left alone."""

from __future__ import annotations

import difflib
from typing import Iterable

from ..charts import chart_of
from ..config import Settings
from ..findings import Finding
from ..records import mutable
from . import registry, verify
from .edits import FileText
from .model import Replacement, Suggestion


@mutable
class FileFix:
    path: str
    file: FileText
    outcome: verify.Outcome

    def data(self) -> bytes:
        return self.file.bytes_with(self.outcome.edits)

    def diff(self) -> str:
        """The fix as a unified diff (``patch -p1`` applies it)."""
        before = self.file.original.splitlines(keepends=True)
        after = self.file.text_with(self.outcome.edits).splitlines(keepends=True)
        lines = difflib.unified_diff(before, after, f"a/{self.path}", f"b/{self.path}")
        return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in lines)

    def suggestions(self) -> dict[tuple, Suggestion]:
        """Each kept fix, located, by the findings it removes (``finding_key``)."""
        out = {}
        for fix in self.outcome.kept:
            located = Suggestion(fix.title, self.path, tuple(Replacement(*self.file.replacement(e)) for e in sorted(fix.edits, key=_place)))
            out.update((finding_key(f), located) for f in fix.findings)
        return out

    def notes(self) -> list[str]:
        """One line per finding a fix was refused for."""
        return [
            f"note: {f.path}:{f.location.line}:{f.location.column}: {f.rule_id} not fixed: {refusal.reason}"
            for refusal in self.outcome.refused
            for f in refusal.findings
        ]


def _place(edit) -> tuple[int, int]:
    return edit.start, edit.end


def finding_key(f: Finding) -> tuple:
    """How reports find a finding's fix: its rule and place."""
    return f.rule_id, f.location, f.key


def fixable(findings: Iterable[Finding], unsafe: bool, unread: frozenset[str]) -> dict[str, list[Finding]]:
    """The findings a fix may remove, by file."""
    by_path: dict[str, list[Finding]] = {}
    for f in findings:
        wanted = registry.safety(f.rule_id) == registry.SAFE or (unsafe and registry.safety(f.rule_id) is not None)
        rendered = f.template is not None or chart_of(f.path or "") is not None  # the fix belongs in the template
        if wanted and not f.suppressed and f.path is not None and f.path not in unread and not rendered:
            by_path.setdefault(f.path, []).append(f)
    return by_path


def fix_files(
    findings: Iterable[Finding], settings: Settings, levels: dict[str, str], unsafe: bool, unread: frozenset[str]
) -> list[FileFix]:
    """The verified fixes of each file with fixable findings (nothing is written here)."""
    out = []
    for path, found in sorted(fixable(findings, unsafe, unread).items()):
        try:
            with open(path, "rb") as handle:
                file = FileText(handle.read())
        except (OSError, UnicodeDecodeError):
            continue
        out.append(fix_file(path, file, found, settings, levels))
    return out


def fix_file(path: str, file: FileText, found: list[Finding], settings: Settings, levels: dict[str, str]) -> FileFix:
    """The verified fixes of ``found`` in one file (on disk, or an editor's buffer)."""
    candidates = []
    for fixer in registry.fixers():
        mine = [f for f in found if f.rule_id in registry.rules_of(fixer)]
        if mine:
            candidates += fixer.fixes(file.text, path, mine, settings)
    return FileFix(path, file, verify.choose(path, file.text, candidates, settings, levels))

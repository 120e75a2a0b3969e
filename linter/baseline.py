"""The baseline: the findings a team accepted when it adopted portlint on a legacy repository,
so that CI reports only new ones (docs/baseline.md).

The file is JSON, versioned, one entry a line, sorted, and holds nothing that changes while
the findings do not (no dates, versions, messages or line numbers): rewriting it after an
unrelated change gives the same bytes, and a fix removes exactly its line. An entry is a
finding's rule, file, resource (Kind/namespace/name) and fingerprint (Finding.fingerprint:
the rule, the file, the object, the place inside it and its occurrence among findings that
share those), so it survives line shifts and edits elsewhere in the object, and hides only
that finding, never a new one of the same rule in the same file.
"""

from __future__ import annotations

import json
from typing import Iterable

from .bounded import Refused, read_regular
from .config import ConfigError
from .findings import Finding, suppress
from .records import as_dict, field_names, frozen, mutable
from .report import BaselineSummary, numbered
from .report.escape import json_text
from .sources import display_path
from .suppressions import ALL, Suppression

VERSION = 1
LIMIT = 64 << 20  # bytes read from a baseline: 10,000 findings take about 1.2 MB


@frozen
class Entry:
    rule: str
    path: str | None  # None: a finding of the run's own settings
    resource: str | None  # Kind/namespace/name; None: a finding of no object (a parse error)
    fingerprint: str

    def order(self) -> tuple[str, str, str, str]:
        return (self.path or "", self.resource or "", self.rule, self.fingerprint)


@mutable
class Baseline:
    path: str
    entries: frozenset[Entry]

    def suppression(self) -> Suppression:
        """What a baselined finding is suppressed by: SARIF kind external, naming the file."""
        return Suppression(frozenset({ALL}), "", None, f"baseline {display_path(self.path)}")


def entry(finding: Finding) -> Entry:
    """The baseline entry of a numbered finding (its occurrence counted: report.numbered)."""
    return Entry(finding.rule_id, finding.path, finding.resource or None, finding.fingerprint())


def dumps(entries: Iterable[Entry]) -> str:
    """The file's text: sorted entries, one a line, so that a change shows as a line in a diff."""
    lines = [json.dumps(as_dict(e), ensure_ascii=False) for e in sorted(entries, key=Entry.order)]
    inner = "\n    " + ",\n    ".join(lines) + "\n  " if lines else ""
    return json_text(f'{{\n  "version": {VERSION},\n  "findings": [{inner}]\n}}\n')  # a path that is not UTF-8


def load(path: str) -> Baseline:
    """The baseline in ``path``; anything but a baseline this version wrote is a ConfigError
    naming the file (one line, exit 2), never a baseline that silently hides nothing."""
    try:
        raw = read_regular(path, LIMIT)
    except (OSError, Refused) as exc:
        why = str(exc) if isinstance(exc, Refused) else exc.strerror or str(exc)
        raise ConfigError(f"{path}: cannot read the baseline: {why}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"{path}: not a portlint baseline: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("findings"), list):
        raise ConfigError(f"{path}: not a portlint baseline of version {VERSION} (write one with --write-baseline)")
    return Baseline(path, frozenset(_entry(item, path, n) for n, item in enumerate(data["findings"])))


def _entry(item, path: str, index: int) -> Entry:
    if not isinstance(item, dict) or not isinstance(item.get("rule"), str) or not isinstance(item.get("fingerprint"), str):
        raise ConfigError(f"{path}: findings[{index}]: not a baseline entry (rule and fingerprint strings)")
    values = [item.get(name) for name in field_names(Entry)]
    if not all(value is None or isinstance(value, str) for value in values):
        raise ConfigError(f"{path}: findings[{index}]: path and resource must be strings or null")
    return Entry(*values)


def apply(findings: Iterable[Finding], baseline: Baseline, roots: list[str] | None = None) -> tuple[list[Finding], list[Entry]]:
    """Every finding, numbered, those the baseline records suppressed by it (unless a comment,
    annotation or ignore entry did already); and the entries no finding matched any more
    (fixed: the problem is gone, not merely suppressed another way), sorted as in the file:
    of those, only the entries of files under ``roots`` (the run's inputs; None: all), as a
    run over a few changed files (pre-commit) cannot tell about the others."""
    remaining = set(baseline.entries)
    by = baseline.suppression()
    found = []
    for finding in numbered(findings):
        key = entry(finding)
        if key in remaining:
            remaining.discard(key)
            if not finding.suppressed:
                suppress(finding, by)
        found.append(finding)
    return found, sorted((e for e in remaining if roots is None or within(e.path, roots)), key=Entry.order)


def within(path: str | None, roots: list[str]) -> bool:
    """Whether a finding's file (None: the run's own) lies under one of the run's inputs."""
    if path is None:
        return True
    for root in map(display_path, roots):
        if root in (".", path) or path.startswith(root.rstrip("/") + "/"):
            return True
    return False


def entries(findings: Iterable[Finding]) -> list[Entry]:
    """The entries of the reported (unsuppressed) findings, for --write-baseline."""
    return [entry(f) for f in numbered(findings) if not f.suppressed]


def settle(
    findings: Iterable[Finding], read: str | None, write: str | None, roots: list[str] | None = None
) -> tuple[Iterable[Finding], BaselineSummary | None]:
    """One run's baseline step: with ``write``, record the reported findings there (atomically)
    and take them as the baseline; else the baseline in ``read``, if any. Returns every
    finding, the baselined ones suppressed (a new list), and what the baseline did (its
    fixed entries: those under ``roots``, see ``apply``); without a baseline, the findings as
    given (not copied: a run may have 150,000) and None."""
    if write is None and read is None:
        return findings, None
    if write is not None:
        findings = list(findings)
        recorded = entries(findings)
        _write(dumps(recorded), write)
        chosen = Baseline(write, frozenset(recorded))
    else:
        chosen = load(read)
    marked, fixed = apply(findings, chosen, roots)
    held = sum(1 for f in marked if f.suppressed_by == chosen.suppression())
    return marked, BaselineSummary(display_path(chosen.path), held, tuple(fixed))


def _write(text: str, path: str) -> None:
    from .output import OutputError, write

    try:
        write([text], path, "the baseline")
    except OutputError as exc:
        raise ConfigError(str(exc)) from None

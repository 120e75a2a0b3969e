"""Report writers: one module per format, one interface, one table.

Every writer is a class with three methods, each returning a chunk of the report as text
(as ShellCheck's formatters have a header, one call per result, and a footer):

- ``start(run: RunInfo) -> str``: what comes before the first finding;
- ``result(finding: Finding) -> str``: one finding, in the store's order (run-level
  findings, whose ``location`` is None, come first); may return "" (e.g. suppressed
  findings in text);
- ``finish(summary: Summary) -> str``: what comes after the last one, with the counts and
  the input errors, which are known only then.

A writer instance serves one report. ``render`` drives it, so the report is streamed: no
writer holds more than one finding at a time (the findings store may spill to disk), except
that a format whose file elements carry counts (JUnit) holds one file's findings. ``render``
also numbers findings that share a fingerprint basis (``Finding.occurrence``), so that every
format gives each finding of a report the same, unique fingerprint.

``WRITERS`` is the only list of formats: the CLI's ``--format`` choices come from it. To add
a format, write ``linter/report/<name>.py`` with a writer class and add one line here. The
table names the classes; ``writer_class`` imports the one a run uses, so that start-up does
not pay for every format (the XML and JSON writers' imports, the source rereading).
"""

from __future__ import annotations

import os
from types import ModuleType
from typing import Iterable, Iterator, Mapping, Protocol, Sequence

from ..findings import Finding
from ..records import field, frozen
from .escape import json_text


@frozen
class RunInfo:
    """What a writer knows before the first finding."""

    version: str
    rules: Sequence[ModuleType]  # the whole registry, in order (SARIF describes every rule)
    colour: bool = False  # text: ANSI colours
    automation_id: str = "portlint/"  # SARIF runAutomationDetails.id (GitHub's category)
    cwd: str = field(default_factory=os.getcwd)  # SARIF %SRCROOT%: relative paths are relative to it
    unread: frozenset[str] = frozenset()  # report paths whose text did not come from that file (stdin)
    show_fixes: bool = False  # text formats: each reported rule's "How to fix" once, at the end
    suggestions: Mapping = field(default_factory=dict)  # fixes/files.finding_key -> fixes.model.Suggestion

    def suggestion(self, finding: Finding):
        """The kept fix that removes ``finding`` (SARIF fixes, rdjson suggestions), or None.
        Most runs have none: then no key is made (hashing its Location) for each finding."""
        if not self.suggestions:
            return None
        from ..fixes.files import finding_key

        return self.suggestions.get(finding_key(finding))

    def name(self, rule_id: str) -> str:
        for rule in self.rules:
            if rule.ID == rule_id:
                return rule.NAME
        return ""


@frozen
class BaselineSummary:
    """What the baseline did: findings it suppressed, its entries no finding matched (fixed)."""

    path: str
    suppressed: int = 0
    fixed: Sequence = ()  # baseline.Entry records, sorted as in the file


@frozen
class Summary:
    """What a writer learns after the last finding."""

    files: int = 0
    levels: Mapping[str, int] = field(default_factory=dict)  # unsuppressed findings by level
    suppressed: int = 0
    errors: Sequence[str] = ()  # inputs that could not be read, bad config: the run did not succeed
    notices: Sequence[tuple[str, str]] = ()  # (level, text): what the run skipped, e.g. a chart helm did not render
    baseline: BaselineSummary | None = None  # when a baseline was applied
    fixed: int = 0  # findings --fix removed (not among the findings reported)


class Writer(Protocol):
    def start(self, run: RunInfo) -> str: ...

    def result(self, finding: Finding) -> str: ...

    def finish(self, summary: Summary) -> str: ...


WITH_FIXES = frozenset({"sarif", "rdjson", "rdjsonl"})  # formats that carry each finding's fix

WRITERS: dict[str, str] = {  # format -> "module.Class" in this package
    "text": "text.TextWriter",
    "full": "full.FullWriter",
    "sarif": "sarif.SarifWriter",
    "json": "json.JsonWriter",
    "github": "github.GithubWriter",
    "gitlab": "gitlab.GitlabWriter",
    "junit": "junit.JunitWriter",
    "checkstyle": "checkstyle.CheckstyleWriter",
    "rdjson": "rdjson.RdjsonWriter",
    "rdjsonl": "rdjson.RdjsonlWriter",
}
STATISTICS = "statistics"  # not a --format: --statistics replaces the findings with counts


def writer_class(format: str) -> type[Writer]:
    """The writer class of ``format`` (a WRITERS key, or STATISTICS), imported now."""
    from importlib import import_module

    path = "statistics.StatisticsWriter" if format == STATISTICS else WRITERS[format]
    module, _, name = path.rpartition(".")
    return getattr(import_module(f".{module}", __name__), name)


def for_people(format: str) -> bool:
    """text, full, statistics: the runner writes the summary line on stderr after them, and
    --statistics and --show-fixes apply only to them."""
    return getattr(writer_class(format), "SUMMARY_ON_STDERR", False)


def render(format: str, run: RunInfo, findings: Iterable[Finding], summary: Summary) -> Iterator[str]:
    """The report in ``format`` (or STATISTICS) as text chunks: start, one chunk a finding, finish."""
    writer = writer_class(format)()
    if getattr(writer, "JSON", False):
        yield from map(json_text, _chunks(writer, run, findings, summary))
    else:
        yield from _chunks(writer, run, findings, summary)


def _chunks(writer: Writer, run: RunInfo, findings: Iterable[Finding], summary: Summary) -> Iterator[str]:
    yield writer.start(run)
    for finding in numbered(findings):
        chunk = writer.result(finding)
        if chunk:
            yield chunk
    yield writer.finish(summary)


def numbered(findings: Iterable[Finding]) -> Iterator[Finding]:
    """The findings in order, each with its ``occurrence``: how many before it share its
    fingerprint basis, so that every report (and the baseline) gives it the same fingerprint."""
    seen: dict[int, int] = {}  # hashes, not the bases: a report may have 150,000 findings
    for finding in findings:
        basis = hash(finding.fingerprint_basis())
        finding.occurrence = seen.get(basis, 0)
        seen[basis] = finding.occurrence + 1
        yield finding


def render_text(format: str, run: RunInfo, findings: Iterable[Finding], summary: Summary) -> str:
    return "".join(render(format, run, findings, summary))

"""JUnit XML, for the test reports of GitLab (``artifacts:reports:junit``), Jenkins and Azure
DevOps: one ``<testsuite>`` per file, one failed ``<testcase>`` per finding (classname
``portlint.PLxxx``, so that reports group by rule; the name starts with ``path:line:col``), and
suppressed findings as skipped test cases, so a reviewer still sees them. Valid under the
Jenkins xUnit plugin's junit-10.xsd (the schema pytest's default JUnit output follows), which
has no ``file`` or ``line`` attributes on a test case.

A test suite carries its counts in its start tag, so this writer holds one file's test cases
until the path changes (findings come sorted by path). Findings of the run itself (no file)
are the suite ``portlint``; input errors are ``<error>`` test cases of the suite ``portlint
input errors``, since the run failed. A report without findings or errors has one passing test case, so that a clean run
shows as passed rather than as no tests."""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from ..findings import Finding
from .escape import xml_text

if TYPE_CHECKING:
    from . import RunInfo, Summary

RUN_SUITE = "portlint"  # the suite of the run's own findings and of input errors


def _attr(text: str) -> str:
    return quoteattr(xml_text(text))


class JunitWriter:
    def start(self, run: RunInfo) -> str:
        self.run = run
        self.suite: str | None = None  # the path of the suite being collected
        self.cases: list[str] = []
        self.failures = self.skipped = 0
        self.any = False
        return '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="portlint">\n'

    def result(self, f: Finding) -> str:
        suite = f.path or RUN_SUITE
        done = self._flush() if suite != self.suite else ""
        self.suite = suite
        self.any = True
        loc = f.location
        where = f"{loc.path}:{loc.line}:{loc.column}" if loc is not None else RUN_SUITE
        head = f"<testcase name={_attr(f'{where} {self.run.name(f.rule_id)}')} classname=\"portlint.{f.rule_id}\""
        if f.suppressed:
            self.skipped += 1
            by = f.suppressed_by
            body = f"<skipped message={_attr(f'suppressed by {by.origin}' if by and by.origin else 'suppressed in the source')}/>"
        else:
            self.failures += 1
            text = f"{where}: {f.level}: {f.message} [{f.rule_id}]"
            body = f"<failure message={_attr(f.message)} type=\"{f.rule_id}\">{escape(xml_text(text))}</failure>"
        self.cases.append(f"    {head}>{body}</testcase>\n")
        return done

    def _flush(self) -> str:
        """The suite collected so far, with its counts."""
        if self.suite is None:
            return ""
        cases, self.cases = self.cases, []
        head = (
            f"  <testsuite name={_attr(self.suite)} tests=\"{len(cases)}\" failures=\"{self.failures}\" "
            f"errors=\"0\" skipped=\"{self.skipped}\">\n"
        )
        self.failures = self.skipped = 0
        self.suite = None
        return head + "".join(cases) + "  </testsuite>\n"

    def finish(self, summary: Summary) -> str:
        out = self._flush()
        if summary.errors:
            cases = "".join(
                f"    <testcase name=\"input error {i}\" classname=\"portlint.run\"><error message={_attr(e)}/></testcase>\n"
                for i, e in enumerate(summary.errors, 1)
            )
            out += f'  <testsuite name="{RUN_SUITE} input errors" tests="{len(summary.errors)}" failures="0" errors="{len(summary.errors)}" skipped="0">\n{cases}  </testsuite>\n'
        elif not self.any:
            checked = f"{summary.files} file{'s' if summary.files != 1 else ''}"
            out += (
                f'  <testsuite name="{RUN_SUITE}" tests="1" failures="0" errors="0" skipped="0">\n'
                f'    <testcase name="no problems found in {checked}" classname="portlint.run"/>\n  </testsuite>\n'
            )
        return out + "</testsuites>\n"

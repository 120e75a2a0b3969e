"""Checkstyle XML (version 4.3): one ``<file>`` element per file with an ``<error>`` per
finding, for Jenkins warnings-ng, many IDE plugins and reviewdog's ``-f=checkstyle``.

Findings come sorted by path, so a file element is opened when the path changes and closed
before the next one: nothing is held. Suppressed findings are left out, as in the text
format. A finding of the run itself (no file) is in a ``<file name="">`` element, with no line.
Checkstyle's severities are error, warning and info: a note is ``info``."""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.sax.saxutils import quoteattr

from ..findings import Finding
from .escape import xml_text

if TYPE_CHECKING:
    from . import RunInfo, Summary

SEVERITY = {"note": "info", "warning": "warning", "error": "error"}


class CheckstyleWriter:
    def start(self, run: RunInfo) -> str:
        self.path: str | None = None  # the open file element's
        return '<?xml version="1.0" encoding="UTF-8"?>\n<checkstyle version="4.3">\n'

    def result(self, f: Finding) -> str:
        if f.suppressed:
            return ""
        path = f.path or ""
        head = ""
        if path != self.path:
            head = ("  </file>\n" if self.path is not None else "") + f"  <file name={quoteattr(xml_text(path))}>\n"
            self.path = path
        place = "" if f.location is None else f'line="{f.location.line}" column="{f.location.column}" '
        return (
            f"{head}    <error {place}severity=\"{SEVERITY[f.level]}\" "
            f"message={quoteattr(xml_text(f.message))} source=\"portlint.{f.rule_id}\"/>\n"
        )

    def finish(self, summary: Summary) -> str:
        return ("  </file>\n" if self.path is not None else "") + "</checkstyle>\n"

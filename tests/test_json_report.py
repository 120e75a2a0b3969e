"""The JSON report's exact text: its schema version, layout and unescaped input text."""

from __future__ import annotations

from portlint import report
from portlint.rules import RULES


def test_an_empty_report_with_an_input_error_is_exact():
    text = report.render_text("json", report.RunInfo("0", RULES), [], report.Summary(files=0, errors=("bad é",)))
    assert text == (
        '{\n  "version": 1,\n  "tool": {\n    "name": "portlint",\n    "version": "0"\n  },\n  "findings": [],\n'
        '  "files": 0,\n  "errors": [\n    "bad é"\n  ]\n}\n'
    )

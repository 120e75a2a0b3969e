"""Read and write the expectations kept at the end of each fixture file.

A fixture ends with lines ``# expect: RULE LINE:COL FIRST-SENTENCE-OF-MESSAGE`` (or
``# expect: RULE run ...`` for a finding about the run's settings, which has no location, or
``# expect: nothing``); an optional first line ``# args: ...`` holds CLI flags. Keeping the
expectations at the end means adding them never moves the positions they assert.
"""

from __future__ import annotations

import re
import shlex

EXPECT = re.compile(r"^# expect: (?:nothing|(PL\d{3}) (?:(\d+):(\d+)|run) (.+))$")


def first_sentence(message: str) -> str:
    match = re.search(r"\.(?:\s|$)", message)
    return message[: match.start() + 1] if match else message


def read(path: str) -> tuple[list[str], list[tuple[str, int, int, str]], bool]:
    """(CLI args, expected findings, has an expectation block)."""
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    args = shlex.split(lines[0][len("# args:") :]) if lines and lines[0].startswith("# args:") else []
    expected = []
    found = False
    for line in lines:
        match = EXPECT.match(line)
        if match:
            found = True
            if match.group(1):
                line, column = (int(match.group(2)), int(match.group(3))) if match.group(2) else (None, None)
                expected.append((match.group(1), line, column, match.group(4)))
    return args, expected, found

"""A fuzzing harness: real manifests mutated byte by byte (hypothesis), linted to SARIF, with the
invariants every input must keep, however broken:

- no internal error: exit 0 (``--fail-on never``), nothing on stderr that says "internal error";
- the SARIF validates against the SARIF 2.1.0 schema, with format checking (URIs);
- every region lies inside the input (a parse error may mark the end of a line), in the line model of editors (``\\n``, ``\\r\\n``, ``\\r``;
  U+2028 and friends are characters) and counted in code points (``columnKind``);
- every region of a finding about a node (all but PL000's parse errors) starts on a
  non-whitespace character.

CI runs a short derandomised round. The long run draws new examples each time:
    PORTLINT_FUZZ_EXAMPLES=20000 python -m pytest -n0 -p no:randomly tests/test_fuzz.py
(hypothesis prints the smallest failing input it finds; add it to tests/test_hostile.py.)
"""

from __future__ import annotations

import json
import os
import re

import jsonschema
from conftest import REPO, cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
VALIDATOR = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker())

# Seeds: fixtures of every rule family and real manifests (sources in tests/realworld/SOURCES.tsv).
SEEDS = [
    (REPO / "tests" / path).read_bytes()
    for path in (
        "fixtures/PL201/configmap-script-before-workload.yaml",
        "fixtures/PL103/host-proc-and-sysctl-d.yaml",
        "fixtures/PL301/declared-by-tuned.yaml",
        "fixtures/PL302/out-of-range.yaml",
        "fixtures/PL304/kept-script-run-by-two-pods.yaml",
        "fixtures/PL102/configmap-guard-at-the-call.yaml",
        "fixtures/PL000/broken-middle-document.yaml",
    )
]
TOKENS = [
    b"\n", b"\r\n", b"\r", b"  ", b"\t", b"- ", b": ", b"'", b'"', b"|", b"|2\n", b">-\n", b"{", b"}", b"[", b"]",
    b"&a ", b"*a", b"<<: *a\n", b"---\n", b"...\n", b"#", b"\\", b"$(", b"`", b"!!str ", b"? ",
    b'if [ "$POD_IP" != "$HOST_IP" ]; then ', b"fi\n", b"exit 0\n", b" && ", b" || ", b"nsenter -t 1 -n ",
    b'sysctl -w net.ipv4.ip_local_port_range="1024 65535"\n', b"echo 1 > /proc/sys/net/core/somaxconn\n",
    b"hostNetwork: true\n", b"nodePort: 30080\n", b"0x7530", b"\xe2\x80\xa8", b"\xc2\x85", b"\x00", b"\xff",
    b"\xef\xbb\xbf", "é".encode(), b"\xf0\x9f\x98\x80",
]  # fmt: skip
EXAMPLES = int(os.environ.get("PORTLINT_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=EXAMPLES or 60,
    derandomize=not EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def mutated_manifests(draw) -> bytes:
    """A seed with one to five edits: a byte replaced, a token inserted, a span deleted, a
    line repeated."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(data)))
        edit = draw(st.sampled_from(["replace", "insert", "delete", "repeat"]))
        if edit == "replace" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif edit == "insert":
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif edit == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        else:
            start = data.rfind(b"\n", 0, at) + 1
            end = data.find(b"\n", at)
            end = len(data) if end < 0 else end + 1
            data[end:end] = data[start:end] * draw(st.integers(1, 3))
    return bytes(data)


def editor_lines(data: bytes) -> list[str]:
    """The lines an editor shows: decoded with replacement, without a leading BOM, split on
    \\n, \\r\\n and \\r only."""
    text = data.decode("utf-8", "replace").removeprefix("\ufeff")
    return re.split(r"\r\n|\r|\n", text)


@FUZZ
@given(mutated_manifests())
def test_mutated_manifests_keep_the_invariants(data):
    result = cli("check", "-", "--stdin-filename", "fuzz.yaml", "--format", "sarif", "--fail-on", "never", input=data)
    assert result.exit_code == 0, result.stderr
    assert "internal error" not in result.stderr
    sarif = json.loads(result.stdout)
    VALIDATOR.validate(sarif)
    run = sarif["runs"][0]
    assert not [n for n in run["invocations"][0].get("toolExecutionNotifications", []) if "internal" in json.dumps(n)]
    lines = editor_lines(data)
    for r in run["results"]:
        for loc in r["locations"]:
            region = loc["physicalLocation"].get("region")
            if region is None:
                continue
            line, col = region["startLine"], region["startColumn"]
            end_line, end_col = region.get("endLine", line), region.get("endColumn", col + 1)
            where = (r["ruleId"], line, col, end_line, end_col, r["message"]["text"][:80])
            assert 1 <= line <= end_line <= len(lines), where
            assert 1 <= col <= len(lines[line - 1]) + 1, where
            # a parse error after a line's last character (a missing ']') marks the end of the line
            assert end_col <= len(lines[end_line - 1]) + (2 if r["ruleId"] == "PL000" else 1), where
            assert (end_line, end_col) > (line, col) or r["ruleId"] == "PL000", where
            if r["ruleId"] != "PL000":
                assert col <= len(lines[line - 1]) and not lines[line - 1][col - 1].isspace(), where

"""Reading inputs the way Kubernetes and editors do (issue 16, "Lost or wrong results"): huge
numbers, YAML 1.1 numbers, undecodable bytes, line breaks editors do not count, the same file
reached twice, unreadable, special and symlinked directory entries. Every expectation is
counted off the text written here (lines and columns 1-based)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest
from conftest import cli, lint_text
from test_helm_mapping import deadline
from test_hostile import as_unprivileged, shared_dir  # noqa: F401 - shared_dir is a fixture

from portlint import parallel, sources
from portlint.helm import parse_lines
from portlint.numbers import MAX_DIGITS, parse_int, yaml_number
from portlint.sources import InputError, Skipped, discover, open_input, special_kind

HUGE = "1" * 5000  # past Python's 4,300-digit limit on int("...")


def short(value) -> str:
    """A test id that stays readable when a parameter holds thousands of digits."""
    text = str(value)
    return text if len(text) <= 24 else f"{text[:10]}...({len(text)} chars)"

# --- numbers.parse_int: the one bounded conversion ---------------------------------------


@pytest.mark.parametrize(
    "digits, base, expected",
    [
        ("30000", 10, 30000),
        ("0" * 5000 + "30000", 10, 30000),  # leading zeros do not count
        ("9" * MAX_DIGITS, 10, int("9" * MAX_DIGITS)),
        ("1" * (MAX_DIGITS + 1), 10, None),
        (HUGE, 10, None),
        ("1" * 64, 2, (1 << 64) - 1),
        ("1" * 65, 2, None),  # past 64 bits
        ("0" * 100 + "1" * 64, 2, (1 << 64) - 1),
        ("7530", 16, 30000),
        ("fF", 16, 255),
        ("72460", 8, 30000),
        ("8", 8, None),
        ("2", 2, None),
        ("g", 16, None),
        ("", 10, None),
        ("+1", 10, None),
        ("-1", 10, None),
        (" 1", 10, None),
        ("1_0", 10, None),
        ("\uff13", 10, None),  # a full-width 3: int() would take it, Kubernetes does not
    ],
    ids=short,
)
def test_parse_int(digits, base, expected):
    assert parse_int(digits, base) == expected


# --- numbers.yaml_number: go-yaml v2's resolve() for plain scalars --------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("30000", 30000),
        ("0x7530", 30000),
        ("0X7530", 30000),
        ("+0x7530", 30000),
        ("-0x10", -16),
        ("072460", 30000),  # a leading 0 is octal
        ("0o72460", 30000),
        ("0O72460", 30000),
        ("0b111010100110000", 30000),
        ("-0b11", -3),
        ("0x1", 1),
        ("0o7", 7),
        ("0b1", 1),
        ("07", 7),
        ("30_000", 30000),
        ("0x75_30", 30000),
        ("3__0000_", 30000),  # every "_" is removed first
        ("+30000", 30000),
        ("-30000", -30000),
        ("0", 0),
        ("00", 0),
        ("031000", 12800),
        ("9223372036854775807", (1 << 63) - 1),  # ParseInt's highest
        ("9223372036854775808", 1 << 63),  # ParseUint
        ("18446744073709551615", (1 << 64) - 1),  # ParseUint's highest
        ("18446744073709551616", 18446744073709551616.0),  # past 64 bits: a float
        ("0x10000000000000000", None),  # past 64 bits and no float: a string
        ("+9223372036854775807", (1 << 63) - 1),
        ("+9223372036854775808", 9223372036854775808.0),  # ParseUint takes no sign: a float
        ("-9223372036854775808", -(1 << 63)),  # ParseInt's lowest
        ("30000.0", 30000.0),
        ("3e4", 30000.0),
        ("3E+4", 30000.0),
        ("300e-2", 3.0),
        ("1.", 1.0),
        ("30000.5", 30000.5),
        ("030080", 30080.0),  # not octal (an 8): the float regex takes it
        ("08", 8.0),
        (".5", 0.5),
        (".3e5", 30000.0),
        ("+.5", 0.5),
        ("-9223372036854775809", -9223372036854775809.0),  # past int64: a float
        ("+18446744073709551615", 18446744073709551615.0),  # ParseUint takes no sign
        ("1" * 300, float("1" * 300)),
        ("1e400", None),  # ParseFloat: out of range, so a string
        (HUGE, None),
        ("0x", None),
        ("0o", None),
        ("0b", None),
        ("0x1G", None),
        ("0b12", None),
        ("1e", None),
        (".", None),
        (".e5", None),
        (".inf", None),
        ("-.inf", None),
        (".nan", None),
        ("1.5.5", None),
        ("0x1p4", None),  # a Go hex float, refused by the float regex
        ("", None),
        ("~", None),
        ("true", None),
        ("y", None),
        ("2024-01-02", None),
        ("_30000", None),
        ("\uff13\uff10\uff10\uff10\uff10", None),
        ("30000abc", None),
        ("٣", None),
    ],
    ids=short,
)
def test_yaml_number(text, expected):
    value = yaml_number(text)
    assert (value, type(value)) == (expected, type(expected))


# --- int fields read as Kubernetes reads them -------------------------------------------------

SERVICE = """apiVersion: v1
kind: Service
metadata: {{name: {name}}}
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: {port}
"""


def services(*ports: str) -> str:
    return "---\n".join(SERVICE.format(name=f"s{i}", port=port) for i, port in enumerate(ports))


@pytest.mark.parametrize("written", ["0x7530", "072460", "0o72460", "30_000", "+30000", "30000.0", "3e4", "!!int 30000"])
def test_a_nodeport_in_any_yaml_1_1_form_conflicts_with_the_same_port_in_decimal(written):
    # s0 (document lines 1-8) holds 30000, s1 (lines 10-17) the same port written otherwise:
    # PL303 on s1's nodePort value (line 17, column 17), citing s0
    result = lint_text(services("30000", written))
    assert [(f["rule"], f["line"], f["column"]) for f in result.findings] == [("PL303", 17, 17)]
    assert result.findings[0]["message"] == (
        'nodePort 30000 of Service "s1" is already used by Service "s0" (port 80, manifest.yaml:8)'
    )


def test_an_octal_nodeport_is_checked_as_its_value():
    # 031000 is octal 12800: outside the NodePort range (PL302), not a pinned port in the band
    result = lint_text(services("031000"))
    assert [(f["rule"], f["line"], f["column"]) for f in result.findings] == [("PL302", 8, 17)]
    assert result.findings[0]["message"].startswith('nodePort 12800 of Service "s0" is outside the NodePort range')


@pytest.mark.parametrize(
    "written, shown, kind",
    [
        ('"0x7530"', '"0x7530"', "a string"),  # quoted scalars stay strings
        ("'30000'", '"30000"', "a string"),
        ("30000.5", "30000.5", "a number with a fraction"),
        ("!!int 30000.0", "30000.0", "a number with a fraction"),  # go-yaml refuses a float as !!int
        ("1e400", "1e400", "a string"),
        ("0x1p4", "0x1p4", "a string"),
        (HUGE, HUGE, "a string"),  # no float holds it: a string to go-yaml
    ],
    ids=short,
)
def test_a_nodeport_that_kubernetes_does_not_read_as_an_integer(written, shown, kind):
    result = lint_text(services(written))
    assert [(f["rule"], f["line"], f["column"]) for f in result.findings] == [("PL302", 8, 17)]
    assert result.findings[0]["message"] == f'nodePort {shown} of Service "s0" is {kind}, not an integer'


def test_a_nodeport_of_three_hundred_digits_is_not_a_port():
    # a float to go-yaml, integral, far outside 1-65535
    result = lint_text(services("1" * 300))
    assert [(f["rule"], f["line"], f["column"]) for f in result.findings] == [("PL302", 8, 17)]
    assert result.findings[0]["message"].startswith(f'nodePort {int(float("1" * 300))} of Service "s0" is not a port')


POD_HOST_PORT = """apiVersion: v1
kind: Pod
metadata: {{name: p}}
spec:
  containers:
    - name: c
      ports: [{{containerPort: 80, hostPort: {port}}}]
"""


def test_a_hex_host_port_is_checked_as_its_value():
    # 0x9c40 is 40000, inside the default ephemeral range 32768-60999: PL305 on the value
    result = lint_text(POD_HOST_PORT.format(port="0x9c40"))
    assert [(f["rule"], f["line"], f["column"]) for f in result.findings] == [("PL305", 7, 45)]
    assert result.findings[0]["message"].startswith('hostPort 40000 of container "c"')


KEPT = """apiVersion: v1
kind: ConfigMap
metadata: {{name: tune}}
data:
  a.sh: |
    sysctl -w net.core.somaxconn=1024
---
apiVersion: v1
kind: Pod
metadata: {{name: p}}
spec:
  hostNetwork: true
  containers:
    - name: c
      command: [/opt/a.sh]
      volumeMounts: [{{name: s, mountPath: /opt}}]
  volumes:
    - {{name: s, configMap: {{name: tune, defaultMode: {mode}}}}}
"""


@pytest.mark.parametrize("mode, runs", [("0x1ed", True), ("0o755", True), ("0755", True), ("0x1a4", False), ('"0755"', False)])
def test_a_default_mode_is_read_as_kubernetes_reads_it(mode, runs):
    # 0x1ed is 0755 (executable: the script runs, its write on line 6, column 5); 0x1a4 is
    # 0644 and a quoted mode does not decode: neither runs
    result = lint_text(KEPT.format(mode=mode))
    assert [(f["rule"], f["line"], f["column"]) for f in result.findings] == ([("PL201", 6, 5)] if runs else [])


# --- integers over 4,300 digits never crash ----------------------------------------------------

RANGE_POD = """apiVersion: v1
kind: Pod
metadata: {{name: p}}
spec:
  hostNetwork: true
  containers:
    - name: c
      command: [sysctl, -w, "net.ipv4.ip_local_port_range={value}"]
"""


def test_a_huge_number_in_a_range_sysctl_is_an_invalid_range():
    # the write (line 8, column 29: its "net.ipv4..." word) is PL201 and its value PL306
    result = lint_text(RANGE_POD.format(value=f"{HUGE} 60999"))
    assert result.json["errors"] == []
    assert sorted((f["rule"], f["line"], f["column"]) for f in result.findings) == [("PL201", 8, 29), ("PL306", 8, 29)]
    pl306 = next(f for f in result.findings if f["rule"] == "PL306")
    assert f'"{HUGE} 60999" has port {HUGE} outside 1-65535' in pl306["message"]


def test_a_huge_ephemeral_port_range_flag_is_one_error_line(tmp_cwd):
    (tmp_cwd / "s.yaml").write_text(services("30000"))
    result = cli("check", "s.yaml", "--ephemeral-port-range", f"{HUGE} 60999")
    assert result.exit_code == 2
    assert result.stderr == f'portlint: error: --ephemeral-port-range: "{HUGE} 60999" has port {HUGE} outside 1-65535\n'


def test_a_huge_kubernetes_version_is_one_error_line(tmp_cwd):
    (tmp_cwd / "s.yaml").write_text(services("30000"))
    result = cli("check", "s.yaml", "--kubernetes-version", f"1.{HUGE}")
    assert result.exit_code == 2
    assert result.stderr == f"portlint: error: --kubernetes-version: '1.{HUGE}' is not a Kubernetes version like 1.31\n"


def test_a_huge_kubernetes_version_in_the_config_file_is_one_error_line(tmp_cwd):
    (tmp_cwd / "s.yaml").write_text(services("30000"))
    (tmp_cwd / ".portlint.yaml").write_text(f'kubernetesVersion: "1.{HUGE}"\n')
    result = cli("check", "s.yaml")
    assert result.exit_code == 2
    assert result.stderr == f"portlint: error: --kubernetes-version: '1.{HUGE}' is not a Kubernetes version like 1.31\n"


@pytest.mark.parametrize("wanted, expected", [(HUGE, 3), ("2", 2), ("0", 3), ("x", 3), ("", 3)], ids=short)
def test_a_huge_job_count_is_no_count(monkeypatch, tmp_path, wanted, expected):
    # a 3 MB input makes parallel mode pay; 3 free cores; a count that is no number means all
    # the free cores
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * parallel.PARALLEL_MIN_BYTES)
    monkeypatch.setenv(parallel.ENVIRONMENT_KNOB, wanted)
    monkeypatch.setattr(parallel, "busy_cores", lambda: 0)
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 3)
    assert parallel.workers_for([str(big)]) == expected


def test_a_huge_indent_in_a_helm_template_is_no_indent():
    lines = parse_lines("t.yaml", f'data:\n  {{{{ include "x" . | indent {HUGE} }}}}\n  {{{{ .Values.a | nindent 4 }}}}')
    assert [line.emit_indent for line in lines] == [None, None, 4]


# --- decoding: a byte that is not text costs its own document only -----------------------------

POD = """apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  hostNetwork: true
  containers:
    - name: c
      image: busybox
      command: [sysctl, -w, net.core.somaxconn=1024]
"""  # PL201 at line 10, column 29 (the "net.core..." word)

RESAVE = "Kubernetes manifests must be UTF-8: re-save the file as UTF-8. This document is not linted"


def lint_bytes(data: bytes):
    result = cli("check", "-", "--stdin-filename", "in.yaml", "--format", "json", "--fail-on", "never", input=data)
    assert result.exit_code == 0 and result.json["errors"] == [], result.stderr
    return [(f["rule"], f["line"], f["column"]) for f in result.findings], [
        f["message"] for f in result.findings if f["rule"] == "PL000"
    ]


def three_documents(middle: bytes) -> bytes:
    """POD (lines 1-10), '---' (11), ``middle`` (12-14), '---' (15), POD (16-25)."""
    return POD.encode() + b"---\n" + middle + b"---\n" + POD.encode()


def test_an_invalid_byte_costs_only_its_document():
    # line 14 is 'metadata: {name: caf' (20 characters) then the Latin-1 byte 0xe9
    data = three_documents(b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf\xe9}\n")
    found, messages = lint_bytes(data)
    assert found == [("PL201", 10, 29), ("PL000", 14, 21), ("PL201", 25, 29)]
    assert messages == [f"byte 0xe9 at line 14, column 21 is not valid UTF-8; {RESAVE}"]
    result = cli("check", "-", "--format", "json", "--fail-on", "never", input=data)
    (bad,) = [f for f in result.findings if f["rule"] == "PL000"]
    assert (bad["endLine"], bad["endColumn"]) == (14, 22)  # the one byte


def test_a_nul_byte_costs_only_its_document():
    found, messages = lint_bytes(three_documents(b"apiVersion: v1\nkind: ConfigMap\ndata: {a: b\x00}\n"))
    assert found == [("PL201", 10, 29), ("PL000", 14, 12), ("PL201", 25, 29)]
    assert messages == ["a NUL byte at line 14, column 12: binary data, not a YAML or JSON manifest. This document is not linted"]


def test_a_bad_byte_after_a_leading_blank_line():
    found, _ = lint_bytes(b"\nx\xff\n")
    assert found == [("PL000", 2, 2)]


def test_the_position_counts_characters_before_the_bad_byte():
    # "é" (2 bytes) and "🚀" (4 bytes) are one column each: 0xff is the 6th character of line 2
    found, messages = lint_bytes("kind: Pod\n\u00e9\U0001f680abc".encode() + b"\xff\n")
    assert found == [("PL000", 2, 6)]


def test_a_utf8_sequence_cut_by_the_end_of_the_file():
    # line 2 is "c: " then the first two bytes of "€" (e2 82 ac): the file ends inside it
    found, messages = lint_bytes(b"kind: Pod\nc: \xe2\x82")
    assert found == [("PL000", 2, 4)]
    assert messages == [f"byte 0xe2 at line 2, column 4 is not valid UTF-8; {RESAVE}"]


def test_a_utf16_document_with_a_lone_surrogate_costs_only_its_document():
    # UTF-16 with a BOM; line 13 is "a: " then an unpaired high surrogate
    text = POD + "---\nkind: ConfigMap\na: \ud800\n---\n" + POD
    found, _ = lint_bytes(b"\xff\xfe" + text.encode("utf-16-le", "surrogatepass"))
    assert found == [("PL201", 10, 29), ("PL000", 13, 4), ("PL201", 24, 29)]


def test_a_bom_after_a_document_end_marker_is_dropped():
    # "a: 1" (line 1), "..." (line 2), then the BOM and POD on lines 3-12 (the parser skips a
    # BOM that opens its text)
    found, _ = lint_bytes(b"a: 1\n...\n\xef\xbb\xbf" + POD.encode())
    assert found == [("PL201", 12, 29)]


def test_a_bom_that_opens_a_later_document_is_dropped():
    # files joined with cat: each keeps its BOM; kubectl decodes each document alone
    found, _ = lint_bytes(b"\xef\xbb\xbf" + POD.encode() + b"---\n\xef\xbb\xbf" + POD.encode())
    assert found == [("PL201", 10, 29), ("PL201", 21, 29)]


JSON_POD = (
    '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "%s"}, "spec": {"hostNetwork": true, '
    '"containers": [{"name": "c", "command": ["sysctl", "-w", "net.core.somaxconn=1"]}]}}'
)
JSON_WRITE = (JSON_POD % "a").index('"net.core') + 1  # the write's string, when the object starts a line


def test_concatenated_json_objects_are_documents():
    # three objects: on lines 1 and 3 (a blank line between), and a third right after the
    # second on line 3, after two spaces
    a, b, c = JSON_POD % "a", JSON_POD % "b", JSON_POD % "c"
    found, _ = lint_bytes(f"{a}\n\n{b}  {c}\n".encode())
    third = len(b) + 2 + JSON_WRITE
    assert found == [("PL201", 1, JSON_WRITE), ("PL201", 3, JSON_WRITE), ("PL201", 3, third)]


def test_concatenated_json_objects_on_one_line_without_space():
    a, b = JSON_POD % "a", JSON_POD % "b"
    found, _ = lint_bytes(f"{a}{b}".encode())
    assert found == [("PL201", 1, JSON_WRITE), ("PL201", 1, len(a) + JSON_WRITE)]


def test_concatenated_json_after_a_blank_line():
    # the objects share line 2: the second keeps its columns
    a, b = JSON_POD % "a", JSON_POD % "b"
    found, _ = lint_bytes(f"\n{a}{b}\n".encode())
    assert found == [("PL201", 2, JSON_WRITE), ("PL201", 2, len(a) + JSON_WRITE)]


def test_every_document_has_its_index_in_the_stream():
    # two JSON objects, then two YAML documents: documents 0 to 3
    a, b = JSON_POD % "a", JSON_POD % "b"
    data = f"{a}{b}\n---\nkind: X\n---\nkind: Y\n".encode()
    docs = list(sources.documents(sources.SourceFile("in.yaml"), io.BytesIO(data)))
    assert [(d.index, d.first_line) for d in docs] == [(0, 1), (1, 1), (2, 2), (3, 4)]


def test_a_json_string_holding_braces_is_one_object():
    # "}{" and "} {" inside a string are no boundary: one Pod, one finding
    text = JSON_POD.replace('"name": "c"', '"name": "c", "image": "x}{y} {z"') % "a"
    found, _ = lint_bytes(text.encode())
    assert found == [("PL201", 1, text.index('"net.core') + 1)]


def test_a_broken_second_json_object_is_a_parse_error_at_its_place():
    # the second object (line 2) lacks its closing braces: the first is linted, the second
    # is a YAML syntax error at the end of its text (line 2, after its last character)
    a, b = JSON_POD % "a", (JSON_POD % "b")[:-2]
    found, _ = lint_bytes(f"{a}\n{b}\n".encode())
    assert found == [("PL201", 1, JSON_WRITE), ("PL000", 2, len(b) + 1)]


def test_json_after_a_yaml_document_is_not_split():
    # kubectl reads a stream as JSON only when it opens with "{": after '---' it is YAML,
    # where two flow mappings in one document are a syntax error (line 3, column 1)
    a, b = JSON_POD % "a", JSON_POD % "b"
    found, _ = lint_bytes(f"---\n{a}\n{b}\n".encode())
    assert [rule for rule, _, _ in found] == ["PL000"]


# --- discovery: each file once, unreadable entries reported, links and special files -----------

NODE_PORT_SERVICE = SERVICE.format(name="s", port="30000")  # nodePort on line 8, column 17


def json_run(*args: str):
    result = cli("check", *args, "--format", "json", "--fail-on", "never")
    return result, [(f["path"], f["rule"], f["line"], f["column"]) for f in result.json["findings"]]


@pytest.mark.parametrize(
    "given",
    [["d", "d/s.yaml"], ["d/s.yaml", "d"], ["d/s.yaml", "./d/s.yaml"], ["d/s.yaml", "d/../d/s.yaml"], ["d", "d"]],
    ids=str,
)
def test_a_file_reached_twice_is_linted_once(tmp_cwd, given):
    # one Service: it cannot conflict with itself (PL303), and it is one file
    (tmp_cwd / "d").mkdir()
    (tmp_cwd / "d" / "s.yaml").write_text(NODE_PORT_SERVICE)
    result, found = json_run(*given)
    assert (result.exit_code, found, result.json["files"]) == (0, [], 1)


def test_links_to_one_file_are_that_file(tmp_cwd):
    # a symbolic and a hard link beside the file: the first name met (sorted) is linted
    (tmp_cwd / "d").mkdir()
    (tmp_cwd / "d" / "s.yaml").write_text(NODE_PORT_SERVICE)
    os.symlink("s.yaml", tmp_cwd / "d" / "a.yaml")
    os.link(tmp_cwd / "d" / "s.yaml", tmp_cwd / "d" / "b.yaml")
    result, found = json_run("d")
    assert (found, result.json["files"]) == ([], 1)


def test_two_files_with_services_on_one_port_still_conflict(tmp_cwd):
    # control: two real files with two Services on one port: PL303 on the second (d/t.yaml)
    (tmp_cwd / "d").mkdir()
    (tmp_cwd / "d" / "s.yaml").write_text(NODE_PORT_SERVICE)
    (tmp_cwd / "d" / "t.yaml").write_text(SERVICE.format(name="t", port="30000"))
    _, found = json_run("d")
    assert found == [("d/t.yaml", "PL303", 8, 17)]


def test_a_vanished_directory_is_one_error_and_the_rest_is_linted(tmp_cwd, monkeypatch):
    # d/gone disappears between the listing of d and its own listing
    (tmp_cwd / "d" / "gone").mkdir(parents=True)
    (tmp_cwd / "d" / "gone" / "a.yaml").write_text(POD)
    (tmp_cwd / "d" / "pod.yaml").write_text(POD)
    real_scandir = os.scandir

    def scandir(path="."):
        if os.path.basename(os.fspath(path)) == "gone":
            raise FileNotFoundError(2, "No such file or directory", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result, found = json_run("d")
    assert result.exit_code == 2
    assert result.stderr == "portlint: error: d/gone: No such file or directory\n"
    assert found == [("d/pod.yaml", "PL201", 10, 29)]


def test_a_dangling_link_is_one_error_and_the_rest_is_linted(tmp_cwd):
    (tmp_cwd / "d").mkdir()
    (tmp_cwd / "d" / "pod.yaml").write_text(POD)
    os.symlink("missing.yaml", tmp_cwd / "d" / "a.yaml")
    result, found = json_run("d")
    assert result.exit_code == 2
    assert result.stderr == "portlint: error: d/a.yaml: No such file or directory\n"
    assert found == [("d/pod.yaml", "PL201", 10, 29)]


def test_an_unreadable_subdirectory_is_one_error_and_the_rest_is_linted(shared_dir):
    d = os.path.join(shared_dir, "d")
    os.makedirs(os.path.join(d, "locked"))
    for path in (os.path.join(d, "pod.yaml"), os.path.join(d, "locked", "a.yaml")):
        with open(path, "w") as out:
            out.write(POD)
        os.chmod(path, 0o644)
    os.chmod(d, 0o755)
    call = ("check", "d", "--format", "json", "--fail-on", "never")
    here = os.getcwd()
    os.chdir(shared_dir)
    try:  # readable: both files lint (and the modules the call needs are imported)
        assert len(cli(*call).json["findings"]) == 2
    finally:
        os.chdir(here)
    os.chmod(os.path.join(d, "locked"), 0)
    _, [(code, stdout, stderr)] = as_unprivileged(shared_dir, [call])
    assert (code, stderr) == (2, "portlint: error: d/locked: Permission denied\n")
    findings = json.loads(stdout)["findings"]
    assert [(f["path"], f["rule"], f["line"], f["column"]) for f in findings] == [("d/pod.yaml", "PL201", 10, 29)]


def test_a_symlinked_directory_is_not_followed_in_a_walk_but_is_when_named(tmp_cwd):
    (tmp_cwd / "outside").mkdir()
    (tmp_cwd / "outside" / "pod.yaml").write_text(POD)
    (tmp_cwd / "d").mkdir()
    (tmp_cwd / "d" / "s.yaml").write_text(NODE_PORT_SERVICE)
    os.symlink("../outside", tmp_cwd / "d" / "out")
    result, found = json_run("d")
    assert (result.exit_code, found, result.json["files"], result.stderr) == (0, [], 1, "")
    _, found = json_run("d/out")  # named on the command line: followed
    assert found == [("d/out/pod.yaml", "PL201", 10, 29)]


def test_a_link_to_the_root_directory_is_not_walked(tmp_path):
    # following it would lint the whole machine (or abort on /proc): bounded by the harness
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "s.yaml").write_text(NODE_PORT_SERVICE)
    os.symlink("/", tmp_path / "d" / "root")
    done = subprocess.run(
        [sys.executable, "-m", "portlint", "check", "d", "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout)["files"] == 1


def run_with_timeout(cwd, *args: str):
    return subprocess.run(
        [sys.executable, "-m", "portlint", "check", *args], cwd=cwd, capture_output=True, text=True, timeout=20
    )


def test_a_fifo_in_a_directory_is_named_and_skipped(tmp_path):
    # opening a FIFO blocks until a writer comes: it must never be opened
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "pod.yaml").write_text(POD)
    os.mkfifo(tmp_path / "d" / "a.yaml")
    done = run_with_timeout(tmp_path, "d", "--format", "json", "--fail-on", "never")
    assert (done.returncode, done.stderr) == (0, "portlint: note: d/a.yaml: a FIFO, not a regular file; not linted\n")
    report = json.loads(done.stdout)
    assert [(f["path"], f["rule"], f["line"]) for f in report["findings"]] == [("d/pod.yaml", "PL201", 10)]
    assert report["files"] == 1


def test_a_fifo_named_on_the_command_line_is_named_and_skipped(tmp_path):
    (tmp_path / "pod.yaml").write_text(POD)
    os.mkfifo(tmp_path / "p.yaml")
    done = run_with_timeout(tmp_path, "p.yaml", "pod.yaml", "--fail-on", "never")
    assert done.returncode == 0
    assert done.stderr.splitlines() == [
        "portlint: note: p.yaml: a FIFO, not a regular file; not linted",
        "Found 1 problem (1 error) in 1 file.",
    ]


@pytest.mark.parametrize(
    "mode, kind",
    [
        (0o100644, None),
        (0o010644, "a FIFO"),
        (0o140644, "a socket"),
        (0o020644, "a character device"),
        (0o060644, "a block device"),
        (0o040755, "a directory"),
        (0o120777, "not a regular file"),  # a link (lstat): never met, as stat follows links
    ],
)
def test_special_kind(mode, kind):
    assert special_kind(mode) == kind


def test_a_file_that_became_a_fifo_after_discovery_is_not_opened(tmp_path):
    # open_input checks again what it opened, without blocking: one error line, exit 2
    os.mkfifo(tmp_path / "p.yaml")
    with deadline(5), pytest.raises(InputError, match=r"p\.yaml: a FIFO, not a regular file; not linted$"):
        open_input(str(tmp_path / "p.yaml"))


# --- positions: only LF, CRLF and CR end lines, as in editors ----------------------------------

def test_unicode_line_separators_do_not_end_lines():
    # libyaml counts U+2028, U+2029 and U+0085 as line breaks; editors and GitHub do not
    text = POD.replace("metadata:\n  name: p\n", 'metadata: {name: p, annotations: {note: "a\u2028b\u2029c\u0085d"}}\n')
    # POD with its lines 3-4 joined into one: the write is on line 9, at column 29
    result = lint_text(text)
    assert [(f["rule"], f["line"], f["column"], f["endLine"], f["endColumn"]) for f in result.findings] == [
        ("PL201", 9, 29, 9, 52)
    ]


@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
def test_problems_after_unicode_line_separators_are_on_editor_lines(crlf):
    # a duplicate key on line 3 (column 1), and in the next document a syntax error at the "["
    # on line 6 (column 11: the U+2028 is column 8)
    text = 'apiVersion: v1\nkind: ConfigMap\nkind: "\u2028\u2028"\n---\napiVersion: v1\nkind: "\u2028" [\n'
    data = text.replace("\n", "\r\n") if crlf else text
    found, _ = lint_bytes(data.encode())
    assert found == [("PL000", 3, 1), ("PL000", 6, 11)]


@pytest.mark.parametrize(
    "command, line, column",
    [
        ('[sh, -c, "sysctl -w net.core.somaxconn=1"]', 8, 26),  # a one-line string: "sysctl" at column 26
        ("\n        - sh\n        - -c\n        - |\n          sysctl -w net.core.somaxconn=1", 12, 11),  # block
    ],
    ids=["quoted", "block"],
)
def test_a_script_after_unicode_line_separators_keeps_its_lines(command, line, column):
    # line 3 holds three U+2028
    text = f"""apiVersion: v1
kind: Pod
metadata: {{name: p, annotations: {{a: "\u2028\u2028\u2028"}}}}
spec:
  hostNetwork: true
  containers:
    - name: c
      command: {command}
"""
    result = lint_text(text)
    assert [(f["rule"], f["line"], f["column"]) for f in result.findings] == [("PL201", line, column)]


# --- block scalars with an indentation indicator --------------------------------------------------

TUNED = """apiVersion: tuned.openshift.io/v1
kind: Tuned
metadata: {{name: t}}
spec:
  profile:
    - data: {header}
          [sysctl]
          net.ipv4.ip_local_port_range="70000 80000"
      name: p
"""


@pytest.mark.parametrize("header", ["|", "|2", "|1", "|-2", "|+1", ">2", ">-2", ">+1", "|2 # a comment"])
def test_a_block_scalar_with_an_indentation_indicator_maps_to_its_source(header):
    # the indicator counts from the mapping that "data" opens (column 7), not from the line's
    # dash: whatever the header, the invalid value stays where it is written, on line 8, and
    # the region starts at "net.ipv4..." (column 11), never on the blanks before it. (A plain
    # ">" would fold the two lines into one: no [sysctl] section then.)
    result = lint_text(TUNED.format(header=header))
    assert [(f["rule"], f["line"], f["column"]) for f in result.findings] == [("PL306", 8, 11)]


def test_a_script_with_an_indentation_indicator_under_a_dash():
    # "- |2" (line 13) under the sequence whose dashes are at column 9: content indentation
    # 8 + 2 = 10, the script keeps two spaces; "sysctl" is at column 13 of line 14
    text = POD.replace(
        "      command: [sysctl, -w, net.core.somaxconn=1024]\n",
        "      command:\n        - sh\n        - -c\n        - |2\n            sysctl -w net.core.somaxconn=1\n",
    )
    result = lint_text(text)
    assert [(f["rule"], f["line"], f["column"]) for f in result.findings] == [("PL201", 14, 13)]


def test_unicode_line_separators_on_the_first_line():
    # one line of JSON: the U+2028 before the write leaves it on line 1, at its own column
    text = (JSON_POD % "a").replace('"name": "a"', '"name": "a", "annotations": {"x": "\u2028"}')
    found, _ = lint_bytes(text.encode())
    assert found == [("PL201", 1, text.index('"net.core') + 1)]


def test_open_input_names_a_missing_file_in_one_line(tmp_cwd):
    with pytest.raises(InputError) as raised:
        open_input("gone.yaml")
    assert str(raised.value) == "gone.yaml: No such file or directory"


def test_discovery_without_a_skipped_list_raises_for_the_first_error(tmp_cwd):
    # d/a.yaml is a FIFO (a note), d/b.yaml a dangling link (an error): the error is raised,
    # after the walk; with the FIFO alone, its note is
    (tmp_cwd / "d").mkdir()
    os.mkfifo(tmp_cwd / "d" / "a.yaml")
    with pytest.raises(InputError, match=r"^d/a\.yaml: a FIFO, not a regular file; not linted$"):
        list(discover(["d"]))
    os.symlink("missing.yaml", tmp_cwd / "d" / "b.yaml")
    with pytest.raises(InputError, match=r"^d/b\.yaml: No such file or directory$"):
        list(discover(["d"]))
    found = Skipped()
    assert list(discover(["d"], skipped=found)) == []
    assert found == Skipped(["d/a.yaml: a FIFO, not a regular file; not linted"], ["d/b.yaml: No such file or directory"])


def test_a_part_read_by_a_worker_keeps_its_problem_at_the_file_line(tmp_path):
    # parallel mode cuts a big file at '---' lines and a worker reads its part alone: the bad
    # byte of the second document is still reported at its line (3) and column (4) of the file
    path = tmp_path / "in.yaml"
    path.write_bytes(b"kind: Pod\n---\nx: \xff\n")
    with open(path, "rb") as raw:
        cuts = list(sources.cut_points(raw, 1))
    assert cuts == [(10, 2, 1)]
    part = sources.Part(str(path), 10, None, 2, 1)
    (doc,) = sources.documents(*sources.open_part(part), part.line, part.index)
    assert (doc.text, doc.first_line, doc.index) == ("---\nx: \udcff\n", 2, 1)
    assert doc.problem[1:] == (3, 4)

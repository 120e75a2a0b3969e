"""linter/sources.py reads inputs a block (BLOCK_SIZE bytes) at a time: line ends, characters
and encodings split across a block boundary, UTF-16 with a BOM, and the Helm '# Source:'
comment each document remembers. Expected lines are counted from the text written here."""

from __future__ import annotations

import codecs
import io

import pytest
from conftest import cli

from portlint import sources
from portlint.sources import SourceFile

BLOCK = sources.BLOCK_SIZE

POD = [
    "apiVersion: v1",
    "kind: Pod",
    "metadata: {name: p}",
    "spec:",
    "  hostNetwork: true",
    "  containers:",
    "    - name: c",
    "      command: [sysctl, -w, net.core.somaxconn=1024]",
]
WRITE_COLUMN = POD[-1].index("net.core") + 1
RESAVE = "Kubernetes manifests must be UTF-8: re-save the file as UTF-8. This document is not linted"


def read(data: bytes, name: str = "in.yaml"):
    source = SourceFile(name)
    docs = list(sources.documents(source, io.BytesIO(data)))
    return source, docs


def padded_config_map(target: int, newline: str, before_pad: str = "") -> tuple[str, int]:
    """A ConfigMap whose 'pad' line is sized so that the first byte of the line end after it
    (its '\\r' for CRLF) lands at byte ``target`` of the encoded stream; returns (text, lines)."""
    head = f"apiVersion: v1{newline}kind: ConfigMap{newline}metadata: {{name: pad}}{newline}data:{newline}  pad: {before_pad}"
    size = target - len(head.encode())
    assert size > 0
    text = head + "x" * size + newline
    assert text.encode().index(newline.encode(), len(head.encode())) == target
    return text, 5


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_a_line_end_split_at_the_block_boundary(newline):
    """The '\\r' of a CRLF (or a lone CR line end) is the last byte of the first block."""
    first, lines = padded_config_map(BLOCK - 1, newline)
    second = newline.join(["---", *POD]) + newline
    data = (first + second).encode()
    assert data[BLOCK - 1 : BLOCK] == b"\r"
    assert data[BLOCK : BLOCK + 1] == (b"\n" if newline == "\r\n" else b"-")

    source, docs = read(data)
    assert [d.problem for d in docs] == [None] * len(docs)
    assert [d.first_line for d in docs] == [1, lines + 1]
    whole = "".join(d.text for d in docs)
    assert "\r" not in whole
    assert whole == (first + second).replace(newline, "\n")  # one line end, not two

    # the same through the CLI: the write is on the last line
    result = cli("check", "-", "--stdin-filename", "in.yaml", "--format", "json", "--fail-on", "never", input=data)
    assert result.triples() == [("PL201", lines + len(POD) + 1, WRITE_COLUMN)]


def test_a_cr_that_ends_the_input_exactly_at_the_block_boundary():
    first, lines = padded_config_map(BLOCK - 1, "\r")
    data = first.encode()
    assert len(data) == BLOCK
    _, docs = read(data)
    assert "".join(d.text for d in docs) == first.replace("\r", "\n")


def test_a_cr_at_the_end_of_the_second_block_and_crlf_at_the_end_of_the_first():
    """Two boundaries in one input: the carried '\\r' must not leak into the next block."""
    first, _ = padded_config_map(BLOCK - 1, "\r\n")
    filler = "---\r\napiVersion: v1\r\nkind: ConfigMap\r\nmetadata: {name: two}\r\ndata:\r\n  pad: "
    used = len(first.encode()) + len(filler.encode())
    second = filler + "y" * (2 * BLOCK - 1 - used) + "\r\n"
    third = "---\r\n" + "\r\n".join(POD) + "\r\n"
    data = (first + second + third).encode()
    assert data[2 * BLOCK - 1 : 2 * BLOCK + 1] == b"\r\n"
    _, docs = read(data)
    assert "".join(d.text for d in docs) == (first + second + third).replace("\r\n", "\n")
    assert [d.first_line for d in docs] == [1, 6, 12]


def test_a_utf8_character_split_at_the_block_boundary():
    first, lines = padded_config_map(BLOCK + 1, "\n", before_pad="")
    # replace the byte before the boundary and the one after it by a two-byte character
    text = first[: BLOCK - 1] + "\u00e9" + first[BLOCK + 1 :]
    data = text.encode() + ("---\n" + "\n".join(POD) + "\n").encode()
    assert data[BLOCK - 1 : BLOCK + 1] == "\u00e9".encode()
    _, docs = read(data)
    assert [d.problem for d in docs] == [None] * len(docs)
    assert "\u00e9" in docs[0].text and [d.first_line for d in docs] == [1, lines + 1]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_a_bom_over_several_blocks(codec):
    """UTF-16 with a BOM, CRLF line ends, more than a block long, with a '\\r' as the last
    code unit of the first block and an astral character (a surrogate pair) after it."""
    bom = codecs.BOM_UTF16_LE if codec == "utf-16-le" else codecs.BOM_UTF16_BE
    head = "apiVersion: v1\r\nkind: ConfigMap\r\nmetadata: {name: pad}\r\ndata:\r\n  pad: "
    # 2 bytes per character after the 2-byte BOM: the '\r' is character (BLOCK - 2) // 2
    pad = (BLOCK - 2) // 2 - 1 - len(head)
    first = head + "x" * pad + "\r\n"
    second = "---\r\n# \U0001f680 rocket\r\n" + "\r\n".join(POD) + "\r\n"
    data = bom + (first + second).encode(codec)
    assert data[BLOCK - 2 : BLOCK] == "\r".encode(codec)
    assert len(data) > BLOCK
    source, docs = read(data)
    assert [d.problem for d in docs] == [None] * len(docs)
    assert "".join(d.text for d in docs) == (first + second).replace("\r\n", "\n")
    assert [d.first_line for d in docs] == [1, 6]
    result = cli("check", "-", "--stdin-filename", "in.yaml", "--format", "json", "--fail-on", "never", input=data)
    assert result.triples() == [("PL201", 6 + 1 + len(POD), WRITE_COLUMN)]


def test_utf16_without_a_bom_is_not_text():
    _, docs = read("\n".join(POD).encode("utf-16-le"))
    assert [d.problem[1:] for d in docs] == [(1, 2)]  # the NUL after the first character


def test_an_invalid_byte_in_the_second_block_is_reported_at_its_line():
    first, lines = padded_config_map(BLOCK + 100, "\n")
    data = first.encode() + b"---\nkind: x\nbad: \xff\n"
    _, docs = read(data)
    assert [(d.first_line, d.problem) for d in docs] == [
        (1, None),  # the document before it is still linted
        (lines + 1, (f"byte 0xff at line {lines + 3}, column 6 is not valid UTF-8; {RESAVE}", lines + 3, 6)),
    ]


def test_an_invalid_byte_on_a_line_that_spans_the_block_boundary():
    first, lines = padded_config_map(BLOCK + 100, "\n")
    # the pad line starts in the first block and ends after the boundary; spoil a byte in it
    index = BLOCK + 10
    data = bytearray(first.encode())
    data[index] = 0xFF
    line_start = bytes(data).rfind(b"\n", 0, index) + 1
    _, (doc,) = read(bytes(data))
    assert doc.problem[1:] == (lines, index - line_start + 1)


# ---------------------------------------------------------------------------------------------
# Helm: '# Source:' before each rendered document


RENDERED = """---
# Source: net/templates/daemonset.yaml
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: tune}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
        - name: c
          command: [sysctl, -w, net.core.somaxconn=1024]
---
# a comment first
# Source: net/templates/service.yaml   
apiVersion: v1
kind: Service
metadata: {name: s}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: no-source}
# Source: net/templates/late.yaml
---
# Source: net/templates/empty.yaml
"""


def test_each_document_keeps_its_helm_template():
    _, docs = read(RENDERED.encode())
    assert [(d.first_line, d.template) for d in docs] == [
        (1, "net/templates/daemonset.yaml"),
        (13, "net/templates/service.yaml"),  # trailing blanks dropped, after another comment
        (19, None),  # a Source comment after the content is not the document's
        (24, "net/templates/empty.yaml"),
    ]


def test_the_first_document_without_a_marker_and_a_source_too_far_down():
    text = "# Source: c/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\n---\n" + "#\n" * 25 + "# Source: c/templates/b.yaml\nkind: X\n"
    _, docs = read(text.encode())
    assert [d.template for d in docs] == ["c/templates/a.yaml", None]


def test_findings_name_the_template_they_were_rendered_from():
    result = cli("check", "-", "--stdin-filename", "rendered.yaml", "--format", "json", "--fail-on", "never", input=RENDERED)
    write_line = RENDERED.splitlines().index("          command: [sysctl, -w, net.core.somaxconn=1024]") + 1
    (finding,) = [f for f in result.findings if f["rule"] == "PL201"]
    assert (finding["path"], finding["line"]) == ("rendered.yaml", write_line)
    assert "net/templates/daemonset.yaml" in finding["message"]
    assert "net/templates/" not in finding["message"].replace("net/templates/daemonset.yaml", "")


def test_document_markers_at_the_start_of_a_block():
    """'...' ends a document (its line stays with it), '---' starts one (its line opens the
    next); a block may start with either, and a marker is followed by a blank or a line end."""
    blocks = ["a: 1\n", "...\nb: 2\n", "...\n--- \nc: 3\n----\n---x\n"]
    docs = list(sources.split_text_blocks(SourceFile("s.yaml"), blocks))
    assert [(d.text, d.first_line) for d in docs] == [("a: 1\n...\n", 1), ("b: 2\n...\n", 3), ("--- \nc: 3\n----\n---x\n", 5)]

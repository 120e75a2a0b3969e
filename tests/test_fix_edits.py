"""The edit model of fixes (linter/fixes/edits.py): offsets in the LF text portlint lints,
written back into the file's own bytes: BOM, encoding and every line end kept."""

from __future__ import annotations

import codecs

import pytest
from portlint.fixes.edits import Edit, FileText, apply, offset, overlapping


def test_offset_counts_lines_and_columns_from_one():
    text = "ab\ncde\nf"
    assert [offset(text, 1, 1), offset(text, 2, 1), offset(text, 2, 3), offset(text, 3, 2)] == [0, 3, 5, 8]


def test_apply_makes_edits_in_offset_order_whatever_their_order_given():
    assert apply("0123456789", [Edit(8, 9, "X"), Edit(0, 0, "<"), Edit(3, 5, "")]) == "<012567X9"
    assert apply("abc", [Edit(1, 2, "X")]) == "aXc"


@pytest.mark.parametrize(
    "edits, expected",
    [
        ([Edit(0, 2, "a"), Edit(2, 4, "b")], False),  # adjacent
        ([Edit(0, 3, "a"), Edit(2, 4, "b")], True),  # one character shared
        ([Edit(5, 5, "a"), Edit(5, 5, "b")], True),  # two insertions at one place: which first?
        ([Edit(5, 5, "a"), Edit(5, 6, "b")], True),
        ([Edit(4, 4, "a"), Edit(5, 5, "b")], False),
        ([Edit(9, 9, "a")], False),
    ],
)
def test_overlapping(edits, expected):
    assert overlapping(edits) is expected
    assert overlapping(list(reversed(edits))) is expected


def test_crlf_lines_keep_their_ends_and_new_lines_take_them():
    data = b"a: 1\r\nb: 2\r\nc: 3\r\n"
    file = FileText(data)
    assert file.text == "a: 1\nb: 2\nc: 3\n"
    at = offset(file.text, 2, 1)
    assert file.bytes_with([Edit(at, at, "x:\n  - y\n")]) == b"a: 1\r\nx:\r\n  - y\r\nb: 2\r\nc: 3\r\n"


def test_mixed_line_ends_each_line_keeps_its_own():
    file = FileText(b"a\rb\r\nc\nd")
    assert file.text == "a\nb\nc\nd"
    edits = [Edit(offset(file.text, 2, 2), offset(file.text, 3, 1), "B\n"), Edit(offset(file.text, 4, 2), offset(file.text, 4, 2), "\nD")]
    # line 2 ends in CRLF: the break replaced there is CRLF; the last line has none: the one before it (LF)
    assert file.bytes_with(edits) == b"a\rbB\r\nc\nd\nD"


def test_a_utf8_bom_and_text_after_the_edit_stay():
    file = FileText(codecs.BOM_UTF8 + "k: é\n".encode())
    assert file.text == "k: é\n"
    assert file.bytes_with([Edit(3, 4, "ü")]) == codecs.BOM_UTF8 + "k: ü\n".encode()


@pytest.mark.parametrize("bom, encoding", [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")])
def test_utf16_files_are_written_back_in_their_byte_order(bom, encoding):
    file = FileText(bom + "a: 1\r\n".encode(encoding))
    assert file.text == "a: 1\n"
    assert file.bytes_with([Edit(3, 4, "2")]) == bom + "a: 2\r\n".encode(encoding)


def test_no_edit_gives_the_same_bytes():
    data = codecs.BOM_UTF8 + b"a: 1\r\n\rb: 2"
    assert FileText(data).bytes_with([]) == data


def test_undecodable_bytes_raise():
    with pytest.raises(UnicodeDecodeError):
        FileText(b"a: \xff\n")

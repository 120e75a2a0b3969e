"""Positions inside a scalar's value: ScalarMap maps a value offset to the file's line and column."""

from __future__ import annotations

from portlint import tree
from portlint.scalarpos import ScalarMap
from portlint.sources import Document, SourceFile


def scalar_map(text: str, first_line: int = 1) -> ScalarMap:
    """The map of the value of key ``a`` in ``text``, a document starting at ``first_line``."""
    root, problems = tree.parse(text, first_line)
    assert problems == []
    return ScalarMap(Document(SourceFile("m.yaml", text), text, first_line, 0), root.get("a"))


def test_one_line_plain_and_quoted_scalars_map_each_character():
    plain = scalar_map("a: sysctl -w x=1\n")
    assert plain.exact and (plain.locate(0), plain.locate(10)) == ((1, 4), (1, 14))
    quoted = scalar_map('a: "sysctl -w x=1"\n', first_line=5)
    assert quoted.exact and (quoted.locate(0), quoted.locate(10)) == ((5, 5), (5, 15))


def test_a_one_line_escape_maps_every_offset_to_the_scalar_start():
    escaped = scalar_map('a: "x\\ty"\n')
    assert not escaped.exact
    assert (escaped.locate(2), escaped.span(2, 3), escaped.line_end(2)) == ((1, 4), (1, 4, 1, 5), 5)


def test_a_multi_line_plain_scalar_folds_breaks_and_keeps_empty_lines_as_breaks():
    m = scalar_map("a: one\n\n  two\n  three\n")  # the value is "one\ntwo three"
    assert m.exact
    assert [m.locate(offset) for offset in (0, 4, 8, 10)] == [(1, 4), (3, 3), (4, 3), (4, 5)]


def test_a_double_quoted_scalar_opening_with_a_line_break_starts_with_a_space():
    m = scalar_map('a: "\n  sysctl -w x=1"\n')  # the value is " sysctl -w x=1"
    assert m.exact and m.locate(1) == (2, 3)


def test_blanks_before_a_break_inside_quotes_fold_away():
    m = scalar_map('a: "one   \n  two"\n')  # the value is "one two"
    assert m.exact and m.locate(4) == (2, 3)


def test_quotes_escapes_and_tags_in_a_multi_line_scalar_are_not_exact():
    for text in ("a: 'it''s\n  x'\n", 'a: "x\\ty\n  z"\n', "a: !!str one\n  two\n"):
        m = scalar_map(text)
        assert not m.exact and m.locate(3) == (1, 4), text
    backslash = scalar_map("a: 'c:\\x\n  y'\n")  # no escape in single quotes
    assert backslash.exact and backslash.locate(5) == (2, 3)


def test_a_literal_block_counts_its_lines_from_the_document_start():
    m = scalar_map("\na: |\n  one\n  two\n", first_line=3)
    assert m.exact and m.locate(4) == (6, 3)


def test_a_kept_folded_block_ends_at_the_next_key():
    m = scalar_map("a: >+\n  one\n  two\nb:\n")  # the value is "one two\n"
    assert m.exact and m.locate(4) == (3, 3)


def test_a_folded_line_of_only_the_indentation_is_empty():
    m = scalar_map("a: >\n  one\n  \n  two\n")  # the value is "one\ntwo\n"
    assert m.exact and m.locate(4) == (4, 3)


def test_a_span_past_its_line_ends_at_that_line_end():
    m = scalar_map("a: |\n  one\n  two\n")
    assert m.span(0, 2) == (2, 3, 2, 5)
    assert m.span(0, 6) == (2, 3, 2, 6)
    assert m.line_end(5) == 6


def test_a_more_indented_folded_line_keeps_its_breaks():
    m = scalar_map("a: >\n  one\n    two\n  three\n")  # the value is "one\n  two\nthree\n"
    assert m.exact
    assert [m.locate(offset) for offset in (4, 10)] == [(3, 3), (4, 3)]


def test_a_stripped_folded_block_is_exact():
    m = scalar_map("a: >- # keep-no-break\n  one\n  two\n")  # the value is "one two"
    assert m.exact and m.locate(4) == (3, 3)


def test_a_kept_folded_block_at_the_end_of_the_text_keeps_one_empty_line():
    m = scalar_map("a: >+\n  one\n\n")  # the value is "one\n\n"
    assert m.exact and m.locate(2) == (2, 5)


def test_an_inexact_map_puts_every_offset_at_the_scalar_start():
    m = scalar_map("a: |\n  one\n  two\n").inexact()
    assert (m.exact, m.locate(5), m.line_end(5)) == (False, (1, 4), 5)

"""The suppression a quick fix adds (linter/fixes/suppress.py): the comment suppressions.py
reads, at the end of the finding's line, or the rule joined to the comment already there."""

from __future__ import annotations

from portlint import suppressions
from portlint.fixes.edits import Edit, apply
from portlint.fixes.suppress import line_comment

TEXT = "a: 1\nb: 2  # a note\nc: 3 # portlint: ignore[PL301,PL302] reserved\nd: 4"


def test_the_comment_goes_at_the_end_of_the_line_with_its_reason():
    edit = line_comment("x.yaml", TEXT, 2, "PL101", "tuned on purpose")
    assert edit == Edit(19, 19, " # portlint: ignore[PL101] tuned on purpose")  # "a: 1\n" + "b: 2  # a note"
    fixed = apply(TEXT, [edit])
    assert fixed.split("\n")[1] == "b: 2  # a note # portlint: ignore[PL101] tuned on purpose"
    (found,) = suppressions.comments(fixed.split("\n")[1], "x.yaml", 2)
    assert (found.rules, found.reason) == (frozenset({"PL101"}), "tuned on purpose")


def test_without_a_reason_the_comment_is_the_ids_alone():
    assert apply(TEXT, [line_comment("x.yaml", TEXT, 1, "PL101")]).split("\n")[0] == "a: 1 # portlint: ignore[PL101]"


def test_the_last_line_without_a_line_end():
    assert apply(TEXT, [line_comment("x.yaml", TEXT, 4, "PL101")]).endswith("d: 4 # portlint: ignore[PL101]")


def test_a_line_with_an_ignore_comment_gets_the_rule_joined_and_keeps_its_reason():
    fixed = apply(TEXT, [line_comment("x.yaml", TEXT, 3, "PL303", "ignored reason")])
    assert fixed.split("\n")[2] == "c: 3 # portlint: ignore[PL301,PL302,PL303] reserved"


def test_no_comment_in_json_or_after_a_line_continuation():
    assert line_comment("x.json", TEXT, 1, "PL101") is None
    assert line_comment("x.yaml", "a: |\n  sysctl -w \\\n    k=v\n", 2, "PL101") is None


def test_comment_span_is_the_offset_of_the_closing_bracket():
    assert suppressions.comment_span("x  # portlint: ignore[PL1, PL2] why") == 30
    assert suppressions.comment_span("x  # a note") is None

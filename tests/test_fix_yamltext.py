"""Places in a YAML document's text (linter/fixes/yamltext.py): lines, anchored spans, flow
collections."""

from __future__ import annotations

import pytest
from portlint.fixes.yamltext import anchored_spans, column, crosses, line_end, line_start

TEXT = "a: &x\n  b: 1\nc: *x\nd: &s str\ne: [1, 2]\n"


def test_line_start_end_and_column():
    assert [line_start(TEXT, 0), line_start(TEXT, 5), line_start(TEXT, 6), line_start(TEXT, 9)] == [0, 0, 6, 6]
    assert [line_end(TEXT, 0), line_end(TEXT, 6), line_end("ab", 1), line_end("\nab", 0)] == [5, 12, 2, 0]
    assert [column(TEXT, 0), column(TEXT, 9)] == [0, 3]
    assert line_start("\nab", 2) == 1  # the line break at offset 0 counts


def test_anchored_spans_cover_the_anchored_nodes_only():
    # a span starts at its anchor: "&x" (offset 3) through the mapping's end (offset 13, the
    # start of line 3); "&s str" is offsets 22-28; the alias *x and the flow list are not anchored
    assert sorted(anchored_spans(TEXT)) == [(3, 13), (22, 28)]


@pytest.mark.parametrize(
    "region, expected",
    [((0, 9), False), ((0, 10), True), ((12, 13), True), ((20, 25), True), ((21, 25), False), ((5, 30), True)],
)
def test_crosses_means_touching_an_anchored_span(region, expected):
    assert crosses([(10, 20)], *region) is expected

"""Helm mapping, unit level (continued from test_helm_mapping.py, whose helpers it uses):
small synthetic charts in tmp_path and rendered text held in memory (no helm), each aimed at
one decision of linter/helm.py's alignment.

Every expected (line, column, end column) was read by hand in the template text written in
the test, with a comment quoting the line; columns are 1-based, end columns exclusive.
"""

from __future__ import annotations

from portlint.findings import Finding, Location
from portlint.helm import map_to_chart
from test_helm_mapping import STDIN, chart, mapped

# --- Chart._add: helpers calling helpers are followed six calls deep ------------------------


def test_helper_calls_are_followed_six_deep(tmp_path):
    """c.l1 includes c.l2, ... c.l7 includes c.l8: the lines of c.l1 to c.l6 (six calls from
    the template) are known, c.l7's are not (it would be a seventh call)."""
    helpers = "".join(
        f'{{{{- define "c.l{i}" }}}}\nl{i}: x\n{{{{ include "c.l{i + 1}" . }}}}\n{{{{- end }}}}\n' for i in range(1, 9)
    )  # four lines each: c.lN's 'lN: x' is line 4N - 2
    root = chart(tmp_path, 'kind: Pod\n{{ include "c.l1" . }}\n', helpers)
    rendered = ["kind: Pod"] + [f"l{i}: x" for i in range(1, 9)]
    # 2: '{{ include "c.l1" . }}', columns 1 to 22, for every line the include emits
    call = ("t.yaml", 2, 1, 23, False)
    # l1 to l6: with the helper's own line 'lN: x', columns 1 to 5
    assert mapped(root, rendered, 2) == (call, [("_helpers.tpl", 2, 1, 6)])
    assert mapped(root, rendered, 7) == (call, [("_helpers.tpl", 22, 1, 6)])
    # l7: emitted by the include, but no helper line is known for it
    assert mapped(root, rendered, 8) == (call, [])


# --- _exact: a finding of no width after a literal line's text --------------------------------


def test_empty_span_after_a_literal_line(tmp_path):
    """A finding of no width just after '  hostNetwork:' (a value that is missing) points at the
    column after the template's text, one column wide."""
    root = chart(tmp_path, "kind: Pod\nspec:\n  hostNetwork:\n")
    # 3: '  hostNetwork:' ends at column 14; the column after it is 15
    assert mapped(root, ["kind: Pod", "spec:", "  hostNetwork:"], 3, "") == (("t.yaml", 3, 15, 16, False), [])


# --- align/_repair: a line with little literal text matches only at its own indentation -------


def test_a_helper_line_with_three_literal_characters_matches_at_another_indentation(tmp_path):
    """The helper's '  ab: {{ .Values.x }}' is expected at indentation 0 (included without
    nindent, its lines keep their own indentation over the helper's least indented line) but
    renders at 2: three literal characters ('ab:') are enough to recognise it anyway."""
    helpers = '{{- define "c.p" }}\n  ab: {{ .Values.x }}\n{{- end }}\n'
    root = chart(tmp_path, 'spec:\n{{- include "c.p" . }}\n', helpers)
    # 2: '{{- include "c.p" . }}', columns 1 to 22; the helper's line 2: the action, columns 7 to 21
    assert mapped(root, ["spec:", "  ab: 1"], 2, "1") == (("t.yaml", 2, 1, 23, False), [("_helpers.tpl", 2, 7, 22)])


def test_a_helper_line_with_two_literal_characters_needs_its_indentation(tmp_path):
    """As above with '  a: {{ .Values.x }}': two literal characters at another indentation
    are too little to say it is that line; the include that emits it is the place, without a
    helper line."""
    helpers = '{{- define "c.p" }}\n  a: {{ .Values.x }}\n{{- end }}\n'
    root = chart(tmp_path, 'spec:\n{{- include "c.p" . }}\n', helpers)
    # 2: '{{- include "c.p" . }}', columns 1 to 22
    assert mapped(root, ["spec:", "  a: 1"], 2, "1") == (("t.yaml", 2, 1, 23, False), [])


# --- _repair: the first rendered line, outside the alignment ----------------------------------


def test_block_before_the_first_aligned_line_is_the_first_entry(tmp_path):
    """'name: web' comes from the toYaml of line 1, the template's first line: the search for
    the line that emits it starts at the first entry."""
    root = chart(tmp_path, "{{ toYaml .Values.metadata }}\nkind: Pod\n")
    # 1: '{{ toYaml .Values.metadata }}': the action, columns 1 to 29
    assert mapped(root, ["name: web", "kind: Pod"], 1, "web") == (("t.yaml", 1, 1, 30, False), [])


# --- _whole: a line no template line produced -------------------------------------------------


def test_unknown_line_goes_to_the_nearest_line_before_it_approximately(tmp_path):
    """'paused: true' is in no template line (a post-renderer added it): the line placed just
    before it (its sibling 'replicas: 1'), the whole line, and the message says approximate."""
    root = chart(tmp_path, "spec:\n  replicas: 1\n")
    # 2: '  replicas: 1': the text from column 3 to 13
    assert mapped(root, ["spec:", "  replicas: 1", "  paused: true"], 3) == (("t.yaml", 2, 3, 14, True), [])


# --- _classify: an assignment before the text of a line ---------------------------------------


def test_text_after_an_assignment_is_the_line_literal_text(tmp_path):
    """'{{ $n := .Values.name }}' emits nothing: 'name: ' after it is the line's literal text, so
    a finding on the key 'name' points at it, and one on the value at the action."""
    root = chart(tmp_path, "metadata:\n  {{ $n := .Values.name }}name: {{ $n }}\n")
    rendered = ["metadata:", "  name: web"]
    # 2: '  {{ $n := .Values.name }}name: {{ $n }}': the assignment is columns 3 to 26, 'name' 27
    # to 30, the action '{{ $n }}' 33 to 40
    assert mapped(root, rendered, 2, "name") == (("t.yaml", 2, 27, 31, False), [])
    assert mapped(root, rendered, 2, "web") == (("t.yaml", 2, 33, 41, False), [])


# --- _repair: a literal line is a surer source than a pattern ---------------------------------


def test_literal_line_wins_over_a_pattern_that_reads_the_same(tmp_path):
    """'port: 80' could be line 3 with .Values.port 80, or the literal 'port: 80' of line 5 or
    7 (found twice, so no anchor): a literal line beats a pattern; of the two equal literal
    lines, the first."""
    template = (
        "spec:\n"
        "  {{- if .Values.custom }}\n"
        "  port: {{ .Values.port }}\n"
        "  {{- else if .Values.tls }}\n"
        "  port: 80\n"
        "  {{- else }}\n"
        "  port: 80\n"
        "  {{- end }}\n"
    )
    root = chart(tmp_path, template)
    # 5: '  port: 80': '80' is columns 9 to 10
    assert mapped(root, ["spec:", "  port: 80"], 2, "80") == (("t.yaml", 5, 9, 11, False), [])


# --- map_to_chart: findings without a template, or without a location, stay as they are -------


def test_findings_outside_the_templates_are_left_alone(tmp_path):
    root = chart(tmp_path, "kind: Pod\n")
    stream = "---\n# Source: c/templates/t.yaml\nkind: Pod\n---\nkind: Service\n"
    plain = Finding("PL000", "warning", "Plain.", Location(STDIN, 5, 1, 5, 5))
    run = Finding("PL000", "warning", "Run.", None, template="c/templates/t.yaml")
    map_to_chart([plain, run], root, {STDIN: stream})
    assert (plain.location, plain.message, plain.related) == (Location(STDIN, 5, 1, 5, 5), "Plain.", [])
    assert (run.location, run.message, run.related) == (None, "Run.", [])


# --- _pattern: the spaces around the literal text of a line -----------------------------------


def test_value_that_renders_empty(tmp_path):
    """'annotations: ' before an action that renders nothing: the rendered line ends after the
    colon, and still reads as line 2."""
    root = chart(tmp_path, "metadata:\n  annotations: {{ .Values.annotations }}\n")
    # 2: '  annotations: {{ .Values.annotations }}': 'annotations' is columns 3 to 13
    assert mapped(root, ["metadata:", "  annotations: "], 2, "annotations") == (("t.yaml", 2, 3, 14, False), [])


def test_trailing_spaces_of_a_template_line(tmp_path):
    root = chart(tmp_path, "metadata:\n  name: {{ .Values.name }}-svc   \n")
    # 2: '  name: {{ .Values.name }}-svc   ': the action is columns 9 to 26, 'svc' 28 to 30
    assert mapped(root, ["metadata:", "  name: web-svc"], 2, "svc") == (("t.yaml", 2, 28, 31, False), [])


def test_text_after_a_trimming_action(tmp_path):
    """'-}}' trims the space after the action: ' Mi' renders as 'Mi' right after the value."""
    root = chart(tmp_path, "resources:\n  memory: {{ .Values.mem -}} Mi\n")
    rendered = ["resources:", "  memory: 512Mi"]
    # 2: '  memory: {{ .Values.mem -}} Mi': the action is columns 11 to 28, 'Mi' 30 to 31
    assert mapped(root, rendered, 2, "Mi") == (("t.yaml", 2, 30, 32, False), [])
    assert mapped(root, rendered, 2, "512") == (("t.yaml", 2, 11, 29, False), [])

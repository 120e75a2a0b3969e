"""Helm mapping, unit level (continued from test_helm_mapping.py, whose helpers it uses):
small synthetic charts in tmp_path and rendered text held in memory (no helm), each aimed at
one decision of linter/helm.py's alignment.

Every expected (line, column, end column) was read by hand in the template text written in
the test, with a comment quoting the line; columns are 1-based, end columns exclusive.
"""

from __future__ import annotations

from portlint.findings import Finding, Location
from portlint.helm import Mapper, map_to_chart
from test_helm_mapping import HEADER, STDIN, chart, mapped

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


# --- _inner: actions written without spaces ---------------------------------------------------


def test_include_without_spaces_inside_the_braces(tmp_path):
    """'{{include "c.p" . | nindent 2}}' is a helper call indented by 2: the helper's
    'a: {{ .Values.x }}' (two literal characters, so only at its expected indentation) is
    found at indentation 2."""
    helpers = '{{- define "c.p" }}\na: {{ .Values.x }}\n{{- end }}\n'
    root = chart(tmp_path, 'spec:\n{{include "c.p" . | nindent 2}}\n', helpers)
    # 2: '{{include "c.p" . | nindent 2}}', columns 1 to 31; the helper's line 2: the action, columns 4 to 18
    assert mapped(root, ["spec:", "  a: 1"], 2, "1") == (("t.yaml", 2, 1, 32, False), [("_helpers.tpl", 2, 4, 19)])


# --- _Document.place: a location on a line that has no text -----------------------------------


def test_finding_on_a_blank_rendered_line(tmp_path):
    """No template line emits a blank line: the template file itself, approximately."""
    root = chart(tmp_path, "kind: Pod\n\nspec: {}\n")
    assert mapped(root, ["kind: Pod", "", "spec: {}"], 2) == (("t.yaml", 1, 1, 2, True), [])


# --- _windows: a line after an anchor is matched after it ------------------------------------


def test_line_after_an_anchor_is_not_the_same_pattern_before_it(tmp_path):
    """'b: 1' is an anchor (found once in the template and once rendered): 'a: 5' after it is
    line 4, not the same-looking line 2 before the anchor; 'a: 4' before it is line 2."""
    root = chart(tmp_path, "spec:\n  a: {{ .Values.x }}\n  b: 1\n  a: {{ .Values.y }}\n")
    # 4: '  a: {{ .Values.y }}': the action, columns 6 to 20
    assert mapped(root, ["spec:", "  b: 1", "  a: 5"], 3, "5") == (("t.yaml", 4, 6, 21, False), [])
    # 2: '  a: {{ .Values.x }}': the action, columns 6 to 20
    assert mapped(root, ["spec:", "  a: 4", "  b: 1"], 2, "4") == (("t.yaml", 2, 6, 21, False), [])


def test_empty_span_inside_a_line_is_one_column(tmp_path):
    """A finding of no width before 'true', or before the ':' between two values: the template
    column it is at, one column wide."""
    root = chart(tmp_path, "spec:\n  hostNetwork: true\n  image: {{ .Values.repo }}:{{ .Values.tag }}\n")
    rendered = ["spec:", "  hostNetwork: true", "  image: nginx:1.25"]
    # 2: '  hostNetwork: true': 'true' starts at column 16
    assert mapped(root, rendered, 2, "true", width=0) == (("t.yaml", 2, 16, 17, False), [])
    # 3: '  image: {{ .Values.repo }}:{{ .Values.tag }}': the actions are columns 10 to 27 and
    # 29 to 45, the ':' between them column 28
    assert mapped(root, rendered, 3, ":", width=0) == (("t.yaml", 3, 28, 29, False), [])


# --- _classify: text after a closed if is the line's own text ---------------------------------


def test_text_after_a_closed_if_counts_as_literal_text(tmp_path):
    """In the helper's '  {{ if .Values.tls }}tls-{{ end }}port: {{ .Values.port }}', 'tls-' is
    optional but 'port: ' after the end is not: five literal characters, enough to recognise
    the line at another indentation (included without nindent, it is expected at 0)."""
    helpers = '{{- define "c.p" }}\n  {{ if .Values.tls }}tls-{{ end }}port: {{ .Values.port }}\n{{- end }}\n'
    root = chart(tmp_path, 'spec:\n{{- include "c.p" . }}\n', helpers)
    # 2: '{{- include "c.p" . }}', columns 1 to 22; the helper's line 2: '{{ if .Values.tls }}' is
    # columns 3 to 22, 'tls-' 23 to 26, '{{ end }}' 27 to 35, 'port: ' 36 to 41, the action 42 to 59
    assert mapped(root, ["spec:", "  port: 8080"], 2, "8080") == (("t.yaml", 2, 1, 23, False), [("_helpers.tpl", 2, 42, 60)])


# --- align: a line that starts with a quote is not looked up by its first word ----------------


def test_quoted_key_line_after_an_anchor(tmp_path):
    """'"{{ .Values.k2 }}": ...' starts with '"' and no space: rendered, its first word is '"a":',
    so the line is tried for every rendered line, not only those starting with '"'. After the
    anchor 'x: 1' it is line 6, not the same-looking line 3 (in an if that is off)."""
    template = (
        "spec:\n"
        "  {{- if .Values.old }}\n"
        '  "{{ .Values.k }}": {{ .Values.v }}\n'
        "  {{- end }}\n"
        "  x: 1\n"
        '  "{{ .Values.k2 }}": {{ .Values.v2 }}\n'
    )
    root = chart(tmp_path, template)
    # 6: '  "{{ .Values.k2 }}": {{ .Values.v2 }}': the key's action is columns 4 to 19, the value's 23 to 38
    assert mapped(root, ["spec:", "  x: 1", '  "a": b'], 3, "b") == (("t.yaml", 6, 23, 39, False), [])


# --- Chart.helpers: helpers defined in a subdirectory of templates/ ---------------------------


def test_helper_defined_in_a_subdirectory_of_templates(tmp_path):
    root = chart(tmp_path, 'spec:\n  {{- include "c.p" . | nindent 2 }}\n')
    (tmp_path / "c" / "templates" / "helpers").mkdir()
    (tmp_path / "c" / "templates" / "helpers" / "_p.tpl").write_text('{{- define "c.p" }}\nport: {{ .Values.port }}\n{{- end }}\n')
    # 2: '  {{- include "c.p" . | nindent 2 }}', columns 3 to 36; _p.tpl line 2: 'port: {{ .Values.port }}',
    # the action columns 7 to 24
    assert mapped(root, ["spec:", "  port: 80"], 2, "80") == (("t.yaml", 2, 3, 37, False), [("_p.tpl", 2, 7, 25)])


# --- Mapper.move: rendered lines named in a message -------------------------------------------


def test_lines_named_in_a_message(tmp_path):
    """'(helm template):5' in a message becomes the template line it came from; a line with no
    text, or past the end of the stream, becomes 'the rendered chart'."""
    root = chart(tmp_path, "kind: Pod\nspec:\n  hostNetwork: true\n")
    stream = HEADER + "kind: Pod\nspec:\n  hostNetwork: true\n"  # lines 3 to 5, then an empty line 6
    finding = Finding("PL000", "warning", f"See {STDIN}:5, {STDIN}:6 and {STDIN}:7.", Location(STDIN, 5, 3, 5, 14), template="c/templates/t.yaml")
    map_to_chart([finding], root, {STDIN: stream})
    assert finding.message.replace(finding.location.path, "t.yaml") == "See t.yaml:3, the rendered chart and the rendered chart."


def test_defines_outside_templates_are_not_helpers(tmp_path):
    """Helm loads helpers from templates/ only: a 'define' of the same name in files/ (read
    first in the chart's sorted walk) is not the helper."""
    helpers = '{{- define "c.p" }}\nport: {{ .Values.port }}\n{{- end }}\n'
    root = chart(tmp_path, 'spec:\n  {{- include "c.p" . | nindent 2 }}\n', helpers)
    (tmp_path / "c" / "files").mkdir()
    (tmp_path / "c" / "files" / "a.tpl").write_text('{{- define "c.p" }}\n\nport: {{ .Values.other }}\n{{- end }}\n')
    # _helpers.tpl line 2: 'port: {{ .Values.port }}', the action columns 7 to 24
    assert mapped(root, ["spec:", "  port: 80"], 2, "80") == (("t.yaml", 2, 3, 37, False), [("_helpers.tpl", 2, 7, 25)])


def test_finding_placed_nowhere_points_at_the_first_column_of_the_template(tmp_path):
    root = chart(tmp_path, "kind: Pod\n\nspec: {}\n")
    finding = Finding("PL000", "warning", "Something.", Location(STDIN, 4, 1, 4, 1), template="c/templates/t.yaml")
    map_to_chart([finding], root, {STDIN: HEADER + "kind: Pod\n\nspec: {}\n"})  # line 4: the blank line
    where = finding.location
    assert (where.path.rsplit("/", 1)[1], where.line, where.column, where.end_line, where.end_column) == ("t.yaml", 1, 1, 1, 2)


def test_empty_span_at_the_start_of_a_key_or_in_a_value(tmp_path):
    """A finding of no width before 'image' points at that column, as on a literal line; one
    before the tag's value at the action that renders it, as a finding on the value does."""
    root = chart(tmp_path, "spec:\n  image: {{ .Values.repo }}:{{ .Values.tag }}\n")
    rendered = ["spec:", "  image: nginx:1.25"]
    # 2: '  image: {{ .Values.repo }}:{{ .Values.tag }}': 'image' starts at column 3; the action
    # '{{ .Values.tag }}' is columns 29 to 45
    assert mapped(root, rendered, 2, "image", width=0) == (("t.yaml", 2, 3, 4, False), [])
    assert mapped(root, rendered, 2, "1.25", width=0) == (("t.yaml", 2, 29, 46, False), [])


# --- _repair: of several lines that may emit a block, one at or left of its indentation -----


def test_block_line_goes_to_the_emitter_at_its_indentation(tmp_path):
    """'x: 1' at indentation 2 is in no template line: of the two toYaml lines after 'spec:'
    (the second in an if that is off), the one that indents by 2 (line 2) emits it, not the
    one that indents by 4 (line 5); two candidates, so approximate."""
    template = (
        "spec:\n"
        "{{- toYaml .Values.a | nindent 2 }}\n"
        "  {{- if .Values.b }}\n"
        "  b:\n"
        "{{- toYaml .Values.b | nindent 4 }}\n"
        "  {{- end }}\n"
    )
    root = chart(tmp_path, template)
    # 2: '{{- toYaml .Values.a | nindent 2 }}': the action, columns 1 to 35
    assert mapped(root, ["spec:", "  x: 1"], 2, "1") == (("t.yaml", 2, 1, 36, True), [])


# --- parse_lines/_classify: a line that ends with the action emitting a block ---------------


def test_block_after_a_key_on_the_same_line(tmp_path):
    """'labels: {{- toYaml ... | nindent 4 }}' renders the key, then the block on the next
    lines: a finding in the block points at the action, exactly (the line's last part is the
    action, so it may emit lines after its own)."""
    root = chart(tmp_path, "metadata:\n  labels: {{- toYaml .Values.labels | nindent 4 }}\n")
    # 2: '  labels: {{- toYaml .Values.labels | nindent 4 }}': the action is columns 11 to 50
    assert mapped(root, ["metadata:", "  labels:", "    app: web"], 3, "web") == (("t.yaml", 2, 11, 51, False), [])


# --- _map_columns: a finding of no width after the text of a line with an action --------------


def test_empty_span_after_the_value_of_a_line_with_an_action(tmp_path):
    """Just after 'nginx' (the action's output, which ends the line) no part of the template
    line is at that column: the whole line."""
    root = chart(tmp_path, "spec:\n  image: {{ .Values.image }}\n")
    # 2: '  image: {{ .Values.image }}': the text is columns 3 to 28
    assert mapped(root, ["spec:", "  image: nginx"], 2, "", width=0) == (("t.yaml", 2, 3, 29, False), [])


# --- _windows/align: lines of one shape, in order between the anchors -------------------------


def test_second_of_two_lines_of_the_same_shape(tmp_path):
    """Two ConfigMap entries whose keys and values are both templated ('{{ k }}: {{ v }}', one
    literal character each) between the anchors 'data:' and 'fixed: value': the alignment
    keeps them in order, so 'b: 2' is line 7, not the first line of that shape. The line in
    the if that is off (4) shifts the template's lines against the rendered ones."""
    template = (
        "kind: ConfigMap\n"
        "data:\n"
        "  {{- if .Values.extra }}\n"
        "  extra: {{ .Values.extra }}\n"
        "  {{- end }}\n"
        "  {{ .Values.k1 }}: {{ .Values.v1 }}\n"
        "  {{ .Values.k2 }}: {{ .Values.v2 }}\n"
        "  fixed: value\n"
    )
    root = chart(tmp_path, template)
    rendered = ["kind: ConfigMap", "data:", "  a: 1", "  b: 2", "  fixed: value"]
    # 6 and 7: '  {{ .Values.kN }}: {{ .Values.vN }}': the value's action is columns 21 to 36
    assert mapped(root, rendered, 3, "1") == (("t.yaml", 6, 21, 37, False), [])
    assert mapped(root, rendered, 4, "2") == (("t.yaml", 7, 21, 37, False), [])
    # 8: '  fixed: value': 'value' is columns 10 to 14
    assert mapped(root, rendered, 5, "value") == (("t.yaml", 8, 10, 15, False), [])


# --- Mapper.move: the related locations of a moved finding ------------------------------------


def test_related_locations_of_a_moved_finding(tmp_path):
    """A related location in the same templated document moves to its template line with its
    label; one in a document of the stream without '# Source:' is in no file and is left out;
    one in another file stays as it was."""
    root = chart(tmp_path, "kind: Service\nspec:\n  ports:\n    - nodePort: {{ .Values.port }}\n")
    service = "kind: Service\nspec:\n  ports:\n    - nodePort: 30080\n"
    stream = HEADER + service + "---\n" + service  # lines 3 to 6; the untemplated document: lines 8 to 11
    related = [
        Location(STDIN, 4, 1, 4, 5, "The spec"),
        Location(STDIN, 11, 17, 11, 22, "The other port"),
        Location("other.yaml", 3, 1, 3, 5, "Elsewhere"),
    ]
    finding = Finding("PL000", "warning", "Something.", Location(STDIN, 6, 17, 6, 22), related, template="c/templates/t.yaml")
    map_to_chart([finding], root, {STDIN: stream})
    template = finding.location.path
    # 4: '    - nodePort: {{ .Values.port }}': the action is columns 17 to 34; 2: 'spec:', columns 1 to 5
    assert finding.location == Location(template, 4, 17, 4, 35)
    assert finding.related == [Location(template, 2, 1, 2, 5, "The spec"), Location("other.yaml", 3, 1, 3, 5, "Elsewhere")]


def test_place_in_a_stream_that_cannot_be_read(tmp_path):
    """A location in a file that is gone has no document, hence no template line."""
    mapper = Mapper(chart(tmp_path, "kind: Pod\n"), {})
    assert mapper.place(Location(str(tmp_path / "gone.yaml"), 1, 1, 1, 2)) == (None, None)


# --- _loop_bodies: a helper's lines inside a range are in the range body ---------------------


def test_range_over_a_helper_with_lines_of_one_shape(tmp_path):
    """The range's only line includes 'c.pair', two lines of one shape ('{{ k }}: {{ v }}'):
    the second iteration ('c: 3', 'd: 4') goes back to the start of the body through the
    helper's lines (in the range as their call is), so 'd: 4' is the helper's line 3 again,
    not line 2, the first line of that shape."""
    helpers = '{{- define "c.pair" }}\n{{ .k1 }}: {{ .v1 }}\n{{ .k2 }}: {{ .v2 }}\n{{- end }}\n'
    template = 'kind: ConfigMap\ndata:\n  {{- range .Values.pairs }}\n  {{- include "c.pair" . | nindent 2 }}\n  {{- end }}\n'
    root = chart(tmp_path, template, helpers)
    rendered = ["kind: ConfigMap", "data:", "  a: 1", "  b: 2", "  c: 3", "  d: 4"]
    # 4: '  {{- include "c.pair" . | nindent 2 }}', columns 3 to 39; the helper's lines 2 and 3:
    # '{{ .kN }}: {{ .vN }}', the value's action columns 12 to 20
    call = ("t.yaml", 4, 3, 40, False)
    assert mapped(root, rendered, 5, "3") == (call, [("_helpers.tpl", 2, 12, 21)])
    assert mapped(root, rendered, 6, "4") == (call, [("_helpers.tpl", 3, 12, 21)])

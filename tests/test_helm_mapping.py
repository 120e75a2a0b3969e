"""Helm mapping, unit level: small synthetic charts in tmp_path and rendered text held in
memory (no helm), each aimed at one decision of linter/helm.py.

Every expected (line, column, end column) was read by hand in the template text written in
the test, with a comment quoting the line; columns are 1-based, end columns exclusive.
"""

from __future__ import annotations

import signal
from contextlib import contextmanager

from portlint.findings import Finding, Location
from portlint.helm import APPROXIMATE, map_to_chart, parse_lines

STDIN = "(helm template)"
HEADER = "---\n# Source: c/templates/t.yaml\n"  # two lines before the rendered document's first line


@contextmanager
def deadline(seconds: float):
    """Fail instead of hanging: the mapping is a few loops over small lists."""

    def expired(signum, frame):
        raise TimeoutError(f"mapping took more than {seconds}s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def chart(tmp_path, template: str, helpers: str | None = None) -> str:
    root = tmp_path / "c"
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    (root / "templates" / "t.yaml").write_text(template)
    if helpers is not None:
        (root / "templates" / "_helpers.tpl").write_text(helpers)
    return str(root)


def mapped(root: str, rendered: list[str], line: int, text: str | None = None, width: int | None = None):
    """Map a finding on the last ``text`` (default: the whole body) of rendered line ``line`` (1-based
    in ``rendered``), ``width`` columns wide (default: the text's), to the chart; returns (file,
    line, column, end column, approximate) of the moved finding and its related locations as
    (file, line, column, end column)."""
    body = rendered[line - 1]
    text = text if text is not None else body.strip()
    column = body.rindex(text) + 1
    end = column + (len(text) if width is None else width)
    at = line + HEADER.count("\n")
    finding = Finding("PL000", "warning", "Something", Location(STDIN, at, column, at, end), template="c/templates/t.yaml")
    with deadline(10):
        map_to_chart([finding], root, {STDIN: HEADER + "\n".join(rendered) + "\n"})
    where = finding.location
    assert finding.message in ("Something", f"Something ({APPROXIMATE})")
    related = [(r.path.rsplit("/", 1)[1], r.line, r.column, r.end_column) for r in finding.related]
    return (where.path.rsplit("/", 1)[1], where.line, where.column, where.end_column, APPROXIMATE in finding.message), related


# --- parse_lines: every line of the file, numbered from 1 -----------------------------------


def test_parse_lines_reads_every_line():
    lines = parse_lines("t.yaml", "kind: Pod\nspec:\n  image: {{ .Values.image }}\n{{- if .Values.x }}\n")
    assert [(x.number, x.text, x.kind) for x in lines] == [
        (1, "kind: Pod", "literal"),
        (2, "spec:", "literal"),
        (3, "  image: {{ .Values.image }}", "mixed"),
        (4, "{{- if .Values.x }}", "control"),
        (5, "", "control"),
    ]
    # line 3: 'image: ' is columns 3-9, the action '{{ .Values.image }}' columns 10-28 (0-based 9..28)
    assert lines[2].tail == (9, 28)


def test_finding_on_a_later_line_keeps_its_line(tmp_path):
    root = chart(tmp_path, "kind: Pod\nspec:\n  image: {{ .Values.image }}\n")
    # 3: '  image: {{ .Values.image }}': the value is the action, columns 10 to 28
    assert mapped(root, ["kind: Pod", "spec:", "  image: nginx"], 3, "nginx") == (("t.yaml", 3, 10, 29, False), [])


# --- _classify: text after {{ else }} is optional, as the text after {{ if }} -----------------


def test_text_after_else_is_optional(tmp_path):
    template = (
        "kind: Pod\n"
        "spec:\n"
        "  image: {{ .Values.repo }}:{{ if .Values.tag }}{{ .Values.tag }}{{ else }}latest{{ end }}\n"
    )
    root = chart(tmp_path, template)
    # 3: '  image: ' is columns 1-9; '{{ .Values.repo }}' columns 10-27, ':' 28,
    # '{{ if .Values.tag }}' 29-48, '{{ .Values.tag }}' 49-65, '{{ else }}' 66-75, 'latest' 76-81
    rendered = ["kind: Pod", "spec:", "  image: nginx:1.25"]
    assert mapped(root, rendered, 3, "1.25") == (("t.yaml", 3, 49, 66, False), [])
    assert mapped(root, rendered, 3, "nginx") == (("t.yaml", 3, 10, 28, False), [])


# --- align: a range body that is the template's first emitting line -------------------------


def test_range_iterations_from_the_first_entry(tmp_path):
    """The range body is entry 0: the second iteration goes back to it (the restart lookup
    reads the Fenwick tree down to index 1), and the line after the range is line 4."""
    root = chart(tmp_path, "{{- range .Values.items }}\n- name: {{ . }}\n{{- end }}\n- name: {{ .Values.last }}\n")
    rendered = ["- name: a", "- name: b", "- name: z"]
    # 2: '- name: {{ . }}': the action from column 9 to 15
    assert mapped(root, rendered, 1, "a") == (("t.yaml", 2, 9, 16, False), [])
    assert mapped(root, rendered, 2, "b") == (("t.yaml", 2, 9, 16, False), [])
    # 4: '- name: {{ .Values.last }}': the action from column 9 to 26
    assert mapped(root, rendered, 3, "z") == (("t.yaml", 4, 9, 27, False), [])


# --- _parents: a list item at its key's indentation is the key's child ----------------------


def test_list_item_under_a_toyaml_key_is_not_the_template_item(tmp_path):
    """toYaml writes 'extra:' and its list item '- port: 80' at one indentation. The item's
    parent is 'extra:' (from the toYaml line 2), so the same-looking literal line 5 under
    'ports:' (not rendered: .Values.defaultPorts is off) is not its source."""
    template = (
        "spec:\n"
        "  {{- toYaml .Values.extraSpec | nindent 2 }}\n"
        "  {{- if .Values.defaultPorts }}\n"
        "  ports:\n"
        "  - port: 80\n"
        "  {{- end }}\n"
    )
    root = chart(tmp_path, template)
    rendered = ["spec:", "  extra:", "  - port: 80", "    nodePort: 30080"]
    # 2: '  {{- toYaml .Values.extraSpec | nindent 2 }}': the action, columns 3 to 45
    assert mapped(root, rendered, 3) == (("t.yaml", 2, 3, 46, False), [])
    assert mapped(root, rendered, 4, "30080") == (("t.yaml", 2, 3, 46, False), [])


# --- _assign: the next aligned line bounds the search only when it is past the parent ---------


def test_child_of_a_range_iteration_before_the_next_iteration(tmp_path):
    """'image: x' (from toYaml, line 4) is followed by the next iteration's '- name: b',
    aligned to line 3 again: that is not a bound after line 3, so line 4 is still searched."""
    template = (
        "containers:\n"
        "{{- range .Values.containers }}\n"
        "- name: {{ .name }}\n"
        "  {{- toYaml .spec | nindent 2 }}\n"
        "{{- end }}\n"
    )
    root = chart(tmp_path, template)
    rendered = ["containers:", "- name: a", "  image: x", "- name: b", "  image: y"]
    # 4: '  {{- toYaml .spec | nindent 2 }}': the action, columns 3 to 33
    assert mapped(root, rendered, 3, "x") == (("t.yaml", 4, 3, 34, False), [])
    assert mapped(root, rendered, 5, "y") == (("t.yaml", 4, 3, 34, False), [])
    # 3: '- name: {{ .name }}': the action, columns 9 to 19
    assert mapped(root, rendered, 4, "b") == (("t.yaml", 3, 9, 20, False), [])


# --- _repair: literal text outweighs the indentation; the indentation breaks ties -----------


def test_helper_line_outweighs_a_same_indent_wildcard_line(tmp_path):
    """A helper written at its own indentation, included without nindent: its line
    '  port: {{ .Values.port }}' is expected at indentation 0 but renders at 2. Line 3 of the
    template ('{{ key }}: {{ value }}', inside an if that is off) has the right indentation
    but one literal character against the helper line's five."""
    template = (
        "spec:\n"
        "  {{- if .Values.custom }}\n"
        "  {{ .Values.custom.key }}: {{ .Values.custom.value }}\n"
        "  {{- end }}\n"
        '{{- include "c.port" . }}\n'
    )
    helpers = '{{- define "c.port" }}\n  port: {{ .Values.port }}\n{{- end }}\n'
    root = chart(tmp_path, template, helpers)
    # 5: '{{- include "c.port" . }}', columns 1 to 25; the helper's line 2 '  port: {{ .Values.port }}':
    # the value is its action, columns 9 to 26
    assert mapped(root, ["spec:", "  port: 8080"], 2, "8080") == (
        ("t.yaml", 5, 1, 26, False),
        [("_helpers.tpl", 2, 9, 27)],
    )


def test_same_indentation_wins_among_equal_lines(tmp_path):
    """'nodePort: 5' under 'second:' reads like line 4 (indentation 2, under an if that is
    off) and line 6 (indentation 4); it is at indentation 4, so line 6."""
    template = (
        "spec:\n"
        "  second:\n"
        "  {{- if .Values.legacy }}\n"
        "  nodePort: {{ .Values.b }}\n"
        "  {{- end }}\n"
        "    nodePort: {{ .Values.a }}\n"
    )
    root = chart(tmp_path, template)
    # 6: '    nodePort: {{ .Values.a }}': the action, columns 15 to 29
    assert mapped(root, ["spec:", "  second:", "    nodePort: 5"], 3, "5") == (("t.yaml", 6, 15, 30, False), [])


# --- _whole: text a helper's toYaml emitted points at the include call ------------------------


def test_helper_block_maps_to_the_include_action(tmp_path):
    template = 'spec:\n  containers:\n  - name: app\n    {{- include "c.res" . | nindent 4 }}\n'
    helpers = '{{- define "c.res" -}}\nresources:\n  {{- toYaml .Values.resources | nindent 2 }}\n{{- end }}\n'
    root = chart(tmp_path, template, helpers)
    rendered = ["spec:", "  containers:", "  - name: app", "    resources:", "      limits:", "        cpu: 1"]
    # 4: '    {{- include "c.res" . | nindent 4 }}': the action, columns 5 to 40
    assert mapped(root, rendered, 5) == (("t.yaml", 4, 5, 41, False), [])
    assert mapped(root, rendered, 6, "1") == (("t.yaml", 4, 5, 41, False), [])
    # the helper's literal line 'resources:' (helper line 2, columns 1 to 10): exact, with the helper line
    assert mapped(root, rendered, 4) == (("t.yaml", 4, 5, 41, False), [("_helpers.tpl", 2, 1, 11)])


# --- align: of a pattern's many candidates, those near the end of the best chain are tried -----


def test_many_candidates_are_taken_near_the_chain_end(tmp_path):
    """More than _NEAR (64) template lines start with '- ': only 64 of them are tried for a
    rendered '- port: ...', around the entry where the best chain so far ends (``front``).
    The chain starts at the comment, entry 70 (the 70 lines of the if before it emit nothing);
    the ports follow it at lines 74.., not in the if's lines 2-71, which come first in the
    list of candidates. (``else 0`` -> ``else 1`` in that line cannot be told apart: with no
    chain yet, front 0 or 1 puts at most one candidate before it, and the window of
    candidates starts at the first one whenever fewer than 16 are before front.)"""
    template = (
        "{{- if .Values.legacy }}\n"
        + "".join(f"- port: {{{{ .Values.legacy.p{i} }}}}\n" for i in range(70))  # lines 2-71
        + "{{- end }}\n"  # line 72
        + "# {{ .Release.Name }} ports\n"  # line 73
        + "".join(f"- port: {{{{ .Values.p{i} }}}}\n" for i in range(70))  # lines 74-143
    )
    root = chart(tmp_path, template)
    rendered = ["# web ports", "- port: 8000", "- port: 8001", "- port: 8002"]
    # 73: '# {{ .Release.Name }} ports': the whole line, columns 1 to 27
    assert mapped(root, rendered, 1) == (("t.yaml", 73, 1, 28, False), [])
    # 74: '- port: {{ .Values.p0 }}': the action, columns 9 to 24
    assert mapped(root, rendered, 2, "8000") == (("t.yaml", 74, 9, 25, False), [])
    # 76: '- port: {{ .Values.p2 }}': the action, columns 9 to 24
    assert mapped(root, rendered, 4, "8002") == (("t.yaml", 76, 9, 25, False), [])


# --- _windows: the first anchor of the chain is kept ------------------------------------------


def test_first_anchor_bounds_the_alignment(tmp_path):
    """'kind: Pod' is the only literal line found once on each side: the one anchor (the first
    of the longest increasing subsequence). Without it, the heavier match of the rendered
    'automountServiceAccountToken: false' (toYaml of line 6) with line 2 (in an if that is off)
    would come first in the alignment and leave 'kind: Pod' out of it, placed approximately."""
    template = (
        "{{- if .Values.serviceAccount.create }}\n"
        "automountServiceAccountToken: {{ .Values.serviceAccount.automount }}\n"
        "{{- end }}\n"
        "kind: Pod\n"
        "{{- with .Values.podOverrides }}\n"
        "{{- toYaml . | nindent 0 }}\n"
        "{{- end }}\n"
    )
    root = chart(tmp_path, template)
    rendered = ["kind: Pod", "automountServiceAccountToken: false"]
    # 4: 'kind: Pod': the whole line, columns 1 to 9
    assert mapped(root, rendered, 1) == (("t.yaml", 4, 1, 10, False), [])

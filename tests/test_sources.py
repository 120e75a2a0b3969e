"""Finding, reading, decoding and splitting inputs."""

from __future__ import annotations

import codecs
import os

import pytest
from conftest import lint_text

from portlint import sources
from portlint.excludes import Excludes


def split(text: str):
    return list(sources.split_documents(sources.SourceFile("s.yaml", text)))


def test_documents_keep_their_first_line_and_helm_template():
    text = "---\n# Source: chart/templates/a.yaml\nkind: A\n---\n# Source: chart/templates/b.yaml\nkind: B\n...\nkind: C\n"
    docs = split(text)
    assert [(d.first_line, d.template) for d in docs] == [
        (1, "chart/templates/a.yaml"),
        (4, "chart/templates/b.yaml"),
        (8, None),
    ]


def test_a_source_comment_after_content_is_not_a_template():
    docs = split("kind: A\n# Source: chart/templates/a.yaml\n")
    assert docs[0].template is None


def test_decode_utf8_bom_and_crlf():
    text, problem = sources.decode(codecs.BOM_UTF8 + b"a: 1\r\nb: 2\r\n")
    assert (text, problem) == ("a: 1\nb: 2\n", None)


def test_decode_utf16_with_bom():
    text, problem = sources.decode("a: 1\n".encode("utf-16"))
    assert (text, problem) == ("a: 1\n", None)


def test_binary_file_is_a_problem_with_its_position():
    _, problem = sources.decode(b"ab\ncd\x00ef")
    assert problem == ("a NUL byte at line 2, column 3: binary data, not a YAML or JSON manifest. This document is not linted", 2, 3)


def test_latin1_file_is_a_problem_with_its_position():
    _, problem = sources.decode("a: 1\nname: caf\u00e9\n".encode("latin-1"))
    assert problem == (
        "byte 0xe9 at line 2, column 10 is not valid UTF-8; Kubernetes manifests must be UTF-8: re-save the file as UTF-8. "
        "This document is not linted",
        2,
        10,
    )


def test_crlf_positions_are_unchanged(tmp_cwd):
    text = "apiVersion: v1\r\nkind: Pod\r\nmetadata: {name: p}\r\nspec:\r\n  hostNetwork: true\r\n  containers:\r\n  - name: a\r\n    command: [sysctl, -w, net.core.somaxconn=1]\r\n"
    (tmp_cwd / "crlf.yaml").write_bytes(text.encode())
    from conftest import cli

    result = cli("check", "crlf.yaml", "--format", "json")
    assert result.triples() == [("PL201", 8, 27)]


def test_discover_walks_directories_skipping_hidden_ones_and_loops(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.yaml").write_text("kind: A\n")
    (tmp_path / "a" / "y.yml").write_text("kind: A\n")
    (tmp_path / "a" / "z.json").write_text("{}")
    (tmp_path / "a" / "notes.txt").write_text("x")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "h.yaml").write_text("kind: A\n")
    os.symlink(tmp_path, tmp_path / "a" / "loop")
    found = [os.path.relpath(p, tmp_path) for p in sources.discover([str(tmp_path)])]
    assert found == ["a/x.yaml", "a/y.yml", "a/z.json"]


def test_discover_excludes_globs(tmp_path):
    (tmp_path / "keep.yaml").write_text("a: 1\n")
    (tmp_path / "skip.yaml").write_text("a: 1\n")
    found = [os.path.basename(p) for p in sources.discover([str(tmp_path)], Excludes(["skip.*"], str(tmp_path)))]
    assert found == ["keep.yaml"]


def test_excludes_are_gitignore_style_and_relative_to_their_base(tmp_path):
    for name in ("charts/a.yaml", "charts/sub/b.yaml", "deploy/c.yaml", "deploy/gen/d.yaml", "e.yaml", "x/charts/f.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("a: 1\n")

    def kept(patterns, top="."):
        excludes = Excludes(patterns, str(tmp_path))
        found = sources.discover([str(tmp_path / top)], excludes)
        return sorted(os.path.relpath(p, tmp_path).replace(os.sep, "/") for p in found)

    everything = ["charts/a.yaml", "charts/sub/b.yaml", "deploy/c.yaml", "deploy/gen/d.yaml", "e.yaml", "x/charts/f.yaml"]
    assert kept([]) == everything
    # '*' does not cross '/': charts/a.yaml goes, charts/sub/b.yaml stays
    assert kept(["/charts/*.yaml"]) == [p for p in everything if p != "charts/a.yaml"]
    # a name with only a trailing slash matches a directory at any depth
    assert kept(["charts/"]) == ["deploy/c.yaml", "deploy/gen/d.yaml", "e.yaml"]
    assert kept(["**/gen/**"]) == [p for p in everything if p != "deploy/gen/d.yaml"]
    assert kept(["*.yaml", "!e.yaml"]) == ["e.yaml"]
    # a config in deploy/ excludes nothing outside deploy/
    outside = Excludes(["*.yaml"], str(tmp_path / "deploy"))
    found = sorted(os.path.relpath(p, tmp_path).replace(os.sep, "/") for p in sources.discover([str(tmp_path)], outside))
    assert found == ["charts/a.yaml", "charts/sub/b.yaml", "e.yaml", "x/charts/f.yaml"]
    # patterns are relative to the base (the config's directory), wherever the walk starts
    assert kept(["/deploy/c.yaml"], top="deploy") == ["deploy/gen/d.yaml"]


def test_missing_path_is_an_input_error():
    with pytest.raises(sources.InputError, match="^nope.yaml: no such file or directory$"):
        list(sources.discover(["nope.yaml"]))


def test_json_manifests_lint_with_positions():
    text = '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "j"},\n "spec": {"hostNetwork": true, "containers": [{"name": "c", "command": ["sysctl", "-w", "net.core.somaxconn=1"]}]}}\n'
    result = lint_text(text, name="pod.json")
    assert result.triples() == [("PL201", 2, 89)]


def test_a_broken_document_does_not_hide_the_others():
    text = "kind: Pod\napiVersion: v1\nspec: {hostNetwork: true, containers: [{name: a, command: [sysctl, -w, net.core.somaxconn=1]}]}\n---\nkind: Pod\napiVersion: v1\na: [\n---\nkind: Pod\napiVersion: v1\nspec: {hostNetwork: true, containers: [{name: b, command: [sysctl, -w, net.core.rmem_max=1]}]}\n"
    result = lint_text(text)
    assert result.triples() == [("PL201", 3, 72), ("PL000", 7, 5), ("PL201", 11, 72)]  # "a: [" ends at column 4


NOT_KUBERNETES = [
    # a compose file with a duplicate key
    "services:\n  web: {image: nginx}\n  web: {image: httpd}\n",
    # tsconfig.json / .vscode/settings.json: JSON with comments
    '{\n  // the compiler\n  "compilerOptions": {"strict": true}\n}\n',
    # a GitHub workflow that does not parse
    "on: push\njobs:\n  a: [\n",
    # a values file with a tab
    "replicas: 1\n\tname: x\n",
    # a Chart.yaml (apiVersion but no kind) and a document with a kind but no apiVersion, each with a duplicate key
    "apiVersion: v2\nname: a\nname: b\n",
    "kind: Config\nname: a\nname: b\n",
]


@pytest.mark.parametrize(
    "text", NOT_KUBERNETES, ids=["compose-duplicate", "json-comments", "workflow", "values-tab", "chart-yaml", "kind-only"]
)
def test_documents_that_are_not_kubernetes_objects_are_skipped_even_when_broken(text):
    assert lint_text(text, name="other.yaml").findings == []


def test_a_broken_kubernetes_document_is_still_a_parse_error():
    duplicate = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nmetadata: {name: b}\n"
    assert lint_text(duplicate).triples() == [("PL000", 4, 1)]
    tab = "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: x\n"  # YAML forbids tabs for indentation
    assert lint_text(tab).triples() == [("PL000", 4, 1)]


def test_scalars_lists_empty_and_foreign_documents_are_skipped_quietly():
    text = "just a string\n---\n- a\n- b\n---\n---\n# only a comment\n---\nfoo: bar\nkind: 3\n"
    result = lint_text(text)
    assert result.findings == []
    assert result.exit_code == 0


def test_positions_count_a_line_break_at_the_very_start():
    from portlint.sources import _byte_position, not_text

    assert not_text("\nab\x00", first_line=4)[1:] == (5, 3)
    assert _byte_position(b"\nab\xc3\xa9x", 5) == (2, 4)  # "é" is two bytes, one column


@pytest.mark.parametrize(
    "text, template",
    [
        ("---\n# Source: c/templates/a.yaml   \nkind: A\n", "c/templates/a.yaml"),  # trailing blanks are not the path's
        ("# Source:c/templates/a.yaml\nkind: A\n", None),  # helm writes a space after the colon
        ("# Source:\nkind: A\n", None),  # no path
        ("## Source: x.yaml\n# Source: c/templates/b.yaml\nkind: B\n", "c/templates/b.yaml"),  # the first is another comment
        ("---\n\n  # Source: c/templates/indented.yaml\nkind: C\n", "c/templates/indented.yaml"),
        ("#\n" * 19 + "# Source: c/templates/line-20.yaml\nkind: D\n", "c/templates/line-20.yaml"),
        ("#\n" * 20 + "# Source: c/templates/line-21.yaml\nkind: E\n", None),  # only the first 20 lines are read
    ],
)
def test_the_helm_template_is_the_path_after_a_leading_source_comment(text, template):
    assert sources._helm_template(text) == template

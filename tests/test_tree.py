"""The YAML tree: positions, aliases, merge keys, duplicate keys, hostile shapes."""

from __future__ import annotations

from portlint import tree
from portlint.sources import Document, SourceFile


def doc_of(text: str, first_line: int = 1) -> Document:
    return Document(SourceFile("m.yaml", text), text, first_line, 0)


def test_positions_are_one_based_and_offset_by_the_document_start():
    text = "a: 1\nb:\n  c: [x, yy]\n"
    root, problems = tree.parse(text, first_line=10)
    assert problems == []
    d = doc_of(text, 10)
    c = tree.dig(root, "b", "c")
    loc = d.location(c.items[1])
    assert (loc.line, loc.column, loc.end_line, loc.end_column) == (12, 10, 12, 12)
    key, value = root.entry("a")
    loc = d.location(key, value)
    assert (loc.line, loc.column, loc.end_line, loc.end_column) == (10, 1, 10, 5)


def test_aliases_are_shared_not_copied():
    root, _ = tree.parse("a: &x {k: v}\nb: *x\n")
    assert root.get("b") is root.get("a")


def test_alias_bomb_stays_as_small_as_its_text():
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    root, problems = tree.parse("\n".join(lines) + "\n")
    assert problems == []
    top = root.get("a9")
    assert len(top.items) == 9 and all(item is top.items[0] for item in top.items)


def test_merge_keys_resolve_like_kubernetes():
    text = "base: &base {image: a, name: base}\nother: &other {image: b, port: 80}\nc:\n  <<: [*base, *other]\n  name: mine\n"
    root, problems = tree.parse(text)
    assert problems == []
    c = root.get("c")
    assert tree.as_str(c.get("name")) == "mine"  # own keys win
    assert tree.as_str(c.get("image")) == "a"  # the first merged mapping wins
    assert tree.as_int(c.get("port")) == 80
    assert [k for k, _, _ in c.items()] == ["name", "image", "port"]


def test_duplicate_keys_are_problems_with_positions():
    root, problems = tree.parse("a: 1\nb: 2\na: 3\n", first_line=4)
    assert [(p.line, p.col, p.end_line, p.end_col) for p in problems] == [(6, 1, 6, 2)]
    assert problems[0].message == 'duplicate key "a" (first defined on line 4)'
    assert tree.as_int(root.get("a")) == 3


def test_merge_of_a_scalar_is_one_problem():
    _, problems = tree.parse("a:\n  <<: [x, y]\n")
    assert [(p.message, p.line, p.col) for p in problems] == [
        ('merge key "<<" needs a mapping or a list of mappings', 2, 8)
    ]


def test_syntax_error_position():
    root, problems = tree.parse("a: b\n  c: d\n", first_line=3)
    assert root is None
    assert [(p.message, p.line, p.col) for p in problems] == [
        ("YAML syntax error: mapping values are not allowed in this context", 4, 4)
    ]


def test_deep_flow_nesting_is_refused_before_parsing():
    root, problems = tree.parse("a: " + "[" * 20000 + "]" * 20000 + "\n")
    assert root is None
    assert [(p.line, p.col) for p in problems] == [(1, 1004)]
    assert problems[0].message.startswith("flow collections nested deeper than 1000 levels")


def test_brackets_inside_strings_do_not_count_as_nesting():
    text = "a: '" + "[" * 1500 + "'\nb: \"" + "{" * 1500 + '"\n'
    root, problems = tree.parse(text)
    assert problems == []
    assert len(tree.as_str(root.get("a"))) == 1500


def test_deep_block_nesting_has_no_recursion_limit():
    text = "".join(" " * i + "k:\n" for i in range(3000)) + " " * 3000 + "v: 1\n"
    root, problems = tree.parse(text)
    assert problems == []
    assert type(root) is tree.Mapping


def test_unknown_tags_are_never_constructed():
    root, problems = tree.parse("a: !!python/object/apply:os.system ['echo hi']\nb: !!python/name:os.system x\n")
    assert problems == []
    assert tree.as_str(root.get("b")) == "x"


def test_recursive_alias_is_unknown_inside_its_own_anchor():
    root, problems = tree.parse("a: &a [1, *a]\n")
    assert [(p.message, p.line, p.col) for p in problems] == [("unknown alias *a", 1, 11)]


def test_typed_views_follow_kubernetes_decoding():
    root, _ = tree.parse('a: "30080"\nb: 30080\nc: yes\nd: "true"\ne: ~\nf: -1\ng: 0x10\n')
    assert tree.as_int(root.get("a")) is None
    assert tree.as_int(root.get("b")) == 30080
    assert tree.as_bool(root.get("c")) is True
    assert tree.as_bool(root.get("d")) is None
    assert tree.is_null(root.get("e")) and tree.as_str(root.get("e")) is None
    assert tree.as_int(root.get("f")) == -1
    assert tree.as_int(root.get("g")) == 16  # YAML 1.1 hexadecimal, as go-yaml v2 reads it


def test_wrong_types_on_the_path_give_none():
    root, _ = tree.parse("spec: [1, 2]\nmetadata: name\n")
    assert tree.dig(root, "spec", "template") is None
    assert tree.dig(root, "metadata", "name") is None
    assert tree.sequence_items(root.get("metadata")) == []


def test_items_give_each_key_node_and_value_own_keys_first_then_merged_ones():
    text = "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n  z: 4\n"
    root, problems = tree.parse(text)
    assert problems == []
    d = doc_of(text)
    got = []
    for key, key_node, value in root.get("m").items():
        loc = d.location(key_node)
        got.append((key, key_node.value, loc.line, loc.column, tree.as_str(value)))
    # own keys y (line 4) and z (line 5) at column 3, then x merged from base (line 1, column 11);
    # y of base is overridden
    assert got == [("y", "y", 4, 3, "3"), ("z", "z", 5, 3, "4"), ("x", "x", 1, 11, "1")]


def test_a_control_character_is_a_problem_at_that_character():
    # libyaml's reader error has no mark, only an offset in UTF-8 bytes: "é" is two bytes, one column
    text = "\na: 1\nb: é\n  cé: x\x01\n"
    root, problems = tree.parse(text, first_line=7)
    assert root is None
    assert [(p.message, p.line, p.col, p.end_line, p.end_col) for p in problems] == [
        ("YAML syntax error: unacceptable character #x0001: control characters are not allowed", 10, 8, 10, 9)
    ]


def test_a_control_character_in_a_pod_is_pl000_at_its_line():
    from conftest import lint_text

    text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\x02b\n"
    found = lint_text(text).findings
    assert [(f["rule"], f["line"], f["column"], f["message"]) for f in found] == [
        ("PL000", 4, 10, "YAML syntax error: unacceptable character #x0002: control characters are not allowed")
    ]


def test_an_unexpected_end_is_reported_after_the_last_line_that_is_not_blank():
    # libyaml places it on the line after the document, past the three blank ones
    root, problems = tree.parse("a: [1,\n 2,\n  \n\n \n", first_line=3)
    assert root is None
    assert [(p.message, p.line, p.col) for p in problems] == [
        ("YAML syntax error: did not find expected node content (while parsing a flow node)", 4, 4)
    ]
    _, problems = tree.parse("a: [1,\n\n \n", first_line=3)
    assert [(p.line, p.col) for p in problems] == [(3, 7)]

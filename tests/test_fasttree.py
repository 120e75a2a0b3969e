"""The C tree builder (linter/_fasttree.c) against the reference builder over ruamel's events.

tests/conftest.py already makes every in-process test build each document both ways
(tests/tree_compare.py); here: every real manifest of the test data, the benchmark's streams,
each kind of document the C builder must leave to ruamel (it raises Fallback), and the node
types' Python surface that the rest of portlint and the reference builder use.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from portlint import tree
from portlint.sources import SourceFile, split_documents
from tree_compare import REAL_PARSE, difference, problems

TESTS = Path(__file__).resolve().parent
fasttree = tree._fasttree
needs_fasttree = pytest.mark.skipif(fasttree is None, reason="portlint._fasttree was not built (no libyaml headers)")


def test_the_c_builder_is_built_where_ci_expects_it():
    """CI installs libyaml's headers and sets PORTLINT_EXPECT_FASTTREE: a silent fallback to the
    slow path there would leave the C builder untested."""
    if os.environ.get("PORTLINT_EXPECT_FASTTREE"):
        assert fasttree is not None
        assert fasttree.libyaml_version() == tree.FASTTREE_LIBYAML


def _documents(path: Path):
    text = path.read_text(encoding="utf-8", errors="surrogateescape")
    return list(split_documents(SourceFile(str(path), text)))


REAL = sorted(p for p in TESTS.rglob("*") if p.suffix in (".yaml", ".yml", ".json") and p.is_file())


@needs_fasttree
def test_both_builders_give_the_same_tree_for_every_document_of_the_test_data():
    assert len(REAL) > 400  # fixtures, tests/corpus, tests/realworld, charts, data
    built_in_c = compared = 0
    for path in REAL:
        for doc in _documents(path):
            fast = REAL_PARSE(doc.text, doc.first_line)
            reference = REAL_PARSE(doc.text, doc.first_line, accelerated=False)
            assert difference(fast[0], reference[0]) is None, (path, doc.first_line, difference(fast[0], reference[0]))
            assert problems(fast[1]) == problems(reference[1]), (path, doc.first_line)
            if "templates" in path.parts:
                continue  # Helm templates are not YAML yet: '{{' opens flow mappings used as keys
            compared += 1
            try:
                fasttree.build(doc.text)
                built_in_c += 1
            except fasttree.Fallback:
                pass
    # nearly every manifest is built in C: the fallback is for the rare constructs
    assert compared > 800
    assert built_in_c / compared > 0.97


@needs_fasttree
def test_the_benchmark_streams_are_built_in_c_and_match():
    sys.path.insert(0, str(TESTS.parent / "bench"))
    try:
        import run as bench
    finally:
        sys.path.pop(0)
    for text in (bench.generate(20), bench.generate_json(30)):
        docs = list(split_documents(SourceFile("bench.yaml", text)))
        assert len(docs) in (40, 1)
        for doc in docs:
            root = fasttree.build(doc.text)  # no Fallback
            reference, found = REAL_PARSE(doc.text, doc.first_line, accelerated=False)
            assert found == []
            assert difference(root, reference) is None


# Each construct the C builder leaves to ruamel's events, and why (see _fasttree.c).
FALLBACKS = {
    "anchor on a scalar": "a: &x 1\nb: 2\n",
    "anchor on a mapping": "a: &x {b: 1}\n",
    "anchor on a sequence": "a: &x [1]\n",
    "alias": "a: 1\nb: *x\n",
    "merge key": "base: {a: 1}\nm:\n  <<: {a: 2}\n",
    "quoted merge key": 'm:\n  "<<": 1\n',
    "duplicate key": "a: 1\na: 2\n",
    "complex key": "? [a, b]\n: 1\n",
    "mapping as a key": "? {a: 1}\n: 1\n",
    "version directive": "%YAML 1.1\n---\na: 1\n",
    "tag directive": "%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n",
    "second document": "a: 1\n---\nb: 2\n",
    "colon in a plain flow scalar": "a: [b:c]\n",
    "question mark in a plain flow scalar": "a: {b: c?d}\n",
    "syntax error": "a: [1, 2\n",
    # libyaml 0.2.5 and the older copy in ruamel.yaml.clib differ on these (_fasttree.c)
    "tag on a scalar in a flow collection": "a: [!a, b]\n",
    "tag on a collection in a flow collection": "a: [!!seq [1]]\n",
    "backslash before CR LF": 'a: "x\\\r\n  y"\n',
    "flow nesting beyond MAX_FLOW_DEPTH": "a: " + "[" * 1001 + "]" * 1001 + "\n",
}


@needs_fasttree
@pytest.mark.parametrize("text", FALLBACKS.values(), ids=FALLBACKS.keys())
def test_what_the_c_builder_leaves_to_ruamel(text):
    with pytest.raises(fasttree.Fallback):
        fasttree.build(text)
    fast = REAL_PARSE(text)
    reference = REAL_PARSE(text, accelerated=False)
    assert difference(fast[0], reference[0]) is None
    assert problems(fast[1]) == problems(reference[1])


@needs_fasttree
def test_text_that_is_not_utf8_is_left_to_ruamel():
    """sources.py never passes undecodable bytes to the parser (they are a PL000 of their own);
    the C builder still refuses them rather than fail."""
    with pytest.raises(fasttree.Fallback):
        fasttree.build("a: \udcff\n")


ACCEPTED = {
    "flow nesting at MAX_FLOW_DEPTH": "a: " + "[" * 1000 + "]" * 1000 + "\n",
    "colon in a quoted flow scalar": 'a: ["b:c", \'d?e\']\n',
    "colon in a plain block scalar": "a: b:c?\n",
    "block scalars": "a: |\n  x\nb: >-\n  y\n",
    "tags": "a: !!int '3'\nb: !!str 4\n",
    "tag on a flow collection itself": "a: !!seq [1]\n",
    "a byte order mark": "\ufeffa: 1\n",
    "CR LF without a backslash": 'a: "x\r\n  y"\n',
    "empty document": "",
    "a comment only": "# nothing\n",
    "explicit start and end": "---\na: 1\n...\n",
    "deep block nesting": "".join("  " * i + "- \n" for i in range(2000)),
}


@needs_fasttree
@pytest.mark.parametrize("text", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_what_the_c_builder_builds_itself(text):
    root = fasttree.build(text)
    reference, found = REAL_PARSE(text, accelerated=False)
    assert found == []
    assert difference(root, reference) is None


@needs_fasttree
def test_scalar_fields_and_marks():
    root = fasttree.build("key: !!str 'it is'\n")
    key, value = root.entries["key"]
    assert (key.value, key.style, key.tag, key.anchor) == ("key", "", None, None)
    assert (value.value, value.style, value.tag) == ("it is", "'", "tag:yaml.org,2002:str")
    assert (value.start_mark.index, value.start_mark.line, value.start_mark.column) == (5, 0, 5)
    assert (value.end_mark.index, value.end_mark.line, value.end_mark.column) == (18, 0, 18)
    assert (root.sm.line, root.em.line, root.em.column) == (0, 1, 0)
    assert root.merges is None


@needs_fasttree
def test_keys_of_one_document_share_one_string():
    root = fasttree.build("- name: a\n- name: b\n")
    first, second = (item.entries["name"][0].value for item in root.items)
    assert first is second


@needs_fasttree
def test_the_reference_builder_makes_the_same_node_types():
    """ruamel's marks go into the C types: the rest of portlint sees one kind of node."""
    root, _ = REAL_PARSE("a: &x [1]\nb: *x\n", accelerated=False)
    assert type(root) is tree.Mapping and type(root.get("b")) is tree.Sequence
    assert type(root.get("b").items[0]) is tree.Scalar
    assert root.get("a") is root.get("b")
    mapping = tree.Mapping(root.sm)
    mapping.em = root.get("b").em
    assert (mapping.sm.index, mapping.em.index, mapping.entries, mapping.merges) == (0, 9, {}, None)
    with pytest.raises(AttributeError):
        del mapping.sm


LOOKUPS = "base: &b {image: a, name: base}\nc:\n  <<: *b\n  name: mine\n  ports: [80]\n"


@needs_fasttree
@pytest.mark.parametrize("dig", [tree._dig, fasttree.dig], ids=["python", "c"])
def test_dig_follows_own_and_merged_keys_and_stops_at_anything_else(dig):
    root, _ = tree.parse(LOOKUPS)
    assert dig(root) is root
    assert dig(root, "c", "name").value == "mine"  # own keys win over merged ones
    assert dig(root, "c", "image").value == "a"  # from the merged mapping
    assert dig(root, "c", "absent") is None and dig(root, "absent", "name") is None
    assert dig(root, "c", "ports", "0") is None  # a sequence has no keys
    assert dig(root, "c", "name", "x") is None  # nor has a scalar
    assert dig(None, "c") is None


@needs_fasttree
@pytest.mark.parametrize("dig", [tree._dig, fasttree.dig], ids=["python", "c"])
def test_a_key_that_is_a_tuple_is_one_key_in_a_merged_mapping_too(dig):
    # the keys are strings: a tuple is no key of the mapping c, nor of the mapping merged in
    root, _ = tree.parse(LOOKUPS)
    assert dig(root, "c", ("image",)) is None
    assert dig(root, "c", ("image", "name")) is None
    assert dig(root, "c", ()) is None


@needs_fasttree
def test_the_c_lookups_refuse_a_mapping_whose_storage_was_replaced():
    root = fasttree.build("a: 1\n")
    assert root.get("a").value == "1" and root.get("b") is None
    root.entries = {"a": ["not", "a tuple"]}
    with pytest.raises(TypeError, match="not a \\(key node, value node\\) tuple"):
        root.get("a")
    root.entries = [("a", 1)]
    with pytest.raises(TypeError, match="entries are not a dict"):
        fasttree.dig(root, "a")
    with pytest.raises(TypeError, match="needs a node"):
        fasttree.dig()


# -- the objects of a List, handed out one by one (tree.parse_streaming_items)

BLOCK_LIST = """apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: a}
- 7
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: b}
metadata: {}
"""


@needs_fasttree
def test_list_items_are_handed_out_in_order_and_dropped_from_the_tree():
    handed = []
    root, found, streamed = tree.parse_streaming_items(BLOCK_LIST, 1, handed.append)
    assert (found, streamed) == ([], True)
    assert [type(item).__name__ for item in handed] == ["Mapping", "Scalar", "Mapping"]
    assert [tree.as_str(tree.dig(item, "metadata", "name")) for item in (handed[0], handed[2])] == ["a", "b"]
    assert (handed[0].sm.line, handed[1].start_mark.line, handed[2].sm.line) == (3, 6, 7)
    assert list(root.entries) == ["apiVersion", "kind", "items", "metadata"]
    assert root.get("items").items == []
    assert (root.get("items").sm.line, root.get("items").em.line) == (3, 10)


@needs_fasttree
def test_a_json_list_streams_its_items_although_kind_comes_after_them():
    handed = []
    text = '{"apiVersion": "v1", "items": [{"kind": "A"}, {"kind": "B"}], "kind": "List"}'
    root, _, streamed = tree.parse_streaming_items(text, 1, handed.append)
    assert streamed and [item.get("kind").value for item in handed] == ["A", "B"]
    assert [item.sm.column for item in handed] == [31, 46]


@needs_fasttree
def test_only_the_root_mappings_items_sequence_streams():
    text = "kind: Pod\nspec:\n  items:\n  - a\n"  # an "items" key below the root
    root, _, streamed = tree.parse_streaming_items(text, 1, pytest.fail)
    assert not streamed and tree.dig(root, "spec", "items").items[0].value == "a"
    text = "items: {a: 1}\n"  # a mapping, not a sequence
    root, _, streamed = tree.parse_streaming_items(text, 1, pytest.fail)
    assert not streamed and tree.dig(root, "items", "a").value == "1"


@needs_fasttree
def test_a_fallback_after_some_items_gives_the_whole_tree():
    handed = []
    text = "kind: List\napiVersion: v1\nitems:\n- a: 1\n- b: &x 2\n"  # the anchor falls back
    root, found, streamed = tree.parse_streaming_items(text, 1, handed.append)
    assert len(handed) == 1 and not streamed and found == []
    assert [item.entries for item in root.get("items").items][1]["b"][1].value == "2"


def _nodeport_service(name: str, port: int) -> str:
    return (
        f"- apiVersion: v1\n  kind: Service\n  metadata: {{name: {name}}}\n"
        f"  spec:\n    type: NodePort\n    ports:\n    - {{port: 80, nodePort: {port}}}\n"
    )


def test_a_list_linted_item_by_item_reports_each_object_once():
    """Two Services pin nodePort 30080 (PL303 on the second's value, line 17 column 28: the
    fourth line of each item is `    - {port: 80, nodePort: 30080}`); the same List
    with an anchor in its last item is linted from the whole tree instead, with the same
    findings, none twice."""
    from conftest import lint_text

    text = "apiVersion: v1\nkind: List\nitems:\n" + _nodeport_service("a", 30080) + _nodeport_service("b", 30080)
    expected = [("PL303", 17, 28)]
    streamed = lint_text(text)
    assert streamed.triples() == expected
    anchored = text + "- apiVersion: v1\n  kind: ConfigMap\n  metadata: &m {name: c}\n"
    whole = lint_text(anchored)
    assert whole.triples() == expected
    # the same object path (items[1]) either way: the same fingerprint
    assert streamed.findings[0]["fingerprint"] == whole.findings[0]["fingerprint"]
    not_a_list = text.replace("kind: List", "kind: Thing")  # its items are not objects
    assert lint_text(not_a_list).triples() == []


@needs_fasttree
def test_tree_parse_builds_in_c_unless_told_or_unless_the_text_has_other_line_breaks(monkeypatch):
    from portlint import eventtree

    calls = []
    monkeypatch.setattr(eventtree, "parse", lambda text, first_line: calls.append(text) or (None, []))
    assert type(REAL_PARSE("a: 1\n")[0]) is tree.Mapping and calls == []
    REAL_PARSE("a: 1\n", accelerated=False)
    REAL_PARSE("a: 'x\u2028y'\n")  # libyaml counts U+2028 as a line break; editors do not
    REAL_PARSE("a: &x 1\n")  # a Fallback
    assert calls == ["a: 1\n", "a: 'x\u2028y'\n", "a: &x 1\n"]


@needs_fasttree
def test_a_list_of_one_item_is_streamed_too():
    handed = []
    root, _, streamed = tree.parse_streaming_items("kind: List\nitems:\n- a: 1\n", 1, handed.append)
    assert streamed and len(handed) == 1 and root.get("items").items == []


def test_problems_count_lines_from_the_documents_first_line():
    """A duplicate key falls back to the reference builder, whose problems are 1-based in the
    file: line 2 of a document that starts the file, line 11 of one that starts at line 10."""
    assert [(p.line, p.col) for p in REAL_PARSE("a: 1\na: 2\n")[1]] == [(2, 1)]
    assert [(p.line, p.col) for p in REAL_PARSE("a: 1\na: 2\n", 10)[1]] == [(11, 1)]

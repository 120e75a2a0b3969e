"""Compare the two tree builders: the C one (portlint._fasttree) and ruamel's events.

``checked_parse`` is what the whole suite parses with (tests/conftest.py puts it in place of
``tree.parse``): every document any in-process test lints is built both ways, and the run stops
at the first node where the trees differ. tests/test_fasttree.py adds the real inputs and the
cases that must fall back.
"""

from __future__ import annotations

from portlint import tree

REAL_PARSE = tree.parse
REAL_PARSE_STREAMING = tree.parse_streaming_items


def describe_mark(mark) -> tuple[int, int, int]:
    return mark.index, mark.line, mark.column


def difference(a, b) -> str | None:
    """Where two trees differ (a path and what differs), or None when they are the same:
    node kinds, scalar text, style, tag and anchor, every start and end mark, key order.
    Iterative (deep nesting), and a node shared through aliases is compared once (an alias
    bomb stays linear)."""
    seen: set[tuple[int, int]] = set()
    stack = [(a, b, "$")]
    while stack:
        a, b, path = stack.pop()
        if (id(a), id(b)) in seen:
            continue
        seen.add((id(a), id(b)))
        found = _node_difference(a, b, path)
        if found:
            return found
        if a.__class__ is tree.Sequence:
            stack.extend((x, y, f"{path}[{index}]") for index, (x, y) in enumerate(zip(a.items, b.items)))
        elif a.__class__ is tree.Mapping:
            for key, (ka, va) in a.entries.items():
                kb, vb = b.entries[key]
                stack.extend([(ka, kb, f"{path}.{key}<key>"), (va, vb, f"{path}.{key}")])
            stack.extend((x, y, f"{path}<<{index}") for index, (x, y) in enumerate(zip(a.merges or (), b.merges or ())))
    return None


def _node_difference(a, b, path: str) -> str | None:
    """What differs between two nodes themselves (not their children)."""
    if a is None or b is None:
        return None if a is b else f"{path}: {a!r} vs {b!r}"
    if a.__class__ is not b.__class__:
        return f"{path}: {type(a).__name__} vs {type(b).__name__}"
    marks = (describe_mark(tree.start_mark(a)), describe_mark(tree.end_mark(a)))
    other = (describe_mark(tree.start_mark(b)), describe_mark(tree.end_mark(b)))
    if marks != other:
        return f"{path}: marks {marks} vs {other}"
    if a.__class__ is tree.Scalar:
        for field in ("value", "style", "tag", "anchor"):
            if getattr(a, field) != getattr(b, field):
                return f"{path}: {field} {getattr(a, field)!r} vs {getattr(b, field)!r}"
    elif a.__class__ is tree.Sequence:
        if len(a.items) != len(b.items):
            return f"{path}: {len(a.items)} vs {len(b.items)} items"
    else:
        if list(a.entries) != list(b.entries):
            return f"{path}: keys {list(a.entries)} vs {list(b.entries)}"
        if (a.merges is None) != (b.merges is None) or len(a.merges or ()) != len(b.merges or ()):
            return f"{path}: merges differ"
    return None


def problems(found) -> list[tuple]:
    return [(p.message, p.line, p.col, p.end_line, p.end_col) for p in found]


def checked_parse(text: str, first_line: int = 1, accelerated: bool = True):
    """``tree.parse`` that builds the document both ways and fails on any difference."""
    fast = REAL_PARSE(text, first_line)
    reference = REAL_PARSE(text, first_line, accelerated=False)
    found = difference(fast[0], reference[0])
    if found or problems(fast[1]) != problems(reference[1]):
        raise AssertionError(f"the C tree builder differs from ruamel's events: {found or 'problems'}\n{text[:2000]}")
    return fast if accelerated else reference


def checked_parse_streaming_items(text: str, first_line: int, on_item):
    """``tree.parse_streaming_items`` that also builds the whole tree from ruamel's events and
    fails unless the items handed out, and the tree left, are that tree's."""
    handed: list = []

    def record(item) -> None:
        handed.append(item)
        on_item(item)

    root, found, streamed = REAL_PARSE_STREAMING(text, first_line, record)
    reference, reference_found = REAL_PARSE(text, first_line, accelerated=False)
    differs = _streamed_difference(root, handed, reference) if streamed else difference(root, reference)
    if differs or problems(found) != problems(reference_found):
        raise AssertionError(f"streamed items differ from ruamel's tree: {differs or 'problems'}\n{text[:2000]}")
    return root, found, streamed


def _streamed_difference(root, handed: list, reference) -> str | None:
    """The tree left (its items sequence empty) and the items handed out, against the whole tree."""
    items = reference.get("items")
    if len(handed) != len(items.items):
        return f"{len(handed)} items handed out, {len(items.items)} in the document"
    for item, expected in zip(handed, items.items):
        found = difference(item, expected)
        if found:
            return found
    if list(root.entries) != list(reference.entries):
        return f"keys {list(root.entries)} vs {list(reference.entries)}"
    for key, (key_node, value) in root.entries.items():
        expected_key, expected = reference.entries[key]
        if key == "items":
            expected = tree.Sequence(expected.sm)
            expected.em = reference.get("items").em
        found = difference(key_node, expected_key) or difference(value, expected)
        if found:
            return found
    return None

"""Edits of a container's ``env`` for the downward-API entries a guard needs: new entries
in block style at the list's own indentation, or a new ``env`` key; a fieldPath replaced."""

from __future__ import annotations

from ..sources import Document
from ..tree import Mapping, Scalar, Sequence, as_str, dig, sequence_items
from .edits import Edit
from .yamltext import column, entry_key, is_flow, node_span


def env_edit(doc: Document, container: Mapping, missing: list[tuple[str, str]]) -> Edit | str:
    """Insert the ``missing`` (name, fieldPath) entries: before the first entry of a block
    ``env`` list, in place of an empty ``[]``, or as a new ``env`` key before ``command`` or
    ``args``, whichever comes first."""
    lines = []
    for name, field_path in missing:
        lines += [f"- name: {name}", f"  valueFrom: {{fieldRef: {{fieldPath: {field_path}}}}}"]
    env = container.get("env")
    if type(env) is Sequence and not env.items and doc.text.startswith("[]", node_span(env)[0]):  # env: []
        pad = " " * column(doc.text, node_span(entry_key(container, "env"))[0])
        start, end = node_span(env)
        start = len(doc.text[:start].rstrip(" "))  # the blank after "env:" goes too
        return Edit(start, end, "".join(f"\n{pad}  {line}" for line in lines))
    if env is not None:
        if type(env) is not Sequence or is_flow(doc, env):
            return "the container's env is not a block list (a flow collection or empty)"
        at = node_span(env)[0]
        pad = " " * column(doc.text, at)
        return Edit(at, at, "".join(line + "\n" + pad for line in lines))
    if is_flow(doc, container):
        return "the container is a flow mapping ({...}): no env entry can be added in block style"
    at = min(node_span(key)[0] for key in (entry_key(container, "command"), entry_key(container, "args")) if key is not None)
    pad = " " * column(doc.text, at)
    return Edit(at, at, "env:\n" + "".join(f"{pad}  {line}\n" for line in lines) + pad)


def field_path_edit(doc: Document, container: Mapping, name: str, field_path: str) -> Edit | str:
    """Set the fieldPath of env entry ``name`` (the last of that name: it wins)."""
    entries = [entry for entry in sequence_items(container.get("env")) if as_str(dig(entry, "name")) == name]
    current = dig(entries[-1], "valueFrom", "fieldRef", "fieldPath")
    if type(current) is not Scalar:
        return f"${name} is not taken from a fieldRef"
    start, end = node_span(current)
    return Edit(start, end, field_path)

"""The fix of PL101/PL201: run a container's unguarded writes only when the pod's IP differs
from the node's IP, and give the container the two downward-API env entries it then needs.

- A run of writes on whole lines of a literal block script (``|``, ``|-``) is wrapped in
  ``if [ "$POD_IP" != "$HOST_IP" ]; then`` ... ``fi`` lines, indented as the script indents.
- A write anywhere else (a folded ``>`` block, a quoted or plain one-liner, a line it
  shares with other commands) is wrapped where it stands: ``if ...; then WRITE; fi``, so no
  line break is added where folding would join lines.
- Exec form, ``command: [sysctl, -w, k=v]``, becomes ``[sh, -c, 'if ...; then sysctl -w k=v; fi']``.
- Env entries that already carry status.podIP/status.hostIP are used under their names.

Refused (with the reason): a write that is not a whole command of its script, a string whose
positions are not exact, a plain string in a flow collection, an env or container in flow
style, a POD_IP/HOST_IP name taken by something else, edits inside an anchored node, and a
write that reaches the node through hostIPC or nsenter (the guard would let it run).
"""

from __future__ import annotations

import re

from .. import argv, k8s
from ..findings import Finding
from ..guard import HOST_IP, POD_IP
from ..scalarpos import ScalarMap
from ..sources import Document
from ..tree import Mapping, Scalar, Sequence
from .edits import Edit, offset
from .env import env_edit
from .model import Fix, Refusal
from .targets import Target, each_target, finished
from .yamltext import is_flow, line_end, line_start, node_span

DOES = (  # for the rules' help (ruledoc.fix_section)
    'runs the write only `if [ "$POD_IP" != "$HOST_IP" ]` (a run of whole lines of a `|` script '
    "inside `if ...; then` / `fi` lines, any other write where it stands, exec form as `sh -c`) and adds the "
    "env entries from status.podIP and status.hostIP the container lacks (entries that carry them are used)"
)
DEFAULT_NAMES = {POD_IP: "POD_IP", HOST_IP: "HOST_IP"}
_SHELL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")
_SAFE_WORD = re.compile(r"[A-Za-z0-9_./=:,+@%-]+$")  # needs no quoting in sh
# what may stand before and after a whole command on its line (a string's quote included)
_COMMAND_START = re.compile(r"(?:^['\"]?|[;&|({]|\bthen|\bdo|\belse)[ \t]*$")
_COMMAND_END = re.compile(r"[ \t]*(?:['\"]?$|[;&|)}#]|\d*[<>])")
_CONTINUED = re.compile(r"(?:\\|&&|\|\||\|)[ \t]*$")  # the next line continues this command


def fixes(text: str, path: str, findings: list[Finding], settings=None) -> list[Fix | Refusal]:
    """One fix (or refusal) per container holding the writes ``findings`` (PL101/PL201 of
    the file ``path`` whose LF text is ``text``) report."""
    return each_target(text, path, findings, lambda target, base: [finished(target, base, *_container_fix(target))])


def _container_fix(target: Target) -> tuple[str, list[Edit] | str]:
    """(title, the edits or why there are none)."""
    label = target.container.label
    if any(cw.guard_cannot_help for cw in target.writes):  # the pod's IP differs from the node's
        return label, "a POD_IP/HOST_IP guard cannot keep the write off the node (it gets there through hostIPC or nsenter)"
    names = guard_names(target.writes[0].container.env)
    if isinstance(names, str):
        return label, names
    pod_var, host_var, missing = names
    test = f'if [ "${pod_var}" != "${host_var}" ]; then'
    title = f"Run the sysctl writes of {label} only if [ \"${pod_var}\" != \"${host_var}\" ]"
    edits = wraps(target.doc, target.container, target.writes, test)
    if isinstance(edits, str) or not missing:
        return title, edits
    added = env_edit(target.doc, target.container.node, missing)
    return title, added if isinstance(added, str) else edits + [added]


def guard_names(env: dict[str, str | None]) -> tuple[str, str, list[tuple[str, str]]] | str:
    """(pod IP variable, host IP variable, the (name, fieldPath) env entries to add), or why
    there are none: an entry already carrying the field is used, else the default name when
    it is free."""
    chosen, missing = [], []
    for field_path, default in DEFAULT_NAMES.items():
        carrying = [name for name, path in env.items() if path == field_path and _SHELL_NAME.match(name)]
        if carrying:
            chosen.append(default if default in carrying else carrying[0])
        elif default in env:
            return f"${default} is already set in the container's env from something other than {field_path}"
        else:
            chosen.append(default)
            missing.append((default, field_path))
    return chosen[0], chosen[1], missing


def wraps(doc: Document, container: k8s.Container, cws, test: str) -> list[Edit] | str:
    """The edits that put ``test`` around each write, or why not."""
    text = doc.text
    nodes = argv.of_container(container.node)
    words = [node.value for node in nodes]
    if words and argv.basename(words[0]) == "sysctl":
        placed = exec_form(doc, container.node, test)
        return placed if isinstance(placed, str) else [placed]
    script = script_of(nodes)
    if script is None:
        return "the writes are not in a `sh -c SCRIPT` or an exec-form sysctl command"
    runs: list[list[tuple[int, int]]] = []
    edits: list[Edit | str] = []
    for start, end in sorted({_region(text, doc.first_line, cw) for cw in cws}):
        if not script.start_mark.index <= start <= end <= script.end_mark.index:
            return "the write is not in the container's shell script"
        if text[start:end].rstrip(" \t").endswith("\\"):  # the command goes on past the write's region
            return "the write is not a whole command of its script"
        if script.style == "|" and _whole_lines(text, start, end, script):
            if runs and line_start(text, start) == line_end(text, runs[-1][-1][1]) + 1:
                runs[-1].append((start, end))
            else:
                runs.append([(start, end)])
            continue
        edits += in_place(doc, container.node, script, start, end, test)
    edits += [wrap_lines(text, run[0][0], run[-1][1], script, test) for run in runs]
    return next((e for e in edits if isinstance(e, str)), edits)


def script_of(nodes: list[Scalar]) -> Scalar | None:
    """The SCRIPT string of ``[wrappers...] sh [options] -c SCRIPT``."""
    words = [node.value for node in nodes]
    start = argv.unwrap(words).index
    if start is None or argv.basename(words[start]) not in argv.SHELLS:
        return None
    index = argv.script_index(words[start + 1 :])
    return nodes[start + 1 + index] if index is not None else None


def _region(text: str, first_line: int, cw) -> tuple[int, int]:
    """A write's (start, end) offsets in its document."""
    w = cw.write
    return offset(text, w.line - first_line + 1, w.column), offset(text, w.end_line - first_line + 1, w.end_column)


def _whole_lines(text: str, start: int, end: int, scalar: Scalar) -> bool:
    """The write fills its lines of the block, and no earlier line continues into it."""
    first, last = line_start(text, start), line_end(text, end)
    if text[first:start].strip() or text[end:last].strip():
        return False
    above = text[line_end(text, scalar.start_mark.index) : first].splitlines()  # [""] for none
    return not (above and _CONTINUED.search(above[-1]))


def wrap_lines(text: str, start: int, end: int, script: Scalar, test: str) -> Edit:
    """The lines from ``start`` to ``end`` inside ``test`` ... ``fi``, one level deeper."""
    first, last = line_start(text, start), line_end(text, end)
    indent = text[first:start]
    unit = indent_unit(text[line_end(text, script.start_mark.index) + 1 : script.end_mark.index])
    body = []
    for line in text[first:last].split("\n"):
        prefix = line[: len(indent)]
        keep = len(prefix) - len(prefix.lstrip(" \t"))
        body.append(line[:keep] + unit + line[keep:])
    return Edit(first, last, f"{indent}{test}\n" + "\n".join(body) + f"\n{indent}fi")


def indent_unit(block: str) -> str:
    """The step by which the script's lines indent (a tab if it indents with tabs), two
    spaces when no line is indented deeper than the others."""
    lines = [line for line in block.split("\n") if line.strip()]
    base = min(len(line) - len(line.lstrip(" ")) for line in lines)  # the write's line is one
    deeper = [line[base:] for line in lines if line[base:base + 1] in (" ", "\t")]
    if any(line.startswith("\t") for line in deeper):
        return "\t"
    steps = [len(line) - len(line.lstrip(" ")) for line in deeper]
    return " " * min(steps, default=2)


def in_place(doc: Document, container: Mapping, scalar: Scalar, start: int, end: int, test: str) -> list[Edit | str]:
    """``test`` before the write and ``; fi`` after it, on its own line of the string; or
    [why not]."""
    text, style = doc.text, scalar.style or ""
    if not ScalarMap(doc, scalar).exact:
        return ["the string's positions are not exact (escapes, tags or tabs)"]
    if not style and any(_holds(seq, scalar) and is_flow(doc, seq) for seq in (container.get("command"), container.get("args"))):
        return ["a plain string in a flow collection ([...]) cannot hold the guard's brackets"]
    begin = max(line_start(text, start), scalar.start_mark.index)
    finish = min(line_end(text, end), scalar.end_mark.index)
    if not _COMMAND_START.search(text[begin:start]) or not _COMMAND_END.match(text[end:finish]):
        return ["the write is not a whole command of its script"]
    before = test + " "
    if style == '"':
        before = before.replace('"', '\\"')
    return [Edit(start, start, before), Edit(end, end, "; fi")]


def _holds(seq, scalar: Scalar) -> bool:
    return type(seq) is Sequence and any(item is scalar for item in seq.items)


def exec_form(doc: Document, container: Mapping, test: str) -> Edit | str:
    """``[sysctl, -w, k=v]`` as ``[sh, -c, 'test sysctl -w k=v; fi']``."""
    command = container.get("command")
    if container.get("args") is not None or type(command) is not Sequence:
        return "the command's words continue in args"
    start, end = node_span(command)
    words = [item.value for item in command.items if type(item) is Scalar]
    if not is_flow(doc, command) or "\n" in doc.text[start:end] or len(words) != len(command.items):
        return "the exec-form command is not a one-line flow list"
    if not all(_SAFE_WORD.match(word) for word in words):
        return "a word of the exec-form command would need quoting in sh"
    return Edit(start, end, f"[sh, -c, '{test} {' '.join(words)}; fi']")

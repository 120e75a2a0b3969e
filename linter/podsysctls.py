"""The ``securityContext.sysctls`` of a pod spec, with positions.

Kubernetes decodes each entry as two strings (``name``, ``value``): an entry that is not a
mapping, or a name or value that is a mapping or a list, makes the API server reject the
whole object, and so does an entry without a name (the name is required). Such entries are
not sysctls to check; ``rejected_entries`` says where they are (PL000), so that bad input is
reported, never skipped in silence."""

from __future__ import annotations

from typing import Iterator

from . import k8s
from .records import mutable
from .tree import Mapping, Node, Scalar, Sequence, as_str, dig, sequence_items


@mutable
class PodSysctl:
    pod: k8s.PodSpec
    name: str
    value: str | None
    name_node: Node
    entry: Mapping
    index: int

    @property
    def path(self) -> str:
        return f"{self.pod.path}.securityContext.sysctls[{self.name}]"


def _entries(manifest: k8s.Manifest) -> Iterator[tuple[k8s.PodSpec, int, Node]]:
    pod = k8s.pod_spec(manifest)
    if pod is not None:
        for i, entry in enumerate(sequence_items(dig(pod.node, "securityContext", "sysctls"))):
            yield pod, i, entry


def pod_sysctls(manifest: k8s.Manifest) -> Iterator[PodSysctl]:
    """The entries with a name; ``value`` is the text as written (``~`` too), None when the
    entry has no value or one that is not a scalar."""
    for pod, i, entry in _entries(manifest):
        if type(entry) is not Mapping:
            continue
        name_node = entry.get("name")
        name = as_str(name_node)
        if not name:
            continue
        value_node = entry.get("value")
        value = value_node.value if value_node.__class__ is Scalar else None
        yield PodSysctl(pod, name, value, name_node, entry, i)


_COLLECTIONS = {Mapping: "a mapping", Sequence: "a list"}


def rejected_entries(manifest: k8s.Manifest) -> Iterator[tuple[Node, str, str]]:
    """(node, message, fingerprint path) of each entry, name or value the API server cannot
    decode as a string, and of each entry without a name (missing, null or empty)."""
    for pod, i, entry in _entries(manifest):
        where = f"{pod.path}.securityContext.sysctls[{i}]"
        if type(entry) is not Mapping:
            yield (
                entry,
                f"securityContext.sysctls[{i}] is not a mapping of name and value",
                where,
            )
            continue
        for key in ("name", "value"):
            node = entry.get(key)
            what = _COLLECTIONS.get(type(node))
            if what is not None:
                message = f"the {key} of securityContext.sysctls[{i}] is {what}, not a string"
                yield node, message, f"{where}.{key}"
            elif key == "name" and not as_str(node):
                yield node if node is not None else entry, f"securityContext.sysctls[{i}] has no name", f"{where}.name"


def rejected_for_host_namespace(sysctl: PodSysctl) -> str | None:
    """'hostNetwork' or 'hostIPC' when the pod shares the namespace this sysctl lives in
    (PL202: the pod is rejected, whatever else is wrong with the sysctl)."""
    from .sysctls import namespace_of

    flag = {"net": "hostNetwork", "ipc": "hostIPC"}.get(namespace_of(sysctl.name) or "")
    return flag if flag is not None and sysctl.pod.flag(flag) else None

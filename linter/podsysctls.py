"""The ``securityContext.sysctls`` of a pod spec, with positions."""

from __future__ import annotations

from typing import Iterator

from . import k8s
from .records import mutable
from .tree import Mapping, Node, as_str, dig, sequence_items


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


def pod_sysctls(manifest: k8s.Manifest) -> Iterator[PodSysctl]:
    pod = k8s.pod_spec(manifest)
    if pod is None:
        return
    for i, entry in enumerate(sequence_items(dig(pod.node, "securityContext", "sysctls"))):
        if type(entry) is not Mapping:
            continue
        name_node = entry.get("name")
        name = as_str(name_node)
        if not name:
            continue
        value_node = entry.get("value")
        value = as_str(value_node)
        if value is None and value_node is not None and hasattr(value_node, "value"):
            value = value_node.value
        yield PodSysctl(pod, name, value, name_node, entry, i)


def rejected_for_host_namespace(sysctl: PodSysctl) -> str | None:
    """'hostNetwork' or 'hostIPC' when the pod shares the namespace this sysctl lives in
    (PL202: the pod is rejected, whatever else is wrong with the sysctl)."""
    from .sysctls import namespace_of

    flag = {"net": "hostNetwork", "ipc": "hostIPC"}.get(namespace_of(sysctl.name) or "")
    return flag if flag is not None and sysctl.pod.flag(flag) else None

"""The sysctl writes of a manifest's containers, each with its guard verdict and the
namespace it lands in. Computed once per object and shared by PL101, PL102, PL103, PL201
and the port rules (a hostNetwork write of the ephemeral range declares the nodes' range).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import argv, guard, k8s, shell
from .findings import Location
from .sysctls import namespace_of


@dataclass(slots=True)
class ContainerWrite:
    container: k8s.Container
    write: shell.Write
    verdict: guard.Verdict
    namespace: str | None  # 'net', 'ipc', None for node-wide; 'net' when keys are unknown
    shares_node: bool  # the pod shares the node's namespace the write lands in
    remounts_proc_sys: bool

    @property
    def guard_state(self) -> str:
        """The guard's verdict as far as the node is concerned: 'guarded', 'broken' or 'none'.
        A valid POD_IP/HOST_IP guard tells whether the pod has its own network namespace; it
        keeps an IPC write of a hostIPC pod off the node only when the pod also has
        hostNetwork (only then are the two IPs equal), so there it counts as no guard."""
        state = self.verdict.state
        if state == "guarded" and self.guard_cannot_help:
            return "none"
        return state

    @property
    def guard_cannot_help(self) -> bool:
        return self.namespace == "ipc" and self.shares_node and not self.container.pod.flag("hostNetwork")

    @property
    def location(self) -> Location:
        w = self.write
        return Location(self.container.pod.manifest.doc.path, w.line, w.column, w.end_line, w.end_column)

    @property
    def what(self) -> str:
        """'net.ipv4.ip_local_port_range=1024 65535', or the file for sysctl -p."""
        w = self.write
        if w.key is None:
            return f"the sysctls listed in {w.source_file} (sysctl -p)"
        if w.how == "/proc/sys":
            return f"{w.key}={w.value} (through /proc/sys)" if w.value else f"{w.key} (through /proc/sys)"
        return f"{w.key}={w.value}" if w.value is not None else w.key

    @property
    def path(self) -> str:
        """Fingerprint path: container and key, not the line."""
        return f"{self.container.path}:{self.write.how}:{self.write.key or self.write.source_file}"

    @property
    def flag(self) -> str:
        """The pod setting that makes this write reach the node: hostIPC for IPC sysctls."""
        return "hostIPC" if self.namespace == "ipc" else "hostNetwork"

    @property
    def network_mode(self) -> str:
        flag = self.flag
        if self.namespace is None:  # node-wide: say which network the pod has, for context
            host = self.container.pod.flag("hostNetwork")
            return "a hostNetwork pod" if host else "a pod without hostNetwork"
        if self.shares_node:
            return f"a {flag} pod, which shares the node's {'IPC' if flag == 'hostIPC' else 'network'} namespace"
        return f"a pod without {flag}"


def container_writes(manifest: k8s.Manifest) -> list[ContainerWrite]:
    cached = manifest.cache.get("writes")
    if cached is not None:
        return cached
    found: list[ContainerWrite] = []
    pod = k8s.pod_spec(manifest)
    if pod is not None:
        host_network, host_ipc = pod.flag("hostNetwork"), pod.flag("hostIPC")
        for container in k8s.containers(pod):
            program = shell.analyze(argv.of_container(container.node), container.pod.manifest.doc)
            if not program.writes:
                continue
            env = k8s.env_field_paths(container)
            for write in program.writes:
                namespace = namespace_of(write.key) if write.key is not None else "net"
                shares = host_ipc if namespace == "ipc" else host_network
                verdict = guard.judge(write.facts, env) if write.facts else guard.NONE
                found.append(ContainerWrite(container, write, verdict, namespace, shares, program.remounts_proc_sys))
    manifest.cache["writes"] = found
    return found


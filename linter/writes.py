"""The sysctl writes of a manifest's containers, each with its guard verdict and the
namespace it lands in. Computed once per object and shared by PL101, PL102, PL103, PL201
and the port rules (a hostNetwork write of the ephemeral range declares the nodes' range).

Where a write lands is decided here, once: the namespace of its key (``linter.sysctls``;
none for a file written into the node's sysctl.d, which the node applies to itself), and
whether the pod shares that namespace with the node: by ``hostNetwork``/``hostIPC``, or
because the write runs behind ``nsenter`` in PID 1's namespace, which is the node's when
the pod has ``hostPID`` (``-t 1``, ``/proc/1/ns/net``) or names it through a hostPath
mount of the node's /proc (``--net=/host/proc/1/ns/net``). A write through a hostPath mount
of the node's /proc/sys changes the namespace of the writer, as every /proc/sys write does
(net/sysctl_net.c looks the table up in ``current->nsproxy->net_ns``): only its node-wide
keys reach the node. ``rules/_sysctl_owners.landing`` reads the result.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import argv, guard, k8s, shell
from .findings import Location
from .sysctls import namespace_of
from .tree import Mapping, as_bool, as_str, dig, sequence_items


@dataclass(frozen=True, slots=True)
class Mount:
    """A hostPath volume mounted into a container: ``path`` in the container, ``host`` on the
    node, ``location`` of the volume's hostPath.path."""

    path: str
    host: str
    location: Location


@dataclass(frozen=True, slots=True)
class NodeEntry:
    """How a write's nsenter reaches the node's namespace: ``words`` of the nsenter, and
    ``by``: 'hostPID' or the hostPath Mount of the node's /proc it names; ``by`` None when
    it aims at PID 1 but the pod has neither (it then enters the container's own PID 1)."""

    words: str
    by: str | Mount | None


@dataclass(slots=True)
class ContainerWrite:
    container: k8s.Container
    write: shell.Write
    verdict: guard.Verdict
    namespace: str | None  # 'net', 'ipc', None for node-wide; 'net' when keys are unknown
    shares_node: bool  # the pod shares the node's namespace the write lands in
    remounts_proc_sys: bool
    nsenter: NodeEntry | None = None  # the write enters PID 1's namespace of its key with nsenter

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
        """The guard only tells whether the pod has the node's network (then the two IPs are
        equal): a write that reaches the node's namespace another way (hostIPC, nsenter)
        runs whatever it says."""
        return self.shares_node and not self.container.pod.flag("hostNetwork")

    @property
    def via_nsenter(self) -> bool:
        """The write reaches the node's namespace only because of its nsenter."""
        return self.shares_node and self.nsenter is not None and self.nsenter.by is not None and not self._flag_shares

    @property
    def _flag_shares(self) -> bool:
        return self.container.pod.flag(self.flag)

    @property
    def location(self) -> Location:
        w = self.write
        return Location(self.container.pod.manifest.doc.path, w.line, w.column, w.end_line, w.end_column)

    @property
    def what(self) -> str:
        """'net.ipv4.ip_local_port_range=1024 65535', or the file for sysctl -p."""
        w = self.write
        if w.how == "sysctl.d":
            where = f"into the host's sysctl configuration at {w.target}"
            if w.key is None:
                return f"sysctl settings ({where})"
            return f"{w.key}={w.value} ({where})" if w.value is not None else f"{w.key} ({where})"
        if w.key is None:
            if w.how == "sysctl -p":
                return f"the sysctls listed in {w.source_file} (sysctl -p)"
            return "sysctls whose names are not known statically (sysctl -w with keys from variables or input)"
        if w.how == "/proc/sys":
            through = f"through the host's /proc at {w.target}" if w.host == "proc" else "through /proc/sys"
            return f"{w.key}={w.value} ({through})" if w.value else f"{w.key} ({through})"
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
    def namespace_name(self) -> str:
        return "IPC" if self.namespace == "ipc" else "network"

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
        volumes: dict[str, tuple[str, Location]] | None = None
        for container in k8s.containers(pod):
            mounts: list[Mount] = []
            if container.node.get("volumeMounts") is not None:
                if volumes is None:
                    volumes = _host_path_volumes(pod)
                mounts = _mounts(container, volumes)
            host_mounts = shell.HostMounts([(m.path, m.host) for m in mounts]) if mounts else shell.NO_MOUNTS
            program = shell.analyze(argv.of_container(container.node), container.pod.manifest.doc, host_mounts)
            if not program.writes:
                continue
            env = k8s.env_field_paths(container)
            for write in program.writes:
                if write.how == "sysctl.d":
                    namespace = None  # the node applies the file to its own namespaces
                else:
                    namespace = namespace_of(write.key) if write.key is not None else "net"
                shares = host_ipc if namespace == "ipc" else host_network
                entry = _node_entry(write, namespace, pod, mounts) if namespace is not None else None
                if entry is not None and entry.by is not None:
                    shares = True
                verdict = guard.judge(write.facts, env) if write.facts else guard.NONE
                found.append(ContainerWrite(container, write, verdict, namespace, shares, program.remounts_proc_sys, entry))
    manifest.cache["writes"] = found
    return found


def _node_entry(write: shell.Write, namespace: str, pod: k8s.PodSpec, mounts: list[Mount]) -> NodeEntry | None:
    """The nsenter that makes ``write`` run in PID 1's ``namespace``, and what makes that PID
    1 the node's; None when no nsenter enters PID 1's namespace of that kind."""
    for entered in reversed(write.entered):  # the innermost nsenter decides
        path = entered.file(namespace)
        if path is None:
            continue
        pid1 = f"/proc/1/ns/{namespace}"
        if path == pid1:
            return NodeEntry(entered.words, "hostPID" if pod.flag("hostPID") else None)
        for mount in sorted(mounts, key=lambda m: -len(m.path)):
            if path.startswith(mount.path.rstrip("/") + "/"):
                host = mount.host.rstrip("/") + path[len(mount.path.rstrip("/")) :]
                return NodeEntry(entered.words, mount) if host == pid1 else None
        return None  # another process's or a named namespace: not known to be the node's
    return None


def _host_path_volumes(pod: k8s.PodSpec) -> dict[str, tuple[str, Location]]:
    """Volume name -> (hostPath.path, its location)."""
    found: dict[str, tuple[str, Location]] = {}
    for volume in sequence_items(pod.node.get("volumes")):
        name = as_str(dig(volume, "name"))
        path_node = dig(volume, "hostPath", "path")
        path = as_str(path_node)
        if name and path and path.startswith("/"):
            found[name] = (path, pod.manifest.doc.location(path_node))
    return found


def _mounts(container: k8s.Container, volumes: dict[str, tuple[str, Location]]) -> list[Mount]:
    """The container's writable mounts of hostPath volumes (subPath followed)."""
    found: list[Mount] = []
    for mount in sequence_items(container.node.get("volumeMounts")):
        if type(mount) is not Mapping or as_bool(mount.get("readOnly")) is True:
            continue
        volume = volumes.get(as_str(mount.get("name")) or "")
        path = as_str(mount.get("mountPath"))
        if volume is None or not path or not path.startswith("/"):
            continue
        host, location = volume
        sub = as_str(mount.get("subPath"))
        if sub:
            host = host.rstrip("/") + "/" + sub.strip("/")
        found.append(Mount(path.rstrip("/") or "/", host.rstrip("/") or "/", location))
    return found

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

Scripts kept elsewhere: a container that runs a script by path (``bash /scripts/init.sh``,
``command: [/opt/tune.sh]``, ``. /scripts/lib.sh`` in a script) from a ConfigMap or Secret
volume, or loads a mounted file with ``sysctl -p FILE``/``--system``, cannot be judged while
its own document is linted: the ConfigMap may come later, or from another file. Such a
container leaves a ``ScriptUser`` (the container as plain values, ``RunsIn``, and what it
runs); ConfigMaps and Secrets leave their script and sysctl.conf texts (``KeptFile``, with
the scalar's positions); ``join`` meets them after the last input and analyses each script
as if it were inline, for that container: its env, its pod's host namespaces, its mounts,
the facts that hold where it runs the script. The result is ``ContainerWrite``s located in
the ConfigMap, for the same owner table and messages.
"""

from __future__ import annotations

from . import argv, guard, k8s, shell
from .findings import Location
from .k8s import ObjectRef, ref
from .records import copy_with, frozen, mutable
from .scalarpos import ScalarMap
from .sysctls import namespace_of
from .tree import Mapping, as_bool, as_str, dig, sequence_items
from .volumes import NO_CONFIG, ConfigMounts, VolumeFile, config_mounts, config_volumes

MAX_SCRIPT_DEPTH = 3  # a kept script that runs a kept script that runs...: deeper runs are not followed


@frozen
class Mount:
    """A hostPath volume mounted into a container: ``path`` in the container, ``host`` on the
    node, ``location`` of the volume's hostPath.path."""

    path: str
    host: str
    location: Location


@frozen
class NodeEntry:
    """How a write's nsenter reaches the node's namespace: ``words`` of the nsenter, and
    ``by``: 'hostPID' or the hostPath Mount of the node's /proc it names; ``by`` None when
    it aims at PID 1 but the pod has neither (it then enters the container's own PID 1)."""

    words: str
    by: str | Mount | None


@mutable
class RunsIn:
    """The container a write runs in, as plain values: what the owner table and the messages
    need, kept past the document for the run-scope join."""

    label: str  # 'init container "tune"'
    path: str  # the container's place in the workload, for fingerprints
    workload: str  # 'DaemonSet "tune"'
    namespace: str  # the workload's metadata.namespace ('' when missing)
    file: str  # the workload's file
    flags: frozenset[str]  # hostNetwork, hostIPC, hostPID: those set to true
    flag_locations: tuple[tuple[str, Location], ...]  # where each of them is written
    env: dict[str, str | None]  # env var -> downward API fieldPath (k8s.env_field_paths)
    mounts: tuple[Mount, ...] = ()  # writable hostPath mounts
    files: ConfigMounts = NO_CONFIG  # ConfigMap and Secret mounts

    def flag(self, key: str) -> bool:
        return key in self.flags

    def flag_location(self, key: str) -> list[Location]:
        """Where ``key: true`` is set, as a related location (empty when it is not there)."""
        return [loc.at(f"{key}: true is set here") for name, loc in self.flag_locations if name == key]


_FLAGS = ("hostNetwork", "hostIPC", "hostPID")


def runs_in(container: k8s.Container, mounts: list[Mount], files: ConfigMounts) -> RunsIn:
    pod = container.pod
    manifest = pod.manifest
    locations = []
    for key in _FLAGS:
        entry = pod.node.entry(key)
        if entry is not None:
            locations.append((key, manifest.doc.location(entry[0], entry[1])))
    return RunsIn(
        container.label,
        container.path,
        manifest.label,
        manifest.namespace,
        manifest.doc.path,
        frozenset(key for key in _FLAGS if pod.flag(key)),
        tuple(locations),
        k8s.env_field_paths(container),
        tuple(mounts),
        files,
    )


@mutable
class ContainerWrite:
    container: RunsIn
    write: shell.Write
    verdict: guard.Verdict
    namespace: str | None  # 'net', 'ipc', None for node-wide; 'net' when keys are unknown
    shares_node: bool  # the pod shares the node's namespace the write lands in
    remounts_proc_sys: bool
    nsenter: NodeEntry | None = None  # the write enters PID 1's namespace of its key with nsenter
    obj: object = None  # what findings are about: the Manifest, or an ObjectRef after the join
    file: str = ""  # the file that holds the write (a ConfigMap's for a kept script)
    kept: str = ""  # 'ConfigMap "scripts"': the object whose file holds the write (after the join)
    script: str = ""  # the path the container runs that file at; '' for a file sysctl -p loads
    origin: str = ""  # the kept file, in fingerprints: one per (container, file, key)

    @property
    def via(self) -> str:
        """' (running /scripts/tune.sh from ConfigMap "scripts")' for a kept script."""
        return f" (running {self.script} from {self.kept})" if self.script else ""

    @property
    def who(self) -> str:
        """The container, as messages name it (with its workload, and the script it runs, for
        a write in a kept file)."""
        if not self.kept:
            return self.container.label
        return f"{self.container.label} of {self.container.workload}{self.via}"

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
        return self.shares_node and not self.container.flag("hostNetwork")

    @property
    def via_nsenter(self) -> bool:
        """The write reaches the node's namespace only because of its nsenter."""
        return self.shares_node and self.nsenter is not None and self.nsenter.by is not None and not self._flag_shares

    @property
    def _flag_shares(self) -> bool:
        return self.container.flag(self.flag)

    @property
    def location(self) -> Location:
        w = self.write
        return Location(self.file, w.line, w.column, w.end_line, w.end_column)

    @property
    def what(self) -> str:
        """'net.ipv4.ip_local_port_range=1024 65535', or the file for sysctl -p."""
        w = self.write
        if w.how == "sysctl.d":
            where = f"into the host's sysctl configuration at {w.target}"
            if w.key is None:
                return f"sysctl settings ({where})"
            return f"{w.key}={w.value} ({where})" if w.value is not None else f"{w.key} ({where})"
        if w.how == "sysctl -p" and w.key is not None:  # a line of a file it loads
            setting = f"{w.key}={w.value}" if w.value is not None else w.key
            kept = f" of {self.kept}" if self.kept and not self.script else ""
            return f"{setting} (from {w.source_file}{kept}, loaded by {w.loader or 'sysctl -p'})"
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
        return f"{self.container.path}{self.origin}:{self.write.how}:{self.write.key or self.write.source_file}"

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
            host = self.container.flag("hostNetwork")
            return "a hostNetwork pod" if host else "a pod without hostNetwork"
        return f"a {flag} pod" if self.shares_node else f"a pod without {flag}"


@frozen
class UnreadScript:
    """A container's script too deep to analyse (``shell.Unread``), reported instead of its
    writes: ``obj`` the finding is about (the Manifest, or after the join an ObjectRef),
    ``path`` the container (and kept file) for the fingerprint."""

    obj: object
    location: Location
    path: str
    message: str


def _unread(unread: shell.Unread, obj, file: str, path: str) -> UnreadScript:
    return UnreadScript(obj, Location(file, unread.line, unread.column, unread.end_line, unread.end_column), path, unread.message)


@mutable
class ScriptUser:
    """A container that runs a file of a ConfigMap or Secret volume: the scripts it runs by
    path, and its ``sysctl -p``/``--system`` writes of mounted files (reported as they are
    when the run has no such object)."""

    container: RunsIn
    obj: ObjectRef  # the workload
    runs: list[shell.ScriptRun]
    loads: list[ContainerWrite]
    remounts_proc_sys: bool


def container_writes(manifest: k8s.Manifest) -> list[ContainerWrite]:
    """The writes of the manifest's own scripts (not those of files from ConfigMaps, which
    ``script_users`` hands to the join)."""
    cached = manifest.cache.get("writes")
    if cached is not None:
        return cached
    found: list[ContainerWrite] = []
    users: list[ScriptUser] = []
    unread: list[UnreadScript] = []
    pod = k8s.pod_spec(manifest)
    if pod is not None:
        volumes: dict[str, tuple[str, Location]] | None = None
        configs: dict | None = None
        for container in k8s.containers(pod):
            mounts: list[Mount] = []
            files = NO_CONFIG
            if container.node.get("volumeMounts") is not None:
                if volumes is None:
                    volumes = _host_path_volumes(pod)
                    configs = config_volumes(pod.node)
                mounts = _mounts(container, volumes)
                files = config_mounts(container.node, configs)
            host_mounts = shell.HostMounts([(m.path, m.host) for m in mounts]) if mounts else shell.NO_MOUNTS
            program = shell.analyze(argv.of_container(container.node), manifest.doc, host_mounts, files)
            unread.extend(_unread(u, manifest, manifest.doc.path, f"{container.path}:script") for u in program.unread)
            if not program.writes and not program.runs:
                continue
            where = runs_in(container, mounts, files)
            user = ScriptUser(where, ref(manifest), program.runs, [], program.remounts_proc_sys) if files else None
            for write in program.writes:
                cw = _container_write(where, write, program.remounts_proc_sys, manifest, manifest.doc.path)
                if user is not None and _loads_mounted(write, files):
                    cw.obj = user.obj
                    user.loads.append(cw)
                else:
                    found.append(cw)
            if user is not None and (user.runs or user.loads):
                users.append(user)
    manifest.cache["writes"] = found
    manifest.cache["script_users"] = users
    manifest.cache["unread"] = unread
    return found


def script_users(manifest: k8s.Manifest) -> list[ScriptUser]:
    container_writes(manifest)
    return manifest.cache["script_users"]


def unread_scripts(manifest: k8s.Manifest) -> list[UnreadScript]:
    """The manifest's own scripts too deep to analyse."""
    container_writes(manifest)
    return manifest.cache["unread"]


def _container_write(
    where: RunsIn, write: shell.Write, remounts: bool, obj, file: str, kept: str = "", script: str = "", origin: str = ""
) -> ContainerWrite:
    """Where one write lands and its guard's verdict, for the container ``where``."""
    if write.how == "sysctl.d":
        namespace = None  # the node applies the file to its own namespaces
    else:
        namespace = namespace_of(write.key) if write.key is not None else "net"
    shares = where.flag("hostIPC") if namespace == "ipc" else where.flag("hostNetwork")
    entry = _node_entry(write, namespace, where) if namespace is not None else None
    if entry is not None and entry.by is not None:
        shares = True
    verdict = guard.judge(write.facts, where.env) if write.facts else guard.NONE
    return ContainerWrite(where, write, verdict, namespace, shares, remounts, entry, obj, file, kept, script, origin)


def _loads_mounted(write: shell.Write, files: ConfigMounts) -> bool:
    """``sysctl -p FILE``/``--system`` that loads a file of a ConfigMap or Secret mount
    (``files``: never empty, only containers with such mounts ask)."""
    if write.how != "sysctl -p" or write.key is not None or write.source_file is None:
        return False
    paths, directories = shell.loaded_files(write.source_file)
    return any(files.resolve(p) for p in paths) or any(files.in_directory(d) for d in directories)


# -- the run-scope join: files kept from ConfigMaps and Secrets, run by the containers above --


@mutable
class KeptFile:
    """A key of a ConfigMap or Secret whose text looks like a script or a sysctl.conf, with
    the positions of its scalar (``ScalarMap``: plain numbers, no document)."""

    kind: str
    namespace: str
    name: str
    key: str
    text: str
    positions: ScalarMap
    file: str
    obj: ObjectRef


def join(users: list[ScriptUser], kept: list[KeptFile], unread: list[UnreadScript]) -> list[ContainerWrite]:
    """The writes of the kept files the containers run or load, located in those files:
    one per (container, write); a ``sysctl -p`` of a file the run does not hold stays the
    one write of unknown keys it was. Sorted by place, whatever the order of the inputs.
    Kept scripts too deep to analyse go to ``unread``, once per place."""
    index: dict[tuple[str, str, str], list[KeptFile]] = {}
    for item in kept:
        index.setdefault((item.kind, item.namespace, item.name), []).append(item)
    found: list[ContainerWrite] = []
    too_deep: dict[Location, UnreadScript] = {}
    for user in users:
        for cw in user.loads:
            loaded = _loaded(user, cw.write, user.container.file, index, user.remounts_proc_sys)
            found.extend(cw for cw in ([cw] if loaded is None else loaded))
        for run in user.runs:
            found.extend(_ran(user, run, user.container.file, index, user.remounts_proc_sys, (), too_deep))
    unread.extend(too_deep[k] for k in sorted(too_deep, key=lambda loc: (loc.path, loc.line, loc.column)))
    unique: dict[tuple, ContainerWrite] = {}
    for cw in found:
        w = cw.write
        user = (cw.obj.ident, cw.obj.origin, cw.container.path)  # the workload and the container in it
        unique.setdefault((cw.file, w.line, w.column, *user, w.how, w.key, w.value), cw)
    return [unique[k] for k in sorted(unique, key=lambda k: tuple("" if v is None else v for v in k))]


def _files_of(index, namespace: str, file: VolumeFile) -> list[KeptFile]:
    """The kept keys ``file`` shows (every key of its object when it stands for them all)."""
    candidates = index.get((file.kind, namespace, file.name), ())
    return [c for c in candidates if file.key is None or c.key == file.key]


def _kept_obj(user: ScriptUser, item: KeptFile) -> ObjectRef:
    """Findings in a kept file are about the workload, noted as the file's (its Helm
    template), and silenced by either object's portlint.io/ignore annotation."""
    o = user.obj
    return ObjectRef(o.ident, o.label, item.obj.template, o.suppressions + item.obj.suppressions, o.origin)


def _tagged(facts: list, file: str) -> list:
    """Facts of a script in ``file``, marked with it (they meet facts of other files)."""
    return [fact if fact.path else copy_with(fact, path=file) for fact in facts]


def _loaded(user: ScriptUser, write: shell.Write, file: str, index, remounts: bool) -> list[ContainerWrite] | None:
    """The lines of the mounted files ``sysctl -p``/``--system`` loads, as writes; None when
    the run holds none of them."""
    files = user.container.files
    paths, directories = shell.loaded_files(write.source_file or "")
    candidates = [(f, False) for p in paths for f in files.resolve(p)]
    candidates += [(f, True) for d in directories for f in files.in_directory(d)]
    found: list[ContainerWrite] = []
    seen = False
    for volume_file, in_directory in candidates:
        for item in _files_of(index, user.container.namespace, volume_file):
            path = volume_file.file_for(item.key)
            if in_directory and not path.endswith(".conf"):
                continue  # --system reads the *.conf files of its directories only
            seen = True
            kept = f'{item.kind} "{item.name}"'
            for start, end, key, value in shell.conf_entries(item.text):
                line, col, end_line, end_col = item.positions.span(start, end)
                entry = shell.Write(
                    key, value, "sysctl -p", line, col, end_line, end_col, _tagged(write.facts, file), path,
                    write.entered, loader=shell.loader_of(write.source_file or ""),
                )  # fmt: skip
                origin = f":{item.kind}/{item.namespace}/{item.name}/{item.key}"
                found.append(
                    _container_write(user.container, entry, remounts, _kept_obj(user, item), item.file, kept, "", origin)
                )
    return found if seen else None


def _ran(
    user: ScriptUser, run: shell.ScriptRun, file: str, index, remounts: bool, chain: tuple, unread: dict[Location, UnreadScript]
) -> list[ContainerWrite]:
    """The writes of the kept scripts at ``run.path``, analysed for this container (those
    too deep to analyse into ``unread``, by place)."""
    found: list[ContainerWrite] = []
    where = user.container
    for volume_file in where.files.resolve(run.path):
        if run.shell is None and not volume_file.executable:
            continue  # execve fails without an execute bit: the script never runs
        for item in _files_of(index, where.namespace, volume_file):
            ident = (item.file, item.positions.line, item.key)
            shell_name = run.shell or _interpreter(item.text)
            if ident in chain or shell_name is None:
                continue
            host_mounts = shell.HostMounts([(m.path, m.host) for m in where.mounts]) if where.mounts else shell.NO_MOUNTS
            program = shell.analyze_script(
                item.text, item.positions, shell_name, host_mounts, where.files, _tagged(run.facts, file), run.entered
            )
            both = remounts or program.remounts_proc_sys
            kept = f'{item.kind} "{item.name}"'
            origin = f":{item.kind}/{item.namespace}/{item.name}/{item.key}"
            for u in program.unread:
                entry = _unread(u, _kept_obj(user, item), item.file, f"{where.path}{origin}:script")
                unread.setdefault(entry.location, entry)
            for write in program.writes:
                if _loads_mounted(write, where.files):
                    loaded = _loaded(user, write, item.file, index, both)
                    if loaded is not None:
                        found.extend(loaded)
                        continue
                found.append(_container_write(where, write, both, _kept_obj(user, item), item.file, kept, run.path, origin))
            if len(chain) + 1 < MAX_SCRIPT_DEPTH:
                for inner in program.runs:
                    found.extend(_ran(user, inner, item.file, index, both, chain + (ident,), unread))
    return found


def _interpreter(text: str) -> str | None:
    """The shell a script runs in when executed directly: its ``#!`` line's (``sh``
    without one, as a shell runs it); None for another interpreter (python, ...)."""
    if not text.startswith("#!"):
        return "sh"
    words = text.split("\n", 1)[0].removeprefix("#!").split()
    if words and argv.basename(words[0]) == "env":
        words = [w for w in words[1:] if not w.startswith("-")]
    name = argv.basename(words[0]) if words else ""
    return name if name in argv.SHELLS else None


def _node_entry(write: shell.Write, namespace: str, where: RunsIn) -> NodeEntry | None:
    """The nsenter that makes ``write`` run in PID 1's ``namespace``, and what makes that PID
    1 the node's; None when no nsenter enters PID 1's namespace of that kind."""
    for entered in reversed(write.entered):  # the innermost nsenter decides
        path = entered.file(namespace)
        if path is None:
            continue
        pid1 = f"/proc/1/ns/{namespace}"
        if path == pid1:
            return NodeEntry(entered.words, "hostPID" if where.flag("hostPID") else None)
        for mount in sorted(where.mounts, key=lambda m: -len(m.path)):
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

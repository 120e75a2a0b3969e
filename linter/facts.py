"""The small facts whole-run rules need, gathered once per object while the stream goes by.

Documents are not kept after they are linted; what the port rules need from them (each
Service port, each port a pod holds on its node (linter/ledger.py), each declaration of the nodes' port ranges) is copied here as
plain values with locations, so memory stays flat on huge inputs. So is what the run-scope
join of scripts kept in ConfigMaps needs (linter.writes.join): the containers that run or
load a file of a ConfigMap or Secret volume, and the keys of ConfigMaps and Secrets whose
text looks like a script or a sysctl.conf (others are not kept).
"""

from __future__ import annotations

import binascii
import re
from sys import intern

from . import clusterconfig, k8s, ledger, writes
from .findings import Location
from .k8s import ObjectRef, ref
from .network import MANIFEST, Declaration
from .podsysctls import pod_sysctls
from .records import field, mutable
from .scalarpos import ScalarMap
from .store import RecordLog
from .sysctls import EPHEMERAL_RANGE, RESERVED_PORTS, normalize
from .tree import Mapping, Node, Scalar, as_int, as_str, dig, sequence_items


@mutable
class PortUse:
    """An explicit nodePort / healthCheckNodePort of a Service."""

    obj: ObjectRef
    field: str  # "nodePort" | "healthCheckNodePort" | "hostPort"
    port: int | None  # None when the value is not an integer
    raw: str  # the value as written
    quoted: bool
    protocol: str
    service_type: str  # for Services; "" for hostPorts
    location: Location
    path: str  # place inside the object, for fingerprints
    owner: str  # 'port "http"' or 'container "app"'
    traffic_policy: str = ""  # the Service's externalTrafficPolicy (for healthCheckNodePort)


@mutable
class RangeValue:
    """A value given to a port-range sysctl anywhere in the manifests (for PL306)."""

    obj: ObjectRef
    key: str
    value: str
    location: Location
    path: str
    where: str  # "securityContext.sysctls", "a script", "a Tuned profile", ...


def file_order(fact: PortUse | ledger.Holder) -> tuple:
    """Where a fact is written (file, line, column): the order run rules read facts in when
    which of two is reported must not depend on the order the files were given in."""
    loc = fact.location
    return (loc.path, loc.line, loc.column)


@mutable
class RunFacts:
    # the two facts every Service and hostNetwork pod adds: on disk past store.SPILL_AT
    node_ports: RecordLog = field(default_factory=lambda: RecordLog(file_order))  # PortUse
    ledger: RecordLog = field(default_factory=lambda: RecordLog(file_order))  # ledger.Holder: the ports pods hold on their node
    images: set[str] = field(default_factory=set)  # hostNetwork pods' image repositories (PL310: which agents run)
    # kind (network.KINDS: 'ephemeral' | 'reserved' | 'node_ports') -> declarations in the manifests
    declarations: dict[str, list[Declaration]] = field(default_factory=dict)
    range_values: list[RangeValue] = field(default_factory=list)
    script_users: list[writes.ScriptUser] = field(default_factory=list)  # containers running kept files
    kept_files: list[writes.KeptFile] = field(default_factory=list)  # ConfigMap/Secret scripts and sysctl.conf texts
    suppressions: list = field(default_factory=list)  # the objects' portlint.io/ignore entries (PL001, PL002)

    def declare(self, kind: str, description: str, location: Location, value: str, obj: ObjectRef) -> None:
        self.declarations.setdefault(kind, []).append(Declaration(MANIFEST, description, location, value, obj))

    def port_sysctl(self, key: str, value: str, location: Location, obj: ObjectRef, path: str, where: str, by: str) -> None:
        """A value written to one of the port-range sysctls by node configuration (a Tuned
        profile, kops): checked by PL306 when it is the ephemeral range, and a declaration
        of the nodes' ranges either way. ``where`` names the place for PL306, ``by`` the
        declaration in other rules' messages."""
        if key == EPHEMERAL_RANGE:
            self.range_values.append(RangeValue(obj, key, value, location, path, where))
        self.declare(_KIND_OF[key], by, location, value, obj)

    def write_facts(self, cws: list, obj: ObjectRef | None = None) -> None:
        """A container that writes the port sysctls unguarded where the node shares them changes
        its nodes (a declaration); a value of the ephemeral range is checked by PL306. ``obj``:
        the object for the writes' own (else each write's ``obj``, after the join). A line
        of a kept file that several containers run is one value and one declaration."""
        seen: set[tuple] = set()
        for cw in cws:
            key = cw.write.key
            if key not in (EPHEMERAL_RANGE, RESERVED_PORTS) or cw.write.value is None:
                continue
            if cw.kept:
                place = (key, cw.location, cw.write.value, cw.shares_node and cw.guard_state != "guarded")
                if place in seen:
                    continue
                seen.add(place)
            owner = obj if obj is not None else cw.obj
            if key == EPHEMERAL_RANGE:
                where = f"{cw.container.label}{cw.via}"
                self.range_values.append(RangeValue(owner, key, cw.write.value, cw.location, cw.path, where))
            if cw.shares_node and cw.guard_state != "guarded":  # it changes the node
                description = f"{cw.container.label} of {cw.container.workload}{cw.via}"
                self.declare(_KIND_OF[key], description, cw.location, cw.write.value, owner)

    def merge(self, other: "RunFacts") -> None:
        """Append the facts of a later part of the run (from a worker process), in order."""
        self.node_ports.extend(other.node_ports)
        self.ledger.extend(other.ledger)
        self.images.update(other.images)
        self.range_values.extend(other.range_values)
        self.script_users.extend(other.script_users)
        self.kept_files.extend(other.kept_files)
        self.suppressions.extend(other.suppressions)
        for kind, items in other.declarations.items():
            self.declarations.setdefault(kind, []).extend(items)


_SERVICE_NODE_PORT_FLAG = "--service-node-port-range"
_KIND_OF = {EPHEMERAL_RANGE: "ephemeral", RESERVED_PORTS: "reserved"}


def collect(manifest: k8s.Manifest, facts: RunFacts) -> None:
    """Copy what the run rules need out of one object."""
    facts.suppressions.extend(manifest.suppressions)
    kind = manifest.kind
    if kind == "Service":
        _service(manifest, facts)
    elif kind == "Tuned" and manifest.api_version.startswith("tuned.openshift.io/"):
        _tuned(manifest, facts)
    elif kind in ("Cluster", "InstanceGroup") and manifest.api_version.startswith("kops.k8s.io/"):
        _kops(manifest, facts)
    elif kind in ("ConfigMap", "Secret") and manifest.api_version == "v1":
        _kept_files(manifest, facts)
    clusterconfig.collect(manifest, facts)  # kubeadm, kind, Cilium, Calico, kube-proxy configuration
    pod = k8s.pod_spec(manifest)
    if pod is None:
        return
    facts.ledger.extend(ledger.holders(manifest, pod))
    facts.images.update(ledger.agent_images(pod))
    _pod_sysctl_values(manifest, facts)
    facts.write_facts(writes.container_writes(manifest), ref(manifest))
    facts.script_users.extend(writes.script_users(manifest))
    if kind == "Pod":
        _api_server_flags(manifest, pod, facts)


def _service(manifest: k8s.Manifest, facts: RunFacts) -> None:
    spec = manifest.get("spec")
    if type(spec) is not Mapping:
        return
    service_type = as_str(spec.get("type")) or "ClusterIP"
    obj = ref(manifest)
    doc = manifest.doc
    for i, port in enumerate(sequence_items(spec.get("ports"))):
        if type(port) is not Mapping:
            continue
        entry = port.entry("nodePort")
        if entry is None or (type(entry[1]) is Scalar and entry[1].value in ("", "~", "null") and not entry[1].style):
            continue
        name = as_str(port.get("name"))
        number = as_str(port.get("port"))
        owner = f'port "{name}"' if name else (f"port {number}" if number else f"ports[{i}]")
        protocol = (as_str(port.get("protocol")) or "TCP").upper()
        key = name or number or str(i)
        facts.node_ports.append(
            _use(obj, doc, "nodePort", entry[1], protocol, service_type, f"spec.ports[{key}/{protocol}].nodePort", owner)
        )
    entry = spec.entry("healthCheckNodePort")
    if entry is not None and not (type(entry[1]) is Scalar and not entry[1].style and entry[1].value in ("", "~", "null")):
        use = _use(
            obj, doc, "healthCheckNodePort", entry[1], "TCP", service_type, "spec.healthCheckNodePort", "healthCheckNodePort"
        )
        use.traffic_policy = as_str(spec.get("externalTrafficPolicy")) or "Cluster"
        facts.node_ports.append(use)


def _use(obj, doc, field_name, node: Node, protocol, service_type, path, owner) -> PortUse:
    """One port use. Its strings are interned: the value, the path and the owner repeat across
    thousands of Services ('spec.ports[http/TCP].nodePort', 'port "http"'), and a run keeps
    every use until the run rules have read it."""
    raw = intern(node.value) if type(node) is Scalar else ""
    quoted = type(node) is Scalar and bool(node.style)
    return PortUse(
        obj,
        field_name,
        as_int(node),
        raw,
        quoted,
        intern(protocol),
        intern(service_type),
        doc.location(node),
        intern(path),
        intern(owner),
    )


def _pod_sysctl_values(manifest: k8s.Manifest, facts: RunFacts) -> None:
    for sysctl in pod_sysctls(manifest):
        if normalize(sysctl.name) == EPHEMERAL_RANGE and sysctl.value is not None:
            value_node = sysctl.entry.get("value")
            facts.range_values.append(
                RangeValue(
                    ref(manifest),
                    EPHEMERAL_RANGE,
                    sysctl.value,
                    manifest.doc.location(value_node or sysctl.name_node),
                    sysctl.path,
                    "securityContext.sysctls",
                )
            )


_SYSCTL_CONF_LINE = re.compile(r"^[ \t]*-?[a-z][a-z0-9_-]*(?:[./][\w*-]+)+[ \t]*=", re.M)
_RUNS_A_FILE = re.compile(r"(?:^|[\s;&|(`])(?:source|\.|sh|bash|ash|dash|exec)[ \t]+[\w\"'$/.-]*/|\.sh\b")
MAX_KEPT_TEXT = 256_000  # a bigger value is not a script anyone keeps in a ConfigMap


def _kept_files(manifest: k8s.Manifest, facts: RunFacts) -> None:
    """The keys of a ConfigMap or Secret that a container may run or load: scripts that
    name sysctl, /proc/sys or another script, and sysctl.conf-like texts. A Secret's ``data``
    is base64: its decoded text is kept, located at the value's start."""
    obj = None
    sections = (("data", False),) if manifest.kind == "ConfigMap" else (("stringData", False), ("data", True))
    for section, encoded in sections:
        data = manifest.get(section)
        if type(data) is not Mapping:
            continue
        for key, _, node in data.items():
            if type(node) is not Scalar or len(node.value) > MAX_KEPT_TEXT:
                continue
            text = node.value
            if encoded:
                import base64  # here, not at the top: only a Secret's data needs it (start-up)

                try:
                    text = base64.b64decode(text, validate=False).decode("utf-8")
                except (binascii.Error, ValueError):
                    continue
            if not ("sysctl" in text or "proc/sys" in text or _SYSCTL_CONF_LINE.search(text) or _RUNS_A_FILE.search(text)):
                continue
            positions = ScalarMap(manifest.doc, node)
            if encoded:
                positions.inexact()
            obj = obj or ref(manifest)
            facts.kept_files.append(
                writes.KeptFile(manifest.kind, manifest.namespace, manifest.name, key, text, positions, manifest.doc.path, obj)
            )


_INI_SECTION = re.compile(r"^\s*\[([^\]]+)\]\s*$")


def _tuned(manifest: k8s.Manifest, facts: RunFacts) -> None:
    """OpenShift Node Tuning Operator profiles: ``[sysctl]`` lines in spec.profile[].data."""
    obj = ref(manifest)
    for i, profile in enumerate(sequence_items(manifest.get("spec", "profile"))):
        data = dig(profile, "data")
        if type(data) is not Scalar:
            continue
        name = as_str(dig(profile, "name")) or str(i)
        positions = ScalarMap(manifest.doc, data)
        section = ""
        offset = 0
        for line in data.value.split("\n"):
            start = offset
            offset += len(line) + 1
            match = _INI_SECTION.match(line)
            if match:
                section = match.group(1).strip()
                continue
            if section != "sysctl" or "=" not in line or line.lstrip().startswith(("#", ";")):
                continue
            key, value = (part.strip() for part in line.split("=", 1))
            key = normalize(key)
            value = value.strip("\"'")
            if key not in (EPHEMERAL_RANGE, RESERVED_PORTS):
                continue
            indent = len(line) - len(line.lstrip())
            row, col = positions.locate(start + indent)
            end_col = col + len(line.strip()) if positions.exact else col + 1
            loc = Location(manifest.doc.path, row, col, row, end_col)
            path = f"spec.profile[{name}].data:{key}"
            facts.port_sysctl(key, value, loc, obj, path, "a Tuned profile", f'profile "{name}" of {manifest.label}')


def _kops(manifest: k8s.Manifest, facts: RunFacts) -> None:
    """kops Cluster/InstanceGroup: spec.sysctlParameters and spec.kubeAPIServer.serviceNodePortRange."""
    obj = ref(manifest)
    doc = manifest.doc
    for item in sequence_items(manifest.get("spec", "sysctlParameters")):
        text = as_str(item)
        if not text or "=" not in text:
            continue
        key, value = (part.strip() for part in text.split("=", 1))
        key = normalize(key)
        if key not in (EPHEMERAL_RANGE, RESERVED_PORTS):
            continue
        path = f"spec.sysctlParameters[{key}]"
        facts.port_sysctl(
            key, value, doc.location(item), obj, path, "kops sysctlParameters", f"spec.sysctlParameters of {manifest.label}"
        )
    node = manifest.get("spec", "kubeAPIServer", "serviceNodePortRange")
    value = as_str(node)
    if value:
        description = f"spec.kubeAPIServer.serviceNodePortRange of {manifest.label}"
        facts.declare("node_ports", description, doc.location(node), value, obj)


def _api_server_flags(manifest: k8s.Manifest, pod: k8s.PodSpec, facts: RunFacts) -> None:
    """A kube-apiserver static Pod's --service-node-port-range flag."""
    for container in k8s.containers(pod):
        argv = (k8s.string_list(container.node.get("command")) or []) + (k8s.string_list(container.node.get("args")) or [])
        if not any("kube-apiserver" in a.value for a in argv[:2]) and container.name != "kube-apiserver":
            continue
        for i, arg in enumerate(argv):
            text = arg.value.strip()
            value = None
            if text.startswith(_SERVICE_NODE_PORT_FLAG + "="):
                value = text.partition("=")[2]
            elif text == _SERVICE_NODE_PORT_FLAG and i + 1 < len(argv):
                value, arg = argv[i + 1].value, argv[i + 1]
            if value:
                description = f"the {_SERVICE_NODE_PORT_FLAG} flag of {manifest.label}"
                facts.declare("node_ports", description, manifest.doc.location(arg), value, ref(manifest))

"""The fix of PL304/PL301: reserve the NodePort range on the nodes whose ephemeral port range
node configuration widens, beside the declaration that widens it: a kops Cluster/InstanceGroup
``spec.sysctlParameters`` item or a line of an OpenShift Tuned profile's [sysctl] section
(reserve_places.py makes the edit: a new ``net.ipv4.ip_local_reserved_ports`` entry, or the
existing one widened to the union).

The ports reserved are every candidate NodePort range of the file linted alone with the
run's settings (the default, the provider profile's, a flag, the config, a declaration of
the file), as the verifier lints the fixed text. One fix per declaration, for every PL304 at
it and every PL301 that cites it as the only ephemeral range holding the port. Refused (with
the reason): a range given by a flag or the portlint config, a range declared in another
file, a declaration that is neither a kops item nor a Tuned line (a script, kubeadm, kind,
k3s, Cilium), a NodePort range declared in another file, and what reserve_places.py cannot
edit exactly.
"""

from __future__ import annotations

from .. import facts as run_facts
from .. import k8s, network, tree
from ..config import Settings
from ..findings import Finding, Location
from ..network import PortRange, PortSet
from .edits import Edit
from .model import Fix, Refusal
from .reserve_places import Place, places
from .yamltext import anchored_spans, crosses, documents

DOES = (
    "adds `net.ipv4.ip_local_reserved_ports=<the NodePort range>` after the kops `spec.sysctlParameters` item "
    "or the Tuned profile's [sysctl] line that widens the ephemeral range (or widens the reserved ports entry "
    "already there to include it)"
)
DECLARED_HERE = "The ephemeral port range is declared here"  # PL301's related location (rules/_node_ports.py)
NODE_PORTS_HERE = "The NodePort range is declared here"  # PL304's


def fixes(text: str, path: str, findings: list[Finding], settings: Settings | None = None) -> list[Fix | Refusal]:
    """One fix (or refusal) per ephemeral range declaration the ``findings`` (PL304/PL301 of
    the file ``path``, LF ``text``) point at."""
    out: list[Fix | Refusal] = []
    by_place: dict[tuple[int, int], list[Finding]] = {}
    for f in findings:
        declared = declaration(f, path)
        if isinstance(declared, str):
            out.append(Refusal(declared, (f,)))
        else:
            by_place.setdefault((declared.line, declared.column), []).append(f)
    if by_place:
        ports = node_port_ranges(text, path, settings or Settings())
        found = places(text, path)
        for at, mine in by_place.items():
            out.append(_fix(found.get(at), ports, tuple(mine)))
    return out


def declaration(f: Finding, path: str) -> Location | str:
    """Where the ephemeral range ``f`` is about is declared, or why no edit of ``path`` reserves ports."""
    if f.rule_id == "PL304":
        if not f.resource:  # a run finding: the range is in the portlint config
            return "the range is given by the portlint config: no file edit reserves ports on nodes"
        if not f.key.startswith(f"{f.resource}:ephemeral:"):  # the key rules/pl304 gives
            return "the finding is at a NodePort range declaration, not at an ephemeral range one"
        elsewhere = [loc for loc in f.related if loc.label == NODE_PORTS_HERE and loc.path != path]
        if elsewhere:
            return f"the NodePort range is declared in another file ({elsewhere[0].path})"
        return f.location
    declared = [loc for loc in f.related if loc.label == DECLARED_HERE]
    if not declared:
        return "the ephemeral port range is given by a flag, the portlint config or a default: no file edit reserves ports on nodes"
    if len(declared) > 1:
        return "the port is in several declared ephemeral ranges: each needs its own reservation"
    if declared[0].path != path:
        return f"the ephemeral port range is declared in another file ({declared[0].path})"
    return declared[0]


def node_port_ranges(text: str, path: str, settings: Settings) -> list[PortRange]:
    """Every candidate NodePort range of ``text`` linted alone with ``settings`` (as the
    verifier lints the fixed text)."""
    found = run_facts.RunFacts()
    for doc, _ in documents(text, path):
        root, _ = tree.parse(doc.text, doc.first_line)
        for manifest in k8s.manifests(doc, root):
            run_facts.collect(manifest, found)
    return [r for r, _ in network.resolve(settings, found).node_port_ranges]


def _fix(found: Place | None, ports: list[PortRange], findings: tuple[Finding, ...]) -> Fix | Refusal:
    if found is None:
        return Refusal("the ephemeral port range is not declared by a kops sysctlParameters item or a Tuned profile", findings)
    edit = found.reserve(ports)
    if isinstance(edit, str):
        return Refusal(edit, findings)
    if crosses(anchored_spans(found.doc.text), edit.start, edit.end):
        return Refusal("the edit would change a YAML anchor (&) that aliases (*) reuse", findings)
    title = f"Reserve the NodePort range {PortSet(tuple(ports))} next to {found.entry}"
    return Fix(title, (Edit(edit.start + found.base, edit.end + found.base, edit.replacement),), findings)

"""Which nodes a pod can land on, as far as its manifest says, and whether two pods can share one.

Host ports collide only between pods on one node, so the ledger's rules ask whether two
holders' eligible nodes can overlap. Kept simple on purpose, and conservative (two pods
"can share" unless their manifests prove they cannot):

- ``nodeSelector`` entries are requirements ``key In (value)``, ANDed with every term of
  the required node affinity (``requiredDuringSchedulingIgnoredDuringExecution``; its terms
  are ORed, the expressions of a term ANDed, as the scheduler reads them). ``matchFields``,
  ``Gt`` and ``Lt`` never make two pods disjoint.
- Two requirements on one key contradict when no label value meets both: ``In`` sets
  without a common value, an ``In`` set inside a ``NotIn`` set, ``In``/``Exists`` against
  ``DoesNotExist``. Two pods are kept apart when every term of one contradicts every term of
  the other.
- Taints: only the control-plane taint kubeadm sets (``node-role.kubernetes.io/control-plane``,
  and the older ``master``), the usual one. A pod without a toleration for it never runs on a
  control-plane node; a pod whose every term requires the control-plane label runs only
  there. Other taints are the cluster's own and unknown here.
"""

from __future__ import annotations

from .k8s import PodSpec
from .records import frozen
from .tree import Mapping, as_str, dig, sequence_items

CONTROL_PLANE_KEYS = ("node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master")
IN, NOT_IN, EXISTS, DOES_NOT_EXIST = "In", "NotIn", "Exists", "DoesNotExist"


@frozen
class Requirement:
    """One node label requirement: ``key`` ``operator`` ``values``."""

    key: str
    operator: str
    values: frozenset[str] = frozenset()


@frozen
class Placement:
    """A pod's eligible nodes: ``terms`` are ORed, the requirements of a term ANDed (one empty
    term: any node); ``control_plane``: whether it tolerates the control-plane taint."""

    terms: tuple[tuple[Requirement, ...], ...]
    control_plane: bool

    @property
    def only_control_plane(self) -> bool:
        """Every term requires the control-plane label."""
        return all(any(_requires_control_plane(r) for r in term) for term in self.terms)


def placement(pod: PodSpec) -> Placement:
    """The placement a pod spec declares."""
    selector = tuple(
        Requirement(key, IN, frozenset((value,)))
        for key, _, node in _mapping_items(pod.node.get("nodeSelector"))
        if (value := as_str(node)) is not None
    )
    terms = dig(pod.node, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")
    read = [selector + _term(term) for term in sequence_items(terms)]
    return Placement(
        tuple(read) or (selector,), any(_tolerates_control_plane(t) for t in sequence_items(pod.node.get("tolerations")))
    )


def can_share_a_node(a: Placement, b: Placement) -> bool:
    """Whether some node can be eligible for both."""
    if (a.only_control_plane and not b.control_plane) or (b.only_control_plane and not a.control_plane):
        return False
    return not all(_terms_contradict(x, y) for x in a.terms for y in b.terms)


def _mapping_items(node):
    return node.items() if type(node) is Mapping else ()


def _term(term) -> tuple[Requirement, ...]:
    found = []
    for expression in sequence_items(dig(term, "matchExpressions")):
        key, operator = as_str(dig(expression, "key")), as_str(dig(expression, "operator"))
        if key and operator:
            values = frozenset(v for v in (as_str(item) for item in sequence_items(dig(expression, "values"))) if v is not None)
            found.append(Requirement(key, operator, values))
    return tuple(found)


def _terms_contradict(a: tuple[Requirement, ...], b: tuple[Requirement, ...]) -> bool:
    return any(_contradict(x, y) or _contradict(y, x) for x in a for y in b if x.key == y.key)


def _contradict(x: Requirement, y: Requirement) -> bool:
    """No label value meets both (checked in both orders by the caller)."""
    if x.operator == IN and y.operator == IN:
        return not x.values & y.values
    if x.operator == IN and y.operator == NOT_IN:
        return x.values <= y.values
    return x.operator in (IN, EXISTS) and y.operator == DOES_NOT_EXIST


def _requires_control_plane(r: Requirement) -> bool:
    return r.key in CONTROL_PLANE_KEYS and r.operator in (IN, EXISTS)


def _tolerates_control_plane(toleration) -> bool:
    """A toleration of every taint (``operator: Exists`` without a key) or of the control-plane
    taint's key, for its NoSchedule effect."""
    key = as_str(dig(toleration, "key")) or ""
    operator = as_str(dig(toleration, "operator")) or "Equal"
    effect = as_str(dig(toleration, "effect")) or ""
    if effect not in ("", "NoSchedule"):
        return False
    if not key:
        return operator == EXISTS
    return key in CONTROL_PLANE_KEYS

"""linter/placement.py: the nodes a pod spec allows, and whether two pods can share one.

Each expectation is read off the YAML written in the test."""

from __future__ import annotations

import pytest
from portlint import k8s, tree
from portlint.placement import EXISTS, IN, NOT_IN, Placement, Requirement, can_share_a_node, placement
from portlint.sources import SourceFile, split_documents


def pod_placement(spec: str) -> Placement:
    text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n" + "".join(f"  {line}\n" for line in spec.splitlines())
    (doc,) = split_documents(SourceFile("m.yaml", text))
    root, problems = tree.parse(doc.text, doc.first_line)
    assert problems == []
    (manifest,) = k8s.manifests(doc, root)
    return placement(k8s.pod_spec(manifest))


AFFINITY = """affinity:
  nodeAffinity:
    requiredDuringSchedulingIgnoredDuringExecution:
      nodeSelectorTerms:
"""


def test_no_constraint_is_one_empty_term_off_the_control_plane():
    assert pod_placement("containers: []") == Placement(((),), False)


def test_node_selector_joins_every_affinity_term():
    got = pod_placement(
        "nodeSelector: {pool: edge, zone: null}\n"
        + AFFINITY
        + "        - matchExpressions:\n"
        + "            - {key: arch, operator: In, values: [amd64, arm64]}\n"
        + "        - matchExpressions:\n"
        + "            - {key: gpu, operator: Exists}\n"
        + "            - {operator: Exists}\n"
        + "          matchFields:\n"
        + "            - {key: metadata.name, operator: In, values: [n1]}\n"
    )
    pool = Requirement("pool", IN, frozenset({"edge"}))
    assert got.terms == (
        (pool, Requirement("arch", IN, frozenset({"amd64", "arm64"}))),
        (pool, Requirement("gpu", EXISTS, frozenset())),
    )


@pytest.mark.parametrize(
    "toleration, tolerated",
    [
        ("{operator: Exists}", True),
        ("{operator: Exists, effect: NoSchedule}", True),
        ("{operator: Exists, effect: NoExecute}", False),
        ("{key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}", True),
        ("{key: node-role.kubernetes.io/master, effect: NoSchedule}", True),
        ("{key: node-role.kubernetes.io/control-plane, effect: PreferNoSchedule}", False),
        ("{key: dedicated, operator: Exists}", False),
        ("{operator: Equal, value: x}", False),
    ],
)
def test_control_plane_toleration(toleration, tolerated):
    assert pod_placement(f"tolerations: [{toleration}]").control_plane is tolerated


def req(key: str, operator: str, *values: str) -> Requirement:
    return Requirement(key, operator, frozenset(values))


def on(*terms: tuple[Requirement, ...], control_plane: bool = False) -> Placement:
    return Placement(tuple(terms) or ((),), control_plane)


@pytest.mark.parametrize(
    "a, b, shared",
    [
        (req("pool", IN, "edge"), req("pool", IN, "batch"), False),
        (req("pool", IN, "edge", "gpu"), req("pool", IN, "gpu"), True),
        (req("pool", IN, "edge"), req("zone", IN, "batch"), True),  # other keys: one node can have both
        (req("pool", IN, "edge", "gpu"), req("pool", NOT_IN, "edge", "gpu", "x"), False),
        (req("pool", IN, "edge", "gpu"), req("pool", NOT_IN, "edge"), True),
        (req("pool", NOT_IN, "edge"), req("pool", IN, "edge"), False),  # either order
        (req("gpu", EXISTS), req("gpu", "DoesNotExist"), False),
        (req("gpu", IN, "a100"), req("gpu", "DoesNotExist"), False),
        (req("gpu", "DoesNotExist"), req("gpu", EXISTS), False),
        (req("gpu", NOT_IN, "a"), req("gpu", "DoesNotExist"), True),
        (req("gpu", EXISTS), req("gpu", NOT_IN, "a"), True),
        (req("cpu", "Gt", "8"), req("cpu", "Lt", "4"), True),  # Gt/Lt never keep pods apart
        (req("gpu", EXISTS), req("gpu", EXISTS), True),
    ],
)
def test_two_requirements_on_a_key(a, b, shared):
    assert can_share_a_node(on((a,)), on((b,))) is shared
    assert can_share_a_node(on((b,)), on((a,))) is shared


def test_terms_are_ored_and_requirements_anded():
    edge, batch, gpu = req("pool", IN, "edge"), req("pool", IN, "batch"), req("pool", IN, "gpu")
    # every term of one must contradict every term of the other
    assert can_share_a_node(on((edge,), (batch,)), on((gpu,))) is False
    assert can_share_a_node(on((edge,), (gpu,)), on((gpu,))) is True
    # one contradicting requirement in a term is enough for that pair of terms
    assert can_share_a_node(on((req("zone", IN, "a"), edge)), on((req("zone", IN, "a"), batch))) is False
    assert can_share_a_node(on(), on((edge,))) is True


def test_control_plane_only_pods_meet_only_pods_that_tolerate_its_taint():
    cp = on((req("node-role.kubernetes.io/control-plane", EXISTS),), control_plane=True)
    master = on((req("node-role.kubernetes.io/master", IN, ""),), control_plane=True)
    assert cp.only_control_plane and master.only_control_plane
    assert can_share_a_node(cp, on()) is False
    assert can_share_a_node(on(), cp) is False
    assert can_share_a_node(cp, on(control_plane=True)) is True
    assert can_share_a_node(on(control_plane=True), master) is True
    # one term that does not require the control plane: the pod can run elsewhere too
    either = on((req("node-role.kubernetes.io/control-plane", EXISTS),), (req("pool", IN, "a"),))
    assert not either.only_control_plane and can_share_a_node(either, on()) is True
    not_cp = on((req("node-role.kubernetes.io/control-plane", NOT_IN, "x"),))
    assert not not_cp.only_control_plane

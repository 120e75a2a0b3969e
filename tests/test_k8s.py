"""linter/k8s.py: the objects of a document, the pod spec of every workload kind, the
containers of the three kinds, and the env field paths the guard judge reads.

Every expectation here is read off the YAML written in the test (paths, names, lines)."""

from __future__ import annotations

import pytest

from portlint import k8s, tree
from portlint.findings import Location
from portlint.suppressions import Suppression
from portlint.sources import SourceFile, split_documents


def objects(text: str) -> list[k8s.Manifest]:
    found = []
    for doc in split_documents(SourceFile("m.yaml", text)):
        root, problems = tree.parse(doc.text, doc.first_line)
        assert problems == []
        found.extend(k8s.manifests(doc, root))
    return found


def only(text: str) -> k8s.Manifest:
    found = objects(text)
    assert len(found) == 1, found
    return found[0]


def names(pod: k8s.PodSpec | None) -> list[tuple[str, str, int]]:
    assert pod is not None
    return [(c.group, c.name, c.index) for c in k8s.containers(pod)]


POD_BODY = """hostNetwork: true
containers:
  - name: {name}
    image: busybox
"""


def indent(text: str, n: int) -> str:
    return "".join(" " * n + line + "\n" for line in text.splitlines())


def workload(api: str, kind: str, path: tuple[str, ...], name: str) -> str:
    """An object of ``kind`` whose pod spec sits at ``path``; a decoy pod spec with another
    container name sits at ``spec`` (or ``spec.template.spec``) where that is not the path."""
    text = f"apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: obj\n"
    body = POD_BODY.format(name=name)
    for depth, key in enumerate(reversed(path)):
        body = f"{key}:\n" + indent(body, 2)
    return text + body


KINDS = [
    ("v1", "Pod", ("spec",)),
    ("apps/v1", "Deployment", ("spec", "template", "spec")),
    ("apps/v1", "StatefulSet", ("spec", "template", "spec")),
    ("apps/v1", "DaemonSet", ("spec", "template", "spec")),
    ("apps/v1", "ReplicaSet", ("spec", "template", "spec")),
    ("v1", "ReplicationController", ("spec", "template", "spec")),
    ("batch/v1", "Job", ("spec", "template", "spec")),
    ("batch/v1", "CronJob", ("spec", "jobTemplate", "spec", "template", "spec")),
    ("v1", "PodTemplate", ("template", "spec")),
    ("argoproj.io/v1alpha1", "Rollout", ("spec", "template", "spec")),  # any CRD with spec.template.spec
]


@pytest.mark.parametrize("api, kind, path", KINDS, ids=[k[1] for k in KINDS])
def test_pod_spec_of_every_workload_kind(api, kind, path):
    manifest = only(workload(api, kind, path, "the-one"))
    assert (manifest.api_version, manifest.kind, manifest.name) == (api, kind, "obj")
    pod = k8s.pod_spec(manifest)
    assert pod is not None and pod.path == ".".join(path)
    assert names(pod) == [("containers", "the-one", 0)]
    assert pod.flag("hostNetwork") is True and pod.flag("hostIPC") is False
    # the hostNetwork key is on the line after the last path key: 4 metadata lines + len(path)
    (location,) = pod.flag_location("hostNetwork")
    assert (location.line, location.column) == (4 + len(path) + 1, 2 * len(path) + 1)


def test_each_kind_reads_only_its_own_path():
    """A CronJob's pod spec is under jobTemplate, not spec.template; a Pod's is spec itself."""
    cron = (
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n"
        "  template: {spec: {containers: [{name: decoy}]}}\n"
        "  jobTemplate: {spec: {template: {spec: {containers: [{name: real}]}}}}\n"
    )
    assert names(k8s.pod_spec(only(cron))) == [("containers", "real", 0)]
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: real}]\n  template: {spec: {containers: [{name: decoy}]}}\n"
    assert names(k8s.pod_spec(only(pod))) == [("containers", "real", 0)]
    deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  containers: [{name: decoy}]\n"
    assert k8s.pod_spec(only(deployment)) is None


@pytest.mark.parametrize(
    "text",
    [
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: {spec: [1, 2]}}\n",
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec: {jobTemplate: null}\n",
    ],
)
def test_objects_without_a_pod_spec(text):
    assert k8s.pod_spec(only(text)) is None


def test_list_items_are_objects_with_their_path():
    text = """apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata: {name: p, namespace: ns}
    spec:
      containers: [{name: a}]
  - 42
  - {kind: Pod, spec: {containers: [{name: no-api-version}]}}
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: d}
    spec: {template: {spec: {initContainers: [{name: b}]}}}
  - apiVersion: v1
    kind: Service
    metadata: {name: s}
"""
    found = objects(text)
    assert [(m.kind, m.name, m.namespace, m.path) for m in found] == [
        ("Pod", "p", "ns", "items[0]"),
        ("Deployment", "d", "", "items[3]"),
        ("Service", "s", "", "items[4]"),
    ]
    pods = [k8s.pod_spec(m) for m in found]
    assert [p.path if p else None for p in pods] == ["items[0].spec", "items[3].spec.template.spec", None]
    assert names(pods[0]) == [("containers", "a", 0)]
    assert names(pods[1]) == [("initContainers", "b", 0)]


def test_typed_lists_are_flattened_and_a_list_without_items_is_one_object():
    text = "apiVersion: apps/v1\nkind: DeploymentList\nitems:\n  - {apiVersion: apps/v1, kind: Deployment, metadata: {name: x}}\n"
    assert [(m.kind, m.name, m.path) for m in objects(text)] == [("Deployment", "x", "items[0]")]
    assert [(m.kind, m.path) for m in objects("apiVersion: v1\nkind: List\nmetadata: {name: l}\n")] == [("List", "")]


def test_kind_less_pod_template_patch():
    """kubectl patch files: no kind, no apiVersion, containers under spec.template.spec."""
    text = """metadata:
  name: controller
spec:
  template:
    spec:
      containers:
        - name: controller
      initContainers:
        - name: sysctl
"""
    manifest = only(text)
    assert (manifest.kind, manifest.api_version, manifest.name) == ("", "", "controller")
    assert manifest.label == 'the pod template patch "controller"'
    pod = k8s.pod_spec(manifest)
    assert pod.path == "spec.template.spec"
    assert names(pod) == [("initContainers", "sysctl", 0), ("containers", "controller", 0)]


@pytest.mark.parametrize(
    "text",
    [
        "spec:\n  template:\n    spec:\n      hostNetwork: true\n",  # no containers: not a patch
        "spec:\n  template:\n    spec:\n      containers: {name: c}\n",  # containers not a list
        "kind: Pod\nspec:\n  containers: [{name: c}]\n",  # a kind without apiVersion: not an object
        "apiVersion: v1\nspec:\n  template:\n    spec:\n      containers: [{name: c}]\n",  # apiVersion without kind
        "- a\n- b\n",
        "just text\n",
    ],
)
def test_documents_that_are_not_objects(text):
    assert objects(text) == []


def test_containers_of_the_three_kinds_in_order_with_index_and_label():
    text = """apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  ephemeralContainers:
    - name: debug
  containers:
    - name: app
    - null
    - image: no-name
    - [not, a, mapping]
    - name: sidecar
  initContainers:
    - name: init
  volumes: [{name: not-a-container}]
"""
    pod = k8s.pod_spec(only(text))
    found = list(k8s.containers(pod))
    assert [(c.group, c.name, c.index) for c in found] == [
        ("initContainers", "init", 0),
        ("containers", "app", 0),
        ("containers", "containers[2]", 2),  # no name: named by its place
        ("containers", "sidecar", 4),
        ("ephemeralContainers", "debug", 0),
    ]
    assert [c.label for c in found] == [
        'init container "init"',
        'container "app"',
        'container "containers[2]"',
        'container "sidecar"',
        'ephemeral container "debug"',
    ]
    assert found[3].path == "spec.containers[sidecar]"


def test_env_field_paths():
    text = """apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: c
      env:
        - name: POD_IP
          valueFrom: {fieldRef: {fieldPath: status.podIP}}
        - name: HOST_IP
          valueFrom:
            fieldRef:
              apiVersion: v1
              fieldPath: status.hostIP
        - name: LITERAL
          value: "10.0.0.1"
        - name: FROM_CONFIG
          valueFrom: {configMapKeyRef: {name: cm, key: ip}}
        - name: TWICE
          valueFrom: {fieldRef: {fieldPath: status.podIP}}
        - name: TWICE
          valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
        - value: no-name
        - null
        - name: LAST_IS_LITERAL
          valueFrom: {fieldRef: {fieldPath: status.hostIP}}
        - name: LAST_IS_LITERAL
          value: x
    - name: no-env
    - name: env-not-a-list
      env: {POD_IP: status.podIP}
"""
    first, second, third = k8s.containers(k8s.pod_spec(only(text)))
    assert k8s.env_field_paths(first) == {
        "POD_IP": "status.podIP",
        "HOST_IP": "status.hostIP",
        "LITERAL": None,
        "FROM_CONFIG": None,
        "TWICE": "spec.nodeName",  # the last entry wins, as in Kubernetes
        "LAST_IS_LITERAL": None,
    }
    assert k8s.env_field_paths(second) == {}
    assert k8s.env_field_paths(third) == {}


def test_env_through_anchors_and_merge_keys():
    text = """apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      env: &env
        - name: POD_IP
          valueFrom: {fieldRef: {fieldPath: status.podIP}}
        - &host
          name: HOST_IP
          valueFrom: {fieldRef: {fieldPath: status.hostIP}}
    - name: b
      env: *env
    - name: c
      env:
        - <<: *host
          name: NODE_IP
"""
    a, b, c = k8s.containers(k8s.pod_spec(only(text)))
    assert k8s.env_field_paths(a) == k8s.env_field_paths(b) == {"POD_IP": "status.podIP", "HOST_IP": "status.hostIP"}
    assert k8s.env_field_paths(c) == {"NODE_IP": "status.hostIP"}


def test_identity_label_and_ignore_annotation():
    text = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
  annotations:
    portlint.io/ignore: "pl101, PL301;all"
---
apiVersion: v1
kind: Pod
metadata:
  annotations: {other: x}
"""
    web, anonymous = objects(text)
    assert web.ident == "Deployment/prod/web" and web.label == 'Deployment "web"'
    # two entries (';'), ids in any case, no reasons; both at the value: line 7, columns 25-43
    where = Location("m.yaml", 7, 25, 7, 43)
    assert web.suppressions == (Suppression(frozenset({"PL101", "PL301"}), "", where), Suppression(frozenset({"ALL"}), "", where))
    assert web.suppression("PL999") == web.suppressions[1]  # ALL covers every rule
    assert web.suppression("PL301") == web.suppressions[0]
    assert anonymous.ident == "Pod//#1" and anonymous.label == "Pod"
    assert anonymous.suppressions == () and anonymous.suppression("PL101") is None


def test_flags_read_only_true():
    text = """apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostNetwork: "true"
  hostIPC: yes
  hostPID: true
  containers: [{name: c}]
"""
    pod = k8s.pod_spec(only(text))
    assert pod.flag("hostPID") is True
    assert pod.flag("hostNetwork") is False  # a string is not a boolean: Kubernetes rejects it
    assert pod.flag_location("shareProcessNamespace") == []


def test_a_pod_specs_containers_and_an_objects_ref_are_made_once():
    text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: n}\nspec:\n  containers:\n    - name: a\n    - name: b\n"
    manifest = only(text)
    pod = k8s.pod_spec(manifest)
    first = k8s.containers(pod)
    assert [c.name for c in first] == ["a", "b"]
    assert k8s.containers(pod) is first  # the writes, the ledger and the images share them
    other = k8s.PodSpec(manifest, pod.node, "spec")  # another pod spec object: its own containers
    assert k8s.containers(other) is not first and [c.pod for c in k8s.containers(other)] == [other, other]
    ref = k8s.ref(manifest)
    assert (ref.ident, ref.label, ref.origin) == ("Pod/n/p", 'Pod "p"', "m.yaml#0")
    assert k8s.ref(manifest) is ref


def test_list_items_without_kind_or_api_version_are_skipped():
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "  - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n"
        "  - {kind: ConfigMap, metadata: {name: no-api-version}}\n"
        "  - {apiVersion: v1, metadata: {name: no-kind}}\n"
        "  - {apiVersion: v1, kind: Service, metadata: {name: b}}\n"
    )
    assert [(m.kind, m.name, m.path) for m in objects(text)] == [("ConfigMap", "a", "items[0]"), ("Service", "b", "items[3]")]

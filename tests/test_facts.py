"""The facts run rules need: which objects hold them, where, and the size of a kept text."""

from __future__ import annotations

from conftest import lint_text
from portlint import k8s, tree
from portlint.facts import MAX_KEPT_TEXT, RunFacts, collect
from portlint.sources import SourceFile, split_documents

TUNED = """apiVersion: {api}
kind: Tuned
metadata: {{name: t}}
spec:
  profile:
    - name: p
      data: "[sysctl]\\nnet.ipv4.ip_local_port_range=5000 1000\\n"
"""  # the data scalar: line 7, column 13; its escapes leave no exact position inside it

KEPT = """apiVersion: {api}
kind: ConfigMap
metadata: {{name: tune}}
data:
  tune.sh: |
    sysctl -w net.ipv4.ip_local_port_range="1024 65535"{padding}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {{name: tuner}}
spec:
  template:
    spec:
      hostNetwork: true
      initContainers:
        - name: c
          command: [sh, /scripts/tune.sh]
          volumeMounts: [{{name: s, mountPath: /scripts}}]
      volumes:
        - {{name: s, configMap: {{name: tune}}}}
"""  # the write: line 6, column 5
WRITE = 'sysctl -w net.ipv4.ip_local_port_range="1024 65535"\n'


def rules_at(text: str) -> list[tuple]:
    return [(f["rule"], f["line"], f["column"], f["endLine"], f["endColumn"]) for f in lint_text(text).findings]


def test_a_tuned_profile_counts_only_in_the_tuned_api_group_and_sits_at_an_inexact_scalar():
    assert rules_at(TUNED.format(api="tuned.openshift.io/v1")) == [("PL306", 7, 13, 7, 14)]
    assert rules_at(TUNED.format(api="example.com/v1")) == []


def test_a_kept_script_comes_only_from_a_core_config_map():
    found = [rule[:3] for rule in rules_at(KEPT.format(api="v1", padding=""))]
    assert found == [("PL201", 6, 5), ("PL304", 6, 5)]
    assert rules_at(KEPT.format(api="example.com/v1", padding="")) == []


def test_a_kept_text_of_exactly_the_limit_is_read_and_one_more_character_is_not():
    def padded(size: int) -> str:  # the value: the write, a comment line, its line break
        return KEPT.format(api="v1", padding="\n    #" + "x" * (size - len(WRITE) - 2))

    assert [rule[:3] for rule in rules_at(padded(MAX_KEPT_TEXT))] == [("PL201", 6, 5), ("PL304", 6, 5)]
    assert rules_at(padded(MAX_KEPT_TEXT + 1)) == []


SERVICES = """apiVersion: v1
kind: Service
metadata: {name: web-@}
spec:
  type: NodePort
  ports: [{name: http, port: 80, nodePort: 30080}]
"""
AGENTS = """apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent-@}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
        - {name: app, image: "example.com/agent:@", ports: [{containerPort: 9100}]}
"""


def collected(template: str) -> list[RunFacts]:
    """The facts of two objects that differ only in their names (and image tags), each from
    its own file, after 300 comment lines (line numbers above 256 are not cached ints)."""
    found = []
    for i in (1, 2):
        (doc,) = split_documents(SourceFile(f"{i}.yaml", "#\n" * 300 + template.replace("@", str(i))))
        root, problems = tree.parse(doc.text, doc.first_line)
        assert problems == []
        (manifest,) = k8s.manifests(doc, root)
        facts = RunFacts()
        collect(manifest, facts)
        found.append(facts)
    return found


def test_the_text_every_nodeport_use_repeats_is_one_string_per_run():
    a, b = (next(iter(facts.node_ports)) for facts in collected(SERVICES))
    assert (a.path, a.owner, a.raw, a.protocol, a.service_type) == (
        "spec.ports[http/TCP].nodePort",
        'port "http"',
        "30080",
        "TCP",
        "NodePort",
    )
    assert a.path is b.path and a.owner is b.owner and a.raw is b.raw
    assert a.location.line == a.location.end_line == 306 and a.location.end_line is a.location.line


def test_the_text_every_holder_repeats_is_one_string_per_run():
    a, b = (next(iter(facts.ledger)) for facts in collected(AGENTS))
    assert (a.container, a.path, a.images, a.kind) == (
        'container "app"',
        "spec.template.spec.containers[app].ports[0].containerPort",
        ("example.com/agent",),
        "DaemonSet",
    )
    assert a.container is b.container and a.path is b.path and a.images[0] is b.images[0] and a.kind is b.kind

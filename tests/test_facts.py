"""The facts run rules need: which objects hold them, where, and the size of a kept text."""

from __future__ import annotations

from conftest import lint_text

from portlint.facts import MAX_KEPT_TEXT

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

"""Suppression: the portlint.io/ignore annotation and # portlint: ignore[...] comments."""

from __future__ import annotations

from conftest import cli, lint_text

POD = """apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    portlint.io/ignore: "{ids}"
spec:
  hostNetwork: true
  containers:
    - name: c
      image: busybox
      command: [sysctl, -w, net.core.somaxconn=1024, vm.swappiness=10]
"""


def suppressed(result):
    return [(f["rule"], f["suppressed"]) for f in result.findings]


def test_annotation_lists_rules():
    assert suppressed(lint_text(POD.format(ids="PL201"))) == [("PL201", True), ("PL103", False)]
    assert suppressed(lint_text(POD.format(ids="pl103, PL201"))) == [("PL201", True), ("PL103", True)]
    assert suppressed(lint_text(POD.format(ids="all"))) == [("PL201", True), ("PL103", True)]
    assert suppressed(lint_text(POD.format(ids="PL999"))) == [("PL201", False), ("PL103", False)]


def test_comment_on_the_flagged_line():
    text = POD.format(ids="").replace("vm.swappiness=10]", "vm.swappiness=10]  # portlint: ignore[PL201, PL103]")
    assert suppressed(lint_text(text)) == [("PL201", True), ("PL103", True)]
    lower_case = POD.format(ids="").replace("vm.swappiness=10]", "vm.swappiness=10]  # portlint: ignore[pl201]")
    assert suppressed(lint_text(lower_case)) == [("PL201", True), ("PL103", False)]
    everything = POD.format(ids="").replace("vm.swappiness=10]", "vm.swappiness=10]  # portlint: ignore[all]")
    assert suppressed(lint_text(everything)) == [("PL201", True), ("PL103", True)]
    other_line = POD.format(ids="").replace("  hostNetwork: true\n", "  hostNetwork: true  # portlint: ignore[PL201]\n")
    assert suppressed(lint_text(other_line)) == [("PL201", False), ("PL103", False)]


def test_suppressed_findings_are_hidden_from_text_and_do_not_fail(tmp_cwd):
    (tmp_cwd / "pod.yaml").write_text(POD.format(ids="all"))
    result = cli("check", "pod.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "No problems found in 1 file; 2 suppressed.\n")


def test_run_level_findings_honour_the_annotation():
    services = """apiVersion: v1
kind: Service
metadata: {name: a}
spec: {type: NodePort, ports: [{port: 80, nodePort: 30080}]}
---
apiVersion: v1
kind: Service
metadata:
  name: b
  annotations: {portlint.io/ignore: PL303}
spec: {type: NodePort, ports: [{port: 80, nodePort: 30080}]}
"""
    assert suppressed(lint_text(services)) == [("PL303", True)]

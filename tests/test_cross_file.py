"""Whole-run rules see every object of the run, however the files are passed."""

from __future__ import annotations

from conftest import cli

WEB = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 30080}]}\n"
ADMIN = WEB.replace("web", "admin")
TUNE = """apiVersion: apps/v1
kind: DaemonSet
metadata: {name: tune}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
        - name: c
          image: busybox
          command: [sysctl, -w, "net.ipv4.ip_local_port_range=1024 65535"]
"""


def rules(result):
    return [(f["rule"], f["path"], f["line"]) for f in result.findings]


def test_files_passed_separately_or_as_a_directory(tmp_cwd):
    (tmp_cwd / "k8s").mkdir()
    (tmp_cwd / "k8s" / "a-web.yaml").write_text(WEB)
    (tmp_cwd / "k8s" / "b-admin.yaml").write_text(ADMIN)
    (tmp_cwd / "k8s" / "c-tune.yaml").write_text(TUNE)
    expected = [
        ("PL301", "k8s/a-web.yaml", 4),
        ("PL301", "k8s/b-admin.yaml", 4),
        ("PL303", "k8s/b-admin.yaml", 4),
        ("PL201", "k8s/c-tune.yaml", 11),
        ("PL304", "k8s/c-tune.yaml", 11),
    ]
    as_dir = cli("check", "k8s", "--format", "json", "--fail-on", "never")
    separately = cli("check", "k8s/c-tune.yaml", "k8s/a-web.yaml", "k8s/b-admin.yaml", "--format", "json", "--fail-on", "never")
    assert rules(as_dir) == expected
    assert rules(separately) == expected
    pl301 = as_dir.findings[0]
    assert pl301["related"][0]["path"] == "k8s/c-tune.yaml" and pl301["related"][0]["line"] == 11


def test_only_some_files_see_only_what_they_declare(tmp_cwd):
    """What pre-commit does with a commit that changes one Service: the range declared by
    the DaemonSet in another file and the other Service are not known."""
    (tmp_cwd / "a-web.yaml").write_text(WEB)
    (tmp_cwd / "b-admin.yaml").write_text(ADMIN)
    (tmp_cwd / "c-tune.yaml").write_text(TUNE)
    assert rules(cli("check", "b-admin.yaml", "--format", "json", "--fail-on", "never")) == []
    (tmp_cwd / ".portlint.yaml").write_text('ephemeralPortRange: "1024 65535"\n')
    got = rules(cli("check", "b-admin.yaml", "--format", "json", "--fail-on", "never"))
    assert got == [("PL304", ".portlint.yaml", 1), ("PL301", "b-admin.yaml", 4)]


def test_a_nodeport_conflict_is_reported_on_the_same_side_whatever_the_file_order(tmp_cwd):
    (tmp_cwd / "a-web.yaml").write_text(WEB)
    (tmp_cwd / "b-admin.yaml").write_text(ADMIN)
    for order in (["a-web.yaml", "b-admin.yaml"], ["b-admin.yaml", "a-web.yaml"]):
        result = cli("check", *order, "--format", "json", "--select", "PL303", "--fail-on", "never")
        # b-admin.yaml comes second in path order: it is the one that "is already taken"
        assert [(f["rule"], f["path"], f["line"], f["related"][0]["path"]) for f in result.findings] == [
            ("PL303", "b-admin.yaml", 4, "a-web.yaml")
        ], order

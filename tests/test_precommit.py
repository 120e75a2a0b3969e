"""The pre-commit hook, for real: a git repository whose .pre-commit-config.yaml uses this
repository's hook (`repo:` + `rev:`, as the README shows) is checked with the real
`pre-commit` of the test extras, which installs portlint into its own virtualenv.

The hook repository is a commit of this working tree (tracked and new files), so the
hook definition and the code under test are the ones being edited. Without git or pre-commit
the test skips locally and fails in CI (CI set), where both must be present."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from conftest import REPO

BAD = """apiVersion: apps/v1
kind: DaemonSet
metadata: {name: tune}
spec:
  template:
    spec:
      hostNetwork: true
      initContainers:
        - name: tune
          image: busybox:1.36
          command: [sysctl, -w, net.core.somaxconn=4096]
      containers:
        - name: app
          image: nginx:1.27
"""
GOOD = BAD.replace("      hostNetwork: true\n", "").replace(
    "          command: [sysctl, -w, net.core.somaxconn=4096]\n",
    "          env:\n"
    "            - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}\n"
    "            - {name: HOST_IP, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}\n"
    '          command: [sh, -c, \'[ "$POD_IP" = "$HOST_IP" ] || sysctl -w net.core.somaxconn=4096\']\n',
)
WRITE = (BAD.splitlines().index("          command: [sysctl, -w, net.core.somaxconn=4096]") + 1, BAD.index("net.core") - BAD.rindex("\n", 0, BAD.index("net.core")))
SERVICE_YAML = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  type: NodePort\n  ports:\n    - {port: 80, nodePort: 30050}\n"
SERVICE_JSON = '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "z"}, "spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": %d}]}}\n'


def need(available: bool, what: str) -> None:
    """Skip without a tool, except in CI, where a missing tool is a failure."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is needed and CI is set: install it in .ci/run")
    pytest.skip(f"{what} is needed")


def git(cwd, *args) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def hook_repository(target) -> str:
    """A git repository holding this working tree (without tests/); returns its commit."""
    files = git(REPO, "ls-files", "-co", "--exclude-standard", "-z").split("\0")
    for name in files:
        if not name or name.startswith(("tests/", "bench/", ".venv/")) or not (REPO / name).is_file():
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target / name)
    git(target, "init", "-q")
    git(target, "add", ".")
    git(target, "commit", "-q", "-m", "snapshot")
    return git(target, "rev-parse", "HEAD")


def test_hook_fails_on_a_bad_manifest_and_passes_once_fixed(tmp_path):
    need(shutil.which("git") is not None, "git")
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        need(False, "pre-commit (the test extras)")

    hooks = tmp_path / "hooks"
    hooks.mkdir()
    rev = hook_repository(hooks)
    work = tmp_path / "work"
    work.mkdir()
    git(work, "init", "-q")
    (work / ".pre-commit-config.yaml").write_text(f"repos:\n  - repo: {hooks}\n    rev: {rev}\n    hooks:\n      - id: portlint\n")
    (work / "ds.yaml").write_text(BAD)
    # Services on one nodePort in the first and the last of twelve files: pre-commit would
    # split twelve files over two processes, and only one process sees both (require_serial)
    (work / "a-service.yaml").write_text(SERVICE_YAML)
    for i in range(9):
        (work / f"m{i}.yml").write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: m{i}}}\ndata: {{a: b}}\n")
    (work / "z-service.json").write_text(SERVICE_JSON % 30050)
    (work / "bad-manifest.txt").write_text(BAD)  # not YAML or JSON by its name: not linted
    (work / "README.md").write_text("not linted\n")
    git(work, "add", ".")

    env = dict(
        os.environ,
        PRE_COMMIT_HOME=str(tmp_path / "cache"),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        TRAVIS="1",  # pre-commit then runs two processes whatever the number of cores
    )
    env.pop("PRE_COMMIT_NO_CONCURRENCY", None)
    cmd = [sys.executable, "-m", "pre_commit", "run", "--all-files", "--verbose", "--color", "never"]
    first = subprocess.run(cmd, cwd=work, capture_output=True, text=True, env=env, timeout=1200)
    out = first.stdout + first.stderr
    assert first.returncode == 1, out
    assert f"ds.yaml:{WRITE[0]}:{WRITE[1]}: error:" in out and "[PL201]" in out, out
    # the conflict between the first and the last file is seen: one process got every file
    conflicts = [line for line in out.splitlines() if "[PL303]" in line]
    assert conflicts and all("a-service.yaml" in line and "z-service.json" in line for line in conflicts), out
    assert "bad-manifest.txt" not in out and "README.md" not in out, out

    (work / "ds.yaml").write_text(GOOD)
    (work / "z-service.json").write_text(SERVICE_JSON % 30051)
    git(work, "add", ".")
    second = subprocess.run(cmd, cwd=work, capture_output=True, text=True, env=env, timeout=600)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Passed" in second.stdout

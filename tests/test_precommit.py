"""The pre-commit hook, for real: `pre-commit try-repo` installs this repository into its
own virtualenv (from PyPI, so it takes a while) and runs the hook on a small git repository."""

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


def _git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is needed")
def test_hook_fails_on_a_bad_manifest_and_passes_once_fixed(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    _git(work, "init", "-q")
    (work / "ds.yaml").write_text(BAD)
    (work / "README.md").write_text("not linted\n")
    _git(work, "add", ".")
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "cache"), PIP_DISABLE_PIP_VERSION_CHECK="1")
    cmd = [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "portlint", "--all-files", "--verbose"]
    first = subprocess.run(cmd, cwd=work, capture_output=True, text=True, env=env, timeout=1200)
    assert first.returncode == 1, first.stdout + first.stderr
    assert "ds.yaml:11:33: error:" in first.stdout and "[PL201]" in first.stdout, first.stdout
    (work / "ds.yaml").write_text(GOOD)
    _git(work, "add", ".")
    second = subprocess.run(cmd, cwd=work, capture_output=True, text=True, env=env, timeout=600)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Passed" in second.stdout

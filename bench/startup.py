"""Benchmark: the start-up of `portlint check` on one small file, against the interpreter.

Each round runs every command once, in turn (paired, as bench/run.py does); the CPU time
(user + system) of each process is reported as the median, min and max over the rounds:

  python -c pass                   the interpreter itself, with its site hooks
  python -S -c pass                the interpreter without them
  python -c 'import typer'         what the typer app's import alone costs
  portlint check FILE              a plain check (no option: typer is not imported), text
  portlint check -f sarif FILE     the CI call: a SARIF report
  check FILE, with a config        the plain check where a .portlint.yaml sets a rule's level
                                   (validated: jsonschema is imported)

``portlint`` is the console script installed beside the interpreter (the command users run;
``python -m portlint`` when there is none). FILE is bench/run.py's first Deployment of a
stream, unless --file is given. Every command runs in a new empty directory holding .git (no
config file is found above it; the last one has its .portlint.yaml); reports go to /dev/null
(stdout).

Usage:

  python bench/startup.py [--rounds 30] [--file FILE] [--also LABEL=PYTHONPATH]
                          [--python LABEL=PYTHON] [--parts]

--also times another portlint (a checkout importable from PYTHONPATH) with this interpreter;
--python times another interpreter (another virtual environment: a clean one has no site
hooks) in the same rounds: its ``-c pass``, its plain check and its SARIF check.

--parts instead runs the plain check in one interpreter per round, timing its parts in
process (CPU): the interpreter's start, portlint's modules (with the records and regular
expressions they make; ruamel.yaml is not among them when the C tree builder is built),
tree-sitter with its bash grammar, the check itself.

Bytecode is compiled, as in an installed portlint (a warm-up round writes it). Documented in
docs/performance.md. Prints its results; never writes a results file.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile


def cpu_ms(cmd: list[str], env: dict[str, str], cwd: str) -> float:
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    return (usage.ru_utime + usage.ru_stime) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--file", help="the manifest to check (default: one generated Deployment)")
    parser.add_argument("--also", action="append", default=[], metavar="LABEL=PYTHONPATH", help="also time this portlint")
    parser.add_argument(
        "--python", action="append", default=[], metavar="LABEL=PYTHON", help="also time this interpreter's portlint"
    )
    parser.add_argument("--parts", action="store_true", help="time the parts of a plain check instead")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PORTLINT_JOBS")}
    with tempfile.TemporaryDirectory(prefix="portlint-startup-") as folder:
        plain, configured = _project(folder, "plain"), _project(folder, "configured")
        with open(os.path.join(configured, ".portlint.yaml"), "w", encoding="utf-8") as out:
            out.write("rules: {PL101: error}\n")
        path = os.path.abspath(args.file) if args.file else None
        if path is None:
            sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
            from run import generate

            path = os.path.join(folder, "one.yaml")
            with open(path, "w", encoding="utf-8") as out:
                out.write(generate(1).split("---\n")[1])
        if args.parts:
            _parts(path, env, plain, args.rounds)
            return
        check = [*_portlint(sys.executable), "check", path]
        commands = {
            "python -c pass": ([sys.executable, "-c", "pass"], env, plain),
            "python -S -c pass": ([sys.executable, "-S", "-c", "pass"], env, plain),
            "import typer": ([sys.executable, "-c", "import typer"], env, plain),
            "portlint check": (check, env, plain),
            "check -f sarif": ([*check[:-1], "--format", "sarif", path], env, plain),
            "check, with a config": (check, env, configured),
        }
        for also in args.also:
            label, _, pythonpath = also.partition("=")
            commands[label] = (check, {**env, "PYTHONPATH": pythonpath}, plain)
        for other in args.python:
            label, _, python = other.partition("=")
            its_check = [*_portlint(python), "check", path]
            commands[f"{label}: python -c pass"] = ([python, "-c", "pass"], env, plain)
            commands[f"{label}: portlint check"] = (its_check, env, plain)
            commands[f"{label}: check -f sarif"] = ([*its_check[:-1], "--format", "sarif", path], env, plain)
        for command in commands.values():  # warm-up: bytecode written
            cpu_ms(*command)
        samples: dict[str, list[float]] = {label: [] for label in commands}
        for _ in range(args.rounds):
            for label, command in commands.items():
                samples[label].append(cpu_ms(*command))
    print(f"{path if args.file else 'one Deployment'}, {args.rounds} rounds: CPU, median (min-max)")
    for label, values in samples.items():
        print(f"  {label:32} {statistics.median(values):6.1f} ms ({min(values):.1f}-{max(values):.1f})")


def _portlint(python: str) -> list[str]:
    """The ``portlint`` command of an interpreter: the console script beside it when that
    script runs this interpreter (a virtual environment's bin/), else ``python -m portlint``."""
    script = os.path.join(os.path.dirname(python), "portlint")
    try:
        with open(script, encoding="utf-8") as file:
            first = file.readline()
    except OSError:
        return [python, "-m", "portlint"]
    runs = first[2:].strip() if first.startswith("#!") else ""
    if runs and os.path.realpath(runs) == os.path.realpath(python) and os.access(script, os.X_OK):
        return [script]
    return [python, "-m", "portlint"]


PARTS = """
import contextlib, io, re, sys, time
start = time.process_time()
built = {"records": 0.0, "regular expressions": 0.0}
def timed(name, make):
    def wrapper(*args, **kwargs):
        before = time.process_time()
        try:
            return make(*args, **kwargs)
        finally:
            built[name] += time.process_time() - before
    return wrapper
re._compile = timed("regular expressions", re._compile)
marks = [time.process_time()]
import portlint.records
portlint.records._record = timed("records", portlint.records._record)  # the classes
portlint.records._made_init = timed("records", portlint.records._made_init)  # their __init__, at their first record
import portlint.cli, portlint.runner
marks.append(time.process_time())
from portlint.script import _parser
_parser()  # tree-sitter and its bash language, loaded once per process (its query only past the walk budget)
marks.append(time.process_time())
sys.argv = ["portlint", "check", sys.argv[1]]
with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    portlint.cli.main()
marks.append(time.process_time())
parts = [start, *(b - a for a, b in zip(marks, marks[1:])), built["records"], built["regular expressions"]]
print(" ".join(f"{part * 1000:.2f}" for part in parts))
"""
PART_NAMES = (
    "interpreter start (site hooks)",
    "portlint's modules",
    "tree-sitter (a file with a script)",
    "the check",
    "  records made (all parts)",
    "  regexes compiled (all parts)",
)


def _parts(path: str, env: dict[str, str], cwd: str, rounds: int) -> None:
    """The CPU of each part of a plain check, medians over ``rounds`` interpreters."""
    rows = []
    for _ in range(rounds):
        done = subprocess.run([sys.executable, "-c", PARTS, path], env=env, cwd=cwd, capture_output=True, text=True, check=True)
        rows.append([float(value) for value in done.stdout.split()])
    print(f"the parts of a plain check, {rounds} rounds: CPU in process, median (min-max)")
    for index, name in enumerate(PART_NAMES):
        values = [row[index] for row in rows]
        print(f"  {name:32} {statistics.median(values):6.1f} ms ({min(values):.1f}-{max(values):.1f})")


def _project(folder: str, name: str) -> str:
    """A new directory where config discovery stops (it holds .git)."""
    path = os.path.join(folder, name)
    os.makedirs(os.path.join(path, ".git"))
    return path


if __name__ == "__main__":
    main()

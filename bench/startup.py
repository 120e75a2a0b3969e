"""Benchmark: the start-up of `portlint check` on one small file, against the interpreter.

Each round runs every command once, in turn (paired, as bench/run.py does); the CPU time
(user + system) of each process is reported as the median, min and max over the rounds:

  python -c pass                   the interpreter itself, with its site hooks
  python -S -c pass                the interpreter without them
  python -c 'import typer'         what the typer app's import alone costs
  portlint check FILE              a plain check (no option: typer is not imported), text
  portlint check -f sarif FILE     options: parsed by the typer app, a SARIF report

FILE is bench/run.py's first Deployment of a stream, unless --file is given. Reports go to
/dev/null (stdout).

Usage:

  python bench/startup.py [--rounds 30] [--file FILE] [--also LABEL=PYTHONPATH]

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


def cpu_ms(cmd: list[str], env: dict[str, str]) -> float:
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    return (usage.ru_utime + usage.ru_stime) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--file", help="the manifest to check (default: one generated Deployment)")
    parser.add_argument("--also", action="append", default=[], metavar="LABEL=PYTHONPATH", help="also time this portlint")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PORTLINT_JOBS")}
    with tempfile.TemporaryDirectory(prefix="portlint-startup-") as folder:
        path = args.file
        if path is None:
            sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
            from run import generate

            path = os.path.join(folder, "one.yaml")
            with open(path, "w", encoding="utf-8") as out:
                out.write(generate(1).split("---\n")[1])
        check = [sys.executable, "-m", "portlint", "check", path]
        commands = {
            "python -c pass": ([sys.executable, "-c", "pass"], env),
            "python -S -c pass": ([sys.executable, "-S", "-c", "pass"], env),
            "import typer": ([sys.executable, "-c", "import typer"], env),
            "portlint check": (check, env),
            "check -f sarif": ([*check[:4], "--format", "sarif", path], env),
        }
        for also in args.also:
            label, _, pythonpath = also.partition("=")
            commands[label] = (check, {**env, "PYTHONPATH": pythonpath})
        for cmd, cmd_env in commands.values():  # warm-up: bytecode written
            cpu_ms(cmd, cmd_env)
        samples: dict[str, list[float]] = {label: [] for label in commands}
        for _ in range(args.rounds):
            for label, (cmd, cmd_env) in commands.items():
                samples[label].append(cpu_ms(cmd, cmd_env))
    print(f"{path if args.file else 'one Deployment'}, {args.rounds} rounds: CPU, median (min-max)")
    for label, values in samples.items():
        print(f"  {label:22} {statistics.median(values):6.1f} ms ({min(values):.1f}-{max(values):.1f})")


if __name__ == "__main__":
    main()

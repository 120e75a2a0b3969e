"""Benchmark: portlint against the bare cost of parsing the same bytes, paired.

Generates a synthetic Helm-rendered stream of N Deployment+Service pairs (privileged init
containers with guarded and unguarded sysctl scripts, env from the downward API, explicit
nodePorts), then times whole processes on it:

  bare:     ruamel.yaml's C parser, YAML(typ="safe", pure=False).parse(...), every event
  portlint: portlint check --format sarif (the default mode: forked workers on big inputs)
  1 proc:   the same with PORTLINT_JOBS=1 (with --one-process), or N (with --jobs N)

The machine this runs on may be shared and noisy, so every round runs each command once,
back to back, and a ratio is only ever taken within a round: the report gives, per command,
the median and range over the rounds of wall time, CPU time (user+sys of the process and
its workers) and peak RSS (of the largest process of its tree), and the median and range of
the per-round ratios to the bare parse. Usage:

  python bench/run.py [--pairs 5000] [--rounds 5] [--one-process] [--jobs N] [--scale 1,10,30]
                      [--files] [--also LABEL=PYTHONPATH] [--peers] [--busy N] [--keep DIR] [--corpus DIR | --json ITEMS]

--corpus DIR compares on the manifests of DIR instead (the bare parse reads every .yaml, .yml
and .json file of it, as portlint discovers them) and generates nothing; --json ITEMS on one
single-line JSON List of ITEMS ConfigMaps (a huge single document).

--scale runs the whole comparison for each multiple of --pairs (a scaling table).
--also times another portlint (a checkout importable from PYTHONPATH) in the same rounds;
--peers times yamllint, checkov and trivy (those on PATH) on the same input in the same rounds.
--busy N keeps N other processes busy (a Python busy loop each) from the warm-up to the last
round, then kills them: a machine where other processes hold cores (the default mode must then
not be slower than one process).
Documented in docs/performance.md. Prints its results; never writes a results file.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

PAIR = """---
# Source: shop/templates/deployment-{i}.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop-{i}
  labels:
    app.kubernetes.io/name: shop-{i}
    app.kubernetes.io/instance: bench
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: shop-{i}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: shop-{i}
    spec:
      hostNetwork: {host}
      initContainers:
        - name: sysctl
          image: busybox:1.36
          securityContext:
            privileged: true
          env:
            - name: POD_IP
              valueFrom:
                fieldRef:
                  fieldPath: status.podIP
            - name: HOST_IP
              valueFrom:
                fieldRef:
                  fieldPath: status.hostIP
          command: ["sh", "-c"]
          args:
            - |
              set -e
              {guard}sysctl -w net.core.somaxconn=4096
              echo 1 > /proc/sys/net/ipv4/tcp_tw_reuse
      containers:
        - name: app
          image: nginx:1.27
          ports:
            - containerPort: 8080
              name: http
          resources:
            requests: {{cpu: 100m, memory: 128Mi}}
            limits: {{cpu: 500m, memory: 256Mi}}
          readinessProbe:
            httpGet: {{path: /healthz, port: http}}
---
# Source: shop/templates/service-{i}.yaml
apiVersion: v1
kind: Service
metadata:
  name: shop-{i}
spec:
  type: NodePort
  selector:
    app.kubernetes.io/name: shop-{i}
  ports:
    - name: http
      port: 80
      targetPort: http
      nodePort: {port}
"""

BARE = """
import os, sys
from ruamel.yaml import YAML

def files(root):
    if os.path.isfile(root):
        yield root
        return
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        yield from (os.path.join(folder, n) for n in sorted(names) if n.endswith((".yaml", ".yml", ".json")))

n = 0
for path in files(sys.argv[1]):
    with open(path, encoding="utf-8", errors="replace") as handle:
        text = handle.read()
    try:
        for _ in YAML(typ="safe", pure=False).parse(text):
            n += 1
    except Exception:  # a file libyaml rejects: its events up to the error
        pass
"""


def generate(pairs: int, first_port: int = 30000, ports: int = 2768) -> str:
    """The stream: pair ``i`` is a hostNetwork pod when i % 3 == 0, its script is guarded when
    i % 2 == 0, and its Service pins nodePort first_port + i % ports."""
    parts = []
    for i in range(pairs):
        guard = '[ "$POD_IP" = "$HOST_IP" ] && exit 0\n              ' if i % 2 == 0 else ""
        parts.append(PAIR.format(i=i, host="true" if i % 3 == 0 else "false", guard=guard, port=first_port + i % ports))
    return "".join(parts)


def generate_json(items: int) -> str:
    """One single-line JSON document: a List of ``items`` ConfigMaps and a Service (the
    hostile-input suite's 10 MB document at 70,000 items): a huge tree, not a stream."""
    import json

    configmaps = [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"c{i}"}, "data": {"k": "v" * 40, "n": [1, 2, {"a": "b"}]}}
        for i in range(items)
    ]
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "s"},
        "spec": {"type": "NodePort", "ports": [{"port": 1, "nodePort": 8080}]},
    }
    return json.dumps({"apiVersion": "v1", "kind": "List", "items": [*configmaps, service]})


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, peak RSS in KiB) of one whole process and its children."""
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=stderr, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        stderr.seek(0)
        said = stderr.read().decode(errors="replace")
    # exit 1 is "findings" for portlint and the peers, but also an uncaught Python exception
    if os.waitstatus_to_exitcode(status) not in (0, 1) or "Traceback (most recent call last)" in said:
        raise SystemExit(f"command failed: {' '.join(cmd)}\n{said[-2000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def portlint_command(path: str) -> list[str]:
    return [sys.executable, "-m", "portlint", "check", "--format", "sarif", "--output", os.devnull, path]


def commands(path: str, args: argparse.Namespace) -> dict[str, tuple[list[str], dict[str, str] | None]]:
    """label -> (command, environment) of everything timed on ``path``, the bare parse first."""
    env = dict(os.environ)
    env.pop("PORTLINT_JOBS", None)
    # an installed portlint has its bytecode compiled; without it every start compiles the
    # sources again (the warm-up round writes it)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    found = {"bare C parse": ([sys.executable, "-c", BARE, path], env), "portlint": (portlint_command(path), env)}
    if args.one_process:
        found["portlint 1 proc"] = (portlint_command(path), {**env, "PORTLINT_JOBS": "1"})
    if args.jobs:
        found[f"portlint {args.jobs} jobs"] = (portlint_command(path), {**env, "PORTLINT_JOBS": str(args.jobs)})
    for also in args.also:
        label, _, pythonpath = also.partition("=")
        found[label] = (portlint_command(path), {**env, "PYTHONPATH": pythonpath})
    if args.peers:
        found.update({name: (cmd, env) for name, cmd in peer_commands(path).items()})
    return found


def peer_commands(path: str) -> dict[str, list[str]]:
    """The peers found on PATH, each with the command that reads every manifest of ``path``
    and writes its usual report: yamllint (parsable lines), checkov (SARIF, its Kubernetes
    checks) and trivy (misconfiguration scan). A peer that is not installed is named and left out."""
    target = ["-f", path] if os.path.isfile(path) else ["-d", path]
    wanted = {
        "yamllint": ["yamllint", "-f", "parsable", path],
        "checkov": ["checkov", *target, "--framework", "kubernetes", "-o", "sarif", "--quiet", "--compact", "--skip-download"],
        "trivy": ["trivy", "config", "--quiet", path],
    }
    found = {}
    for name, cmd in wanted.items():
        program = shutil.which(cmd[0])
        if program is None:
            print(f"  ({name} is not on PATH: left out)")
        else:
            found[name] = [program, *cmd[1:]]
    return found


def manifests(path: str) -> list[str]:
    """The file, or the manifest files of the directory (hidden directories left out)."""
    if os.path.isfile(path):
        return [path]
    found = []
    for folder, dirs, names in os.walk(path):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(os.path.join(folder, n) for n in names if n.endswith((".yaml", ".yml", ".json")))
    return found


def spread(values: list[float], fmt: str) -> str:
    """'median (min-max)'."""
    return f"{format(statistics.median(values), fmt)} ({format(min(values), fmt)}-{format(max(values), fmt)})"


def compare(path: str, args: argparse.Namespace) -> None:
    """Time every command once per round, in turn, after a warm-up run of each (not
    counted), and print medians and ranges."""
    timed_commands = commands(path, args)
    samples: dict[str, list[tuple[float, float, int]]] = {label: [] for label in timed_commands}
    with busy_processes(args.busy):
        for cmd, env in timed_commands.values():
            timed(cmd, env)
        for _ in range(args.rounds):
            for label, (cmd, env) in timed_commands.items():
                samples[label].append(timed(cmd, env))
    size = sum(os.path.getsize(f) for f in manifests(path)) / 1e6
    bare = samples["bare C parse"]
    print(f"input: {path}, {size:.1f} MB, {args.rounds} rounds: median (min-max)")
    for label, runs in samples.items():
        walls = [r[0] for r in runs]
        cpus = [r[1] for r in runs]
        line = (
            f"  {label:16} wall {spread(walls, '.2f')} s  cpu {spread(cpus, '.2f')} s  "
            f"peak RSS {spread([r[2] / 1024 for r in runs], '.0f')} MB"
        )
        if runs is not bare:
            line += (
                f"  x bare: wall {spread([r[0] / b[0] for r, b in zip(runs, bare, strict=True)], '.2f')}"
                f"  cpu {spread([r[1] / b[1] for r, b in zip(runs, bare, strict=True)], '.2f')}"
            )
        print(line)


@contextlib.contextmanager
def busy_processes(count: int):
    """``count`` processes that each keep a core busy while the block runs, killed after it."""
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    try:
        if busy:
            print(f"  ({count} busy process{'es' if count > 1 else ''} running: {' '.join(str(p.pid) for p in busy)})")
        yield
    finally:
        for process in busy:
            process.kill()
            process.wait()


def write_files(path: str, folder: str) -> str:
    """The stream's documents as one small file each, in a new directory."""
    many = os.path.join(folder, "files-" + os.path.basename(path).removesuffix(".yaml"))
    os.makedirs(many, exist_ok=True)
    with open(path, encoding="utf-8") as handle:
        parts = handle.read().split("---\n")[1:]
    for i, part in enumerate(parts):
        with open(os.path.join(many, f"m{i:06d}.yaml"), "w", encoding="utf-8") as handle:
            handle.write(part)
    return many


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--one-process", action="store_true", help="also time portlint with PORTLINT_JOBS=1")
    parser.add_argument("--jobs", type=int, help="also time portlint with PORTLINT_JOBS set to this")
    parser.add_argument("--scale", default="1", help="comma-separated multiples of --pairs, each compared in turn")
    parser.add_argument("--also", action="append", default=[], metavar="LABEL=PYTHONPATH", help="also time this portlint")
    parser.add_argument("--keep", help="write the generated streams into this directory and keep them")
    parser.add_argument("--files", action="store_true", help="also lint the same pairs as one small file each")
    parser.add_argument("--peers", action="store_true", help="also time yamllint, checkov and trivy where they are on PATH")
    parser.add_argument("--busy", type=int, default=0, metavar="N", help="keep N other processes busy while timing")
    parser.add_argument("--corpus", metavar="DIR", help="compare on the manifests of this directory instead")
    parser.add_argument("--json", type=int, metavar="ITEMS", help="compare on one JSON document of this many items instead")
    args = parser.parse_args()
    if args.corpus:
        compare(args.corpus, args)
    elif args.json:
        with tempfile.TemporaryDirectory(prefix="portlint-bench-") as folder:
            path = os.path.join(folder, f"list-{args.json}.json")
            subprocess.run([sys.executable, __file__, "--write-json", path, str(args.json)], check=True)
            compare(path, args)
    elif args.keep:
        os.makedirs(args.keep, exist_ok=True)
        run_all(args, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="portlint-bench-") as folder:
            run_all(args, folder)


def run_all(args: argparse.Namespace, folder: str) -> None:
    for multiple in (int(m) for m in args.scale.split(",")):
        pairs = args.pairs * multiple
        path = os.path.join(folder, f"stream-{pairs}.yaml")
        # generated in a child process: a forked child starts with this process's peak RSS,
        # so holding the generated text here would inflate every measurement after it
        subprocess.run([sys.executable, __file__, "--write-stream", path, str(pairs)], check=True)
        print(f"{pairs} Deployment+Service pairs")
        compare(path, args)
        if args.files:
            many = write_files(path, folder)
            files_t = [timed(portlint_command(many)) for _ in range(args.rounds)]
            print(
                f"  as {2 * pairs} files: wall {spread([t[0] for t in files_t], '.2f')} s  cpu {spread([t[1] for t in files_t], '.2f')} s"
            )
            if not args.keep:
                shutil.rmtree(many)
        if not args.keep:
            os.remove(path)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] in ("--write-stream", "--write-json"):
        with open(sys.argv[2], "w", encoding="utf-8") as out:
            out.write((generate if sys.argv[1] == "--write-stream" else generate_json)(int(sys.argv[3])))
        sys.exit(0)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()

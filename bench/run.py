"""Benchmark: portlint against the bare cost of parsing the same bytes.

Generates a synthetic Helm-rendered stream of N Deployment+Service pairs (privileged init
containers with guarded and unguarded sysctl scripts, env from the downward API, explicit
nodePorts), then times whole processes:

  bare:     ruamel.yaml's C parser, YAML(typ="safe", pure=False).parse(...), every event
  portlint: portlint check --format sarif

and prints MB/s, the ratio, and peak RSS of each. Usage:

  python bench/run.py [--pairs 5000] [--runs 5] [--keep DIR]

Documented in docs/performance.md. Numbers are medians of --runs runs.
"""

from __future__ import annotations

import argparse
import os
import resource
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
import sys
from ruamel.yaml import YAML
with open(sys.argv[1], encoding="utf-8") as handle:
    text = handle.read()
n = 0
for _ in YAML(typ="safe", pure=False).parse(text):
    n += 1
"""


def generate(pairs: int) -> str:
    parts = []
    for i in range(pairs):
        guard = '[ "$POD_IP" = "$HOST_IP" ] && exit 0\n              ' if i % 2 == 0 else ""
        parts.append(PAIR.format(i=i, host="true" if i % 3 == 0 else "false", guard=guard, port=30000 + i % 2768))
    return "".join(parts)


def timed(cmd: list[str]) -> tuple[float, int]:
    """(seconds, peak RSS in KiB) of one whole process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"command failed: {' '.join(cmd)}")
    return elapsed, usage.ru_maxrss


def measure(cmd: list[str], runs: int) -> tuple[float, int]:
    samples = [timed(cmd) for _ in range(runs)]
    return statistics.median(s[0] for s in samples), max(s[1] for s in samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", help="write the generated stream into this directory and keep it")
    parser.add_argument("--files", action="store_true", help="also lint the same pairs as one small file each, in a directory")
    parser.add_argument("--checkov", metavar="EXE", help="also time this checkov executable on the stream (-o sarif)")
    args = parser.parse_args()
    folder = args.keep or tempfile.mkdtemp(prefix="portlint-bench-")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"stream-{args.pairs}.yaml")
    # generate in a child process: a forked child starts with this process's peak RSS, so
    # holding the generated text here would inflate every measurement after it
    subprocess.run([sys.executable, __file__, "--write-stream", path, str(args.pairs)], check=True)
    size = os.path.getsize(path) / 1e6
    bare_t, bare_rss = measure([sys.executable, "-c", BARE, path], args.runs)
    lint_t, lint_rss = measure(
        [sys.executable, "-m", "portlint", "check", "--format", "sarif", "--output", os.devnull, path], args.runs
    )
    print(f"input: {args.pairs} Deployment+Service pairs, {size:.1f} MB ({path})")
    print(f"bare C parse : {bare_t:6.2f} s  {size / bare_t:6.2f} MB/s  peak RSS {bare_rss / 1024:6.0f} MB")
    print(f"portlint     : {lint_t:6.2f} s  {size / lint_t:6.2f} MB/s  peak RSS {lint_rss / 1024:6.0f} MB")
    print(f"ratio        : {lint_t / bare_t:.2f}x the bare parse")
    if args.files:
        many = os.path.join(folder, f"files-{args.pairs}")
        os.makedirs(many, exist_ok=True)
        with open(path, encoding="utf-8") as handle:
            parts = handle.read().split("---\n")[1:]
        for i, part in enumerate(parts):
            with open(os.path.join(many, f"m{i:06d}.yaml"), "w", encoding="utf-8") as handle:
                handle.write(part)
        del parts
        files_t, files_rss = measure(
            [sys.executable, "-m", "portlint", "check", "--format", "sarif", "--output", os.devnull, many], args.runs
        )
        print(f"{2 * args.pairs} files  : {files_t:6.2f} s  {size / files_t:6.2f} MB/s  peak RSS {files_rss / 1024:6.0f} MB")
    if args.checkov:
        ck_t, ck_rss = measure([args.checkov, "-f", path, "--framework", "kubernetes", "-o", "sarif", "--quiet", "--compact"], 1)
        print(f"checkov      : {ck_t:6.2f} s  {size / ck_t:6.2f} MB/s  peak RSS {ck_rss / 1024:6.0f} MB (one run)")
    if not args.keep:
        os.remove(path)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--write-stream":
        with open(sys.argv[2], "w", encoding="utf-8") as out:
            out.write(generate(int(sys.argv[3])))
        sys.exit(0)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()

"""Benchmark: how long `portlint lsp` takes from a change of an open manifest to its
diagnostics (the issue's target: within 100 ms for a 2,000-line manifest).

Starts the server over stdio, opens a generated manifest of about --lines lines (bench/run.py's
Deployment+Service pairs) in an otherwise empty workspace folder, then sends --runs full-text
changes and times each from the change to the publishDiagnostics of its version, minus the
debounce pause (the server waits linter/lsp.py's DEBOUNCE_SECONDS after the last change on
purpose). Prints the median and the worst. Usage:

  python bench/lsp_latency.py [--lines 2000] [--runs 20]
"""

from __future__ import annotations

import argparse
import pathlib
import statistics
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from portlint.lsp import DEBOUNCE_SECONDS  # noqa: E402
from run import generate  # noqa: E402
from test_lsp import Client, Workspace  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    pairs = max(1, args.lines // generate(1).count("\n"))
    text = generate(pairs)
    client = Client()
    try:
        with tempfile.TemporaryDirectory() as folder:
            workspace = Workspace(client, pathlib.Path(folder))
            workspace.open("big.yaml", text)
            took = []
            for version in range(2, args.runs + 2):
                start = time.perf_counter()
                workspace.change("big.yaml", text + f"# edit {version}\n", version)
                client.wait(lambda m, v=version: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["version"] == v)
                took.append(time.perf_counter() - start - DEBOUNCE_SECONDS)
    finally:
        client.stop()
    median, worst = statistics.median(took) * 1000, max(took) * 1000
    lines = text.count("\n")
    print(f"{lines} lines: change to diagnostics, debounce excluded: median {median:.0f} ms, worst {worst:.0f} ms ({args.runs} changes)")


if __name__ == "__main__":
    main()

"""The findings on a benchmark-style stream (bench/run.py's generator: Deployment+Service pairs
rendered by Helm, the same init script in every pod, nodePorts that repeat): the net under the
speed work, which must not change a finding. Every expected position is read from the
generated text, every expected rule from the generator's pattern."""

from __future__ import annotations

import importlib.util

from conftest import REPO, lint_text


def _generator():
    spec = importlib.util.spec_from_file_location("bench_run", REPO / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


def _lines_of(text: str, needle: str) -> list[int]:
    """1-based numbers of the lines holding ``needle``, in order (one per pair)."""
    return [n for n, line in enumerate(text.split("\n"), 1) if needle in line]


PAIRS = 12
FIRST_PORT = 30084  # the default static band is 30000-30085: 30086 and 30087 lie above it
PORTS = 4  # every port is pinned by three Services


def expected(text: str) -> list[tuple[str, int, int, list[tuple[int, int]]]]:
    """(rule, line, column, related places) of each finding. Pair i: hostNetwork when
    i % 3 == 0, guarded when i % 2 == 0 (no finding); unguarded, its container's two writes
    are one PL201 (hostNetwork: the hostNetwork key a related place) or PL101 at the first,
    the second a related place; its Service's nodePort first_port + i % 4 is a PL307 above
    the static band and a PL303 once an earlier Service holds it (that one a related place).
    Every hostNetwork pod holds its containerPort 8080 on its node: a PL309 for each after the
    first (two Deployments: a warning), the first's port a related place."""
    sysctl_w = _lines_of(text, "sysctl -w net.core.somaxconn=4096")
    proc_sys = _lines_of(text, "echo 1 > /proc/sys/net/ipv4/tcp_tw_reuse")
    host_network = _lines_of(text, "hostNetwork: ")
    node_port = _lines_of(text, "nodePort: ")
    container_port = _lines_of(text, "containerPort: 8080")
    assert len(sysctl_w) == len(proc_sys) == len(host_network) == len(node_port) == len(container_port) == PAIRS
    found = []
    for i in range(PAIRS):
        if i % 2 == 1:
            if i % 3 == 0:
                found.append(("PL201", sysctl_w[i], 15, [(host_network[i], 7), (proc_sys[i], 15)]))
            else:
                found.append(("PL101", sysctl_w[i], 15, [(proc_sys[i], 15)]))
        port = FIRST_PORT + i % PORTS
        if port > 30085:
            found.append(("PL307", node_port[i], 17, []))
        if i >= PORTS:
            found.append(("PL303", node_port[i], 17, [(node_port[i % PORTS], 17)]))
        if i % 3 == 0 and i > 0:
            found.append(("PL309", container_port[i], 30, [(container_port[0], 30)]))
    return sorted(found, key=lambda f: (f[1], f[2], f[0]))


def test_the_benchmark_stream_gives_the_findings_its_generator_implies():
    text = _generator()(PAIRS, FIRST_PORT, PORTS)
    findings = lint_text(text, name="stream.yaml").findings
    got = [(f["rule"], f["line"], f["column"], [(r["line"], r["column"]) for r in f["related"]]) for f in findings]
    assert sorted(got, key=lambda f: (f[1], f[2], f[0])) == expected(text)
    assert (
        len(got) == 6 + 6 + 8 + 3
    )  # six unguarded pods, six ports above the band, eight clashes, three hostNetwork pods on 8080

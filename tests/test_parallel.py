"""linter/parallel.py: inputs of 3 MB or more are linted in forked worker processes, and the
report is the one a single process gives, in the same order, including the whole-run rules
whose facts come from documents linted by different workers."""

from __future__ import annotations

import os

import pytest
from conftest import cli

from portlint import parallel
from portlint.parallel import quota_cores  # the real one: conftest's _no_cpu_quota replaces parallel's
from portlint.rules import pl203_unsafe_pod_sysctl
from portlint.sources import Document, SourceFile

FILLER = "x" * 20_000  # one long scalar: many bytes, little parsing


def _daemonset_widening_the_range() -> list[str]:
    return [
        "apiVersion: apps/v1",
        "kind: DaemonSet",
        "metadata: {name: tune}",
        "spec:",
        "  template:",
        "    spec:",
        "      hostNetwork: true",
        "      initContainers:",
        "        - name: sysctl",
        "          command:",
        "            - sysctl",
        "            - -w",
        "            - net.ipv4.ip_local_port_range=1024 65535",  # PL201; declares the nodes' range
    ]


def _pod(i: int) -> list[str]:
    return [
        "apiVersion: v1",
        "kind: Pod",
        f"metadata: {{name: p{i}}}",
        "spec:",
        "  hostNetwork: true",
        "  containers:",
        "    - name: c",
        "      command: [sysctl, -w, net.core.somaxconn=1024]",  # PL201, at the key=value item
    ]


def _service(name: str, node_port: int) -> list[str]:
    return [
        "apiVersion: v1",
        "kind: Service",
        f"metadata: {{name: {name}}}",
        "spec:",
        "  type: NodePort",
        "  ports:",
        f"    - {{port: 80, nodePort: {node_port}}}",
    ]


def _config_map(i: int) -> list[str]:
    return ["apiVersion: v1", "kind: ConfigMap", f"metadata: {{name: cm{i}}}", "data:", f"  blob: {FILLER}"]


def build_input(directory, files: int = 2, documents: int = 90) -> tuple[int, list[tuple[str, str, int, int]]]:
    """Writes ``files`` manifests of ~1.6 MB; returns their total size and the findings of
    PL201/PL301 they must give, as (rule, path, line, column) read off the lines written."""
    expected: list[tuple[str, str, int, int]] = []
    total = 0
    for f in range(files):
        name = f"{chr(ord('a') + f)}.yaml"
        lines: list[str] = []

        def add(doc: list[str]) -> int:
            if lines:
                lines.append("---")
            lines.extend(doc)
            return len(lines)  # the 1-based line of the document's last line

        def column(token: str) -> int:
            return lines[-1].index(token) + 1

        if f == 0:
            last = add(_daemonset_widening_the_range())
            expected.append(("PL201", name, last, column("net.ipv4")))
        for i in range(documents):
            if i % 10 == 5:
                last = add(_pod(f * 1000 + i))
                expected.append(("PL201", name, last, column("net.core")))
            else:
                add(_config_map(f * 1000 + i))
        if f == files - 1 or f == 0:  # one Service in the first file, one in the last: PL303
            last = add(_service(f"s{f}", 30100))
            expected.append(("PL301", name, last, column("30100")))  # in the declared 1024-65535
        text = "\n".join(lines) + "\n"
        (directory / name).write_text(text)
        total += len(text.encode())
    return total, sorted(expected)


def _one_core_is_not_enough(monkeypatch):
    """Workers need two free cores; on a one-core or busy runner pretend there are two (the
    work is the same)."""
    if hasattr(os, "sched_getaffinity") and len(os.sched_getaffinity(0)) < 2:
        monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(parallel, "busy_cores", lambda: 0)


def test_a_big_input_is_linted_by_several_workers_with_the_serial_result(tmp_cwd, monkeypatch):
    total, expected = build_input(tmp_cwd)
    assert total >= parallel.PARALLEL_MIN_BYTES
    _one_core_is_not_enough(monkeypatch)

    # every process that lints an object leaves its pid (forked workers inherit the spy)
    log = tmp_cwd / "pids.log"
    original = pl203_unsafe_pod_sysctl.check

    def spy(manifest, ctx):
        with open(log, "a") as out:
            out.write(f"{os.getpid()}\n")
        return original(manifest, ctx)

    monkeypatch.setattr(pl203_unsafe_pod_sysctl, "check", spy)

    monkeypatch.delenv(parallel.ENVIRONMENT_KNOB, raising=False)
    assert parallel.workers_for(["."]) >= 2
    many = cli("check", ".", "--format", "json", "--fail-on", "never")
    assert many.exit_code == 0, many.stderr
    pids = set(log.read_text().split())
    assert str(os.getpid()) not in pids  # the parent only merged
    assert len(pids) >= 2, pids

    log.unlink()
    monkeypatch.setenv(parallel.ENVIRONMENT_KNOB, "1")
    one = cli("check", ".", "--format", "json", "--fail-on", "never")
    assert one.exit_code == 0, one.stderr
    assert set(log.read_text().split()) == {str(os.getpid())}

    assert many.findings == one.findings  # the same findings, in the same order
    assert many.json == one.json
    found = sorted(
        (f["rule"], f["path"], f["line"], f["column"]) for f in one.findings if f["rule"] in ("PL201", "PL301")
    )
    assert found == expected
    # the two Services are in different files, linted by different workers: still one conflict
    conflicts = [(f["path"], f["line"]) for f in one.findings if f["rule"] == "PL303"]
    assert conflicts and set(conflicts) <= {(path, line) for rule, path, line, _ in expected if rule == "PL301"}


def test_workers_for_counts_manifest_bytes_only(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(8)), raising=False)
    monkeypatch.setattr(parallel, "busy_cores", lambda: 0)
    monkeypatch.delenv(parallel.ENVIRONMENT_KNOB, raising=False)
    small = tmp_path / "small"
    small.mkdir()
    (small / "a.yaml").write_text("a: b\n" * 100)
    (small / "notes.txt").write_bytes(b"x" * parallel.PARALLEL_MIN_BYTES)  # not a manifest
    (small / ".hidden").mkdir()
    (small / ".hidden" / "big.yaml").write_bytes(b"#" * parallel.PARALLEL_MIN_BYTES)  # hidden: not linted
    assert parallel.workers_for([str(small)]) == 1

    big = tmp_path / "big"
    big.mkdir()
    half = parallel.PARALLEL_MIN_BYTES // 2
    (big / "a.yaml").write_bytes(b"#" * half)
    (big / "b.json").write_bytes(b" " * (parallel.PARALLEL_MIN_BYTES - half - 1))
    assert parallel.workers_for([str(big)]) == 1  # one byte short
    (big / "c.yml").write_bytes(b"\n")
    assert parallel.workers_for([str(big)]) == 8  # every core
    assert parallel.workers_for([str(big / "a.yaml"), str(big / "b.json"), str(big / "c.yml")]) == 8
    assert parallel.workers_for([str(big), "-"]) == 1  # stdin is read in one process

    monkeypatch.setenv(parallel.ENVIRONMENT_KNOB, "3")
    assert parallel.workers_for([str(big)]) == 3
    monkeypatch.setenv(parallel.ENVIRONMENT_KNOB, "1")
    assert parallel.workers_for([str(big)]) == 1
    monkeypatch.setenv(parallel.ENVIRONMENT_KNOB, "64")
    assert parallel.workers_for([str(big)]) == 8  # never more than the cores


def test_batches_keep_order_and_detach_documents():
    big = SourceFile("a.yaml", "whole text of a.yaml " * 1000)
    other = SourceFile("b.yaml", "whole text of b.yaml")
    docs = [Document(big, "x" * 40, 1, 0), Document(big, "y" * 70, 3, 1), Document(big, "z" * 10, 9, 2)]
    docs.append(Document(other, "w" * 100, 1, 0, "chart/templates/w.yaml"))
    got = list(parallel.batches(iter(docs), size=100))
    # a batch closes once it holds `size` characters or more
    assert [[d.text[0] for d in batch] for batch in got] == [["x", "y"], ["z", "w"]]
    flat = [d for batch in got for d in batch]
    assert [(d.path, d.first_line, d.index, d.template) for d in flat] == [
        ("a.yaml", 1, 0, None),
        ("a.yaml", 3, 1, None),
        ("a.yaml", 9, 2, None),
        ("b.yaml", 1, 0, "chart/templates/w.yaml"),
    ]
    assert all(d.source.text == "" for d in flat)  # the file's whole text is not sent to workers
    assert flat[0].source is flat[1].source  # one detached source per file


def _work(batch, shared):
    return [(shared, d.index, os.getpid()) for d in batch]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX only")
def test_map_batches_runs_on_workers_in_input_order():
    source = SourceFile("a.yaml")
    docs = [Document(source, "d" * 600_000, 1, i) for i in range(8)]  # 4.8 MB: batches of 2
    results = list(parallel.map_batches(_work, iter(docs), 2, "shared"))
    assert [[(s, i) for s, i, _ in batch] for batch in results] == [[("shared", 2 * b), ("shared", 2 * b + 1)] for b in range(4)]
    pids = {pid for batch in results for _, _, pid in batch}
    assert os.getpid() not in pids and len(pids) >= 1


def big_input(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * parallel.PARALLEL_MIN_BYTES)
    return [str(path)]


@pytest.mark.parametrize(
    "cores, load, running, workers",
    [
        (2, 0.0, 1, 2),  # a quiet machine: every core
        (2, 0.49, 1, 2),
        (2, 0.5, 1, 1),  # another process holds a core (on average): one process
        (2, 0.0, 2, 1),  # another process runs right now (the average has not seen it yet)
        (2, 3.0, 7, 1),
        (4, 1.4, 2, 3),
        (4, 1.6, 1, 2),
        (4, 0.2, 3, 2),
    ],
)
def test_workers_are_the_cores_other_processes_leave_free(tmp_path, monkeypatch, cores, load, running, workers):
    monkeypatch.delenv(parallel.ENVIRONMENT_KNOB, raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (load, 0.0, 0.0))
    monkeypatch.setattr(parallel, "running_now", lambda: running)
    assert parallel.workers_for(big_input(tmp_path)) == workers


def test_an_explicit_job_count_is_kept_whatever_the_load(tmp_path, monkeypatch):
    monkeypatch.setenv(parallel.ENVIRONMENT_KNOB, "2")
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (5.0, 0.0, 0.0))
    assert parallel.workers_for(big_input(tmp_path)) == 2


def test_without_a_load_average_the_running_processes_decide(monkeypatch):
    def unavailable():
        raise OSError("no load average")

    monkeypatch.setattr(os, "getloadavg", unavailable)
    monkeypatch.setattr(parallel, "running_now", lambda: 3)
    assert parallel.busy_cores() == 2


def test_running_now_reads_the_fourth_field_of_proc_loadavg(monkeypatch):
    import builtins
    import io

    real_open = builtins.open

    def fake_open(path, *args, **kwargs):
        if path == "/proc/loadavg":
            return io.StringIO("0.52 0.58 0.59 3/467 12345\n")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", fake_open)
    assert parallel.running_now() == 3


def test_running_now_is_this_process_alone_where_proc_loadavg_cannot_be_read(monkeypatch):
    import builtins

    def refused(path, *args, **kwargs):
        raise OSError("no /proc")

    monkeypatch.setattr(builtins, "open", refused)
    assert parallel.running_now() == 1


def _cgroups(tmp_path, own: str, limits: dict[str, str]):
    """A fake cgroup v2 tree under tmp_path/cgroup: ``limits`` maps a cgroup path ('' for the
    root) to its cpu.max text; ``own`` is this process's line of /proc/self/cgroup."""
    root = tmp_path / "cgroup"
    root.mkdir()
    for path, text in limits.items():
        (root / path).mkdir(parents=True, exist_ok=True)
        (root / path / "cpu.max").write_text(text)
    membership = tmp_path / "self-cgroup"
    membership.write_text(own)
    return str(root), str(membership)


@pytest.mark.parametrize(
    "own, limits, cores",
    [
        ("0::/\n", {"": "max 100000\n"}, None),  # no quota
        ("0::/\n", {"": "200000 100000\n"}, 2),
        ("0::/\n", {"": "250000 100000\n"}, 2),  # 2.5 CPUs: a third worker would share its core
        ("0::/\n", {"": "50000 100000\n"}, 1),  # half a CPU: still one process
        ("0::/\n", {}, None),  # no cpu.max (cgroup v1, or the controller not enabled)
        ("0::/\n", {"": "a lot\n"}, None),  # unreadable: as if there were none
        # the tightest along the path, the process's own cgroup first
        ("0::/kubepods/pod1\n", {"": "max 100000", "kubepods": "400000 100000", "kubepods/pod1": "300000 100000"}, 3),
        ("0::/kubepods/pod1\n", {"": "100000 100000", "kubepods": "max 100000", "kubepods/pod1": "max 100000"}, 1),
        ("0::/kubepods/pod1\n", {"kubepods": "200000 100000", "kubepods/pod1": "300000 100000"}, 2),
        ("12:cpu:/x\n0::/kubepods/pod1\n", {"kubepods": "200000 50000"}, 4),  # the v2 line among v1 lines
        ("0::/../x\n", {"": "300000 100000", "x": "100000 100000"}, 3),  # outside the namespace: the root only
    ],
)
def test_the_cgroup_cpu_quota_gives_the_whole_cores_it_allows(tmp_path, own, limits, cores):
    root, membership = _cgroups(tmp_path, own, limits)
    assert quota_cores(root, membership) == cores


def test_without_proc_self_cgroup_the_root_cgroup_decides(tmp_path):
    root, _ = _cgroups(tmp_path, "", {"": "300000 100000"})
    assert quota_cores(root, str(tmp_path / "missing")) == 3


@pytest.mark.parametrize("quota, workers", [(None, 8), (3, 3), (1, 1)])
def test_workers_are_no_more_than_the_cpu_quota_allows(tmp_path, monkeypatch, quota, workers):
    monkeypatch.delenv(parallel.ENVIRONMENT_KNOB, raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(8)), raising=False)
    monkeypatch.setattr(parallel, "busy_cores", lambda: 0)
    monkeypatch.setattr(parallel, "quota_cores", lambda: quota)
    paths = big_input(tmp_path)
    assert parallel.workers_for(paths) == workers
    monkeypatch.setenv(parallel.ENVIRONMENT_KNOB, "64")
    assert parallel.workers_for(paths) == workers  # the knob never goes past the quota either

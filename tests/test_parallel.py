"""linter/parallel.py: inputs of 3 MB or more are linted in forked worker processes, and the
report is the one a single process gives, in the same order, including the whole-run rules
whose facts come from documents linted by different workers."""

from __future__ import annotations

import io
import json
import os
import pickle
import random

import pytest
from conftest import cli

from portlint import parallel, sources
from portlint.parallel import quota_cores  # the real one: conftest's _no_cpu_quota replaces parallel's
from portlint.rules import pl203_unsafe_pod_sysctl
from portlint.sources import MemoryInput, Part, SourceFile, documents, open_part

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


def test_tasks_group_small_files_and_cut_a_big_one_at_its_document_lines(tmp_path):
    small = tmp_path / "a.yaml"
    small.write_text("kind: A\n")  # 8 bytes
    docs = [f"---\n# Source: chart/templates/t{i}.yaml\nkind: ConfigMap\ndata: {{k: '{'v' * 40}'}}\n" for i in range(6)]
    big = tmp_path / "b.yaml"
    big.write_text("".join(docs))  # 6 documents of 4 lines, 108 bytes each
    at = [sum(len(d) for d in docs[:i]) for i in range(7)]
    assert at[1] == 108
    memory = MemoryInput("rendered", "kind: B\n" * 30)
    got = list(parallel.tasks([str(small), str(big), memory], size=150))
    # a part of the big file ends at the first '---' line 150 bytes or more after its start:
    # documents 0-1, 2-3, 4-5; a task closes once it holds 150 bytes or more
    assert got == [
        [Part(str(small)), Part(str(big), 0, at[2], 1, 0)],
        [Part(str(big), at[2], at[4], 9, 2)],
        [Part(str(big), at[4], None, 17, 4)],
        [memory_part := Part(memory)],
    ]
    assert pickle.loads(pickle.dumps(memory_part)).path.text == memory.text  # to a worker, whole


def test_a_part_read_alone_gives_the_documents_of_the_whole(tmp_path):
    text = "kind: A\n---\n# Source: c/templates/x.yaml\nkind: B\nbad: \udcff\n---\nkind: C\n"
    data = text.encode("utf-8", "surrogateescape")  # a byte that is not UTF-8 in document 1
    path = tmp_path / "m.yaml"
    path.write_bytes(data)
    whole = [(d.text, d.first_line, d.index, d.template, d.problem) for d in documents(SourceFile("m.yaml"), io.BytesIO(data))]
    second = Part(str(path), start=8, end=data.index(b"---\nkind: C"), line=2, index=1)
    source, stream = open_part(second)
    alone = [(d.text, d.first_line, d.index, d.template, d.problem) for d in documents(source, stream, second.line, second.index)]
    assert alone == whole[1:2]
    assert alone[0][3] == "c/templates/x.yaml" and alone[0][4][1:] == (5, 6)  # line 5 of the file


def _work(batch, shared):
    return [(shared, item, os.getpid()) for item in batch]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX only")
def test_map_batches_runs_on_workers_in_input_order():
    batches = [[2 * b, 2 * b + 1] for b in range(4)]
    results = list(parallel.map_batches(_work, iter(batches), 2, "shared"))
    assert [[(s, i) for s, i, _ in batch] for batch in results] == [[("shared", 2 * b), ("shared", 2 * b + 1)] for b in range(4)]
    pids = {pid for batch in results for _, _, pid in batch}
    assert os.getpid() not in pids and len(pids) >= 1


def big_input(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * parallel.PARALLEL_MIN_BYTES)
    return [str(path)]


def _run_queue(monkeypatch, looks: list[int | None]) -> list[int | None]:
    """/proc/loadavg's running count gives ``looks`` in turn (None: unreadable); returns the
    looks not taken."""
    left = list(looks)
    monkeypatch.setattr(parallel, "running_now", lambda: left.pop(0))
    monkeypatch.setattr(parallel.time, "sleep", lambda seconds: None)
    return left


@pytest.mark.parametrize(
    "cores, looks, workers, left",
    [
        (2, [1, 5, 5, 5, 5], 2, 4),  # this process alone at the first look: every core, no more looks
        (2, [3, 2, 1, 9, 9], 2, 2),  # another process ran only for a moment
        (2, [2, 2, 2, 2, 2], 1, 0),  # another process holds a core: one process
        (2, [3, 2, 2, 3, 2, 1], 1, 1),  # five looks at most
        (4, [3, 3, 2, 3, 3], 3, 0),
        (4, [4, 3, 4, 3, 4], 2, 0),
        (4, [8, 9, 8, 9, 8], 1, 0),  # more busy than cores: one process
    ],
)
def test_workers_are_the_cores_other_processes_leave_free(tmp_path, monkeypatch, cores, looks, workers, left):
    monkeypatch.delenv(parallel.ENVIRONMENT_KNOB, raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (9.0, 9.0, 9.0))  # a minute of past load: not read
    remaining = _run_queue(monkeypatch, looks)
    assert parallel.workers_for(big_input(tmp_path)) == workers
    assert len(remaining) == left


def test_the_run_queue_is_not_looked_at_for_a_small_input(tmp_path, monkeypatch):
    monkeypatch.delenv(parallel.ENVIRONMENT_KNOB, raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    remaining = _run_queue(monkeypatch, [1])
    (tmp_path / "small.yaml").write_text("kind: A\n")
    assert parallel.workers_for([str(tmp_path / "small.yaml")]) == 1
    assert remaining == [1]


def test_an_explicit_job_count_is_kept_whatever_the_load(tmp_path, monkeypatch):
    monkeypatch.setenv(parallel.ENVIRONMENT_KNOB, "2")
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    remaining = _run_queue(monkeypatch, [5, 5, 5, 5, 5])
    assert parallel.workers_for(big_input(tmp_path)) == 2
    assert len(remaining) == 5  # not even looked at


@pytest.mark.parametrize("load, busy", [(0.49, 0), (0.5, 1), (2.6, 3)])
def test_without_a_run_queue_the_load_average_decides(monkeypatch, load, busy):
    _run_queue(monkeypatch, [None])
    monkeypatch.setattr(os, "getloadavg", lambda: (load, 0.0, 0.0))
    assert parallel.busy_cores() == busy


def test_without_a_run_queue_or_a_load_average_no_core_is_busy(monkeypatch):
    def unavailable():
        raise OSError("no load average")

    _run_queue(monkeypatch, [None])
    monkeypatch.setattr(os, "getloadavg", unavailable)
    assert parallel.busy_cores() == 0


def test_running_now_reads_the_fourth_field_of_proc_loadavg(monkeypatch):
    import builtins

    real_open = builtins.open

    def fake_open(path, *args, **kwargs):
        if path == "/proc/loadavg":
            return io.StringIO("0.52 0.58 0.59 3/467 12345\n")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", fake_open)
    assert parallel.running_now() == 3


def test_running_now_is_unknown_where_proc_loadavg_cannot_be_read(monkeypatch):
    import builtins

    def refused(path, *args, **kwargs):
        raise OSError("no /proc")

    monkeypatch.setattr(builtins, "open", refused)
    assert parallel.running_now() is None


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


def _split(data: bytes, parts: list[Part] | None = None) -> list[tuple]:
    """The documents of ``data`` as (text, first line, index, template, problem): of the whole,
    or of each part read alone, in order."""
    found = []
    for part in parts or [Part("in.yaml")]:
        stream = sources._Window(io.BytesIO(data), part.start, part.end)
        docs = documents(SourceFile("in.yaml"), stream, part.line, part.index)
        found += [(d.text, d.first_line, d.index, d.template, d.problem) for d in docs]
    return found


def _parts_at(cuts: list[tuple[int, int, int]]) -> list[Part]:
    starts = [(0, 1, 0), *cuts]
    ends = [offset for offset, _, _ in cuts] + [None]
    return [Part("in.yaml", start, end, line, index) for (start, line, index), end in zip(starts, ends, strict=True)]


LINES = [
    *(b"---\n", b"--- # c\n", b"---\t\n", b"---\r\n", b"----\n", b"---x\n", b"-- \n", b"a: 1\n", b"b: 2\r\n", b"\n"),
    *(b"# Source: c/templates/t.yaml\n", b"k: '\xc3\xa9'\n", b"bad: \xff\n", b"s: |\n  ---\n", b"\xef\xbb\xbfa: 1\n"),
    *(b"%YAML 1.2\n", b"--- |\n", b"{}{}\n", b" {\n", b"\xe2\x80\xa8---\n"),
    *(b"x", b"---"),  # an unfinished line
]
RARE_LINES = [b"...\n", b"... # e\n", b"---\r", b"\r"]  # from these on a stream is not cut


def test_parts_cut_at_document_lines_give_the_documents_of_the_whole(monkeypatch):
    # random streams of the lines that decide a split: markers and look-alikes, CRLF, Helm
    # comments, bytes that are not UTF-8, a BOM, an unfinished last line; read in tiny blocks
    rnd = random.Random(15)
    cut = 0
    for _ in range(3000):
        data = b"".join(rnd.choice(LINES if rnd.random() < 0.98 else RARE_LINES) for _ in range(rnd.randint(0, 30)))
        monkeypatch.setattr(sources, "BLOCK_SIZE", rnd.choice([1, 2, 5, 64, 1 << 20]))
        cuts = list(sources.cut_points(io.BytesIO(data), rnd.randint(1, 40)))
        assert [data[offset : offset + 3] for offset, _, _ in cuts] == [b"---"] * len(cuts)
        assert _split(data, _parts_at(cuts)) == _split(data), (data, cuts)
        cut += len(cuts) > 1
    assert cut > 200  # many streams were cut several times


def test_cut_points_are_the_offset_line_and_index_of_a_document_line():
    data = b"---\r\na: 1\r\n---\r\nb: 2\r\n--- x\r\nc: 3\r\n---\r\n"
    # the '---' lines at bytes 0, 11, 22, 35 open documents 0-3 on lines 1, 3, 5, 7
    assert list(sources.cut_points(io.BytesIO(data), 1)) == [(11, 3, 1), (22, 5, 2), (35, 7, 3)]
    assert list(sources.cut_points(io.BytesIO(data), 12)) == [(22, 5, 2), (35, 7, 3)]  # 12 bytes or more apart
    assert list(sources.cut_points(io.BytesIO(data + b"---"), 12)) == [(22, 5, 2), (35, 7, 3)]  # an unfinished line is no marker
    assert list(sources.cut_points(io.BytesIO(b"a: 1\n----\nb: 2\n---\nc\n"), 1)) == [(15, 4, 1)]


@pytest.mark.parametrize(
    "data, offsets",
    [
        ("kind: A\n---\nkind: B\n---\n".encode("utf-16"), []),  # decoded by another codec: not cut
        (b'\xef\xbb\xbf {"kind": "A"}\n{"kind": "B"}\n---\nkind: C\n---\n', []),  # a JSON stream: several documents in its first
        (b"...\nkind: A\n---\nkind: B\n---\n", []),
        (b"\n" * 40 + b'{"kind": "A"}{"kind": "B"}\n---\nkind: C\n---\n', []),  # JSON after a block of blank lines
        (b"\xef\xbb\xbf" + b" " * 40 + b"...\nkind: A\n---\nkind: B\n---\n", [55, 67]),  # ' ...' is no marker
        # from the first 32-byte block holding a lone CR (a line break once decoded) or a
        # '...' line (it ends the document at the next line), or a line longer than a
        # block: no more cuts; the '---' lines at 8 and 20 are in the first block
        (b"kind: A\n---\nkind: B\n---\nkind: C\n---\nk: D\r---\rkind: E\n---\n", [8, 20]),
        (b"kind: A\n---\nkind: B\n---\nkind: C\n---\nk: D\n...\n---\nkind: E\n---\n", [8, 20]),
        (b"kind: A\n---\nkind: B\n---\nkind: C\n---\n" + b"#" * 80 + b"\n---\nkind: E\n---\n", [8, 20, 32]),
    ],
)
def test_no_cut_where_the_split_needs_more_than_document_lines(monkeypatch, data, offsets):
    monkeypatch.setattr(sources, "BLOCK_SIZE", 32)
    cuts = list(sources.cut_points(io.BytesIO(data), 1))
    assert [offset for offset, _, _ in cuts] == offsets
    assert _split(data, _parts_at(cuts)) == _split(data)


@pytest.mark.parametrize("block", [1, 2, 3, 4, 5])
def test_whether_an_input_may_be_cut_is_decided_past_its_first_block(monkeypatch, block):
    # a BOM and a '...' line (document 0 ends after it) opening the stream, read in blocks
    # smaller than they are: no cut; the whole is the documents '...', B and C
    data = b"\xef\xbb\xbf...\n---\nkind: B\n---\nkind: C\n"
    with monkeypatch.context() as patched:
        patched.setattr(sources, "BLOCK_SIZE", block)
        assert list(sources.cut_points(io.BytesIO(data), 1)) == []
    assert [(text, line, index) for text, line, index, _, _ in _split(data)] == [
        ("...\n", 1, 0),
        ("---\nkind: B\n", 2, 1),
        ("---\nkind: C\n", 4, 2),
    ]


def _rendered_stream(pods: int) -> tuple[str, int]:
    """A Helm-rendered stream: each pod a hostNetwork sysctl write (PL201) under its '# Source:'
    comment, the write of the last pod suppressed by a comment; a Service at each end, on one
    nodePort (PL303). Returns the text and the line of the suppressed write."""
    lines = ["---", "# Source: c/templates/first.yaml", *_service("first", 30200)]
    for i in range(pods):
        lines += ["---", f"# Source: c/templates/pod-{i}.yaml", *_pod(i)]
    lines[-1] += "  # portlint: ignore[PL201] tuned on purpose"
    suppressed = len(lines)
    lines += ["---", "# Source: c/templates/last.yaml", *_service("last", 30200)]
    return "\n".join(lines) + "\n", suppressed


def _kind_list(services: int) -> str:
    items = [
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": f"l{i}"},
            "spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": 30300 + i % 3}]},
        }
        for i in range(services)
    ]
    return json.dumps({"apiVersion": "v1", "kind": "List", "items": items})  # one line: never cut


def test_inputs_cut_into_parts_give_the_report_of_one_process(tmp_cwd, monkeypatch):
    stream, suppressed = _rendered_stream(40)
    (tmp_cwd / "a-helm.yaml").write_text(stream)
    (tmp_cwd / "b-list.json").write_text(_kind_list(60))
    (tmp_cwd / "c-crlf.yaml").write_bytes(stream.replace("\n", "\r\n").replace("c/templates", "d/templates").encode())
    (tmp_cwd / "d-small.yaml").write_text("\n".join(_pod(999)) + "\n")
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(parallel, "BATCH_BYTES", 2000)
    _one_core_is_not_enough(monkeypatch)

    batches = list(parallel.tasks(sorted(str(p.name) for p in tmp_cwd.glob("*.*"))))
    parts = [part for batch in batches for part in batch]
    assert sum(part.path == "a-helm.yaml" for part in parts) >= 4  # cut inside the Helm stream
    assert sum(part.path == "c-crlf.yaml" for part in parts) >= 4
    assert [part for part in parts if part.path == "b-list.json"] == [Part("b-list.json")]
    helm_parts = [part for part in parts if part.path == "a-helm.yaml"]
    assert all(p.start == 0 or stream.encode()[p.start : p.start + 14] == b"---\n# Source: " for p in helm_parts)

    reports = {}
    for jobs in ("1", "2", ""):
        monkeypatch.setenv(parallel.ENVIRONMENT_KNOB, jobs)
        assert parallel.workers_for(["."]) == (1 if jobs == "1" else 2)
        for form in ("sarif", "json", "text"):
            ran = cli("check", ".", "--format", form, "--fail-on", "never")
            assert ran.exit_code == 0, ran.stderr
            reports[jobs, form] = ran.stdout + ran.stderr
        piped = cli("check", "-", "--format", "json", "--fail-on", "never", input=stream)
        reports[jobs, "stdin"] = piped.stdout
    for form in ("sarif", "json", "text", "stdin"):
        assert reports["1", form] == reports["2", form] == reports["", form], form

    findings = json.loads(reports["2", "json"])["findings"]
    silenced = [(f["path"], f["line"]) for f in findings if f["suppressed"]]
    assert silenced == [("a-helm.yaml", suppressed), ("c-crlf.yaml", suppressed)]  # by a comment in a later part
    assert sum(f["rule"] == "PL201" for f in findings) == 2 * 40 + 1
    conflicts = {(f["path"], f["line"]) for f in findings if f["rule"] == "PL303"}
    last_service = stream.count("\n")  # the last line: the nodePort of the last Service
    assert ("a-helm.yaml", last_service) in conflicts  # against the first Service, in another part
    assert len([f for f in findings if f["path"] == "b-list.json" and f["rule"] == "PL303"]) == 60 - 3
    assert "in 4 files" in reports["2", "text"]


def test_an_input_of_one_batch_is_linted_in_the_parent_without_workers(tmp_cwd, monkeypatch):
    """One JSON List is never cut: one batch, which a worker would lint while the parent
    waits; the parent lints it itself. Two batches still go to the workers."""
    (tmp_cwd / "list.json").write_text(_kind_list(7))
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 1)
    _one_core_is_not_enough(monkeypatch)
    monkeypatch.setenv(parallel.ENVIRONMENT_KNOB, "2")
    pools = []
    real_map_batches = parallel.map_batches

    def counted(*args):
        pools.append(args[2])  # the number of workers
        return real_map_batches(*args)

    monkeypatch.setattr(parallel, "map_batches", counted)
    ran = cli("check", "list.json", "--format", "json", "--fail-on", "never")
    assert ran.exit_code == 0, ran.stderr
    assert pools == []
    # nodePorts 30300, 30301, 30302, 30300...: the 4th to the 7th Service clash with an earlier one
    assert [f["rule"] for f in ran.findings].count("PL303") == 7 - 3

    (tmp_cwd / "other.json").write_text(_kind_list(2))
    monkeypatch.setattr(parallel, "BATCH_BYTES", 10)  # a file a batch: two batches
    ran = cli("check", "list.json", "other.json", "--format", "json", "--fail-on", "never")
    assert ran.exit_code == 0, ran.stderr
    assert pools == [2]
    # other.json's two Services (30300, 30301) clash with list.json's first two as well
    assert [(f["rule"], f["path"]) for f in ran.findings].count(("PL303", "other.json")) == 2


def test_workers_notes_come_in_input_order_as_in_one_process(tmp_cwd, monkeypatch):
    # a rule that fails on the pods of b.yaml and d.yaml: one 'internal error' line per pod,
    # b's before d's whichever worker finishes first; a.yaml and c.yaml are linted
    for name in "abcd":
        (tmp_cwd / f"{name}.yaml").write_text("\n---\n".join("\n".join(_pod(i)) for i in range(3)) + "\n")
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(parallel, "BATCH_BYTES", 100)  # a file a batch
    _one_core_is_not_enough(monkeypatch)
    original = pl203_unsafe_pod_sysctl.check

    def failing(manifest, ctx):
        if manifest.doc.path in ("b.yaml", "d.yaml"):
            raise ValueError(f"pod {manifest.name}")
        return original(manifest, ctx)

    monkeypatch.setattr(pl203_unsafe_pod_sysctl, "check", failing)
    runs = {}
    for jobs in ("1", "2"):
        monkeypatch.setenv(parallel.ENVIRONMENT_KNOB, jobs)
        runs[jobs] = cli("check", ".", "--format", "json", "--fail-on", "never")
    assert runs["1"].stdout == runs["2"].stdout and runs["1"].stderr == runs["2"].stderr
    errors = runs["2"].json["errors"]
    assert [e.split(":")[0] for e in errors] == [f"internal error in PL203 on {name}.yaml" for name in "bbbddd"]
    assert [e.split("ValueError: ")[1].split(" (")[0] for e in errors] == ["pod p0", "pod p1", "pod p2"] * 2


def _unnamed_service(node_port: int) -> list[str]:
    """A Service without a name: its findings' fingerprints hold its document's index."""
    return [
        *("apiVersion: v1", "kind: Service", "metadata: {labels: {app: x}}", "spec:", "  type: NodePort"),
        f"  ports: [{{port: 80, nodePort: {node_port}}}]",
    ]


def _joined(docs: list[list[str]], markers: list[str]) -> str:
    return "".join(f"{markers[i % len(markers)]}\n" + "\n".join(doc) + "\n" for i, doc in enumerate(docs))


def test_hostile_streams_cut_into_parts_give_the_report_of_one_process(tmp_cwd, monkeypatch):
    # '---' lines with comments, tabs and content on them, literal documents and an indented
    # '---' in a block scalar; concatenated JSON objects after more than a block of blank
    # lines (one document each: that stream is not cut); '...' and a directive late in a
    # stream; a byte that is not UTF-8: in every one, unnamed Services on one nodePort (PL303
    # against the first, with fingerprints made of their document's index)
    services = [_unnamed_service(30400) for _ in range(30)]
    literal = ["kind: ConfigMap", "apiVersion: v1", "metadata: {name: m}", "data:", "  s: |", "    ---", "    x"]
    markers = ["---", "--- # c", "---\t", "--- ", "--- |\n  text\n---", "--- {a: 1}\n---"]
    (tmp_cwd / "a-markers.yaml").write_text(_joined([*services, literal] * 2, markers))
    objects = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "j"}}' * 2
    (tmp_cwd / "b-json.yaml").write_text("\n" * 600 + objects + "\n" + _joined(services, ["---"]))
    (tmp_cwd / "c-late.yaml").write_text(_joined(services, ["---"]) + "...\n%YAML 1.2\n" + _joined(services, ["---"]))
    bad = _joined(services, ["---"]).encode().replace(b"app: x", b"app: \xff", 1)
    (tmp_cwd / "d-bad.yaml").write_bytes(bad)
    monkeypatch.setattr(sources, "BLOCK_SIZE", 256)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(parallel, "BATCH_BYTES", 1000)
    _one_core_is_not_enough(monkeypatch)

    parts = [part for batch in parallel.tasks(["a-markers.yaml", "b-json.yaml", "c-late.yaml", "d-bad.yaml"]) for part in batch]
    assert sum(part.path == "a-markers.yaml" for part in parts) >= 4
    assert [part for part in parts if part.path == "b-json.yaml"] == [Part("b-json.yaml")]
    assert sum(part.path == "c-late.yaml" for part in parts) >= 3
    reports = {}
    for jobs in ("1", "2"):
        monkeypatch.setenv(parallel.ENVIRONMENT_KNOB, jobs)
        for form in ("sarif", "json", "text"):
            ran = cli("check", ".", "--format", form, "--fail-on", "never")
            assert ran.exit_code == 0, ran.stderr
            reports[jobs, form] = ran.stdout + ran.stderr
    for form in ("sarif", "json", "text"):
        assert reports["1", form] == reports["2", form], form

    findings = json.loads(reports["2", "json"])["findings"]
    conflicts = [f["path"] for f in findings if f["rule"] == "PL303"]
    # every Service on 30400 but the first of a.yaml: in d.yaml the document with the bad
    # byte (its first Service) is not linted
    assert {path: conflicts.count(path) for path in set(conflicts)} == {
        "a-markers.yaml": 2 * 30 - 1,
        "b-json.yaml": 30,
        "c-late.yaml": 2 * 30,
        "d-bad.yaml": 30 - 1,
    }
    not_text = [(f["path"], f["line"], f["column"]) for f in findings if f["rule"] == "PL000"]
    assert not_text == [("d-bad.yaml", 4, 26)]  # '---', apiVersion, kind, then 'metadata: {labels: {app: '

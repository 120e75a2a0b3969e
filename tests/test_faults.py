"""Faults and signals (docs/reliability.md): reports are replaced atomically and never over an
input; Ctrl-C, SIGTERM and a killed worker end a run at once with one line and a known exit
code; a full temporary directory or a closed or full standard stream is one error, exit 2.

Signals are sent to a real ``portlint`` process linting a generated input big enough for the
worker processes (linter/parallel.py); every wait is bounded by a timeout in the harness."""

from __future__ import annotations

import errno
import gc
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

import pytest
import typer
from conftest import cli
from portlint import __version__, output, parallel, store
from portlint import cli as cli_mod
from portlint.store import FindingStore

POD = """apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostNetwork: true
  containers:
    - name: c
      command: [sysctl, -w, net.core.somaxconn=1024]
"""
POD_FINDING = ("PL201", 8, 29)  # the key=value item: 6 spaces, "command: [sysctl, -w, " is 22 more

PORTLINT = [sys.executable, "-m", "portlint"]
OLD = "the report of an earlier run\n"


def _pods(count: int) -> str:
    return "---\n".join(POD.replace("name: p}", f"name: p{i}}}") for i in range(count))


# --- reports replaced atomically, never over an input ---------------------------------------


def _chunks_then(stop: BaseException):
    yield '{"findings": ['
    raise stop


@pytest.mark.parametrize(
    "stop, raised",
    [(KeyboardInterrupt(), KeyboardInterrupt), (OSError(errno.ENOSPC, "No space left on device"), typer.Exit)],
    ids=["interrupted", "disk-full"],
)
def test_a_report_stopped_midway_leaves_the_old_one_and_no_temporary_file(tmp_path, stop, raised):
    target = tmp_path / "report.json"
    target.write_text(OLD)
    with pytest.raises(raised):
        cli_mod._write(_chunks_then(stop), str(target))
    assert target.read_text() == OLD
    assert os.listdir(tmp_path) == ["report.json"]


def test_a_sigterm_during_the_write_leaves_the_old_report(tmp_path):
    """A real SIGTERM, delivered while the report is half written, with portlint's handler."""
    target = tmp_path / "report.sarif"
    target.write_text(OLD)

    def chunks():
        yield "{"
        os.kill(os.getpid(), signal.SIGTERM)
        yield "}"

    previous = signal.signal(signal.SIGTERM, cli_mod._stop)
    try:
        with pytest.raises(cli_mod.Stopped):
            cli_mod._write(chunks(), str(target))
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert target.read_text() == OLD
    assert os.listdir(tmp_path) == ["report.sarif"]


def test_a_full_disk_is_one_error_and_the_old_report_stays(tmp_cwd, monkeypatch):
    """The temporary report is written to /dev/full: every flush fails with ENOSPC."""
    (tmp_cwd / "pod.yaml").write_text(POD)
    (tmp_cwd / "out.sarif").write_text(OLD)
    made = []

    def full_mkstemp(prefix, suffix, dir):
        path = os.path.join(dir, f"{prefix}x{suffix}")
        open(path, "w").close()
        made.append(path)
        return os.open("/dev/full", os.O_WRONLY), path

    monkeypatch.setattr(tempfile, "mkstemp", full_mkstemp)
    result = cli("check", "pod.yaml", "-f", "sarif", "-o", "out.sarif")
    assert result.exit_code == 2
    assert result.stderr == "portlint: error: out.sarif: cannot write the report: No space left on device\n"
    assert (tmp_cwd / "out.sarif").read_text() == OLD
    assert made == [str(tmp_cwd / ".out.sarif.x.tmp")]
    assert sorted(os.listdir(tmp_cwd)) == [".git", "out.sarif", "pod.yaml"]
    # the report generator was closed: the garbage collector it paused runs again
    assert gc.isenabled()


def test_a_new_report_gets_the_mode_open_gives_and_a_replaced_one_keeps_its_own(tmp_cwd):
    (tmp_cwd / "pod.yaml").write_text(POD)
    umask = os.umask(0o002)
    try:
        assert cli("check", "pod.yaml", "-f", "json", "-o", "new.json").exit_code == 1
        (tmp_cwd / "kept.json").write_text(OLD)
        os.chmod(tmp_cwd / "kept.json", 0o604)
        assert cli("check", "pod.yaml", "-f", "json", "-o", "kept.json").exit_code == 1
    finally:
        os.umask(umask)
    assert (tmp_cwd / "new.json").stat().st_mode & 0o7777 == 0o664
    assert (tmp_cwd / "kept.json").stat().st_mode & 0o7777 == 0o604
    found = json.loads((tmp_cwd / "kept.json").read_text())["findings"]
    assert [(f["rule"], f["line"], f["column"]) for f in found] == [POD_FINDING]


def test_a_report_through_a_link_replaces_the_file_and_keeps_the_link(tmp_cwd):
    (tmp_cwd / "pod.yaml").write_text(POD)
    (tmp_cwd / "reports").mkdir()
    (tmp_cwd / "reports" / "r.json").write_text(OLD)
    os.symlink("reports/r.json", tmp_cwd / "link.json")
    assert cli("check", "pod.yaml", "-f", "json", "-o", "link.json").exit_code == 1
    assert os.readlink(tmp_cwd / "link.json") == "reports/r.json"
    found = json.loads((tmp_cwd / "reports" / "r.json").read_text())["findings"]
    assert [(f["rule"], f["line"], f["column"]) for f in found] == [POD_FINDING]
    assert sorted(os.listdir(tmp_cwd / "reports")) == ["r.json"]


def test_a_directory_that_refuses_new_files_gets_the_report_in_place(tmp_cwd, monkeypatch):
    """The report file is writable, its directory is not (root ignores modes: mkstemp is
    made to fail as it would): written in place, as before reports were atomic."""
    (tmp_cwd / "pod.yaml").write_text(POD)
    (tmp_cwd / "out.json").write_text(OLD)

    def refused(**_):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    result = cli("check", "pod.yaml", "-f", "json", "-o", "out.json")
    assert (result.exit_code, result.stderr) == (1, "")
    found = json.loads((tmp_cwd / "out.json").read_text())["findings"]
    assert [(f["rule"], f["line"], f["column"]) for f in found] == [POD_FINDING]


def test_a_signal_just_after_the_rename_is_the_signal_and_the_report_is_whole(tmp_path, monkeypatch):
    target = tmp_path / "report.json"
    target.write_text(OLD)
    rename = os.replace

    def rename_then_interrupt(source, destination):
        rename(source, destination)
        raise KeyboardInterrupt

    monkeypatch.setattr(output.os, "replace", rename_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        output.write(["{}", "\n"], str(target))
    assert target.read_text() == "{}\n"
    assert os.listdir(tmp_path) == ["report.json"]


def test_a_report_to_a_device_is_written_in_place(tmp_cwd):
    (tmp_cwd / "pod.yaml").write_text(POD)
    result = cli("check", "pod.yaml", "-f", "json", "-o", "/dev/null")
    assert (result.exit_code, result.stderr) == (1, "")
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")


@pytest.mark.parametrize(
    "args, named",
    [
        (["pod.yaml", "-o", "pod.yaml"], "pod.yaml"),  # the same name
        (["other.yaml", "./pod.yaml", "-o", "pod.yaml"], "./pod.yaml"),  # another spelling
        (["link.yaml", "-o", "pod.yaml"], "link.yaml"),  # through a symbolic link
        (["hard.yaml", "-o", "pod.yaml"], "hard.yaml"),  # a hard link
        (["deploy", "-o", "deploy/pod.yaml"], "deploy"),  # a manifest in a linted directory
        (["deploy", "-o", "deploy/sub/new.json"], "deploy"),  # not written yet: the next run lints it
        (["deploy", "-f", "sarif", "-o", "deploy/x.yml"], "deploy"),  # whatever the format
    ],
)
def test_an_output_that_is_an_input_is_refused_before_anything_is_written(tmp_cwd, args, named):
    for where in (tmp_cwd, tmp_cwd / "deploy"):
        where.mkdir(exist_ok=True)
        (where / "pod.yaml").write_text(POD)
    (tmp_cwd / "deploy" / "sub").mkdir()
    (tmp_cwd / "other.yaml").write_text(POD)
    os.symlink("pod.yaml", tmp_cwd / "link.yaml")
    os.link(tmp_cwd / "pod.yaml", tmp_cwd / "hard.yaml")
    target = args[args.index("-o") + 1]
    result = cli("check", *args)
    assert result.exit_code == 2
    assert result.stderr == f"portlint: error: --output {target}: is one of the inputs ({named}); write the report elsewhere\n"
    assert result.stdout == ""
    assert (tmp_cwd / "pod.yaml").read_text() == POD
    assert (tmp_cwd / "deploy" / "pod.yaml").read_text() == POD
    assert sorted(os.listdir(tmp_cwd / "deploy" / "sub")) == []


@pytest.mark.parametrize(
    "args, named",
    [
        (["helm", "web", "-o", "web/templates/pod.yaml"], "web"),  # refused before helm runs
        (["helm", "web", "-f", "prod.yaml", "-o", "prod.yaml"], "prod.yaml"),  # a values file
        (["check", "-", "--helm-chart", "web", "-o", "web/values.yaml"], "web"),
    ],
)
def test_an_output_that_is_a_charts_file_is_refused(tmp_cwd, args, named):
    (tmp_cwd / "web" / "templates").mkdir(parents=True)
    (tmp_cwd / "web" / "Chart.yaml").write_text("apiVersion: v2\nname: web\nversion: 0.1.0\n")
    (tmp_cwd / "web" / "values.yaml").write_text("replicas: 1\n")
    (tmp_cwd / "web" / "templates" / "pod.yaml").write_text(POD)
    (tmp_cwd / "prod.yaml").write_text("replicas: 2\n")
    result = cli(*args, input=POD)
    target = args[args.index("-o") + 1]
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"portlint: error: --output {target}: is one of the inputs ({named}); write the report elsewhere\n"
    assert (tmp_cwd / "web" / "templates" / "pod.yaml").read_text() == POD
    assert (tmp_cwd / "web" / "values.yaml").read_text() == "replicas: 1\n"
    assert (tmp_cwd / "prod.yaml").read_text() == "replicas: 2\n"


@pytest.mark.parametrize(
    "args",
    [
        ["deploy", "-f", "sarif", "-o", "deploy/report.sarif"],  # not a name portlint lints
        ["deploy/pod.yaml", "-f", "json", "-o", "deploy/report.json"],  # beside a named file, not in a named directory
        ["deploy", "-f", "json", "-o", "deploy.json"],  # a sibling whose name starts like the directory
    ],
)
def test_an_output_beside_the_inputs_is_written(tmp_cwd, args):
    (tmp_cwd / "deploy").mkdir()
    (tmp_cwd / "deploy" / "pod.yaml").write_text(POD)
    result = cli("check", *args)
    assert (result.exit_code, result.stderr) == (1, "")
    assert os.path.getsize(args[-1]) > 0


def test_stdin_is_not_a_file_named_dash(tmp_cwd):
    (tmp_cwd / "-").write_text(OLD)
    result = cli("check", "-", "-f", "json", "-o", "-", input=POD)
    assert (result.exit_code, result.stderr) == (1, "")
    found = json.loads((tmp_cwd / "-").read_text())["findings"]
    assert [(f["rule"], f["line"], f["column"]) for f in found] == [POD_FINDING]


def test_a_refused_output_is_refused_before_a_config_error_writes_a_report(tmp_cwd):
    """A bad config writes a failed report to --output: never over the input."""
    (tmp_cwd / "pod.yaml").write_text(POD)
    result = cli("check", "pod.yaml", "--kubernetes-version", "nonsense", "-o", "pod.yaml")
    assert result.exit_code == 2
    assert result.stderr == "portlint: error: --output pod.yaml: is one of the inputs (pod.yaml); write the report elsewhere\n"
    assert (tmp_cwd / "pod.yaml").read_text() == POD


# --- signals and dead workers on a real process ---------------------------------------------


@pytest.fixture(scope="module")
def big_input(tmp_path_factory):
    """About 6 MB of pods: several workers, each busy for seconds."""
    folder = tmp_path_factory.mktemp("big")
    for name in ("a", "b"):
        (folder / f"{name}.yaml").write_text(_pods(12_000))
    return folder


def _start(folder, *args: str, **env: str) -> subprocess.Popen:
    environment = dict(os.environ, PORTLINT_JOBS="2", **env)
    return subprocess.Popen(
        [*PORTLINT, "check", ".", "-f", "json", *args],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )


def _workers(process: subprocess.Popen, timeout: float = 20) -> list[int]:
    """The worker processes' ids, once the parent has forked them."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{process.pid}/task/{process.pid}/children") as handle:
                children = [int(pid) for pid in handle.read().split()]
        except OSError:
            children = []
        if children:
            return children
        assert process.poll() is None, process.communicate()
        time.sleep(0.005)
    process.kill()
    raise AssertionError("no worker process started")


def _finish(process: subprocess.Popen) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise AssertionError("portlint hung") from None
    return process.returncode, out, err


def _group_is_gone(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize(
    "signum, code, line, whole_group",
    [
        (signal.SIGINT, 130, "portlint: interrupted\n", True),  # Ctrl-C: the terminal signals the group
        (signal.SIGINT, 130, "portlint: interrupted\n", False),  # kill -INT of the parent alone
        (signal.SIGTERM, 143, "portlint: terminated\n", False),  # a cancelled CI job, `timeout`
    ],
    ids=["ctrl-c", "sigint", "sigterm"],
)
def test_a_signal_stops_a_parallel_run_at_once_with_one_line(big_input, signum, code, line, whole_group):
    report = big_input / "report.sarif"
    report.write_text(OLD)
    process = _start(big_input, "-o", "report.sarif")
    _workers(process)
    if whole_group:
        os.killpg(process.pid, signum)
    else:
        process.send_signal(signum)
    returncode, out, err = _finish(process)
    assert (returncode, out, err) == (code, "", line)
    assert _group_is_gone(process.pid)  # the workers were stopped, not left behind
    assert report.read_text() == OLD
    assert sorted(os.listdir(big_input)) == ["a.yaml", "b.yaml", "report.sarif"]
    report.unlink()


def test_a_killed_worker_fails_the_run_with_one_line_and_a_failed_report(big_input):
    process = _start(big_input)
    os.kill(_workers(process)[0], signal.SIGKILL)  # as the out-of-memory killer does
    returncode, out, err = _finish(process)
    message = (
        "a worker process died (killed, perhaps by the out-of-memory killer); no report. "
        "PORTLINT_JOBS=1 lints in one process"
    )
    assert (returncode, err) == (2, f"portlint: error: {message}\n")
    assert json.loads(out) == {
        "version": 1,
        "tool": {"name": "portlint", "version": __version__},
        "findings": [],
        "files": 0,
        "errors": [message],
    }
    assert _group_is_gone(process.pid)


# --- a full temporary directory ---------------------------------------------------------------


@pytest.fixture
def full_temporary_directory(monkeypatch):
    """The store spills after 2 findings, into a file on /dev/full (ENOSPC on every flush)."""
    monkeypatch.setattr(FindingStore.__init__, "__defaults__", (2,))
    opened = []

    def on_dev_full(prefix):
        handle = open("/dev/full", "wb")  # noqa: SIM115 - the store closes it
        opened.append(handle)
        return handle

    monkeypatch.setattr(tempfile, "TemporaryFile", on_dev_full)  # the store imports tempfile at its first spill
    return opened


def _spill_message() -> str:
    import tempfile

    return (
        f"cannot keep the findings in the temporary directory {tempfile.gettempdir()}: No space left on device; "
        "free space there or set TMPDIR to another directory"
    )


def test_a_full_temporary_directory_stops_the_store_once_and_closes_the_file(full_temporary_directory):
    from portlint.findings import Finding, Location

    kept = FindingStore()
    kept.add(Finding("PL101", "error", "m", Location("a", 1, 1, 1, 2)))
    with pytest.raises(store.SpillError) as raised:
        kept.add(Finding("PL101", "error", "m", Location("a", 2, 1, 2, 2)))
    assert str(raised.value) == _spill_message()
    assert [handle.closed for handle in full_temporary_directory] == [True]


@pytest.mark.parametrize("jobs", ["1", "2"], ids=["one-process", "parallel"])
def test_a_full_temporary_directory_is_one_error_and_no_findings_reported(tmp_cwd, monkeypatch, full_temporary_directory, jobs):
    from test_parallel import build_input

    build_input(tmp_cwd)  # 3.2 MB: workers when allowed; 20 PL201 findings
    monkeypatch.setenv("PORTLINT_JOBS", jobs)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    result = cli("check", ".", "-f", "json")
    assert result.exit_code == 2
    assert result.stderr == f"portlint: error: {_spill_message()}\n"
    assert result.json["findings"] == []
    assert result.json["errors"] == [_spill_message()]
    assert len(full_temporary_directory) == 1  # no retry


# --- closed and full standard streams ---------------------------------------------------------


@pytest.mark.parametrize(
    "shell, code, stdout, stderr",
    [
        # the report cannot be written: one line, exit 2
        ("check pod.yaml >&-", 2, None, "portlint: error: cannot write the report to stdout: stdout is closed\n"),
        ("check pod.yaml >/dev/full", 2, None, "portlint: error: cannot write the report to stdout: No space left on device\n"),
        ("rules >&-", 2, None, "portlint: error: stdout is closed\n"),
        ("rules >/dev/full", 2, None, "portlint: error: No space left on device\n"),
        # stdin closed is an input that cannot be read, reported like any other
        (
            "check - -f json <&-",
            2,
            '"errors": [\n    "-: stdin is closed"\n  ]',
            "portlint: error: -: stdin is closed\n",
        ),
        # what is not used may be closed
        ("check pod.yaml -f json -o out.json >&- <&-", 1, None, ""),
        ("check pod.yaml -f json 2>&-", 1, '"rule": "PL201"', None),
        ("check pod.yaml 2>&-", 1, "pod.yaml:8:29: error: ", None),  # the summary line goes nowhere
    ],
)
def test_closed_and_full_standard_streams(tmp_path, shell, code, stdout, stderr):
    (tmp_path / "pod.yaml").write_text(POD)
    command = " ".join(f"'{word}'" for word in PORTLINT) + " " + shell
    done = subprocess.run(["sh", "-c", command], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == code, done.stderr
    if stdout is not None:
        assert stdout in done.stdout
    if stderr is not None:
        assert done.stderr == stderr
    if shell.endswith("<&-") and "-o" in shell:
        found = json.loads((tmp_path / "out.json").read_text())["findings"]
        assert [(f["rule"], f["line"], f["column"]) for f in found] == [POD_FINDING]


SPY_ON_THE_INPUT = """
import sys
from portlint import cli, sources

opened = sources.open_input
def spy(*args):
    source, raw = opened(*args)
    with open("fd.txt", "w") as handle:
        handle.write(str(raw.fileno()))
    return source, raw
sources.open_input = spy
sys.argv = ["portlint", "check", "pod.yaml", "-f", "json", "-o", "out.json"]
cli.main()
"""


@pytest.mark.parametrize("closed", ["<&-", ">&-", "2>&-"])
def test_a_closed_stream_keeps_its_descriptor_from_the_next_file_opened(tmp_path, closed):
    """With fd 0, 1 or 2 closed, the input opened next would take its number (and a child
    process, such as helm, would read or write it); portlint keeps the number on /dev/null."""
    (tmp_path / "pod.yaml").write_text(POD)
    (tmp_path / "spy.py").write_text(SPY_ON_THE_INPUT)
    done = subprocess.run(
        ["sh", "-c", f"'{sys.executable}' spy.py {closed}"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1, done.stderr
    assert int((tmp_path / "fd.txt").read_text()) > 2


# --- the worker pool's own guarantees -----------------------------------------------------


def _first(batch, shared):
    return batch[0]


def test_at_most_two_batches_per_worker_are_in_flight():
    """Memory stays flat: a third batch is read only once the first one's result is taken."""
    pulled: list[int] = []

    def batches():
        for i in range(4):
            pulled.append(i)
            yield [i]

    results = parallel.map_batches(_first, batches(), 1, None)
    assert (next(results), pulled) == (0, [0, 1])
    assert (next(results), pulled) == (1, [0, 1, 2])
    assert list(results) == [2, 3]


STOP_A_BUSY_POOL = """
import multiprocessing, os, sys, time
from concurrent.futures import ProcessPoolExecutor
from portlint import parallel

pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
futures = [pool.submit(time.sleep, 60) for _ in range(3)]  # one running, the others waiting
while not futures[0].running():
    time.sleep(0.01)
workers = list(pool._processes.values())
manager = pool._executor_manager_thread
parallel._stop(pool)
from concurrent.futures import process as futures_process
assert manager not in futures_process._threads_wakeups  # the exit hook will not write to its pipe
# gone from the process table: not is_alive(), which says True when the executor's own thread
# reaped the killed worker first (its waitpid then fails with ECHILD)
print([os.path.exists(f"/proc/{w.pid}") for w in workers])
"""


def test_stopping_the_pool_kills_a_busy_worker_at_once(tmp_path):
    done = subprocess.run([sys.executable, "-c", STOP_A_BUSY_POOL], capture_output=True, text=True, timeout=20)
    assert (done.returncode, done.stdout, done.stderr) == (0, "[False]\n", "")


def test_the_entry_point_gives_back_the_signal_handlers_it_set(monkeypatch):
    """main() is called in process by tests: SIGINT and SIGTERM are theirs again after it."""
    seen = {}

    def app(**_):
        seen.update({signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)})
        raise SystemExit(0)

    before = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    monkeypatch.setattr(cli_mod, "app", app)
    with pytest.raises(SystemExit):
        cli_mod.main()
    assert seen == {signal.SIGINT: cli_mod._stop, signal.SIGTERM: cli_mod._stop}
    assert {signum: signal.getsignal(signum) for signum in before} == before

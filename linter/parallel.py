"""Lint big inputs on several cores.

Parsing is the floor of portlint's cost and it is single-threaded, so inputs of a few
megabytes are split into batches of about a megabyte of whole documents (files, and parts of
big files cut at '---' lines) and linted in worker processes (forked: they start with every
module already imported), which read and split their parts themselves. Each worker returns
its raw findings, the run facts and the suppression comments of its batch; the parent merges
them in input order, so whole-run rules see exactly what a sequential run would. Small inputs
stay in one process: a worker costs more than it saves below PARALLEL_MIN_BYTES (measured,
see docs/performance.md). So does a worker without a core of its own: the workers are as many
as the cores other processes leave free now, of those the container's CPU quota allows.
multiprocessing is imported only when workers start (a small run does not pay for it).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections import deque
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from .numbers import parse_int

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

PARALLEL_MIN_BYTES = 3_000_000
BATCH_BYTES = 1_000_000
ENVIRONMENT_KNOB = "PORTLINT_JOBS"  # "1" forces one process; a number caps the workers


def workers_for(paths: list[str]) -> int:
    """How many processes to use for these inputs (1 when it would not pay): the cores other
    processes leave free now, or PORTLINT_JOBS; never more than the cores this process may run
    on (its affinity, the cgroup's CPU quota)."""
    wanted = os.environ.get(ENVIRONMENT_KNOB, "")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    cores = min(cores, quota_cores() or cores)
    if parse_int(wanted) == 1 or cores <= 1 or "-" in paths or sys.platform == "win32" or not hasattr(os, "fork"):
        return 1
    total = 0
    for path in paths:
        if os.path.isfile(path):
            total += _size(path)
        elif os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                total += sum(_size(os.path.join(root, f)) for f in files if f.endswith((".yaml", ".yml", ".json")))
                if total >= PARALLEL_MIN_BYTES:
                    break
        if total >= PARALLEL_MIN_BYTES:
            return max(1, min(parse_int(wanted) or cores - busy_cores(), cores))
    return 1


RUN_QUEUE_SAMPLES = 5  # looks at the run queue, at most; a quiet machine needs one
RUN_QUEUE_GAP = 0.002  # seconds between two looks


def busy_cores(samples: int = RUN_QUEUE_SAMPLES, gap: float = RUN_QUEUE_GAP) -> int:
    """How many cores other processes keep busy now: the fewest processes running besides
    this one over a few looks at the run queue a few milliseconds apart (a process that holds
    a core is in every look, a short-lived one seldom). Not the load average: it lags a
    minute behind, so it counts processes gone (a benchmark's own runs of the minute before)
    and misses one just started. A worker that must share a core is slower than no worker:
    the parent's merging waits for it. Where the run queue cannot be read (not Linux), the
    1-minute load average, rounded."""
    fewest = None
    for look in range(samples):
        if look:
            time.sleep(gap)
        running = running_now()
        if running is None:
            return _rounded_load_average()
        fewest = running - 1 if fewest is None else min(fewest, running - 1)
        if fewest <= 0:
            return 0
    return fewest or 0


def _rounded_load_average() -> int:
    try:
        return int(os.getloadavg()[0] + 0.5)
    except (AttributeError, OSError):  # not on every platform
        return 0


CGROUP_ROOT = "/sys/fs/cgroup"
OWN_CGROUP = "/proc/self/cgroup"


def quota_cores(root: str = CGROUP_ROOT, membership: str = OWN_CGROUP) -> int | None:
    """Whole cores the CPU quota of this process's cgroup v2 allows (``cpu.max``: "QUOTA
    PERIOD", or "max PERIOD" for none), the tightest along the path from the root down to
    its cgroup; at least 1, None without a quota. A container limited to 1.5 CPUs on a 16-core
    host sees 16 cores: a second worker there would share the quota, and be throttled."""
    found = None
    for directory in _cgroup_directories(root, membership):
        try:
            with open(os.path.join(directory, "cpu.max"), encoding="ascii") as handle:
                quota, period = handle.read().split()
            cores = max(1, int(quota) // int(period))
        except (OSError, ValueError):  # no such file, "max", or not two numbers
            continue
        found = cores if found is None else min(found, cores)
    return found


def _cgroup_directories(root: str, membership: str) -> list[str]:
    """``root`` and the cgroup v2 directories down to this process's own ("0::/path" in
    ``membership``); ``root`` alone when the path cannot be read or lies outside ``root``
    (in a cgroup namespace, a path out of it starts with "/..")."""
    path = "/"
    try:
        with open(membership, encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("0::"):
                    path = line.strip().removeprefix("0::")
    except OSError:
        pass
    parts = [part for part in path.split("/") if part]
    directories = [root]
    if ".." not in parts:
        for part in parts:
            directories.append(os.path.join(directories[-1], part))
    return directories


def running_now() -> int | None:
    """Processes running or ready to run right now, this one included (Linux's
    /proc/loadavg: "0.52 0.58 0.59 3/467 12345"); None where it cannot be read."""
    try:
        with open("/proc/loadavg", encoding="ascii") as handle:
            return int(handle.read().split()[3].partition("/")[0])
    except (OSError, ValueError, IndexError):
        return None


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:  # unreadable or dangling: reported when it is read
        return 0


def tasks(paths: Iterable[str], size: int | None = None) -> Iterator[list]:
    """The work of the workers: lists of ``sources.Part`` of about ``size`` bytes (default
    BATCH_BYTES), in input order. A worker reads and splits its parts itself; the parent only
    reads a big file's bytes to find where it may be cut (``sources.cut_points``: counting line
    breaks and '---' lines, no decoding), so that its own work while the workers lint stays
    small."""
    size = size or BATCH_BYTES
    task: list = []
    held = 0
    for path in paths:
        for part, length in _parts(path, size):
            task.append(part)
            held += length
            if held >= size:
                yield task
                task, held = [], 0
    if task:
        yield task


def _parts(path: str, size: int) -> Iterator[tuple]:
    """(part, its length in bytes) of one input: the whole of it, or a big file cut at '---'
    lines about ``size`` bytes apart."""
    from .sources import MemoryInput, Part, cut_points

    if isinstance(path, MemoryInput):
        yield Part(path), len(path.text)
        return
    length = _size(path)
    start, line, index = 0, 1, 0
    if length > size:
        try:
            with open(path, "rb") as raw:
                for end, next_line, next_index in cut_points(raw, size):
                    yield Part(path, start, end, line, index), end - start
                    start, line, index = end, next_line, next_index
        except OSError:  # unreadable, now or further on: the rest is one part, its worker says why
            pass
    yield Part(path, start, None, line, index), length - start


class WorkerDied(Exception):
    """A worker process ended without returning its batch (killed by the out-of-memory
    killer, a signal, a crash): the run cannot be complete, so it fails, in one line."""


def map_batches(work: Callable, batches: Iterable, workers: int, shared) -> Iterator:
    """``work(batch, shared)`` for each batch (``tasks``), in order, on ``workers`` processes.
    A worker that dies raises WorkerDied; whatever stops the parent (Ctrl-C, SIGTERM, an
    error) stops the workers before it goes on, so that it neither hangs nor leaves them."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("fork")
    window: deque = deque()  # at most two batches in flight per worker: memory stays flat
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(shared,))
    try:
        try:
            for batch in batches:
                with _signals_held():  # the first submit forks the workers
                    window.append(pool.submit(_call, work, batch))
                if len(window) >= 2 * workers:
                    yield window.popleft().result()
            while window:
                yield window.popleft().result()
        except BrokenProcessPool:
            raise WorkerDied(
                "a worker process died (killed, perhaps by the out-of-memory killer); "
                f"no report. {ENVIRONMENT_KNOB}=1 lints in one process"
            ) from None
    except BaseException:
        with _signals_held():  # a second Ctrl-C must not leave workers running
            _stop(pool)
        raise
    pool.shutdown()


HELD_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def _signals_held():
    """Hold SIGINT and SIGTERM until the block is done, then deliver them. The CLI's handler
    raises where the run is; raised while workers are forked (inside fork's callbacks, or
    before a worker is recorded) the exception was ignored and the run went on, or a worker
    was left behind and the exit hung; a forked worker must not act on them either (its
    own handlers are set in _start_worker)."""
    held: list[int] = []
    previous = {signum: signal.signal(signum, lambda signum, frame: held.append(signum)) for signum in HELD_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for signum in held:
            signal.raise_signal(signum)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Kill the workers (the batches not yet done fail with them): a worker may be busy
    with a batch for seconds, and the parent is leaving. The pool's wake-up pipe is taken
    off the interpreter's exit hook (concurrent.futures' _python_exit): the pool's manager
    thread closes that pipe as it ends, and when it did so while the hook wrote to it, a
    traceback ("Bad file descriptor") followed 'portlint: interrupted' on stderr."""
    from concurrent.futures import process as futures_process

    processes = list((pool._processes or {}).values())  # no public way to reach them before Python 3.14
    manager = pool._executor_manager_thread
    pool.shutdown(wait=False)
    futures_process._threads_wakeups.pop(manager, None)
    for process in processes:
        process.kill()
    for process in processes:
        process.join()


def _start_worker(shared) -> None:
    """In each worker: keep the shared state, leave Ctrl-C to the parent (the terminal sends
    SIGINT to the whole process group; the parent stops the workers), and let SIGTERM kill
    (the parent's handler, inherited by fork, would raise in the middle of a batch)."""
    global _SHARED
    _SHARED = shared
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


_SHARED = None  # the shared state, in a worker (sent once, at fork, not with each batch)


def _call(work: Callable, batch: list):
    return work(batch, _SHARED)

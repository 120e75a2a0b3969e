"""Lint big inputs on several cores.

Parsing is the floor of portlint's cost and it is single-threaded, so inputs of a few
megabytes are split into batches of whole documents and linted in worker processes (forked:
they start with every module already imported). Each worker returns its raw findings and
the run facts of its batch; the parent merges them in input order, so whole-run rules see
exactly what a sequential run would. Small inputs stay in one process: a worker costs more
than it saves below PARALLEL_MIN_BYTES (measured, see docs/performance.md). So does a worker
without a core of its own: the workers are as many as the cores other processes leave free,
of those the container's CPU quota allows. multiprocessing is imported only when workers start (a small run does not pay for it).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections import deque
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from .numbers import parse_int
from .records import copy_with

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

PARALLEL_MIN_BYTES = 3_000_000
BATCH_BYTES = 1_000_000
ENVIRONMENT_KNOB = "PORTLINT_JOBS"  # "1" forces one process; a number caps the workers


def workers_for(paths: list[str]) -> int:
    """How many processes to use for these inputs (1 when it would not pay): the cores other
    processes leave free, or PORTLINT_JOBS."""
    wanted = os.environ.get(ENVIRONMENT_KNOB, "")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    cores = min(cores, quota_cores() or cores)
    limit = parse_int(wanted) or cores - busy_cores()
    if limit <= 1 or "-" in paths or sys.platform == "win32" or not hasattr(os, "fork"):
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
            return min(limit, cores)
    return 1


def busy_cores() -> int:
    """How many cores other processes keep busy: the larger of the 1-minute load average
    (rounded) and the processes running at this moment besides this one (the load average
    lags a minute behind a process that just started). A worker that must share a core is
    slower than no worker: the parent's reading and merging wait for it."""
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # not on every platform
        load = 0.0
    return max(int(load + 0.5), running_now() - 1)


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


def running_now() -> int:
    """Processes running or ready to run right now, this one included (Linux's
    /proc/loadavg: "0.52 0.58 0.59 3/467 12345"); 1 where it cannot be read."""
    try:
        with open("/proc/loadavg", encoding="ascii") as handle:
            return int(handle.read().split()[3].partition("/")[0])
    except (OSError, ValueError, IndexError):
        return 1


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:  # unreadable or dangling: reported when it is read
        return 0


def batches(documents: Iterable, size: int = BATCH_BYTES) -> Iterator[list]:
    """Lists of documents of about ``size`` characters, each document detached from its
    file's whole text so that only its own text is sent to the worker."""
    from .sources import SourceFile

    batch: list = []
    held = 0
    detached: dict[str, SourceFile] = {}
    for doc in documents:
        source = detached.get(doc.path)
        if source is None:
            detached.clear()
            source = detached[doc.path] = SourceFile(doc.path)
        batch.append(copy_with(doc, source=source))
        held += len(doc.text)
        if held >= size:
            yield batch
            batch, held = [], 0
    if batch:
        yield batch


class WorkerDied(Exception):
    """A worker process ended without returning its batch (killed by the out-of-memory
    killer, a signal, a crash): the run cannot be complete, so it fails, in one line."""


def map_batches(work: Callable, documents: Iterable, workers: int, shared) -> Iterator:
    """``work(batch, shared)`` for each batch of documents, in order, on ``workers`` processes.
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
            for batch in batches(documents):
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

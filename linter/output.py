"""Where a report goes: a file replaced atomically, or stdout; and the standard streams a
run may find closed.

A report file is written to a temporary file beside it and renamed over it once complete,
so that an interrupted run, a killed one or a full disk leaves the old report (or none),
never a truncated one that a CI step then uploads. Every failure to write is an
``OutputError`` with a one-line message (the CLI prints it and exits 2).
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import sys
from typing import Iterable


# A path that is not UTF-8 reaches a report as os decodes it (lone surrogates): its bytes are
# written back as they are, as ls and gcc do, so that editors and problem matchers open that
# file. (The JSON formats escape them instead: report.render.)
FILE_NAMES = "surrogateescape"


class OutputError(Exception):
    """The report cannot be written where asked: one line, exit 2."""


def write(chunks: Iterable[str], target: str | None, what: str = "the report") -> None:
    """The report (or ``what`` else) into the file ``target``, or to stdout when it is None.
    A report generator is closed whatever happens, so that its ``finally`` blocks run now
    (runner._then_stderr pauses the garbage collector until its last chunk)."""
    try:
        if target is None:
            _to_stdout(chunks)
            return
        try:
            _to_file(chunks, target)
        except OSError as exc:
            raise OutputError(f"{target}: cannot write {what}: {exc.strerror or exc}") from None
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


def refuse_inputs(target: str | None, inputs: Iterable[str], flag: str = "--output", what: str = "the report") -> None:
    """Raise OutputError when the report file would replace an input: a named file (by
    any name, link or hard link), or a file a named directory holds that portlint would
    lint (a manifest name, even one not written yet: the next run would lint the report).
    Checked before anything is written, so a manifest is never lost."""
    if target is None:
        return
    real = os.path.realpath(target)
    for path in inputs:
        if path != "-" and (_same_file(path, target) or _would_walk(path, real)):
            raise OutputError(f"{flag} {target}: is one of the inputs ({path}); write {what} elsewhere")


def _same_file(path: str, target: str) -> bool:
    try:
        return os.path.samefile(path, target)
    except OSError:  # either is missing: not the same file
        return False


def _would_walk(directory: str, real_target: str) -> bool:
    """True when walking ``directory`` could reach ``real_target`` as a manifest."""
    from .sources import MANIFEST_SUFFIXES

    if not os.path.isdir(directory) or not real_target.endswith(MANIFEST_SUFFIXES):
        return False
    return real_target.startswith(os.path.join(os.path.realpath(directory), ""))


def _to_file(chunks: Iterable[str], target: str) -> None:
    """The report to ``target``, replaced atomically (``replace``)."""
    replace(target, (chunk.encode("utf-8", FILE_NAMES) for chunk in chunks))


def replace(target: str, data: Iterable[bytes]) -> None:
    """Write a temporary file beside the target, flush it to disk, give it the target's
    mode, rename it over the target. Whatever stops the write (an error, Ctrl-C, SIGTERM)
    removes the temporary file. A link is followed, so the file it names is replaced and
    the link kept. Reports and fixed manifests are written so."""
    real = os.path.realpath(target)
    temporary = _temporary_beside(real)
    if temporary is None:
        with open(real, "wb") as handle:
            handle.writelines(data)
        return
    fd, path = temporary
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.writelines(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(path, _mode_for(real))
        os.replace(path, real)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):  # a signal just after the rename
            os.unlink(path)
        raise


def _temporary_beside(real: str) -> tuple[int, str] | None:
    """A new temporary file in the target's directory (a rename never crosses file systems
    there), or None when the report can only be written in place: the target is not a
    regular file (/dev/stdout, a pipe), or its directory does not let portlint create a
    file (the target itself may still be writable, as it was before reports were atomic)."""
    if os.path.exists(real) and not os.path.isfile(real):
        return None
    import tempfile  # here, not at the top: only a report written to a file needs it (start-up)

    directory, name = os.path.split(real)
    try:
        return tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
    except PermissionError:
        return None


def _mode_for(path: str) -> int:
    """The mode the report gets: the replaced file's, else what open() would give a new
    file (0666 less the umask; mkstemp's files are 0600)."""
    try:
        return os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _to_stdout(chunks: Iterable[str]) -> None:
    reconfigure = getattr(sys.stdout, "reconfigure", None)  # not on every replacement stream
    if reconfigure is not None:
        reconfigure(errors=FILE_NAMES)  # strict under a UTF-8 locale
    try:
        sys.stdout.writelines(chunks)
        sys.stdout.flush()
    except OSError as exc:
        silence_stdout()
        raise OutputError(f"cannot write the report to stdout: {exc.strerror or exc}") from None


def silence_stdout() -> None:
    """Point fd 1 at /dev/null once writing to it failed, so that the interpreter's last
    flush of what is still buffered does not fail again with a message of its own."""
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.close(null)


class _Closed(io.RawIOBase):
    """A standard stream that was closed when portlint started: the first read or write
    is an OSError naming it, as for any other stream that fails; later writes (what is
    still buffered at exit) are dropped, the failure has been told."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.label = name
        self.told = False

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        raise OSError(errno.EBADF, f"{self.label} is closed")

    def write(self, data) -> int:
        if self.told:
            return len(data)
        self.told = True
        raise OSError(errno.EBADF, f"{self.label} is closed")


def guard_standard_streams() -> None:
    """Run once at start. A standard stream closed by the caller (``<&-``, ``>&-``) is
    None in Python, and its file descriptor is free, so the next file opened (an input, a
    temporary file of the findings store) would take its number and a child process would
    write into it. Keep the number on /dev/null; stdin and stdout read and write as
    closed (an error naming them); a closed stderr stays silent, there is no one to tell."""
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        if getattr(sys, name) is not None:
            continue
        null = os.open(os.devnull, os.O_RDWR)
        if null != fd:
            os.dup2(null, fd)
            os.close(null)
        if name == "stdin":
            sys.stdin = io.TextIOWrapper(io.BufferedReader(_Closed(name)), encoding="utf-8")
        elif name == "stdout":
            sys.stdout = io.TextIOWrapper(io.BufferedWriter(_Closed(name)), encoding="utf-8")
        else:
            sys.stderr = open(fd, "w", encoding="utf-8")  # noqa: SIM115 - for the whole run

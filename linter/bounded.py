"""Reading a file that the input names (a config file, a Helm template): only a regular
file, and never more than a limit, so that a FIFO cannot block the run, ``/dev/zero`` or a
4 GB file cannot fill memory, and ``/proc/self/environ`` (a "regular" file of size 0) is read
no further than the limit allows."""

from __future__ import annotations

import os
import stat


class Refused(Exception):
    """Why a file was not read: one phrase, e.g. "not a regular file"."""


def read_regular(path: str, limit: int) -> bytes:
    """The bytes of the regular file ``path``; Refused when it is something else or longer
    than ``limit`` bytes. OSError (missing, unreadable) passes through."""
    # O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise Refused("not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise Refused(f"larger than {size(limit)}")
    return data


def size(limit: int) -> str:
    """A limit as people write it: 1 MB, 8 MB (limits are whole megabytes)."""
    return f"{limit >> 20} MB"

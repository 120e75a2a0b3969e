"""Remember the analysis of inline scripts by their text, so that a script repeated in every
document of a stream (a Helm chart renders the same init script into each pod) is parsed
and analysed once.

An analysis depends on the script's text, the shell that runs it, the container's hostPath
and ConfigMap/Secret mounts, the namespaces entered on the way, and the positions of the
scalar that holds it. Positions are kept relative to the scalar's first line
(``ScalarMap.shape``): two scalars of one shape (the same text, indentation and style) at
different lines give the same analysis, its lines moved by the difference
(``Program.moved``). Every caller gets its own copy: programs are working state.
"""

from __future__ import annotations

from typing import Callable

MAX_SCRIPTS = 128  # distinct scripts remembered; the oldest is forgotten first
MAX_CHARS = 65_536  # a longer script is analysed every time (memory stays bounded)

_known: dict[tuple, tuple[int, object]] = {}  # key -> (first line of its scalar, program)


def analysed(key: tuple, text: str, line: int, analyse: Callable[[], object]):
    """The program of a script whose scalar starts at ``line``: ``analyse()`` the first time
    a ``key`` (text, shell, mounts, positions' shape...) is seen, a moved copy after."""
    if len(text) > MAX_CHARS:
        return analyse()
    known = _known.get(key)
    if known is None:
        if len(_known) >= MAX_SCRIPTS:
            del _known[next(iter(_known))]
        known = _known[key] = (line, analyse())
    first_line, program = known
    return program.moved(line - first_line)


def forget() -> None:
    """Drop every remembered analysis (tests compare with a fresh analysis)."""
    _known.clear()

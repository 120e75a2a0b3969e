"""What a container runs: its argv, the command behind wrappers, and the script of ``sh -c``.

Kubernetes runs ``command + args`` (or the image's entrypoint with ``args`` alone). A
wrapper such as ``sudo`` or ``env`` runs the command that follows its own words. The exec
form (``[sudo, sysctl, ...]``) and the shell form (``sudo sysctl ...`` inside a script) both
find that command through the one ``WRAPPERS`` table, so that they cannot drift apart; a new
wrapper is a new row.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Sequence

from .k8s import string_list
from .tree import Mapping, Scalar

SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh"})


def of_container(container: Mapping) -> list[Scalar]:
    """The argv of a container spec, as scalars that know their position: ``command`` +
    ``args``, or ``args`` alone when there is no ``command`` (the image's entrypoint, which
    the manifest does not show, runs them). Items that are not strings are left out."""
    command = string_list(container.get("command"))
    args = string_list(container.get("args")) or []
    return command + args if command is not None else args


@dataclass(frozen=True, slots=True)
class Wrapper:
    """Where a wrapper's own words end and the command it runs begins.

    After the wrapper's name, words starting with '-' are its options up to ``--``; an
    option in ``takes_value`` also takes the next word (``sudo -u root``), and with an option
    in ``no_run`` the wrapper runs nothing (``command -v sysctl`` only looks it up). Then
    come ``operands`` words of its own (timeout's DURATION), then ``NAME=VALUE`` words when
    ``assignments`` is set (``env A=1``). ``options=False``: the next word is the command
    whatever it looks like (busybox's applet)."""

    takes_value: frozenset[str] = frozenset()
    operands: int = 0
    assignments: bool = False
    options: bool = True
    no_run: frozenset[str] = frozenset()


WRAPPERS: dict[str, Wrapper] = {
    "busybox": Wrapper(options=False),
    "command": Wrapper(no_run=frozenset({"-v", "-V"})),
    "exec": Wrapper(takes_value=frozenset({"-a"})),
    "env": Wrapper(takes_value=frozenset({"-u", "--unset", "-C", "--chdir", "-S", "--split-string"}), assignments=True),
    "nice": Wrapper(takes_value=frozenset({"-n", "--adjustment"})),
    "sudo": Wrapper(
        takes_value=frozenset({"-C", "-D", "-g", "-p", "-R", "-r", "-T", "-t", "-U", "-u"}),
        assignments=True,
    ),
    "timeout": Wrapper(takes_value=frozenset({"-s", "--signal", "-k", "--kill-after"}), operands=1),
}

_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")


def basename(word: str) -> str:
    """The program a command word names: ``/usr/bin/sudo`` -> ``sudo``."""
    return os.path.basename(word.strip())


def command_index(words: Sequence[str]) -> int | None:
    """Index in ``words`` of the command they run once the wrappers in front of it are
    skipped (``sudo -u root nice -n 5 sysctl -w k=v`` -> 5, the index of ``sysctl``); None
    when a wrapper runs nothing (``env`` alone, ``command -v sysctl``)."""
    i, n = 0, len(words)
    while i < n:
        wrapper = WRAPPERS.get(basename(words[i]))
        if wrapper is None:
            return i
        i += 1
        while wrapper.options and i < n and words[i].startswith("-"):
            option = words[i]
            i += 1
            if option == "--":
                break
            if option in wrapper.no_run:
                return None
            if option in wrapper.takes_value:
                i += 1
        i += wrapper.operands
        while wrapper.assignments and i < n and _ASSIGNMENT.match(words[i]):
            i += 1
    return None


def script_index(words: Sequence[str]) -> int | None:
    """Index of SCRIPT in ``words``, the arguments of ``sh [-opts] -c SCRIPT``: combined flags
    (-ec, -euxc), ``-o NAME``, long options (``bash --norc``); None without ``-c``."""
    has_c = False
    i = 0
    while i < len(words):
        word = words[i]
        if word == "--":
            i += 1
            break
        if word in ("-o", "+o"):
            i += 2
            continue
        if len(word) > 1 and word[0] in "-+" and word[1] != "-":
            if word[0] == "-" and "c" in word[1:]:
                has_c = True
            i += 1
            continue
        if word.startswith("--"):
            i += 1
            continue
        break
    if has_c and i < len(words):
        return i
    return None

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
from typing import Sequence

from .k8s import string_list
from .records import frozen
from .tree import Mapping, Scalar

SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh"})


def of_container(container: Mapping) -> list[Scalar]:
    """The argv of a container spec, as scalars that know their position: ``command`` +
    ``args``, or ``args`` alone when there is no ``command`` (the image's entrypoint, which
    the manifest does not show, runs them). Items that are not strings are left out."""
    command = string_list(container.get("command"))
    args = string_list(container.get("args")) or []
    return command + args if command is not None else args


@frozen
class Wrapper:
    """Where a wrapper's own words end and the command it runs begins, and what it changes.

    After the wrapper's name, words starting with '-' are its options up to ``--``, read as
    getopt reads them (``-Eu root``, ``-n5``, ``--user=root``); an option in ``takes_value``
    also takes the rest of its word or the next word (``sudo -u root``), one in
    ``optional_value`` only the rest of its word (``nsenter -n/proc/1/ns/net``), and with an
    option in ``no_run`` the wrapper runs nothing (``command -v sysctl`` only looks it up).
    Then come ``operands`` words of its own (timeout's DURATION, chroot's NEWROOT), then
    ``NAME=VALUE`` words when ``assignments`` is set (``env A=1``). ``options=False``: the
    next word is the command whatever it looks like (busybox's applet).

    What the command then runs in: ``enters`` maps nsenter's namespace options to the
    namespace they enter (``-n``: 'net'; 'all' for ``-a``), of the process that ``target``
    names (``-t 1``) or of the file given with the option (``--net=/proc/1/ns/net``).
    ``input_args``: the wrapper appends the words of its standard input to the command
    (xargs), or puts each input line where ``replace`` names the placeholder (``-I {}``)."""

    takes_value: frozenset[str] = frozenset()
    optional_value: frozenset[str] = frozenset()
    operands: int = 0
    assignments: bool = False
    options: bool = True
    no_run: frozenset[str] = frozenset()
    enters: tuple[tuple[str, str], ...] = ()
    target: frozenset[str] = frozenset()
    input_args: bool = False
    replace: frozenset[str] = frozenset()
    input_file: frozenset[str] = frozenset()  # xargs -a FILE: the input is not the pipe


_NSENTER_NAMESPACES = (
    ("-m", "mnt"), ("--mount", "mnt"), ("-u", "uts"), ("--uts", "uts"), ("-i", "ipc"), ("--ipc", "ipc"),
    ("-n", "net"), ("--net", "net"), ("-p", "pid"), ("--pid", "pid"), ("-U", "user"), ("--user", "user"),
    ("-C", "cgroup"), ("--cgroup", "cgroup"), ("-T", "time"), ("--time", "time"), ("-a", "all"), ("--all", "all"),
)  # fmt: skip

WRAPPERS: dict[str, Wrapper] = {
    "busybox": Wrapper(options=False),
    "chroot": Wrapper(takes_value=frozenset({"--userspec", "--groups"}), operands=1),
    "command": Wrapper(no_run=frozenset({"-v", "-V"})),
    "exec": Wrapper(takes_value=frozenset({"-a"})),
    "env": Wrapper(takes_value=frozenset({"-u", "--unset", "-C", "--chdir", "-S", "--split-string"}), assignments=True),
    "ionice": Wrapper(
        takes_value=frozenset({"-c", "--class", "-n", "--classdata"}),
        no_run=frozenset({"-p", "--pid", "-P", "--pgid", "-u", "--uid"}),
    ),
    "nice": Wrapper(takes_value=frozenset({"-n", "--adjustment"})),
    "nsenter": Wrapper(
        takes_value=frozenset({"-t", "--target", "-S", "--setuid", "-G", "--setgid", "-W", "--wdns"}),
        optional_value=frozenset({o for o, _ in _NSENTER_NAMESPACES} | {"-r", "--root", "-w", "--wd"}),
        enters=_NSENTER_NAMESPACES,
        target=frozenset({"-t", "--target"}),
    ),
    "setsid": Wrapper(),
    "stdbuf": Wrapper(takes_value=frozenset({"-i", "--input", "-o", "--output", "-e", "--error"})),
    "sudo": Wrapper(
        takes_value=frozenset({"-C", "-D", "-g", "-p", "-R", "-r", "-T", "-t", "-U", "-u", "-h"}),
        assignments=True,
    ),
    "timeout": Wrapper(takes_value=frozenset({"-s", "--signal", "-k", "--kill-after"}), operands=1),
    "xargs": Wrapper(
        takes_value=frozenset(
            {"-a", "--arg-file", "-d", "--delimiter", "-E", "-I", "-L", "-n", "--max-args", "-P", "--max-procs", "-s",
             "--max-chars", "--process-slot-var"}
        ),  # fmt: skip
        optional_value=frozenset({"-e", "--eof", "-i", "--replace", "-l", "--max-lines"}),
        input_args=True,
        replace=frozenset({"-I", "-i", "--replace"}),
        input_file=frozenset({"-a", "--arg-file"}),
    ),
}

_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")


@frozen
class Entered:
    """The namespaces one nsenter makes its command run in: (namespace, file) pairs, the
    file as ``/proc/PID/ns/NAME`` for ``-t PID`` or as given (``--net=FILE``); ``words`` is
    the wrapper as written, for messages."""

    namespaces: tuple[tuple[str, str], ...]
    words: str

    def file(self, namespace: str) -> str | None:
        """The namespace file entered for ``namespace`` ('net', 'ipc'), or None."""
        for name, path in self.namespaces:
            if name == namespace:
                return path
        return None


@frozen
class Invocation:
    """The command a word list runs behind its wrappers: ``index`` of the command word
    (None: the wrappers run nothing), the namespaces entered on the way, and how xargs
    feeds it (``input_args``; ``replace``: the placeholder of ``-I``; ``input_file``: it
    reads a file, not the pipe)."""

    index: int | None
    entered: tuple[Entered, ...] = ()
    input_args: bool = False
    replace: str | None = None
    input_file: bool = False


def basename(word: str) -> str:
    """The program a command word names: ``/usr/bin/sudo`` -> ``sudo``."""
    return os.path.basename(word.strip())


def _options(wrapper: Wrapper, words: Sequence[str], i: int) -> tuple[int, list[tuple[str, str | None]] | None]:
    """Read the options of ``wrapper`` from ``words[i]``: (index after them, [(option,
    value)]), or the list None when an option means the wrapper runs nothing."""
    found: list[tuple[str, str | None]] = []
    n = len(words)
    while i < n and words[i].startswith("-") and words[i] != "-":
        word = words[i]
        i += 1
        if word == "--":
            break
        if word.startswith("--"):
            name, eq, value = word.partition("=")
            if name in wrapper.no_run:
                return i, None
            if not eq and name in wrapper.takes_value and i < n:
                value, i = words[i], i + 1
            found.append((name, value if (eq or name in wrapper.takes_value) else None))
            continue
        for k in range(1, len(word)):  # -Eu root: E, then u with a value
            option = "-" + word[k]
            if option in wrapper.no_run:
                return i, None
            rest = word[k + 1 :]
            if option in wrapper.takes_value:
                if rest:
                    found.append((option, rest.strip()))
                elif i < n:
                    found.append((option, words[i].strip()))
                    i += 1
                else:
                    found.append((option, None))
                break
            if option in wrapper.optional_value:
                found.append((option, rest or None))
                break
            found.append((option, None))
    return i, found


def _entered(wrapper: Wrapper, options: list[tuple[str, str | None]], words: Sequence[str]) -> Entered | None:
    target = next((value for option, value in options if option in wrapper.target and value), None)
    names = dict(wrapper.enters)
    entered: dict[str, str] = {}
    for option, value in options:
        namespace = names.get(option)
        if namespace is None:
            continue
        kinds = ("net", "ipc", "mnt", "uts", "pid", "user", "cgroup", "time") if namespace == "all" else (namespace,)
        for kind in kinds:
            if value and namespace != "all":
                entered[kind] = value
            elif target is not None:
                entered.setdefault(kind, f"/proc/{target}/ns/{kind}")
    if not entered:
        return None
    return Entered(tuple(sorted(entered.items())), " ".join(words))


def unwrap(words: Sequence[str]) -> Invocation:
    """The command ``words`` run once the wrappers in front of it are skipped (``sudo -u
    root nice -n 5 sysctl -w k=v``: index 5, the index of ``sysctl``), and what the
    wrappers change on the way (nsenter's namespaces, xargs' input)."""
    i, n = 0, len(words)
    entered: list[Entered] = []
    input_args, replace, input_file = False, None, False
    while i < n:
        wrapper = WRAPPERS.get(basename(words[i]))
        if wrapper is None:
            return Invocation(i, tuple(entered), input_args, replace, input_file)
        first = i
        i += 1
        if wrapper.options:
            i, options = _options(wrapper, words, i)
            if options is None:
                return Invocation(None)
            if wrapper.enters:
                found = _entered(wrapper, options, words[first:i])
                if found is not None:
                    entered.append(found)
            if wrapper.input_args:
                input_args = True
                for option, value in options:
                    if option in wrapper.replace:
                        replace = value or "{}"
                    if option in wrapper.input_file:
                        input_file = True
        i += wrapper.operands
        while wrapper.assignments and i < n and _ASSIGNMENT.match(words[i]):
            i += 1
    return Invocation(None)


def _shell_operands(words: Sequence[str]) -> tuple[int, str]:
    """Where the operands of ``sh [OPTIONS] ...`` begin in ``words``, and the short options set
    (``-eu -c``: 'euc'). Combined flags (-ec, -euxc); ``-o NAME`` and bash's ``-O SHOPT`` take a
    word each, also at the end of combined flags (``-euEo pipefail``); long options (``bash
    --norc``), of which ``--rcfile``/``--init-file`` take a word; a lone ``-`` ends the options
    as ``--`` does (dash, bash; POSIX ignores it); a lone ``+`` sets nothing, as in dash."""
    i, letters = 0, ""
    while i < len(words):
        word = words[i]
        if word in ("--", "-"):
            return i + 1, letters
        if word.startswith("--"):
            i += 2 if word in ("--rcfile", "--init-file") else 1
            continue
        if word[:1] not in ("-", "+"):
            break
        if word[0] == "-":
            letters += word[1:]
        i += 1 + sum(1 for letter in word[1:] if letter in "oO")
    return i, letters


def script_index(words: Sequence[str]) -> int | None:
    """Index of SCRIPT in ``words``, the arguments of ``sh [OPTIONS] -c SCRIPT``; None without ``-c``."""
    start, letters = _shell_operands(words)
    return start if "c" in letters and start < len(words) else None


def script_file_index(words: Sequence[str]) -> int | None:
    """Index of the script FILE in the arguments of ``sh [OPTIONS] FILE [ARGS]``; None with
    ``-c`` or ``-s`` (commands from a string or from stdin) or without a FILE."""
    start, letters = _shell_operands(words)
    return start if "c" not in letters and "s" not in letters and start < len(words) else None

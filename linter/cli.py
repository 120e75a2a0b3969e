"""The ``portlint`` command's entry point: ``main()``, and what ``check`` does with its options.

``portlint check`` with paths and options this module reads itself (CHECK_FLAGS: every option
of check, in the forms click reads alike, with valid values: the pre-commit hook's call and
the CI action's ``--format sarif --output FILE --fail-on never -- PATHS``) runs here without
importing typer, whose import and command building cost more than linting a small file; every
other command line (help, errors, other commands) goes to the typer app (commands.py: the
commands, flags and help). Both run ``run_check`` with a ``CheckOptions``, whose defaults are
the flags' defaults.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage,
configuration, input or I/O errors (always one line on stderr, never a traceback); 130 and
143 stopped by SIGINT and SIGTERM (docs/reliability.md).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from enum import Enum
from typing import List, NoReturn, Optional

from .records import frozen
from .report import STATISTICS, WRITERS, for_people
from .rules.pl002_suppression_without_reason import ID as SUPPRESSION_WITHOUT_REASON

# --format choices: the writers table (linter/report/__init__.py), nothing else
Format = Enum("Format", {name: name for name in WRITERS}, type=str)


class Colour(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    note = "note"
    never = "never"


@frozen
class CheckOptions:
    """Every option of ``check`` as a plain value (a choice as its name), with its default:
    the flags' defaults (commands.py) are these."""

    format: str = "text"
    output: Optional[str] = None
    color: str = "auto"
    sarif_category: str = "portlint"
    config: Optional[str] = None
    ephemeral_port_range: Optional[str] = None
    node_port_range: Optional[str] = None
    reserved_ports: Optional[str] = None
    profile: Optional[str] = None
    kubernetes_version: Optional[str] = None
    select: Optional[List[str]] = None
    ignore: Optional[List[str]] = None
    fail_on: str = "warning"
    require_reason: bool = False
    baseline: Optional[str] = None
    write_baseline: Optional[str] = None
    statistics: bool = False
    show_fixes: bool = False
    stdin_filename: str = "-"
    helm_chart: Optional[str] = None
    fix: bool = False
    diff: bool = False
    unsafe_fixes: bool = False

    @classmethod
    def parsed(cls, options: dict) -> CheckOptions:
        """The options as typer gives them (choices as enum members)."""
        return cls(**{name: value.value if isinstance(value, Enum) else value for name, value in options.items()})


# How a flag of check is read: its choices, or one of these
TEXT = "text"  # a value, any text
TEXTS = "texts"  # a value, repeatable: a list
ON = "on"  # no value: True when given

# The options of ``check`` that the entry point reads itself: flag -> (CheckOptions field, how).
# The typer app (commands.py) declares the same flags; tests/test_plain_check.py checks that
# the two agree.
CHECK_FLAGS = {
    "--format": ("format", tuple(WRITERS)),
    "-f": ("format", tuple(WRITERS)),
    "--output": ("output", TEXT),
    "-o": ("output", TEXT),
    "--color": ("color", tuple(choice.value for choice in Colour)),
    "--sarif-category": ("sarif_category", TEXT),
    "--config": ("config", TEXT),
    "--ephemeral-port-range": ("ephemeral_port_range", TEXT),
    "--node-port-range": ("node_port_range", TEXT),
    "--reserved-ports": ("reserved_ports", TEXT),
    "--profile": ("profile", TEXT),
    "--kubernetes-version": ("kubernetes_version", TEXT),
    "--select": ("select", TEXTS),
    "--ignore": ("ignore", TEXTS),
    "--fail-on": ("fail_on", tuple(choice.value for choice in FailOn)),
    "--require-reason": ("require_reason", ON),
    "--baseline": ("baseline", TEXT),
    "--write-baseline": ("write_baseline", TEXT),
    "--statistics": ("statistics", ON),
    "--show-fixes": ("show_fixes", ON),
    "--stdin-filename": ("stdin_filename", TEXT),
    "--helm-chart": ("helm_chart", TEXT),
    "--fix": ("fix", ON),
    "--diff": ("diff", ON),
    "--unsafe-fixes": ("unsafe_fixes", ON),
}


def plain_check(args: list[str]) -> tuple[list[str], CheckOptions] | None:
    """The paths and options of ``check ...`` when the entry point can read the command line
    as click would, else None: typer parses it (and words the help and every error). Read
    here: paths (``-`` alone is stdin; every word after ``--``) and CHECK_FLAGS as ``--name
    VALUE``, ``--name=VALUE``, ``-f VALUE``, ``-o VALUE`` or a flag alone, a choice among its
    choices, the last value of an option given twice; at least one path. Not on Windows,
    where click expands wildcards, nor for a shell completion request."""
    if os.name == "nt" or "_PORTLINT_COMPLETE" in os.environ or len(args) < 2 or args[0] != "check":
        return None
    paths: list[str] = []
    given: dict = {}
    words = iter(args[1:])
    for word in words:
        if word == "--":
            paths.extend(words)
        elif word == "-" or not word.startswith("-"):
            paths.append(word)
        elif not _read_option(word, words, given):
            return None
    return (paths, CheckOptions(**given)) if paths else None


def _read_option(word: str, words, given: dict) -> bool:
    """Put the option ``word`` (and its value, ``=VALUE`` or the next word) into ``given``;
    False when click could read it otherwise or would refuse it: an unknown name, ``-fVALUE``,
    a flag with a value, a missing value or one that starts with '-', a choice not offered."""
    name, equals, value = word.partition("=")
    if name not in CHECK_FLAGS or (equals and not name.startswith("--")):
        return False
    field, how = CHECK_FLAGS[name]
    if how == ON:
        if equals:
            return False
        given[field] = True
        return True
    if not equals:
        value = next(words, None)
        if value is None or value.startswith("-"):
            return False
    if how == TEXTS:
        given.setdefault(field, []).append(value)
    elif how == TEXT or value in how:
        given[field] = value
    else:
        return False
    return True


_on_the_plain_path = False  # True while main() runs a plain check, which never imports typer


def _exit(code: int) -> NoReturn:
    """End the command with ``code``: SystemExit on the plain path; else typer.Exit, as typer's
    commands end (click turns it into the exit code), also for these helpers called directly."""
    if _on_the_plain_path:
        raise SystemExit(code)
    import typer

    raise typer.Exit(code)


def _run_plain_check(paths: list[str], options: CheckOptions) -> NoReturn:
    """``check PATHS`` with these options, without typer."""
    global _on_the_plain_path
    _on_the_plain_path = True
    try:
        run_check(paths, options)
    finally:
        _on_the_plain_path = False  # main() is also called in process, by tests


def _fail(message: str) -> NoReturn:
    _error(message)
    _exit(2)


def _error(message: str) -> None:
    """The error line on stderr; the message names paths and values from the inputs, whose
    control characters are escaped (report/escape.py): one error, one line."""
    from .report.escape import printable

    sys.stderr.write(f"portlint: error: {printable(message)}\n")
    sys.stderr.flush()


def _ids(values: List[str] | None, flag: str) -> set[str] | str:
    """Rule ids or prefixes from ``--select``/``--ignore`` (comma-separated, repeatable);
    the error message instead when one matches no rule (a typo must not lint nothing)."""
    from .rules import RULES

    out: set[str] = set()
    for value in values or []:
        out.update(part.strip().upper() for part in value.split(",") if part.strip())
    unknown = sorted(i for i in out if not any(rule.ID.startswith(i) for rule in RULES))
    if unknown:
        named = ", ".join(f"'{i}'" for i in unknown)
        return f"{flag}: unknown rule id{'s' if len(unknown) > 1 else ''} {named}; `portlint rules` lists them"
    return out


def _colour(choice: str, output: str | None) -> bool:
    """--color always/never; auto: not into a file, never when NO_COLOR is set (non-empty),
    always when FORCE_COLOR is (CI logs), else when stdout is a terminal."""
    if choice != Colour.auto:
        return choice == Colour.always
    if output is not None or os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


def run_check(paths: list | None, options: CheckOptions) -> NoReturn:
    """``portlint check PATHS`` with these options: lint, write the report, exit with its code."""
    from . import config as config_mod
    from .parallel import WorkerDied
    from .runner import DIFF, FIX, run
    from .sources import InputError
    from .store import SpillError

    automation_id = options.sarif_category if "/" in options.sarif_category else options.sarif_category + "/"
    inputs = [*(paths or []), *([options.helm_chart] if options.helm_chart else [])]
    _refuse_inputs(options.output, inputs)  # first: errors below write --output
    _refuse_inputs(options.write_baseline, [p for p in paths or [] if os.path.isfile(p)], "--write-baseline", "the baseline")

    def fail(message: str) -> NoReturn:
        """An error before any finding: still write the report (SARIF with executionSuccessful
        false), so that a CI step uploading it finds a valid file; then exit 2. The error line
        comes first: it must not be lost when the report cannot be written either."""
        from .runner import failed

        _error(message)
        _write(failed(options.format, message, automation_id), options.output)
        _exit(2)

    if not options.sarif_category.strip("/ "):
        fail("--sarif-category: must not be empty")
    if not paths:
        fail("no paths given: pass files, directories, or '-' for stdin")
    selected, ignored = _ids(options.select, "--select"), _ids(options.ignore, "--ignore")
    for problem in (selected, ignored):
        if isinstance(problem, str):
            fail(problem)
    if options.statistics and not for_people(options.format):
        fail(f"--statistics: counts are text; not with --format {options.format}")
    if options.show_fixes and not for_people(options.format):
        fail(f"--show-fixes: advice is text; not with --format {options.format} (its rules carry their help)")
    if (options.fix or options.diff) and ("-" in paths or options.helm_chart is not None):
        fail("--fix/--diff: fixes are written to files; not with stdin ('-') or --helm-chart")
    try:
        settings = config_mod.load(options.config if options.config is not None else config_mod.find_config())
        flags = {
            "ephemeral": options.ephemeral_port_range,
            "reserved": options.reserved_ports,
            "node_ports": options.node_port_range,
        }
        for kind, value in flags.items():
            if value is not None:
                settings.set_from_flag(kind, value)
        if options.profile is not None:
            settings.set_profile(options.profile)
        if options.kubernetes_version is not None:
            settings.kubernetes_version = options.kubernetes_version
        if options.baseline is not None:
            settings.baseline = options.baseline
        if options.require_reason and settings.rules.get(SUPPRESSION_WITHOUT_REASON, "off") == "off":
            settings.rules[SUPPRESSION_WITHOUT_REASON] = "warning"  # a level set in the config wins
        config_mod.check_version(settings.kubernetes_version)
        code, report = run(
            paths,
            settings,
            format=STATISTICS if options.statistics else options.format,
            select=selected,
            ignore=ignored,
            fail_on=options.fail_on,
            stdin_name=options.stdin_filename,
            helm_chart=options.helm_chart,
            colour=_colour(options.color, options.output),
            automation_id=automation_id,
            show_fixes=options.show_fixes,
            write_baseline=options.write_baseline,
            fix=DIFF if options.diff else FIX if options.fix else "",
            unsafe_fixes=options.unsafe_fixes,
        )
    except (config_mod.ConfigError, InputError, SpillError, WorkerDied) as exc:
        fail(str(exc))
    _write(report, options.output)
    _exit(code)


def _refuse_inputs(output: str | None, inputs: list[str], flag: str = "--output", what: str = "the report") -> None:
    """Exit 2 with one line, before anything is written, when ``flag``'s file is one of the inputs."""
    from .output import OutputError, refuse_inputs

    try:
        refuse_inputs(output, inputs, flag, what)
    except OutputError as exc:
        _fail(str(exc))


def _write(report, output: str | None) -> None:
    """The report to ``output`` (replaced atomically) or stdout; a failure is one line, exit 2."""
    from .output import OutputError, write

    try:
        write(report, output)
    except OutputError as exc:
        _fail(str(exc))


def __getattr__(name: str):
    """``app``, the typer app (commands.py), imported when first asked for: by main() for any
    command line but a plain check, by tests."""
    if name == "app":
        from .commands import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Stopped(BaseException):
    """A signal that ends the run (SIGINT: Ctrl-C; SIGTERM: a cancelled CI job, `timeout`),
    raised wherever the run is, so that it ends cleanly: the report file being written is
    removed, worker processes are stopped. Not KeyboardInterrupt, which click turns into
    "Aborted!" and exit 1, the code for findings; a BaseException, so that the guards
    against failing rules do not take it for one."""


STOPPING_SIGNALS = {"SIGINT": "interrupted", "SIGTERM": "terminated"}


def _stop(signum, frame) -> None:
    raise Stopped(signum)


@contextlib.contextmanager
def _signals_stop_the_run():
    """SIGINT and SIGTERM raise Stopped while the block runs (main() is also called in
    process by tests: their handlers come back after it)."""
    previous = {name: signal.signal(getattr(signal, name), _stop) for name in STOPPING_SIGNALS}
    try:
        yield
    finally:
        for name, handler in previous.items():
            signal.signal(getattr(signal, name), handler)


def _stopped(signum: int) -> NoReturn:
    name = signal.Signals(signum).name
    sys.stderr.write(f"portlint: {STOPPING_SIGNALS[name]}\n")
    sys.exit(128 + signum)


def main() -> None:
    """Console-script entry point: a check read here, else typer's app; with a last-resort guard
    against tracebacks. Exit codes besides check's: 128 + the signal's number for a run
    stopped by SIGINT (130) or SIGTERM (143); 2 for an I/O error no command handled (a
    closed or full stdout)."""
    from .output import guard_standard_streams, silence_stdout

    guard_standard_streams()
    plain = plain_check(sys.argv[1:])
    with _signals_stop_the_run():
        try:
            try:
                if plain is not None:
                    _run_plain_check(*plain)
                else:
                    sys.modules[__name__].app(prog_name="portlint")
            finally:
                sys.stdout.flush()  # here, where a failure is reported, not at interpreter exit
        except SystemExit:
            raise
        except Stopped as exc:
            _stopped(exc.args[0])
        except KeyboardInterrupt:  # SIGINT before the handler was set, or raised by a library
            _stopped(signal.SIGINT)
        except OSError as exc:
            from .report.escape import printable

            silence_stdout()
            where = f"{exc.filename}: " if exc.filename else ""
            sys.stderr.write(f"portlint: error: {printable(where)}{exc.strerror or exc}\n")
            sys.exit(2)
        except Exception as exc:  # noqa: BLE001 - never a traceback for the user
            from .report.escape import printable

            sys.stderr.write(f"portlint: internal error: {type(exc).__name__}: {printable(str(exc))}; please report it\n")
            sys.exit(2)

"""The ``portlint`` command: ``check``, ``rules``, ``explain``, ``--version``.

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

import typer

from . import __version__
from .report import STATISTICS, WRITERS, for_people
from .rules.pl002_suppression_without_reason import ID as SUPPRESSION_WITHOUT_REASON

app = typer.Typer(
    name="portlint",
    help=(
        "Lint Kubernetes manifests for sysctl writes that reach the node and for ports that "
        "collide on the node: nodePorts in the ephemeral range, host ports taken twice or "
        "taken from the node's own components.\n\n"
        "Reads YAML/JSON manifests, cluster configuration (kubeadm, kind, k3s, Cilium, Calico), "
        "Helm charts (rendered with helm) and Helm-rendered streams; reports as text, SARIF "
        "2.1.0, JSON, GitHub annotations, GitLab Code Quality, JUnit, Checkstyle or reviewdog's "
        "rdjson (check --format); applies the fixes it can prove (check --fix, --diff)."
    ),
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
)


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


def _version(value: bool) -> None:
    if value:
        typer.echo(f"portlint {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """Lint Kubernetes manifests for node-changing sysctl writes and nodePort collisions."""


def _fail(message: str) -> None:
    _error(message)
    raise typer.Exit(2)


def _error(message: str) -> None:
    """The error line on stderr; the message names paths and values from the inputs, whose
    control characters are escaped (report/escape.py): one error, one line."""
    from .report.escape import printable

    typer.echo(f"portlint: error: {printable(message)}", err=True)


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


def _colour(choice: Colour, output: str | None) -> bool:
    """--color always/never; auto: not into a file, never when NO_COLOR is set (non-empty),
    always when FORCE_COLOR is (CI logs), else when stdout is a terminal."""
    if choice is not Colour.auto:
        return choice is Colour.always
    if output is not None or os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


@app.command()
def check(
    paths: List[str] = typer.Argument(
        None,
        help=(
            "Files and directories to lint (directories recursively: *.yaml, *.yml, *.json; Helm charts "
            "rendered with helm when it is on PATH); '-' reads stdin."
        ),
        show_default=False,
        metavar="PATHS...",
    ),
    format: Format = typer.Option(Format.text, "--format", "-f", help="Report format."),
    output: Optional[str] = typer.Option(
        None, "--output", "-o", help="Write the report to FILE instead of stdout.", metavar="FILE"
    ),
    color: Colour = typer.Option(
        Colour.auto,
        "--color",
        help="Colour the text report: auto (a terminal, or FORCE_COLOR set; never when NO_COLOR is set), always, never.",
    ),
    sarif_category: str = typer.Option(
        "portlint",
        "--sarif-category",
        help="SARIF automationDetails.id, GitHub's category of the analysis (a trailing / is added when it has none).",
        metavar="CATEGORY",
    ),
    config: Optional[str] = typer.Option(
        None,
        "--config",
        help="Config file (default: nearest .portlint.yaml or [tool.portlint] in pyproject.toml).",
        metavar="FILE",
    ),
    ephemeral_port_range: Optional[str] = typer.Option(
        None,
        "--ephemeral-port-range",
        help='The nodes\' net.ipv4.ip_local_port_range, e.g. "32768 60999" (default: as declared in the manifests, else 32768-60999).',
        metavar="RANGE",
    ),
    node_port_range: Optional[str] = typer.Option(
        None, "--node-port-range", help="The API server's --service-node-port-range (default 30000-32767).", metavar="RANGE"
    ),
    reserved_ports: Optional[str] = typer.Option(
        None, "--reserved-ports", help='The nodes\' net.ipv4.ip_local_reserved_ports, e.g. "30000-32767,40000".', metavar="PORTS"
    ),
    profile: Optional[str] = typer.Option(
        None,
        "--profile",
        help=(
            "Provider profile whose node defaults replace Linux's and kube-apiserver's: eks-al2, eks-al2023, "
            "bottlerocket, gke-cos, gke-ubuntu, aks-ubuntu, aks-azurelinux, openshift, k3s, kind "
            "(`portlint explain NAME` shows its values and sources)."
        ),
        metavar="NAME",
    ),
    kubernetes_version: Optional[str] = typer.Option(
        None,
        "--kubernetes-version",
        help="Kubernetes version for the safe sysctl set, e.g. 1.31 (default: newest known).",
        metavar="X.Y",
    ),
    select: Optional[List[str]] = typer.Option(
        None, "--select", help="Only these rules (ids or prefixes, comma-separated).", metavar="IDS"
    ),
    ignore: Optional[List[str]] = typer.Option(
        None, "--ignore", help="Skip these rules (ids or prefixes, comma-separated).", metavar="IDS"
    ),
    fail_on: FailOn = typer.Option(FailOn.warning, "--fail-on", help="Exit 1 when a finding is at or above this level."),
    require_reason: bool = typer.Option(
        False, "--require-reason", help="Report suppressions that give no reason (PL002, at warning level)."
    ),
    baseline: Optional[str] = typer.Option(
        None,
        "--baseline",
        help="Report only findings this baseline file does not record (default: the config's baseline).",
        metavar="FILE",
    ),
    write_baseline: Optional[str] = typer.Option(
        None, "--write-baseline", help="Record the findings reported now in FILE, then report as --baseline FILE.", metavar="FILE"
    ),
    statistics: bool = typer.Option(
        False, "--statistics", help="Print how many findings of each rule instead of the findings (text formats)."
    ),
    show_fixes: bool = typer.Option(
        False, "--show-fixes", help="After the findings, print how to fix each reported rule, once (text formats)."
    ),
    stdin_filename: str = typer.Option("-", "--stdin-filename", help="Name for stdin input in reports.", metavar="NAME"),
    helm_chart: Optional[str] = typer.Option(
        None,
        "--helm-chart",
        help="Chart directory: move findings of a rendered stream to the chart's template files.",
        metavar="DIR",
    ),
    fix: bool = typer.Option(False, "--fix", help="Apply the safe fixes in place; report the findings left."),
    diff: bool = typer.Option(False, "--diff", help="Print the fixes as a unified diff instead; write nothing (exit 1 if any)."),
    unsafe_fixes: bool = typer.Option(
        False, "--unsafe-fixes", help="With --fix or --diff, also the fixes that change what runs on the node."
    ),
) -> None:
    """Lint manifests and report problems.

    Exit status: 0 when nothing is at or above --fail-on, 1 when something is, 2 for usage,
    configuration, input and I/O errors, 130/143 when stopped by SIGINT/SIGTERM.
    """
    from . import config as config_mod
    from .parallel import WorkerDied
    from .runner import DIFF, FIX, run
    from .sources import InputError
    from .store import SpillError

    automation_id = sarif_category if "/" in sarif_category else sarif_category + "/"
    _refuse_inputs(output, [*(paths or []), *([helm_chart] if helm_chart else [])])  # first: errors below write --output
    _refuse_inputs(write_baseline, [p for p in paths or [] if os.path.isfile(p)], "--write-baseline", "the baseline")

    def fail(message: str) -> None:
        """An error before any finding: still write the report (SARIF with executionSuccessful
        false), so that a CI step uploading it finds a valid file; then exit 2. The error line
        comes first: it must not be lost when the report cannot be written either."""
        from .runner import failed

        _error(message)
        _write(failed(format.value, message, automation_id), output)
        raise typer.Exit(2)

    if not sarif_category.strip("/ "):
        fail("--sarif-category: must not be empty")
    if not paths:
        fail("no paths given: pass files, directories, or '-' for stdin")
    selected, ignored = _ids(select, "--select"), _ids(ignore, "--ignore")
    for problem in (selected, ignored):
        if isinstance(problem, str):
            fail(problem)
    if statistics and not for_people(format.value):
        fail(f"--statistics: counts are text; not with --format {format.value}")
    if show_fixes and not for_people(format.value):
        fail(f"--show-fixes: advice is text; not with --format {format.value} (its rules carry their help)")
    if (fix or diff) and ("-" in paths or helm_chart is not None):
        fail("--fix/--diff: fixes are written to files; not with stdin ('-') or --helm-chart")
    try:
        settings = config_mod.load(config if config is not None else config_mod.find_config())
        flags = {"ephemeral": ephemeral_port_range, "reserved": reserved_ports, "node_ports": node_port_range}
        for kind, value in flags.items():
            if value is not None:
                settings.set_from_flag(kind, value)
        if profile is not None:
            settings.set_profile(profile)
        if kubernetes_version is not None:
            settings.kubernetes_version = kubernetes_version
        if baseline is not None:
            settings.baseline = baseline
        if require_reason and settings.rules.get(SUPPRESSION_WITHOUT_REASON, "off") == "off":
            settings.rules[SUPPRESSION_WITHOUT_REASON] = "warning"  # a level set in the config wins
        config_mod.check_version(settings.kubernetes_version)
        code, report = run(
            paths,
            settings,
            format=STATISTICS if statistics else format.value,
            select=selected,
            ignore=ignored,
            fail_on=fail_on.value,
            stdin_name=stdin_filename,
            helm_chart=helm_chart,
            colour=_colour(color, output),
            automation_id=automation_id,
            show_fixes=show_fixes,
            write_baseline=write_baseline,
            fix=DIFF if diff else FIX if fix else "",
            unsafe_fixes=unsafe_fixes,
        )
    except (config_mod.ConfigError, InputError, SpillError, WorkerDied) as exc:
        fail(str(exc))
        return
    _write(report, output)
    raise typer.Exit(code)


def helm(
    chart: str = typer.Argument(..., help="The chart directory.", metavar="CHART"),
    values: Optional[List[str]] = typer.Option(
        None, "--values", "-f", help="Values file for helm template (repeatable).", metavar="FILE"
    ),
    set_values: Optional[List[str]] = typer.Option(
        None, "--set", help="key=value for helm template (repeatable).", metavar="K=V"
    ),
    release_name: str = typer.Option("portlint", "--release-name", help="Release name for helm template.", metavar="NAME"),
    namespace: Optional[str] = typer.Option(None, "--namespace", help="Namespace for helm template.", metavar="NAME"),
    **options,
) -> None:
    """Render a chart with `helm template` and lint it as `check` does; findings point at the
    template lines (the rendered stream is never reported as a file of its own)."""
    from .helm import HelmError, render
    from .sources import MemoryInput

    _refuse_inputs(options["output"], [chart, *(values or [])])  # before a failed render writes --output
    try:
        rendered = render(chart, values or [], set_values or [], release_name, namespace)
    except HelmError as exc:
        from .runner import failed

        category = options.get("sarif_category", "portlint")
        _write(failed(options["format"].value, str(exc), category if "/" in category else category + "/"), options["output"])
        _fail(str(exc))
    check(paths=[MemoryInput(f"{chart.rstrip('/')}/(helm template)", rendered)], stdin_filename="-", helm_chart=chart, **options)


def _with_check_options(command, mine: tuple[str, ...]):
    """Give ``command`` check's options (one definition for both commands), except the ones
    about inputs; -f stays --values for helm, so --format has no short name there."""
    import copy
    import inspect
    from typing import get_type_hints

    own = inspect.signature(command)
    hints = get_type_hints(command)
    hints.update(get_type_hints(check))
    params = [own.parameters[name] for name in mine]
    for name, param in inspect.signature(check).parameters.items():
        if name in ("paths", "stdin_filename", "helm_chart") or name in own.parameters:
            continue
        info = copy.copy(param.default)
        info.param_decls = tuple(d for d in info.param_decls if d != "-f")
        params.append(param.replace(default=info, kind=inspect.Parameter.KEYWORD_ONLY))
    command.__signature__ = own.replace(parameters=params)
    command.__annotations__ = {name: hints[name] for name in (p.name for p in params)} | {"return": None}
    return command


app.command("helm")(_with_check_options(helm, ("chart", "values", "set_values", "release_name", "namespace")))


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


@app.command("rules")
def list_rules() -> None:
    """Print the table of rules: id, name, default level, summary."""
    from .rules import RULES

    width = max(len(r.NAME) for r in RULES)
    for rule in RULES:
        typer.echo(f"{rule.ID}  {rule.NAME:<{width}}  {rule.LEVEL:<7}  {rule.SUMMARY}")


@app.command()
def explain(
    rule_id: str = typer.Argument(
        ..., help="A rule id (PL101) or name (unguarded-sysctl-write), or a provider profile (eks-al2023).", metavar="RULE"
    ),
) -> None:
    """Print a rule's help: why it matters, bad and good examples; or a provider profile's
    values and their sources (rendered on a terminal, Markdown when piped)."""
    from . import ruledoc
    from .profiles import PROFILES, describe
    from .rules import RULES

    wanted = rule_id.strip()
    for rule in RULES:
        if wanted.upper() == rule.ID or wanted.lower() == rule.NAME:
            _markdown(ruledoc.page(rule).split("\n", 1)[1].rstrip())  # without the generated-file comment
            return
    if wanted.lower() in PROFILES:
        _markdown(describe(wanted.lower()).rstrip())
        return
    _fail(f"unknown rule or profile '{rule_id}'; `portlint rules` lists the rules, docs/profiles.md the profiles")


def _markdown(text: str) -> None:
    """Markdown rendered on a terminal, as it is when piped."""
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.markdown import Markdown

        Console().print(Markdown(text))  # rich honours NO_COLOR and the terminal's width
    else:
        typer.echo(text)


@app.command()
def lsp() -> None:
    """Run the language server on stdin and stdout, for editors (docs/editors.md)."""
    try:
        from .lsp import serve  # here, not at the top: pygls is only the server's
    except ImportError as exc:
        _fail(f"portlint lsp needs pygls ({exc}); install portlint with the 'lsp' extra")
    serve()


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
    """Console-script entry point: typer's app with a last-resort guard against tracebacks.
    Exit codes besides check's: 128 + the signal's number for a run stopped by SIGINT (130)
    or SIGTERM (143); 2 for an I/O error no command handled (a closed or full stdout)."""
    from .output import guard_standard_streams, silence_stdout

    guard_standard_streams()
    with _signals_stop_the_run():
        try:
            try:
                app(prog_name="portlint")
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

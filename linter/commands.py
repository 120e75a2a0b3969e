"""The typer app of the ``portlint`` command: check, helm, rules, explain, lsp, --version;
their flags, choices and help. What ``check`` does with its options is cli.run_check, shared
with the entry point's own path (cli.py: ``portlint check`` with paths and the options of
cli.CHECK_FLAGS, read without typer; the two must declare the same flags)."""

from __future__ import annotations

from typing import List, Optional

import typer

from . import __version__
from .cli import CheckOptions, Colour, FailOn, Format, _fail, _refuse_inputs, _write, run_check

DEFAULT = CheckOptions()

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


def _version(value: bool) -> None:
    if value:
        typer.echo(f"portlint {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """Lint Kubernetes manifests for node-changing sysctl writes and nodePort collisions."""


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
    format: Format = typer.Option(Format(DEFAULT.format), "--format", "-f", help="Report format."),
    output: Optional[str] = typer.Option(
        DEFAULT.output, "--output", "-o", help="Write the report to FILE instead of stdout.", metavar="FILE"
    ),
    color: Colour = typer.Option(
        Colour(DEFAULT.color),
        "--color",
        help="Colour the text report: auto (a terminal, or FORCE_COLOR set; never when NO_COLOR is set), always, never.",
    ),
    sarif_category: str = typer.Option(
        DEFAULT.sarif_category,
        "--sarif-category",
        help="SARIF automationDetails.id, GitHub's category of the analysis (a trailing / is added when it has none).",
        metavar="CATEGORY",
    ),
    config: Optional[str] = typer.Option(
        DEFAULT.config,
        "--config",
        help="Config file (default: nearest .portlint.yaml or [tool.portlint] in pyproject.toml).",
        metavar="FILE",
    ),
    ephemeral_port_range: Optional[str] = typer.Option(
        DEFAULT.ephemeral_port_range,
        "--ephemeral-port-range",
        help='The nodes\' net.ipv4.ip_local_port_range, e.g. "32768 60999" (default: as declared in the manifests, else 32768-60999).',
        metavar="RANGE",
    ),
    node_port_range: Optional[str] = typer.Option(
        DEFAULT.node_port_range,
        "--node-port-range",
        help="The API server's --service-node-port-range (default 30000-32767).",
        metavar="RANGE",
    ),
    reserved_ports: Optional[str] = typer.Option(
        DEFAULT.reserved_ports,
        "--reserved-ports",
        help='The nodes\' net.ipv4.ip_local_reserved_ports, e.g. "30000-32767,40000".',
        metavar="PORTS",
    ),
    profile: Optional[str] = typer.Option(
        DEFAULT.profile,
        "--profile",
        help=(
            "Provider profile whose node defaults replace Linux's and kube-apiserver's: eks-al2, eks-al2023, "
            "bottlerocket, gke-cos, gke-ubuntu, aks-ubuntu, aks-azurelinux, openshift, k3s, kind "
            "(`portlint explain NAME` shows its values and sources)."
        ),
        metavar="NAME",
    ),
    kubernetes_version: Optional[str] = typer.Option(
        DEFAULT.kubernetes_version,
        "--kubernetes-version",
        help="Kubernetes version for the safe sysctl set, e.g. 1.31 (default: newest known).",
        metavar="X.Y",
    ),
    select: Optional[List[str]] = typer.Option(
        DEFAULT.select, "--select", help="Only these rules (ids or prefixes, comma-separated).", metavar="IDS"
    ),
    ignore: Optional[List[str]] = typer.Option(
        DEFAULT.ignore, "--ignore", help="Skip these rules (ids or prefixes, comma-separated).", metavar="IDS"
    ),
    fail_on: FailOn = typer.Option(FailOn(DEFAULT.fail_on), "--fail-on", help="Exit 1 when a finding is at or above this level."),
    require_reason: bool = typer.Option(
        DEFAULT.require_reason, "--require-reason", help="Report suppressions that give no reason (PL002, at warning level)."
    ),
    baseline: Optional[str] = typer.Option(
        DEFAULT.baseline,
        "--baseline",
        help="Report only findings this baseline file does not record (default: the config's baseline).",
        metavar="FILE",
    ),
    write_baseline: Optional[str] = typer.Option(
        DEFAULT.write_baseline,
        "--write-baseline",
        help="Record the findings reported now in FILE, then report as --baseline FILE.",
        metavar="FILE",
    ),
    statistics: bool = typer.Option(
        DEFAULT.statistics, "--statistics", help="Print how many findings of each rule instead of the findings (text formats)."
    ),
    show_fixes: bool = typer.Option(
        DEFAULT.show_fixes, "--show-fixes", help="After the findings, print how to fix each reported rule, once (text formats)."
    ),
    stdin_filename: str = typer.Option(
        DEFAULT.stdin_filename, "--stdin-filename", help="Name for stdin input in reports.", metavar="NAME"
    ),
    helm_chart: Optional[str] = typer.Option(
        DEFAULT.helm_chart,
        "--helm-chart",
        help="Chart directory: move findings of a rendered stream to the chart's template files.",
        metavar="DIR",
    ),
    fix: bool = typer.Option(DEFAULT.fix, "--fix", help="Apply the safe fixes in place; report the findings left."),
    diff: bool = typer.Option(
        DEFAULT.diff, "--diff", help="Print the fixes as a unified diff instead; write nothing (exit 1 if any)."
    ),
    unsafe_fixes: bool = typer.Option(
        DEFAULT.unsafe_fixes, "--unsafe-fixes", help="With --fix or --diff, also the fixes that change what runs on the node."
    ),
) -> None:
    """Lint manifests and report problems.

    Exit status: 0 when nothing is at or above --fail-on, 1 when something is, 2 for usage,
    configuration, input and I/O errors, 130/143 when stopped by SIGINT/SIGTERM.
    """
    options = dict(locals())  # the parameters, as typer parsed them: first, before any other name
    del options["paths"]
    run_check(paths, CheckOptions.parsed(options))


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
    import sys

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

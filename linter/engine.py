"""Runs the rules over a stream of inputs and returns findings ready to report.

Three phases, named by each rule's ``SCOPE``:
- "input": PL000, reported here while reading and parsing (syntax errors, duplicate keys,
  bad merges, undecodable bytes), and for parts of an object that cannot be read (a script
  too deep to analyse, a pod sysctl that is not two strings);
- "object": ``check(manifest, ctx)`` on each Kubernetes object as the stream goes by, beside
  ``facts.collect``, which keeps the small facts the run rules need; "pod": the same, on the
  objects that have a pod spec only (most objects of a stream have none: ConfigMaps,
  Services, the items of a List);
- "run": ``check(ctx)`` once after the last input, on those facts and the node network
  they imply (built here, from flags, config, declarations and defaults);
- "suppressions": PL001 and PL002, reported here last, when every finding has passed the
  sink: the suppressions no finding used, and those without a reason.
Between the last input and the run rules, one join (``writes.join``) analyses the scripts and
sysctl.conf files that containers take from ConfigMap and Secret volumes, for each container
that runs them; the sysctl write rules report those writes through their ``check_writes``
with the same owner table and messages as their own object checks.
Levels from the config, suppressions and Helm template notes are applied in one place, the
sink every finding passes through.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import os
from types import ModuleType
from typing import Iterable

from . import clusterconfig, ignores, k8s, network, parallel, podsysctls, sources, suppressions, tree, writes
from . import facts as run_facts
from .config import Settings
from .excludes import Excludes
from .findings import Finding, Location, report, suppress
from .network import NodeNetwork
from .records import field, mutable
from .store import FindingStore, SpillError
from .sysctls import parse_version

PARSE_ERROR = "PL000"
UNUSED_SUPPRESSION = "PL001"
SUPPRESSION_WITHOUT_REASON = "PL002"


@mutable
class Context:
    """What rules see besides the object: settings, the Kubernetes version, and, for rules
    of SCOPE "run", the facts gathered from every object and the node network they imply."""

    settings: Settings
    kubernetes_version: tuple[int, int]
    facts: run_facts.RunFacts = field(default_factory=run_facts.RunFacts)
    network: NodeNetwork | None = None


@mutable
class RunResult:
    findings: FindingStore  # sorted when read
    rules: list[ModuleType]  # the enabled rules, in registry order
    files: int = 0
    notifications: list[str] = field(default_factory=list)  # unreadable inputs, internal errors


def effective_levels(
    registry: Iterable[ModuleType], settings: Settings, select: set[str] | None, ignore: set[str]
) -> dict[str, str]:
    """Rule id -> level for every enabled rule (config ``rules``, then --select/--ignore)."""
    levels: dict[str, str] = {}
    for rule in registry:
        level = settings.rules.get(rule.ID, rule.LEVEL)
        if level == "off":
            continue
        if select and not any(rule.ID.startswith(s) for s in select):
            continue
        if any(rule.ID.startswith(s) for s in ignore):
            continue
        levels[rule.ID] = level
    return levels


@contextlib.contextmanager
def collector_paused():
    """The cyclic garbage collector paused for the block (the lint, the report): trees,
    facts and findings hold no cycles, and a full collection walks every one of them."""
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc_was_enabled:
            gc.enable()


def lint(
    paths: list[str],
    settings: Settings,
    registry: list[ModuleType],
    levels: dict[str, str],
    stdin_name: str = "-",
) -> RunResult:
    with collector_paused():  # see _lint
        return _lint(paths, settings, registry, levels, stdin_name)


def _lint(paths, settings, registry, levels, stdin_name) -> RunResult:
    """The run itself, with the cyclic garbage collector paused: the trees and findings
    hold no cycles, and a full collection walks every node of the document being linted,
    which made a 10 MB stream three times slower."""
    rules = [r for r in registry if r.ID in levels]
    ctx = Context(settings, parse_version(settings.kubernetes_version))
    result = RunResult(FindingStore(), rules)
    ignore_comments: dict[str, dict[int, list[suppressions.Suppression]]] = {}
    raw = _Sink(result, levels, settings, ignore_comments)

    skipped = sources.Skipped()  # its notes: the runner's own discovery gave them already
    inputs = sources.discover(paths, Excludes(settings.exclude, settings.config_dir), skipped=skipped)
    workers = parallel.workers_for(paths)
    parts: Iterable = (sources.Part(path) for path in inputs)
    if workers > 1:
        batches = parallel.tasks(inputs)
        leading = list(itertools.islice(batches, 2))
        if len(leading) < 2:  # one batch (one document, an uncut file): a worker would only make the parent wait
            workers, parts = 1, leading[0] if leading else []
        else:
            batches = itertools.chain(leading, batches)
    if workers > 1:
        # closed here, whatever stops the run: closing stops the workers at once
        with contextlib.closing(parallel.map_batches(_lint_parts, batches, workers, (ctx, rules, stdin_name))) as results:
            for found, facts, notes, files, comments in results:
                result.files += files
                _keep_comments(ignore_comments, comments)  # before the findings they may suppress
                raw.extend(found)
                ctx.facts.merge(facts)
                result.notifications.extend(notes)
    else:
        object_rules = _object_rules(rules)
        for part in parts:
            for doc in _documents(part, stdin_name, result, ignore_comments):
                _lint_document(doc, ctx, object_rules, result, raw)
    result.notifications.extend(skipped.errors)

    joined: list[writes.ContainerWrite] = []
    unread: list[writes.UnreadScript] = []
    _guarded(result, _JOIN, "the run", joined, writes.join, ctx.facts.script_users, ctx.facts.kept_files, unread)
    raw.extend(_unread_findings(unread))
    ctx.facts.write_facts(joined)  # port-range declarations and values in kept files
    for rule in rules:
        check_writes = getattr(rule, "check_writes", None)
        if check_writes is not None and joined:
            _guarded(result, rule, "the run", raw, check_writes, joined, ctx)
    ctx.network = network.resolve(settings, ctx.facts)
    for rule in _in_scope(rules, "run"):
        _guarded(result, rule, "the run", raw, rule.check, ctx)
    written = [s for by_line in ignore_comments.values() for found in by_line.values() for s in found]
    written += ignores.judged(settings.ignores, ignore_comments)  # entries for the files linted
    raw.extend(_suppression_findings(written + ctx.facts.suppressions, raw.used, rules))
    return result


def _suppression_findings(written: list, used: set, rules: list[ModuleType]) -> list[Finding]:
    """PL001 for each suppression no finding used, PL002 for each without a reason. Only the
    rules that look at one object (or parse) can show a suppression unused: a run rule's
    finding depends on the other files of the run (pre-commit passes only the changed ones),
    so a suppression of a run rule, or of ALL, is never reported unused."""
    scope = {rule.ID: rule.SCOPE for rule in rules}
    found = []
    for s in written:
        if s.reason == "" and SUPPRESSION_WITHOUT_REASON in scope:
            ids = ", ".join(sorted(s.rules))
            found.append(_meta(SUPPRESSION_WITHOUT_REASON, s, f"suppression of {ids} gives no reason"))
        checked = sorted(r for r in s.rules if scope.get(r) in ("input", "object", "pod"))
        if s not in used and checked and UNUSED_SUPPRESSION in scope and suppressions.ALL not in s.rules:
            found.append(_meta(UNUSED_SUPPRESSION, s, f"suppression of {', '.join(checked)} matches no finding"))
    return found


def _meta(rule_id: str, s, message: str) -> Finding:
    return Finding(rule_id, "", message, s.location, key=f"{s.location.line}:{s.location.column}:{','.join(sorted(s.rules))}")


def _in_scope(rules: list[ModuleType], scope: str) -> list[ModuleType]:
    return [rule for rule in rules if rule.SCOPE == scope]


def _object_rules(rules: list[ModuleType]) -> tuple[list[ModuleType], list[ModuleType]]:
    """The rules that check each object, and those that check only objects with a pod spec."""
    return _in_scope(rules, "object"), _in_scope(rules, "pod")


class _Sink:
    """Takes each finding as it is made: applies its level (configured, or the rule's),
    the ``# portlint: ignore[...]`` comment on its line, else the config's ignore entries,
    and the Helm template note, then stores it. Comments of a document are known before its
    findings are: they are read with it."""

    def __init__(self, result: RunResult, levels: dict[str, str], settings: Settings, comments) -> None:
        self.result = result
        self.levels = levels
        self.configured = settings.rules
        self.ignores = settings.ignores
        self.comments = comments
        self.used: set = set()  # the suppressions that suppressed a finding (PL001)

    def extend(self, findings) -> None:
        for finding in findings:
            self.append(finding)

    def append(self, finding: Finding) -> None:
        level = self.levels.get(finding.rule_id)
        if level is None:
            return
        if finding.rule_id in self.configured or not finding.level:
            finding.level = level
        if finding.location is None:  # the run's own: nothing to suppress or map
            self.result.findings.add(finding)
            return
        if not finding.suppressed:
            written = self.comments.get(finding.location.path, {}).get(finding.location.line, ())
            suppress(finding, suppressions.find(written, finding.rule_id))
        if not finding.suppressed:
            suppress(finding, ignores.find(self.ignores, finding))
        if finding.suppressed_by is not None:
            self.used.add(finding.suppressed_by)
        if finding.template:
            # in the message, not as a location: the '# Source:' path is relative to the chart's
            # parent, wherever helm ran, and is seldom a file here (--helm-chart maps it to one)
            finding.message = f"{finding.message} (rendered from {finding.template})"
        self.result.findings.add(finding)


def _documents(part: sources.Part, stdin_name: str, result: RunResult, ignore_comments: dict):
    """The documents of one input, or of a part of it (a worker's); the input is counted at
    its first part, an unreadable one recorded (a notification, or a PL000 finding), and its
    ``# portlint: ignore`` comments kept by file and line as its documents are read."""
    try:
        source, stream = sources.open_part(part, stdin_name)
    except sources.InputError as exc:
        result.notifications.append(str(exc))
        return
    if part.start == 0:
        result.files += 1
    source.ignore_comments = ignore_comments.setdefault(source.path, source.ignore_comments)
    try:
        yield from sources.documents(source, stream, part.line, part.index)
    except OSError as exc:  # a read error in the middle of a file
        result.notifications.append(f"{source.path}: {exc.strerror or exc}")


def _keep_comments(ignore_comments: dict, found: dict) -> None:
    """Add a worker's suppression comments (file -> line -> suppressions) to the run's."""
    for path, by_line in found.items():
        kept = ignore_comments.setdefault(path, {})
        for line, suppressions_there in by_line.items():
            kept.setdefault(line, []).extend(suppressions_there)


def _lint_document(doc, ctx: Context, object_rules, result: RunResult, raw) -> None:
    """Parse one document, run the object rules on each of its objects (``object_rules``:
    those of every object, those of objects with a pod spec), keep their facts."""
    if doc.problem is not None:  # bytes that are not text: this document only is lost
        message, line, col = doc.problem
        raw.append(_parse_finding(doc.path, message, line, col, line, col + 1, doc.template))
        return
    items = _StreamedItems(doc, ctx, object_rules, result)
    root, problems, streamed = tree.parse_streaming_items(doc.text, doc.first_line, items.lint)
    if streamed:
        if k8s.is_list(root):
            items.keep(raw, ctx, result)
            return
        root, problems = tree.parse(doc.text, doc.first_line)  # not a List after all: the whole tree
    if problems and not (k8s.is_object(root) if root is not None else k8s.looks_like_object(doc.text)):
        problems = []  # not a Kubernetes document: its syntax is not portlint's business
    for p in problems:
        message = p.message
        if root is None and "{{" in doc.text:
            message += "; it looks like an unrendered Helm template"
        raw.append(_parse_finding(doc.path, message, p.line, p.col, p.end_line, p.end_col, doc.template))
    for manifest in k8s.manifests(doc, root):
        _lint_manifest(manifest, ctx, object_rules, result, raw)
    if clusterconfig.is_distribution_config(doc.path):  # k3s/RKE2 config.yaml: no kind, known by its path
        _guarded(result, _COLLECTOR, doc.path, raw, clusterconfig.collect_distribution_config, doc, root, ctx.facts)


def _lint_manifest(manifest: k8s.Manifest, ctx, object_rules, result: RunResult, raw) -> None:
    """Run the object rules on one object (``object_rules``: those of every object, those of
    objects with a pod spec) and keep its facts."""
    where = manifest.doc.path
    every_object, pod_objects = object_rules
    for rule in every_object:
        _guarded(result, rule, where, raw, rule.check, manifest, ctx)
    has_pod = k8s.pod_spec(manifest) is not None
    if has_pod:
        for rule in pod_objects:
            _guarded(result, rule, where, raw, rule.check, manifest, ctx)
    _guarded(result, _COLLECTOR, where, raw, run_facts.collect, manifest, ctx.facts)
    if has_pod:  # scripts and pod sysctls are a pod spec's
        _guarded(result, _COLLECTOR, where, raw, _unreadable_parts, manifest)
    manifest.cache.clear()  # its analyses point back at the manifest: break the cycle


class _StreamedItems:
    """The objects of a List, linted one by one as the parser completes them, so that a List
    of any size costs the memory of one object. Their findings, facts and notes are held
    apart until the document turns out to be a List (``keep``); otherwise the document is
    linted again from its whole tree and these are dropped."""

    def __init__(self, doc, ctx, object_rules, result: RunResult) -> None:
        self.doc, self.outer, self.object_rules, self.outer_result = doc, ctx, object_rules, result
        self.ctx: Context | None = None  # made at the first item: most documents are not Lists
        self.result: RunResult | None = None  # its notifications only
        self.raw: list[Finding] = []
        self.index = 0

    def lint(self, item) -> None:
        if self.ctx is None:
            self.ctx = Context(self.outer.settings, self.outer.kubernetes_version)
            self.result = RunResult(self.outer_result.findings, self.outer_result.rules)
        for manifest in k8s.list_item(self.doc, item, self.index):
            _lint_manifest(manifest, self.ctx, self.object_rules, self.result, self.raw)
        self.index += 1

    def keep(self, raw: list, ctx, result: RunResult) -> None:
        """Only after items were handed out (the parse said so)."""
        raw.extend(self.raw)
        ctx.facts.merge(self.ctx.facts)
        result.notifications.extend(self.result.notifications)


def _unreadable_parts(manifest: k8s.Manifest) -> list[Finding]:
    """PL000 for the parts of an object portlint cannot read as Kubernetes would: its
    scripts too deep to analyse, pod sysctls the API server rejects before reading them."""
    found = _unread_findings(writes.unread_scripts(manifest))
    for node, message, path in podsysctls.rejected_entries(manifest):
        found.append(report(PARSE_ERROR, manifest, manifest.doc.location(node), message, path))
    return found


def _unread_findings(unread: list[writes.UnreadScript]) -> list[Finding]:
    """A script too deep to analyse is input portlint cannot read: PL000 at the script."""
    return [report(PARSE_ERROR, u.obj, u.location, u.message, u.path) for u in unread]


def _lint_parts(parts: list, shared):
    """Worker side of a parallel run: read and lint a batch of inputs and parts of inputs
    (parallel.tasks) with a fresh fact store; return what the parent merges."""
    ctx, rules, stdin_name = shared
    ctx = Context(ctx.settings, ctx.kubernetes_version)
    result = RunResult(FindingStore(), rules)
    raw: list[Finding] = []
    comments: dict[str, dict[int, list[suppressions.Suppression]]] = {}
    object_rules = _object_rules(rules)
    gc.disable()
    for part in parts:
        for doc in _documents(part, stdin_name, result, comments):
            _lint_document(doc, ctx, object_rules, result, raw)
    return raw, ctx.facts, result.notifications, result.files, comments


class _COLLECTOR:  # names the fact collector in internal-error messages
    ID = "fact collection"


class _JOIN:  # names the join of kept scripts in internal-error messages
    ID = "the join of ConfigMap scripts"


def _guarded(result: RunResult, rule, where: str, out, call, *args) -> None:
    """``out += call(*args)``. Last resort: a rule that raises becomes one 'internal error'
    line naming the rule and the file, not a traceback."""
    try:
        found = call(*args)
        if found:
            out.extend(found)
    except SpillError:  # the run's, not the rule's: no report can be complete
        raise
    except RecursionError:
        result.notifications.append(f"internal error in {rule.ID} on {where}: input nested too deeply")
    except Exception as exc:  # noqa: BLE001 - deliberately broad: see docstring
        import traceback  # here, not at the top: only a failing rule needs it (start-up)

        origin = traceback.extract_tb(exc.__traceback__)[-1]
        result.notifications.append(
            f"internal error in {rule.ID} on {where}: {type(exc).__name__}: {exc} "
            f"({os.path.basename(origin.filename)}:{origin.lineno}); please report it"
        )


def _parse_finding(
    path: str, message: str, line: int, col: int, end_line: int, end_col: int, template: str | None = None
) -> Finding:
    return Finding(
        PARSE_ERROR,
        "error",
        message,
        Location(path, line, col, end_line, end_col),
        key=f"{line}:{col}:{message}",
        template=template,
    )


def fails(findings: FindingStore, fail_on: str) -> bool:
    """True when an unsuppressed finding is at or above ``fail_on`` (never: always False)."""
    return fail_on != "never" and findings.at_or_above(fail_on)

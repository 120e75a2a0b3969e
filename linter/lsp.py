"""``portlint lsp``: a language server over stdio (pygls), for editors.

It publishes diagnostics for open YAML/JSON documents: on open and save at once, on change
once the edits pause (the last change wins). Each lint is a ``check`` run from the document's
workspace folder: the same engine, rules, configuration (``config.find_config`` from the
document's directory), suppressions, ignore entries and the config's ``baseline`` (a
bad baseline is reported as a bad config is); the open buffers (in memory, named by their path
relative to the folder) replace their files, and the folder's other manifests are read from
disk as ``check`` discovers them, so the cross-file port rules see them. Only the findings in
open documents are published. Code actions: the fixes of fixes/ (proved by linting the buffer
again, as ``check --fix`` does; unsafe ones say so), a suppression comment on the line and
the ``portlint.io/ignore`` annotation on the object; hover on a diagnostic shows its rule's
help.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import sys
from typing import Iterable, Iterator

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import TextDocument

from . import __version__, baseline, config, engine, ruledoc, sources
from .charts import Found, chart_of
from .excludes import Excludes
from .findings import Finding, Location
from .fixes.annotation import object_annotation
from .fixes.edits import FileText
from .fixes.files import finding_key, fix_file
from .fixes.model import Replacement, Suggestion
from .fixes.registry import FIXES, SAFE
from .fixes.suppress import line_comment
from .rules import BY_ID, RULES

SOURCE = "portlint"
DEBOUNCE_SECONDS = 0.3  # after the last change of a burst of typing
SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "note": types.DiagnosticSeverity.Information,
}
MANIFEST_LANGUAGES = ("yaml", "json")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the LSP's line breaks, and portlint's (sources.py)


def editor_lines(text: str) -> list[str]:
    """The lines of a buffer as the LSP counts them (not str.splitlines, which also breaks
    at U+2028 and friends), without their line breaks."""
    return _LINE_BREAK.split(text)


def to_range(location: Location, lines: list[str], codec) -> types.Range:
    """portlint's 1-based lines and code-point columns (end exclusive) as an LSP range in the
    negotiated position encoding (UTF-16 code units unless the client offered another)."""
    start = types.Position(location.line - 1, location.column - 1)
    end = types.Position(location.end_line - 1, location.end_column - 1)
    return codec.range_to_client_units(lines, types.Range(start, end))


def is_manifest(document: TextDocument) -> bool:
    """A YAML/JSON document that ``check`` would lint as a file (Helm templates are not)."""
    named = document.path.endswith(sources.MANIFEST_SUFFIXES)
    if not (named or document.language_id in MANIFEST_LANGUAGES):
        return False
    return chart_of(document.path) is None


@contextlib.contextmanager
def working_directory(path: str) -> Iterator[None]:
    """Lint from the workspace folder, as ``check`` run there: every path in the findings
    and messages is relative to it. The server lints on one thread, so the change of
    directory is seen by nothing else."""
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


class Group:
    """Open documents linted in one run: those of one workspace folder under one config, or
    a document outside every folder, alone."""

    def __init__(self, base: str | None, config_path: str | None, folder: bool) -> None:
        self.base = base  # the run's working directory: the folder, or the lone file's directory
        self.config_path = config_path
        self.folder = folder  # whether the manifests on disk under ``base`` are linted too
        self.buffers: dict[str, TextDocument] = {}  # input name -> open document
        self.settings: config.Settings | None = None  # of the last lint (fixes are proved with them)
        self.levels: dict[str, str] = {}

    def inputs(self, settings: config.Settings) -> list[str]:
        """The open buffers the config does not exclude, then (in a folder) the manifests on
        disk that are not open."""
        excludes = Excludes(settings.exclude, settings.config_dir)
        named = [sources.MemoryInput(name, doc.source) for name, doc in self.buffers.items() if not excludes.match(name)]
        if not self.folder:
            return named
        on_disk = sources.discover(["."], excludes, Found(), sources.Skipped())
        return named + [path for path in on_disk if sources.display_path(path) not in self.buffers]

    def lint(self) -> tuple[list[Finding], list[str]]:
        """The findings in open documents, unsuppressed, and the run's notifications.
        A bad config raises config.ConfigError."""
        settings = self.settings = config.load(self.config_path)
        levels = self.levels = engine.effective_levels(RULES, settings, None, set())
        with working_directory(self.base or os.getcwd()):
            result = engine.lint(self.inputs(settings), settings, RULES, levels)
            marked, _ = baseline.settle(result.findings, settings.baseline, None)  # as check with the config's
            found = [f for f in marked if not f.suppressed and f.path in self.buffers]
        return found, result.notifications

    def locate(self, place: Location, codec) -> types.Location:
        """A place a finding names, in the editor's terms: in an open buffer, converted
        exactly; in a file on disk, its columns as code points (exact on ASCII lines, as
        manifests' keys and numbers are)."""
        doc = self.buffers.get(place.path)
        if doc is not None:
            return types.Location(doc.uri, to_range(place, editor_lines(doc.source), codec))
        start = types.Position(place.line - 1, place.column - 1)
        end = types.Position(place.end_line - 1, place.end_column - 1)
        return types.Location(from_fs_path(os.path.abspath(os.path.join(self.base or "", place.path))), types.Range(start, end))


def diagnostic(finding: Finding, group: Group, codec) -> types.Diagnostic:
    """One finding as the editor shows it: the rule as code with its page, the places it
    cites as related information (their labels as messages)."""
    rule = BY_ID[finding.rule_id]
    related = [types.DiagnosticRelatedInformation(group.locate(place, codec), place.label) for place in finding.related]
    return types.Diagnostic(
        range=group.locate(finding.location, codec).range,
        message=finding.message,
        severity=SEVERITY[finding.level],
        code=rule.ID,
        code_description=types.CodeDescription(href=ruledoc.url(rule)),
        source=SOURCE,
        related_information=related or None,
    )


class PortlintServer(LanguageServer):
    """The server's state: the diagnostics last published (hover reads them) and the lint
    waiting for typing to pause."""

    def __init__(self) -> None:
        super().__init__(SOURCE, __version__)
        self.published: dict[str, list[types.Diagnostic]] = {}
        self.found: dict[str, tuple[Group, str, list[Finding]]] = {}  # uri -> its group, input name, findings
        self.waiting: asyncio.TimerHandle | None = None

    def groups(self, documents: Iterable[TextDocument]) -> list[Group]:
        """The open manifests by (workspace folder, config file); a document outside every
        folder is a group of its own."""
        found: dict[tuple, Group] = {}
        for doc in documents:
            if not is_manifest(doc):
                continue
            base, config_path, name, folder = self.place(doc)
            key = (base, config_path) if folder else (doc.uri,)
            found.setdefault(key, Group(base, config_path, folder)).buffers[name] = doc
        return list(found.values())

    def place(self, doc: TextDocument) -> tuple[str | None, str | None, str, bool]:
        """(working directory, config file, input name, in a workspace folder) of an open
        document. A file outside every folder is linted alone from its directory; a buffer
        that is no file (``untitled:``), alone with the defaults."""
        if not doc.uri.startswith("file:"):
            return None, None, doc.filename, False
        root = self.folder_of(doc.path)
        base = root if root is not None else os.path.dirname(doc.path)
        name = os.path.relpath(doc.path, base).replace(os.sep, "/")
        return base, config.find_config(os.path.dirname(doc.path)), name, root is not None

    def folder_of(self, path: str) -> str | None:
        """The innermost workspace folder holding ``path`` (folders that are no files, such
        as a remote repository's, hold nothing here)."""
        roots = [to_fs_path(folder.uri) for folder in self.workspace.folders.values()]
        holding = [root for root in roots if root is not None and os.path.commonpath([root, path]) == root]
        return max(holding, key=len, default=None)

    def lint_open_documents(self) -> None:
        """Lint every open manifest and publish the diagnostics of each."""
        self.waiting = None
        for group in self.groups(list(self.workspace.text_documents.values())):
            try:
                findings, notes = group.lint()
            except config.ConfigError as exc:
                self.window_show_message(types.ShowMessageParams(types.MessageType.Error, str(exc)))
                findings, notes = [], []
            for note in notes:
                self.window_log_message(types.LogMessageParams(types.MessageType.Warning, note))
            self.publish(group, findings)

    def publish(self, group: Group, findings: list[Finding]) -> None:
        codec = self.workspace.position_codec
        for name, doc in group.buffers.items():
            diagnostics = [diagnostic(f, group, codec) for f in findings if f.path == name]
            self.published[doc.uri] = diagnostics
            self.found[doc.uri] = (group, name, [f for f in findings if f.path == name])
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(doc.uri, diagnostics, doc.version))

    def lint_soon(self) -> None:
        """Lint once the edits pause: each change restarts the wait."""
        if self.waiting is not None:
            self.waiting.cancel()
        self.waiting = asyncio.get_running_loop().call_later(DEBOUNCE_SECONDS, self.lint_open_documents)

    def lint_now(self) -> None:
        if self.waiting is not None:
            self.waiting.cancel()
        self.lint_open_documents()


server = PortlintServer()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def _opened(ls: PortlintServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.lint_now()


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def _saved(ls: PortlintServer, params: types.DidSaveTextDocumentParams) -> None:
    ls.lint_now()


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def _changed(ls: PortlintServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.lint_soon()


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def _closed(ls: PortlintServer, params: types.DidCloseTextDocumentParams) -> None:
    """A closed document's diagnostics go (its file is linted from disk as the others')."""
    ls.published.pop(params.text_document.uri, None)
    ls.found.pop(params.text_document.uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(params.text_document.uri, []))
    ls.lint_now()


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
def _code_actions(ls: PortlintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    doc = ls.workspace.get_text_document(params.text_document.uri)
    ours = [diag for diag in params.context.diagnostics if diag.source == SOURCE and diag.code in BY_ID]
    text = _LINE_BREAK.sub("\n", doc.source)
    lines = editor_lines(doc.source)
    codec = ls.workspace.position_codec
    actions = fix_actions(ls, doc, ours, lines, codec)
    file = FileText(doc.source.encode("utf-8"))
    for diag in ours:
        edit = line_comment(doc.path, text, diag.range.start.line + 1, diag.code)
        if edit is not None:
            actions.append(suppress_action(f"Suppress {diag.code} on this line", doc.uri, diag, file, edit, lines, codec))
        edit = object_annotation(text, doc.path, diag.range.start.line + 1, diag.code)
        if not isinstance(edit, str):
            actions.append(suppress_action(f"Suppress {diag.code} on this object", doc.uri, diag, file, edit, lines, codec))
    return actions


def fix_actions(ls: PortlintServer, doc: TextDocument, diags: list[types.Diagnostic], lines: list[str], codec) -> list[types.CodeAction]:
    """The fixes of the diagnostics' findings, each proved on the buffer as ``check --fix``
    proves it; one action per fix (a fix may remove several findings)."""
    group, name, findings = ls.found.get(doc.uri, (None, "", []))
    matched = {id(f): d for f in findings for d in diags if f.rule_id in FIXES and _is(d, f, group, codec)}
    if not matched:  # (a document with findings was linted: its group has settings)
        return []
    with working_directory(group.base or os.getcwd()):
        done = fix_file(name, FileText(doc.source.encode("utf-8")), [f for f in findings if id(f) in matched], group.settings, group.levels)
    actions = []
    for fix in done.outcome.kept:
        located = done.suggestions()[finding_key(fix.findings[0])]
        safe = all(FIXES[f.rule_id][1] == SAFE for f in fix.findings)
        actions.append(
            types.CodeAction(
                title=fix.title + ("" if safe else " (unsafe: changes what runs on the node)"),
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[matched[id(f)] for f in fix.findings],
                is_preferred=safe,
                edit=types.WorkspaceEdit(changes={doc.uri: text_edits(located, lines, codec)}),
            )
        )
    return actions


def _is(diag: types.Diagnostic, finding: Finding, group: Group, codec) -> bool:
    """Whether the editor's diagnostic is this finding's (its rule, at its range)."""
    return diag.code == finding.rule_id and diag.range == group.locate(finding.location, codec).range


def text_edits(fix: Suggestion, lines: list[str], codec) -> list[types.TextEdit]:
    """A located fix as LSP edits, in the negotiated position encoding."""
    out = []
    for r in fix.replacements:
        span = types.Range(types.Position(r.line - 1, r.column - 1), types.Position(r.end_line - 1, r.end_column - 1))
        out.append(types.TextEdit(codec.range_to_client_units(lines, span), r.text))
    return out


def suppress_action(title: str, uri: str, diag: types.Diagnostic, file: FileText, edit, lines: list[str], codec) -> types.CodeAction:
    """'Suppress PLxxx on this line / object': the ignore comment fixes/suppress.py places,
    or the annotation of fixes/annotation.py."""
    line, column, end_line, end_column, text = file.replacement(edit)
    fix = Suggestion("", "", (Replacement(line, column, end_line, end_column, text),))
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diag],
        edit=types.WorkspaceEdit(changes={uri: text_edits(fix, lines, codec)}),
    )


@server.feature(types.TEXT_DOCUMENT_HOVER)
def _hover(ls: PortlintServer, params: types.HoverParams) -> types.Hover | None:
    """On a diagnostic: its rule's help (what ``portlint explain`` prints)."""
    for diag in ls.published.get(params.text_document.uri, []):
        if _contains(diag.range, params.position):
            help = ruledoc.help_markdown(BY_ID[diag.code])
            return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, help), diag.range)
    return None


def _contains(span: types.Range, at: types.Position) -> bool:
    here = (at.line, at.character)
    return (span.start.line, span.start.character) <= here <= (span.end.line, span.end.character)


def serve() -> None:
    """Speak the protocol on a copy of stdout, and point stdout itself at stderr: a stray
    print (of a library) cannot corrupt the protocol, and the server closing its stream at
    exit leaves sys.stdout usable for the CLI's last flush."""
    protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    server.start_io(sys.stdin.buffer, protocol_out)

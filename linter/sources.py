"""Find input files, read and decode them, and split each stream into documents.

Documents are split at ``---`` / ``...`` lines *before* parsing, so that one broken
document yields a PL000 finding and the documents around it are still linted. Each
document remembers its first line in the file and the Helm template it was rendered
from (the ``# Source:`` comment ``helm template`` writes after ``---``).
"""

from __future__ import annotations

import codecs
import fnmatch
import os
import re
import sys
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from .findings import Location
from .tree import end_mark, start_mark

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
_BOUNDARY = re.compile(r"^(?:---|\.\.\.)(?=[ \t]|$)", re.M)
_HELM_SOURCE = re.compile(r"^# Source: ([^\n]+?)[ \t]*$", re.M)
_IGNORE_COMMENT = re.compile(r"#\s*portlint:\s*ignore\[([A-Za-z0-9_,\s]+)\]")


# Inputs that exist only in memory (the output of `helm template` for `portlint helm`),
# by display name; read() and the Helm mapping look here before the disk.
IN_MEMORY: dict[str, str] = {}


class InputError(Exception):
    """A path that cannot be read: reported on one line, the run exits 2."""


@dataclass(slots=True)
class SourceFile:
    """One input: its display path (relative, forward slashes) and decoded text."""

    path: str
    text: str = ""
    problem: tuple[str, int, int] | None = None  # (message, line, column) when undecodable
    ignore_comments: dict[int, set[str]] = field(default_factory=dict)  # line -> rule ids


@dataclass(slots=True)
class Document:
    """One YAML document of a stream: ``text`` starts at line ``first_line`` of the file."""

    source: SourceFile
    text: str
    first_line: int
    index: int
    template: str | None = None

    @property
    def path(self) -> str:
        return self.source.path

    def location(self, node, end_node=None, label: str = "") -> Location:
        """The 1-based region of ``node`` (through ``end_node`` when given) in the file."""
        sm = start_mark(node)
        em = end_mark(end_node if end_node is not None else node)
        offset = self.first_line
        end_line, end_col = em.line + offset, em.column + 1
        if em.column == 0 and em.line > sm.line:  # a block ends at the start of the next line
            end_line, end_col = self._line_end(em.line - 1)
        return Location(self.path, sm.line + offset, sm.column + 1, end_line, end_col, label)

    def point(self, line: int, column: int, end_line: int, end_column: int, label: str = "") -> Location:
        return Location(self.path, line, column, end_line, end_column, label)

    def _line_end(self, parser_line: int) -> tuple[int, int]:
        """(line, column after the last character) of a 0-based line of this document."""
        pos = 0
        for _ in range(parser_line):
            pos = self.text.find("\n", pos) + 1
        end = self.text.find("\n", pos)
        end = len(self.text) if end < 0 else end
        return parser_line + self.first_line, max(1, end - pos + 1)


def display_path(path: str) -> str:
    """Path relative to the working directory with forward slashes; never absolute."""
    if not os.path.isabs(path):  # the common case: no getcwd() per file
        return os.path.normpath(path).replace(os.sep, "/")
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        rel = os.path.abspath(path).lstrip("/\\")
    return rel.replace(os.sep, "/")


def discover(paths: Iterable[str], exclude: Iterable[str] = ()) -> Iterator[str]:
    """File paths to lint, in a stable order. Directories are walked (hidden ones skipped,
    symlinked directories followed once); a missing path raises InputError."""
    patterns = list(exclude)
    for given in paths:
        if given == "-" or given in IN_MEMORY:
            yield given
            continue
        if not os.path.lexists(given):
            raise InputError(f"{given}: no such file or directory")
        if os.path.isdir(given):
            yield from _walk(given, patterns)
        elif not patterns or not _excluded(display_path(given), patterns):
            yield given


def _walk(top: str, patterns: list[str]) -> Iterator[str]:
    seen: set[tuple[int, int]] = set()

    def onerror(exc: OSError) -> None:
        raise InputError(f"{exc.filename}: {exc.strerror or exc}")

    for dirpath, dirnames, filenames in os.walk(top, followlinks=True, onerror=onerror):
        try:
            st = os.stat(dirpath)
        except OSError:
            dirnames[:] = []
            continue
        ident = (st.st_dev, st.st_ino)
        if ident in seen:  # a symlink loop or a second way into the same directory
            dirnames[:] = []
            continue
        seen.add(ident)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(".") and not (patterns and _excluded(display_path(os.path.join(dirpath, d)), patterns))
        )
        for name in sorted(filenames):
            if name.endswith(MANIFEST_SUFFIXES) and not name.startswith("."):
                full = os.path.join(dirpath, name)
                if not patterns or not _excluded(display_path(full), patterns):
                    yield full


def _excluded(path: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatch(path, p) or fnmatch.fnmatch(os.path.basename(path), p) for p in patterns)


def read(path: str, stdin_name: str = "-") -> SourceFile:
    """Read and decode one input; undecodable bytes become a ``problem``, not an exception.
    Unreadable paths raise InputError."""
    if path in IN_MEMORY:
        data = IN_MEMORY[path].encode("utf-8")
        shown = path
    elif path == "-":
        data = sys.stdin.buffer.read()
        shown = stdin_name
    else:
        shown = display_path(path)
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise InputError(f"{shown}: {exc.strerror or exc}") from None
    source = SourceFile(shown)
    text, problem = decode(data)
    source.text = text
    source.problem = problem
    if "portlint:" in text:
        source.ignore_comments = _ignore_comments(text)
    return source


def decode(data: bytes) -> tuple[str, tuple[str, int, int] | None]:
    """UTF-8 (with or without BOM) or UTF-16 with BOM; CRLF and CR become LF."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
        encoding = "utf-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
        nul = data.find(b"\x00")
        if nul >= 0:
            line, col = _byte_position(data, nul)
            return "", (f"binary file, not a YAML or JSON manifest (NUL byte at line {line}, column {col})", line, col)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line, col = _byte_position(data, exc.start) if encoding == "utf-8" else (1, 1)
        bad = data[exc.start : exc.start + 1].hex()
        return "", (
            f"file is not valid {encoding.upper()} (byte 0x{bad} at line {line}, column {col}); "
            "Kubernetes manifests must be UTF-8: re-save the file as UTF-8",
            line,
            col,
        )
    if encoding == "utf-16" and text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, None


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return line, column


def _ignore_comments(text: str) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for match in _IGNORE_COMMENT.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        ids = {part.strip().upper() for part in match.group(1).split(",") if part.strip()}
        found.setdefault(line, set()).update(ids)
    return found


def split_documents(source: SourceFile) -> Iterator[Document]:
    """The documents of a stream, each with its first line and Helm template."""
    text = source.text
    start = 0
    line = 1
    index = 0
    for match in _BOUNDARY.finditer(text):
        pos = match.start()
        if match.group(0) == "...":  # end marker: belongs to the document it ends
            end = text.find("\n", pos)
            end = len(text) if end < 0 else end + 1
        else:
            end = pos
        if end > start:
            yield _document(source, text[start:end], line, index)
            index += 1
            line += text.count("\n", start, end)
            start = end
    if start < len(text):
        yield _document(source, text[start:], line, index)


def _document(source: SourceFile, chunk: str, first_line: int, index: int) -> Document:
    return Document(source, chunk, first_line, index, _helm_template(chunk))


def _helm_template(chunk: str) -> str | None:
    """The ``# Source:`` path when it appears in the document's leading comments."""
    if "# Source:" not in chunk:
        return None
    for raw in chunk.split("\n", 20)[:20]:
        stripped = raw.strip()
        if stripped.startswith("# Source:"):
            match = _HELM_SOURCE.match(stripped)
            return match.group(1) if match else None
        if stripped and not stripped.startswith("#") and not stripped.startswith("---"):
            return None
    return None

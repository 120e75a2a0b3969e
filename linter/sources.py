"""Find input files, read and decode them, and split each stream into documents.

Documents are split at ``---`` / ``...`` lines *before* parsing, so that one broken
document yields a PL000 finding and the documents around it are still linted. Each
document remembers its first line in the file and the Helm template it was rendered
from (the ``# Source:`` comment ``helm template`` writes after ``---``).
"""

from __future__ import annotations

import codecs
import io
import json
import os
import re
import stat
import sys
from typing import BinaryIO, Iterable, Iterator

from . import suppressions
from .charts import CHART_FILE, TEMPLATES, Found, chart_input, chart_of, outermost
from .excludes import NOTHING, Excludes
from .findings import Location
from .records import field, frozen, mutable
from .suppressions import Suppression
from .tree import end_mark, start_mark

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
# a document marker at the start of a line, found after the line break before it: a search
# for a pattern that opens with a literal character skips ahead to it, one that opens with ^ in
# multiline mode tries every position (5x slower); the first line is checked alone
_BOUNDARY = re.compile(r"\n(---|\.\.\.)(?=[ \t\n]|\Z)")
_HELM_SOURCE = "# Source: "  # helm template's comment before each document, then the template's path


class MemoryInput(str):
    """An input that exists only in memory (stdin kept for the Helm mapping, the output of
    `helm template`): the string is its display name, ``text`` its content. A ``str`` so that
    it passes wherever input paths do."""

    text: str

    def __new__(cls, name: str, text: str) -> "MemoryInput":
        self = super().__new__(cls, name)
        self.text = text
        return self

    def __reduce__(self):  # to a worker process (a str subclass pickles without its text)
        return MemoryInput, (str(self), self.text)


class InputError(Exception):
    """A path that cannot be read: reported on one line, the run exits 2."""


@mutable
class SourceFile:
    """One input: its display path (relative, forward slashes) and decoded text."""

    path: str
    text: str = ""
    ignore_comments: dict[int, list[Suppression]] = field(default_factory=dict)  # by line


@frozen
class Part:
    """What to read of one input: all of it, or (parallel.py) its bytes from ``start`` to
    ``end``, which begin at a '---' line, at line ``line`` of the file and document ``index``
    of its stream (see ``cut_points``)."""

    path: str
    start: int = 0
    end: int | None = None
    line: int = 1
    index: int = 0


@mutable
class Document:
    """One YAML document of a stream: ``text`` starts at line ``first_line`` of the file."""

    source: SourceFile
    text: str
    first_line: int
    index: int
    template: str | None = None
    problem: tuple[str, int, int] | None = None  # (message, line, column) of bytes that are not text

    @property
    def path(self) -> str:
        return self.source.path

    def location(self, node, end_node=None, label: str = "") -> Location:
        """The 1-based region of ``node`` (through ``end_node`` when given) in the file."""
        sm = start_mark(node)
        em = end_mark(end_node if end_node is not None else node)
        offset = self.first_line
        line = sm.line + offset
        # one int object for both ends of a one-line region: the run keeps a Location per fact
        end_line, end_col = line if em.line == sm.line else em.line + offset, em.column + 1
        if em.column == 0 and em.line > sm.line:  # a block ends at the start of the next line
            end_line, end_col = self._line_end(em.line - 1)
        return Location(self.path, line, sm.column + 1, end_line, end_col, label)

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


@mutable
class Skipped:
    """What discovery passed over: ``notes`` by design (special files), ``errors`` because
    they could not be read (unreadable or vanished directories and files: the run still
    lints the rest, then exits 2)."""

    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def discover(
    paths: Iterable[str], excludes: Excludes = NOTHING, charts: Found | None = None, skipped: Skipped | None = None
) -> Iterator[str]:
    """Regular files to lint, in a stable order, each once however often it is reached (by
    its real identity: a directory and a file in it, ``./x`` and ``x``, links). Directories
    are walked (hidden ones skipped, symlinked directories not followed: only a path given
    here is followed). A missing given path raises InputError; what cannot be read or is not
    a regular file goes to ``skipped`` (without it, the first such path raises InputError at
    the end). Helm templates are never yielded: their charts are added to ``charts``
    (linter/charts.py)."""
    if skipped is None:
        own = Skipped()
        yield from discover(paths, excludes, charts, own)
        if own.errors or own.notes:
            raise InputError((own.errors + own.notes)[0])
        return
    seen: set[tuple[int, int]] = set()
    for given in paths:
        if given == "-" or isinstance(given, MemoryInput):
            yield given
            continue
        if not os.path.lexists(given):
            raise InputError(f"{given}: no such file or directory")
        if os.path.isdir(given):
            owner = chart_of(given)
            if owner is None:
                yield from _once(_walk(given, excludes, charts, skipped), seen, skipped)
            elif charts is not None and not excludes.match(given, is_dir=True):
                charts.add(owner)
        elif not excludes.match(given):
            owner = chart_input(given)
            if owner is not None and charts is not None:
                charts.add(owner)
            if owner is None or chart_of(given) is None:
                yield from _once([given], seen, skipped)


_SPECIAL = {stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device"}


def special_kind(mode: int) -> str | None:
    """What a file that is not a regular file is ("a FIFO", ...), None for a regular file.
    Only regular files are read: a FIFO would block the run, a device never end."""
    if stat.S_ISREG(mode):
        return None
    return _SPECIAL.get(stat.S_IFMT(mode), "a directory" if stat.S_ISDIR(mode) else "not a regular file")


def _once(files: Iterable[str], seen: set[tuple[int, int]], skipped: Skipped) -> Iterator[str]:
    """The regular files among ``files`` not yielded before; the others named in ``skipped``."""
    for path in files:
        try:
            st = os.stat(path)
        except OSError as exc:  # vanished, or a dangling link
            skipped.errors.append(f"{display_path(path)}: {exc.strerror or exc}")
            continue
        kind = special_kind(st.st_mode)
        if kind is not None:
            skipped.notes.append(f"{display_path(path)}: {kind}, not a regular file; not linted")
            continue
        ident = (st.st_dev, st.st_ino)
        if ident not in seen:
            seen.add(ident)
            yield path


def _walk(top: str, excludes: Excludes, charts: Found | None, skipped: Skipped) -> Iterator[str]:
    """Candidate files under ``top``. Symlinked directories are not followed (as ruff and
    yamllint do): a link to /usr or / must not pull the system into the run, and no link
    loop can form."""

    def onerror(exc: OSError) -> None:  # an unreadable or vanished directory: the rest goes on
        skipped.errors.append(f"{display_path(exc.filename)}: {exc.strerror or exc}")

    for dirpath, dirnames, filenames in os.walk(top, onerror=onerror):
        if CHART_FILE in filenames:  # a Helm chart: its templates are linted once rendered
            if charts is not None:
                charts.add(outermost(dirpath))
            dirnames[:] = [d for d in dirnames if d != TEMPLATES]
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and not excludes.match(os.path.join(dirpath, d), is_dir=True)
        )
        for name in sorted(filenames):
            if name.endswith(MANIFEST_SUFFIXES) and not name.startswith("."):
                full = os.path.join(dirpath, name)
                if not excludes.match(full):
                    yield full


BLOCK_SIZE = 1 << 20  # read and decode inputs a megabyte at a time


def open_part(part: Part, stdin_name: str = "-") -> tuple[SourceFile, BinaryIO]:
    """``open_input`` of the part's input, its byte stream limited to the part's bytes."""
    source, stream = open_input(part.path, stdin_name)
    if part.start == 0 and part.end is None:
        return source, stream
    return source, _Window(stream, part.start, part.end)


class _Window:
    """The bytes of a stream from ``start`` to ``end`` (None: its end), read as a stream."""

    def __init__(self, raw: BinaryIO, start: int, end: int | None) -> None:
        raw.seek(start)
        self.raw = raw
        self.left = -1 if end is None else end - start  # -1: no limit

    def read(self, size: int) -> bytes:
        if self.left < 0:
            return self.raw.read(size)
        data = self.raw.read(min(size, self.left))
        self.left -= len(data)
        return data

    def close(self) -> None:
        self.raw.close()


def open_input(path: str, stdin_name: str = "-") -> tuple[SourceFile, BinaryIO]:
    """The SourceFile of an input and its byte stream; unreadable paths raise InputError."""
    if isinstance(path, MemoryInput):
        return SourceFile(str(path)), io.BytesIO(path.text.encode("utf-8"))
    if path == "-":
        return SourceFile(stdin_name), sys.stdin.buffer
    shown = display_path(path)
    try:  # without blocking: discovery checked the file, but it may be a FIFO by now
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise InputError(f"{shown}: {exc.strerror or exc}") from None
    kind = special_kind(os.fstat(fd).st_mode)
    if kind is not None:
        os.close(fd)
        raise InputError(f"{shown}: {kind}, not a regular file; not linted")
    return SourceFile(shown), os.fdopen(fd, "rb")  # closed by documents()


def documents(source: SourceFile, raw: BinaryIO, first_line: int = 1, index: int = 0) -> Iterator[Document]:
    """The documents of a byte stream, decoded and split as they are read, so that a huge
    stream is never held whole. A document holding bytes that are not text carries a
    ``problem`` (a PL000 finding) instead of being parsed; the others are linted. A stream
    that is a part of an input (``Part``) starts at line ``first_line``, document ``index``."""
    try:
        yield from split_text_blocks(source, _decoded_blocks(raw), first_line, index)
    finally:
        if raw is not sys.stdin.buffer:
            raw.close()


_ESCAPE = 0xDC00  # an undecodable byte B becomes the lone surrogate U+DC00+B
_ESCAPE_HANDLER = "portlint-escape"


def _escape_bytes(exc: UnicodeDecodeError) -> tuple[str, int]:
    """Like Python's "surrogateescape", for every byte (also below 0x80, as UTF-16 errors
    hold): the stream decodes to the end, and the document holding the bad bytes is found
    by its escapes (no decoder yields a lone surrogate for valid input)."""
    return "".join(chr(_ESCAPE + byte) for byte in exc.object[exc.start : exc.end]), exc.end


codecs.register_error(_ESCAPE_HANDLER, _escape_bytes)
_NOT_TEXT = re.compile("[\x00\udc00-\udcff]")


def _decoded_blocks(raw: BinaryIO) -> Iterator[str]:
    """Text blocks of the stream with LF line ends (UTF-8, with or without BOM, or UTF-16
    with BOM, whose decoder drops the BOM); bytes that are not text are escaped."""
    head = raw.read(BLOCK_SIZE)
    encoding = "utf-8"
    if head.startswith(codecs.BOM_UTF8):
        head = head[3:]
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    decoder = codecs.getincrementaldecoder(encoding)(errors=_ESCAPE_HANDLER)
    pending_cr = ""
    block = head
    while True:
        final = not block
        text = pending_cr + decoder.decode(block, final=final)
        pending_cr = ""
        if text.endswith("\r") and not final:
            text, pending_cr = text[:-1], "\r"
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if text:
            yield text
        if final:
            return
        block = raw.read(BLOCK_SIZE)


def not_text(text: str, first_line: int = 1) -> tuple[str, int, int] | None:
    """(message, line, column) of the first NUL or undecodable byte of ``text``, whose
    first line is line ``first_line`` of its file; None when it is all text."""
    if text.isascii() and "\x00" not in text:  # the common case, 40x faster than the search
        return None
    found = _NOT_TEXT.search(text)
    if found is None:
        return None
    at = found.start()
    line = first_line + text.count("\n", 0, at)
    col = at - text.rfind("\n", 0, at)
    code = ord(found.group())
    if code == 0:
        what = f"a NUL byte at line {line}, column {col}: binary data, not a YAML or JSON manifest"
    else:  # in a UTF-16 file too: the advice is the same
        what = (
            f"byte 0x{code - _ESCAPE:02x} at line {line}, column {col} is not valid UTF-8; "
            "Kubernetes manifests must be UTF-8: re-save the file as UTF-8"
        )
    return f"{what}. This document is not linted", line, col


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """(line, column) of byte ``offset`` of UTF-8 ``data``, columns counted in characters
    (config.py places a bad byte of a config file with it)."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return line, column


def decode(data: bytes) -> tuple[str, tuple[str, int, int] | None]:
    """Decode a whole input: (text, None), or (text, (message, line, column)) of its first
    byte that is not text."""
    text = "".join(_decoded_blocks(io.BytesIO(data)))
    return text, not_text(text)


def split_documents(source: SourceFile) -> Iterator[Document]:
    """The documents of ``source.text``, each with its first line and Helm template."""
    return split_text_blocks(source, [source.text] if source.text else [])


def split_text_blocks(source: SourceFile, blocks, first_line: int = 1, index: int = 0) -> Iterator[Document]:
    """Split text arriving in blocks into documents at '---' and '...' lines. Only whole
    lines are searched for boundaries; a document is yielded as soon as it is complete.
    ``first_line`` and ``index``: those of the first document (a part of an input)."""
    pending: list[str] = []  # complete lines of the current document
    carry = ""  # the unfinished last line of the text seen so far
    for block in blocks:
        text = carry + block if carry else block
        cut = text.rfind("\n") + 1
        if cut == 0:
            carry = text
            continue
        complete, carry = text[:cut], text[cut:]
        start = 0
        for pos, marker in _markers(complete):
            end = complete.find("\n", pos) + 1 if marker == "..." else pos
            if end > start or (pending and end == start):
                pending.append(complete[start:end])
                chunk = "".join(pending)
                if chunk:
                    for doc in _chunk_documents(source, chunk, first_line, index):
                        yield doc
                        index += 1
                    first_line += chunk.count("\n")
                pending = []
                start = end
        pending.append(complete[start:])
    if carry:
        pending.append(carry)
    chunk = "".join(pending)
    if chunk:
        yield from _chunk_documents(source, chunk, first_line, index)


def _opens_with_marker(text: str) -> bool:
    return _BOUNDARY.match("\n" + text[:4]) is not None


def _markers(text: str) -> Iterator[tuple[int, str]]:
    """(offset, '---' or '...') of each line of ``text`` that is a document marker."""
    if _opens_with_marker(text):
        yield 0, text[:3]
    for match in _BOUNDARY.finditer(text):
        yield match.start(1), match.group(1)


def _chunk_documents(source: SourceFile, chunk: str, first_line: int, index: int) -> Iterator[Document]:
    """The documents of the text between two boundaries: one, or one per JSON object when
    the stream opens with concatenated JSON objects (kubectl decodes a stream whose first
    character is "{" as a sequence of JSON values). A later object's document keeps its
    place on its first line: the text before it there is blanked."""
    starts = _json_starts(chunk) if index == 0 else []
    begin = 0
    for end in [*starts, len(chunk)]:
        line_start = chunk.rfind("\n", 0, begin) + 1
        text = " " * (begin - line_start) + chunk[begin:end]
        yield _document(source, text, first_line + chunk.count("\n", 0, begin), index)
        index += 1
        begin = end


def _skip(_text: str) -> None:
    """Numbers are not converted while looking for the end of a JSON object."""


_JSON = json.JSONDecoder(parse_int=_skip, parse_float=_skip, parse_constant=_skip)
_JSON_SPACE = re.compile(r"[ \t\n]*")
_JSON_JOIN = re.compile(r"\}[ \t\n]*\{")  # inside one JSON value, a comma always separates "}" from "{"


def _json_starts(chunk: str) -> list[int]:
    """Where the second and later objects of concatenated JSON objects start; [] for a
    single object and for anything that is not a JSON object."""
    starts: list[int] = []
    at = _JSON_SPACE.match(chunk).end()  # type: ignore[union-attr]
    if _JSON_JOIN.search(chunk) is None:  # the cheap common case: one object, or YAML
        return starts
    while chunk.startswith("{", at):
        try:
            end = _JSON.raw_decode(chunk, at)[1]
        except (ValueError, RecursionError):  # not JSON: the YAML parser reports it
            break
        at = _JSON_SPACE.match(chunk, end).end()  # type: ignore[union-attr]
        if chunk.startswith("{", at):
            starts.append(at)
    return starts


def _document(source: SourceFile, chunk: str, first_line: int, index: int) -> Document:
    chunk = _without_bom(chunk)
    if "portlint:" in chunk:
        for suppression in suppressions.comments(chunk, source.path, first_line):
            source.ignore_comments.setdefault(suppression.location.line, []).append(suppression)
    return Document(source, chunk, first_line, index, _helm_template(chunk), not_text(chunk, first_line))


def _without_bom(chunk: str) -> str:
    """The document without a BOM after its '---' line: kubectl splits a stream at '---'
    lines and decodes each document alone, so a BOM may open any document (files joined with
    cat). One at the very start of the text the parser skips itself."""
    if not _opens_with_marker(chunk):
        return chunk
    start = chunk.find("\n") + 1
    return chunk[:start] + chunk[start + 1 :] if chunk.startswith("\ufeff", start) else chunk


def _helm_template(chunk: str) -> str | None:
    """The ``# Source:`` path when it appears in the document's leading comments."""
    if "# Source:" not in chunk:
        return None
    for raw in chunk.split("\n", 20)[:20]:
        stripped = raw.strip()
        if stripped.startswith("# Source:"):  # the path runs to the end of the stripped line
            return stripped[len(_HELM_SOURCE) :] if stripped.startswith(_HELM_SOURCE) else None
        if stripped and not stripped.startswith("#") and not stripped.startswith("---"):
            return None
    return None


# In an input's bytes: a '---' line (after the line break before it), one that only looks
# like one, and a '...' line. Lone CRs are refused below, so a CR here is one of a CRLF.
_BYTE_MARKER = re.compile(rb"\n---[ \t\r\n]")
_NOT_A_BYTE_MARKER = re.compile(rb"\n---[^ \t\r\n]")
_BYTE_END_MARKER = re.compile(rb"\n\.\.\.[ \t\r\n]")
_OPENS_UNCUTTABLE = re.compile(rb"[ \t\r\n]*\{|\.\.\.(?:[ \t\r\n]|\Z)")  # a JSON stream, or a '...' line


def cut_points(raw: BinaryIO, every: int) -> Iterator[tuple[int, int, int]]:
    """(byte offset, line, document index) of '---' lines of the input read from ``raw``, about
    ``every`` bytes apart, where it can be cut into parts that ``documents`` splits alone (from
    that line and index) into exactly the documents of the whole. The bytes are read a block
    at a time and only line breaks and markers are counted (no decoding): the parent of the
    worker processes does this alone, and its first cut is known after the first block. No
    more cuts from the first place where the split depends on more than '---' lines: a UTF-16
    input or a JSON stream (its first chunk may hold several documents) is not cut at all;
    lone CR line breaks (they count as lines once decoded), a '...' line (it ends a document at
    the next line) or a line longer than a block end the cutting there (the split of the
    text before does not depend on the text after)."""
    head = _head(raw)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return
    if _OPENS_UNCUTTABLE.match(head, 3 if head.startswith(codecs.BOM_UTF8) else 0):
        return
    counter = _LineCounter()
    last = 0  # the offset of the last cut
    carry = b""  # from the last line break of the bytes before (its offset: counter.base)
    block = head
    while block:
        data = carry + block
        end = data.rfind(b"\n") + 1  # complete lines only: a marker's next byte is in them
        if end == 0 or (end == 1 and carry):  # no line ends in this block
            if len(data) > BLOCK_SIZE:  # a line of megabytes (JSON): not worth a cut
                return
            carry = data
            block = raw.read(BLOCK_SIZE)
            continue
        lines = data[:end]
        if (b"\r" in lines and lines.count(b"\r") != lines.count(b"\r\n")) or _BYTE_END_MARKER.search(lines):
            return
        while True:
            found = _BYTE_MARKER.search(lines, max(last + every - counter.base - 1, 0))
            if found is None:
                break
            last, line, markers = counter.upto(lines, found.start() + 1)
            yield last, line, markers + 1  # a marker closes the document before it
        counter.upto(lines, end)
        carry = data[end - 1 :]  # from the last line break: a marker after it is seen whole
        counter.rebase(end - 1)
        block = raw.read(BLOCK_SIZE)


def _head(raw: BinaryIO) -> bytes:
    """The first block of ``raw``, read on until it holds the first bytes after a BOM and
    blank space (or the whole input): what decides whether the input may be cut at all
    (kubectl reads concatenated JSON objects after any blank space, a megabyte of it too)."""
    head = raw.read(BLOCK_SIZE)
    while True:
        bom = 3 if head.startswith(codecs.BOM_UTF8) else 0
        if len(head[bom:].lstrip(b" \t\r\n")) >= 4:
            return head
        more = raw.read(BLOCK_SIZE)
        if not more:
            return head
        head += more


class _LineCounter:
    """Counts the line breaks and document markers of an input's bytes before a position, for
    ``cut_points``. ``base``: the offset in the input of the bytes it is given; after the first
    block those start with the last line break of the block before."""

    def __init__(self) -> None:
        self.base = 0
        self.lines_done = 0  # the line breaks before this position of the data are counted
        self.markers_done = 0  # and the markers whose line break is before this one
        self.line = 1
        self.markers = 0

    def upto(self, data: bytes, at: int) -> tuple[int, int, int]:
        """(offset, line, markers) of position ``at`` of ``data``, where a line starts: its line
        is 1 + the line breaks before it; the markers are those on the lines before it."""
        self.line += data.count(b"\n", self.lines_done, at)
        # "\n---X" counts when its line break is before at - 1: 4 bytes counted, 5 matched
        self.markers += data.count(b"\n---", self.markers_done, at + 2)
        self.markers -= sum(1 for _ in _NOT_A_BYTE_MARKER.finditer(data, self.markers_done, at + 3))
        self.lines_done, self.markers_done = at, at - 1
        return self.base + at, self.line, self.markers

    def rebase(self, at: int) -> None:
        """The next data starts at position ``at`` of this one: with its last line break,
        counted as a line but not yet as the start of a marker."""
        self.base += at
        self.lines_done -= at
        self.markers_done -= at

"""What a rule reports: a Finding with one primary Location and optional related ones."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .records import field, frozen, mutable

if TYPE_CHECKING:
    from .suppressions import Suppression

LEVELS = ("note", "warning", "error")  # a finding's levels, lowest first (--fail-on compares them)
LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS)}


@frozen
class Location:
    """A region of a file, 1-based, end column exclusive (SARIF's convention)."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    label: str = ""  # what this place is, for related locations

    def at(self, label: str) -> "Location":
        return Location(self.path, self.line, self.column, self.end_line, self.end_column, label)


@mutable
class Finding:
    """One problem. ``key`` identifies it within its object, independent of line numbers,
    so that fingerprints survive unrelated edits above it."""

    rule_id: str
    level: str
    message: str
    location: Location | None  # None: the finding belongs to the run (a range given as a flag)
    related: list[Location] = field(default_factory=list)
    key: str = ""
    resource: str = ""  # the object's k8s ident, Kind/namespace/name ("" for a parse error or the run's)
    template: str | None = None  # Helm template the object was rendered from
    suppressed: bool = False
    suppressed_by: Suppression | None = None  # the comment or annotation entry that suppressed it
    occurrence: int = 0  # findings before this one in the report with the same fingerprint basis

    @property
    def justification(self) -> str:
        """The reason the suppression gives ("" when none, or not suppressed by an entry)."""
        return self.suppressed_by.justification if self.suppressed_by is not None else ""

    @property
    def path(self) -> str | None:
        return self.location.path if self.location is not None else None

    def fingerprint_basis(self) -> str:
        return "\x1f".join((self.rule_id, self.path or "", self.key or self.message))

    def fingerprint(self) -> str:
        """Stable across line shifts, unique in a report: a second finding with the same basis
        (the same Service twice in one file) counts its occurrence in, as GitLab keeps one
        finding per fingerprint and code scanning merges results that share one."""
        import hashlib  # here: the text report never loads OpenSSL (start-up)

        basis = self.fingerprint_basis()
        if self.occurrence:
            basis += f"\x1f{self.occurrence}"
        # surrogatepass: a file name that is not UTF-8 holds lone surrogates (os's surrogateescape)
        return hashlib.sha256(basis.encode("utf-8", "surrogatepass")).hexdigest()[:32]

    def sort_key(self) -> tuple:
        """Run-level findings first (no file path is empty), then by file and position."""
        loc = self.location
        if loc is None:
            return ("", self.rule_id, self.message)
        return (loc.path, loc.line, loc.column, self.rule_id, self.message)


def report(
    rule_id: str, obj, location: Location, message: str, path: str, related: list[Location] | None = None, level: str = ""
) -> Finding:
    """A finding of rule ``rule_id`` about ``obj`` (a k8s.Manifest or a facts.ObjectRef);
    ``path`` names the flagged place inside the object (e.g. 'spec.ports[http].nodePort')
    and keys the fingerprint. The engine sets the level: the configured one, else ``level``
    when a rule reports some findings below its default, else the rule's default. The
    object's ``portlint.io/ignore`` annotation suppresses it here; a comment on its line, in
    the engine."""
    finding = Finding(
        rule_id,
        level,
        message,
        location,
        list(related or ()),
        key=f"{obj.ident}:{path}",
        resource=obj.ident,
        template=obj.template,
    )
    suppress(finding, obj.suppression(rule_id))
    return finding


def suppress(finding: Finding, by: Suppression | None) -> None:
    """Mark ``finding`` suppressed by ``by`` (None: nothing suppresses it)."""
    if by is not None:
        finding.suppressed = True
        finding.suppressed_by = by


def run_report(rule_id: str, location: Location | None, message: str, key: str) -> Finding:
    """A finding about the run's settings rather than an object: a range from the config
    file (located there) or from a flag (``location`` None). No annotation can suppress it;
    the config's ``rules`` and ``--ignore`` can."""
    return Finding(rule_id, "", message, location, key=key)

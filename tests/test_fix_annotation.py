"""The object suppression a quick fix adds (linter/fixes/annotation.py): the
portlint.io/ignore annotation, read back by suppressions.py as it is written."""

from __future__ import annotations

import pytest

from portlint import config, engine
from portlint.fixes.annotation import object_annotation
from portlint.fixes.edits import apply
from portlint.rules import RULES
from portlint.sources import MemoryInput

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 40000
"""
NODE_PORT = 9  # the line PL302 points at: the nodePort value


def _findings(text: str) -> list[tuple[str, bool]]:
    settings = config.Settings()
    levels = engine.effective_levels(RULES, settings, None, set())
    return [(f.rule_id, f.suppressed) for f in engine.lint([MemoryInput("svc.yaml", text)], settings, RULES, levels).findings]


def test_a_new_annotations_key_opens_the_metadata_and_suppresses_the_finding():
    assert _findings(SERVICE) == [("PL302", False)]
    fixed = apply(SERVICE, [object_annotation(SERVICE, "svc.yaml", NODE_PORT, "PL302")])
    assert fixed == SERVICE.replace("metadata:\n  name: web\n", 'metadata:\n  annotations:\n    portlint.io/ignore: "PL302"\n  name: web\n')
    assert _findings(fixed) == [("PL302", True)]


def test_the_annotation_goes_first_among_the_others():
    text = SERVICE.replace("  name: web\n", "  name: web\n  annotations:\n    team: a\n")
    fixed = apply(text, [object_annotation(text, "svc.yaml", NODE_PORT, "PL302")])
    assert fixed == text.replace("    team: a\n", '    portlint.io/ignore: "PL302"\n    team: a\n')
    assert _findings(fixed) == [("PL302", True)]


def test_the_object_of_a_later_document_is_the_one_annotated():
    first = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n---\n"
    text = first + SERVICE
    expected = first + SERVICE.replace("metadata:\n  name: web\n", 'metadata:\n  annotations:\n    portlint.io/ignore: "PL302"\n  name: web\n')
    # the nodePort line, and the Service's first line (line 6: the object starts there)
    for line in (NODE_PORT + 5, 6):
        assert apply(text, [object_annotation(text, "svc.yaml", line, "PL302")]) == expected


@pytest.mark.parametrize(
    "change, reason",
    [
        (("metadata:\n  name: web\n", "metadata: {name: web}\n"), "the object's metadata is not a block mapping"),
        (("  name: web\n", "  name: web\n  annotations: {team: a}\n"), "the object's annotations are not a block mapping"),
        (("  name: web\n", '  name: web\n  annotations:\n    portlint.io/ignore: "PL301"\n'), "the object already has a portlint.io/ignore annotation: add PL302 to it"),
        (("metadata:\n  name: web\n", "metadata: &m\n  name: web\n"), "the object's metadata is inside a YAML anchor (&) that aliases (*) reuse"),
    ],
)
def test_refused_where_an_annotation_cannot_be_added_in_block_style(change, reason):
    text = SERVICE.replace(*change)
    assert text != SERVICE
    line = text.splitlines().index("      nodePort: 40000") + 1
    assert object_annotation(text, "svc.yaml", line, "PL302") == reason


def test_a_place_outside_every_object_is_refused():
    text = "# only a comment\n---\n" + SERVICE
    assert object_annotation(text, "svc.yaml", 1, "PL302") == "the finding is not inside an object of the file"

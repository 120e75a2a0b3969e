"""The two shapes of portlint's records, declared once.

``frozen``: a fact that never changes once made (hashable, comparable, safe to share between
findings and workers). ``mutable``: working state that code fills in. Both use slots: there
are many of them per input and they never grow attributes.
"""

from __future__ import annotations

from dataclasses import dataclass

frozen = dataclass(frozen=True, slots=True)
mutable = dataclass(slots=True)

"""The two shapes of portlint's records, declared once.

``frozen``: a fact that never changes once made (hashable, comparable, safe to share between
findings and workers). ``mutable``: working state that code fills in. Both use slots: there
are many of them per input and they never grow attributes.

Records cross processes (facts and findings come back from the workers, findings spill to
disk) and are copied (``copy_with``). A slots dataclass pickles through a ``__getstate__``
that calls ``dataclasses.fields()`` for every object, and ``dataclasses.replace`` does the
same; a record whose ``__init__`` takes every field in order (no ``init=False`` field, no
``__post_init__``) is pickled as its class and field values instead, and copied the same
way.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from operator import attrgetter


def _positional(cls: type) -> type:
    """Give ``cls`` a ``__reduce__`` that rebuilds it from its field values, when it can."""
    declared = fields(cls)
    if hasattr(cls, "__post_init__") or not all(f.init and not f.kw_only for f in declared):
        return cls
    names = tuple(f.name for f in declared)
    values = attrgetter(*names) if len(names) > 1 else (lambda record: (getattr(record, names[0]),))
    cls.__reduce__ = lambda record: (cls, values(record))
    cls._field_values = staticmethod(values)
    cls._field_names = names
    return cls


def frozen(cls: type) -> type:
    return _positional(dataclass(frozen=True, slots=True)(cls))


def mutable(cls: type) -> type:
    return _positional(dataclass(slots=True)(cls))


def copy_with(record, **changes):
    """``dataclasses.replace`` for records, without its per-call ``fields()``."""
    cls = type(record)
    names = getattr(cls, "_field_names", None)
    if names is None:
        return replace(record, **changes)
    values = [changes.pop(name) if name in changes else value for name, value in zip(names, cls._field_values(record), strict=True)]
    if changes:
        raise TypeError(f"{cls.__name__} has no field {', '.join(changes)}")
    return cls(*values)

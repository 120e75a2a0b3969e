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

# dataclasses writes and compiles __eq__ and __repr__ for every class at every start (a third
# of a plain check's start-up before these): the records share one of each instead, over the
# field values, as dataclasses' own compare them (same class, fields in order).


def _eq(self, other):
    if other.__class__ is not self.__class__:
        return NotImplemented
    return self._values(self) == other._values(other)


def _hash(self) -> int:
    return hash(self._values(self))


def _repr(self) -> str:
    shown = ", ".join(f"{name}={value!r}" for name, value in zip(self._names, self._values(self), strict=True))
    return f"{self.__class__.__qualname__}({shown})"


def _finish(cls: type, hashable: bool) -> type:
    """Give a record the shared methods over its field values, and, when its ``__init__`` takes
    every field in order (no ``init=False`` or keyword-only field, no ``__post_init__``), a
    ``__reduce__`` and ``copy_with`` that rebuild it from those values."""
    declared = fields(cls)
    names = tuple(f.name for f in declared)
    if len(names) > 1:
        values = attrgetter(*names)
    elif names:
        values = lambda record: (getattr(record, names[0]),)  # noqa: E731 - attrgetter of one name gives no tuple
    else:
        values = lambda record: ()  # noqa: E731
    cls._values = staticmethod(values)
    cls._names = names
    cls.__eq__ = _eq
    cls.__repr__ = _repr
    cls.__hash__ = _hash if hashable else None  # a mutable record is not hashable, as with eq=True
    if not hasattr(cls, "__post_init__") and all(f.init and not f.kw_only for f in declared):
        cls.__reduce__ = lambda record: (cls, values(record))
        cls._rebuilt_from_values = True
    return cls


def frozen(cls: type) -> type:
    return _finish(dataclass(frozen=True, slots=True, repr=False, eq=False, match_args=False)(cls), hashable=True)


def mutable(cls: type) -> type:
    return _finish(dataclass(slots=True, repr=False, eq=False, match_args=False)(cls), hashable=False)


def copy_with(record, **changes):
    """``dataclasses.replace`` for records, without its per-call ``fields()``."""
    cls = type(record)
    if not getattr(cls, "_rebuilt_from_values", False):
        return replace(record, **changes)
    values = [
        changes.pop(name) if name in changes else value for name, value in zip(cls._names, cls._values(record), strict=True)
    ]
    if changes:
        raise TypeError(f"{cls.__name__} has no field {', '.join(changes)}")
    return cls(*values)

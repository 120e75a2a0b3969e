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
    values = cls._values
    cls.__reduce__ = lambda record: (cls, values(record))
    cls._field_values = staticmethod(values)
    cls._field_index = {f.name: i for i, f in enumerate(declared)}
    return cls


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


def _shared_methods(cls: type, hashable: bool) -> type:
    names = tuple(f.name for f in fields(cls))
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
    return cls


def frozen(cls: type) -> type:
    made = dataclass(frozen=True, slots=True, repr=False, eq=False, match_args=False)(cls)
    return _positional(_shared_methods(made, hashable=True))


def mutable(cls: type) -> type:
    made = dataclass(slots=True, repr=False, eq=False, match_args=False)(cls)
    return _positional(_shared_methods(made, hashable=False))


def copy_with(record, **changes):
    """``dataclasses.replace`` for records, without its per-call ``fields()``: the field
    values read at once, only the changed ones set by position (a script analysis reused
    for each document that repeats it is copied this way, every write and fact of it)."""
    cls = type(record)
    index = getattr(cls, "_field_index", None)
    if index is None:
        return replace(record, **changes)
    values = list(cls._field_values(record))
    for name, value in changes.items():
        position = index.get(name)
        if position is None:
            raise TypeError(f"{cls.__name__} has no field {name}")
        values[position] = value
    return cls(*values)

"""The two shapes of portlint's records, declared once.

``frozen``: a fact that never changes once made (hashable, comparable, safe to share between
findings and workers). ``mutable``: working state that code fills in. Both use slots: there
are many of them per input and they never grow attributes.

A record is declared as a dataclass is (annotated fields in order, defaults, ``field()`` for
a ``default_factory``, ``init=False`` or ``kw_only``, an optional ``__post_init__``), but is
not made by dataclasses: dataclasses writes and compiles an ``__init__`` for every class at
every start (with its ``__repr__``, ``__eq__`` and a frozen class's ``__setattr__``), which
was a quarter of a plain check's start-up. Here the records share one ``__eq__``, ``__hash__``
and ``__repr__`` over their field values, and a class gets its ``__init__`` at its first
record: compiled once per shape (the kinds of its fields in order) and given the class's
field names (``_made_init``).

Records cross processes (facts and findings come back from the workers, findings spill to
disk) and are copied (``copy_with``): both go through the class and its field values. A
record whose ``__init__`` takes every field in order (no ``init=False`` or keyword-only field,
no ``__post_init__``) is rebuilt by calling its class; the others have their slots set again
without running ``__init__``.
"""

from __future__ import annotations

import builtins
import sys
from operator import attrgetter

MISSING = type("Missing", (), {"__repr__": lambda self: "MISSING", "__slots__": ()})()


class FrozenInstanceError(AttributeError):
    """An assignment to (or deletion of) a field of a frozen record."""


class Field:
    """What ``field()`` says of one field; the record maker fills in its name."""

    __slots__ = ("name", "default", "default_factory", "init", "kw_only")

    def __init__(self, default=MISSING, default_factory=MISSING, init: bool = True, kw_only: bool = False) -> None:
        if default is not MISSING and default_factory is not MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = ""
        self.default, self.default_factory, self.init, self.kw_only = default, default_factory, init, kw_only

    def kind(self) -> str:
        """The field's letter in a shape: p/k a positional/keyword-only parameter (its default,
        if any, is the parameter's), P/K the same with a default_factory, n/N not a parameter
        set from its default/factory, x not a parameter and not set."""
        factory = self.default_factory is not MISSING
        if self.init:
            return ("K" if factory else "k") if self.kw_only else ("P" if factory else "p")
        return "N" if factory else "n" if self.default is not MISSING else "x"


def field(*, default=MISSING, default_factory=MISSING, init: bool = True, kw_only: bool = False):
    """A field's default factory, or a field ``__init__`` does not take (``init=False``) or
    takes by keyword only, as ``dataclasses.field``."""
    return Field(default, default_factory, init, kw_only)


def _eq(self, other):
    if other.__class__ is not self.__class__:
        return NotImplemented
    return self._values(self) == other._values(other)


def _hash(self) -> int:
    return hash(self._values(self))


def _repr(self) -> str:
    shown = ", ".join(f"{name}={value!r}" for name, value in zip(self._names, self._values(self), strict=True))
    return f"{self.__class__.__qualname__}({shown})"


def _frozen_setattr(self, name: str, value) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _reduce_by_init(self):
    return self.__class__, self._values(self)


def _reduce_by_slots(self):
    return _restored, (self.__class__, self._values(self))


def _restored(cls: type, values: tuple):
    """A record from its field values, without its ``__init__`` (which would refuse or change
    them: an ``init=False`` field, a ``__post_init__``)."""
    record = object.__new__(cls)
    for name, value in zip(cls._names, values, strict=True):
        object.__setattr__(record, name, value)
    return record


def _fields_of(cls: type) -> list[Field]:
    """The fields a class declares, in order, each with its name."""
    if cls.__bases__ != (object,):
        raise TypeError(f"record {cls.__name__}: records do not inherit (its bases: {cls.__bases__})")
    if "__init__" in cls.__dict__:
        raise TypeError(f"record {cls.__name__}: the record maker writes __init__")
    declared = []
    for name in cls.__dict__.get("__annotations__", {}):
        spec = cls.__dict__.get(name, MISSING)
        if type(spec).__module__ == "dataclasses":
            raise TypeError(f"record {cls.__name__}: field {name} is a dataclasses.field: use records.field")
        if not isinstance(spec, Field):
            spec = Field(default=spec)
        if isinstance(spec.default, (list, dict, set)):
            raise ValueError(f"record {cls.__name__}: mutable default for field {name}: use default_factory")
        spec.name = name
        declared.append(spec)
    _check_defaults(cls, declared)
    return declared


def _check_defaults(cls: type, declared: list[Field]) -> None:
    """A positional parameter without a default may not follow one with a default."""
    defaulted = False
    for spec in declared:
        if not spec.init or spec.kw_only:
            continue
        if spec.default is not MISSING or spec.default_factory is not MISSING:
            defaulted = True
        elif defaulted:
            raise TypeError(f"record {cls.__name__}: non-default argument {spec.name!r} follows default argument")


def _slotted(cls: type, names: tuple[str, ...], shared: dict) -> type:
    """The class again, with a slot for each field instead of the defaults as class attributes,
    and the ``shared`` attributes (set at once: each attribute set on a class afterwards
    clears the type caches again)."""
    namespace = {key: value for key, value in cls.__dict__.items() if key not in names and key not in ("__dict__", "__weakref__")}
    namespace.update(shared, __slots__=names)
    made = type(cls)(cls.__name__, cls.__bases__, namespace)
    made.__qualname__ = cls.__qualname__
    return made


_INIT_TEMPLATES: dict[tuple, object] = {}  # (shape, frozen, post_init) -> a compiled __init__ with placeholder names


def _template(shape: str, frozen: bool, post_init: bool):
    """The code of an ``__init__`` for records of this shape: parameter ``_a<i>`` and attribute
    ``_record_field_<i>`` for field i (renamed per class), the setters, defaults and factories
    as globals ``_record_set_<i>``, ``_record_default_<i>`` and ``_record_factory_<i>``."""
    key = (shape, frozen, post_init)
    code = _INIT_TEMPLATES.get(key)
    if code is None:
        code = _INIT_TEMPLATES[key] = _compile_template(shape, frozen, post_init)
    return code


def _compile_template(shape: str, frozen: bool, post_init: bool):
    positional = [f"_a{i}" for i, kind in enumerate(shape) if kind in "pP"]
    keywords = [f"_a{i}" for i, kind in enumerate(shape) if kind in "kK"]
    body = []
    for i, kind in enumerate(shape):
        if kind == "x":
            continue
        value = {
            "p": f"_a{i}",
            "k": f"_a{i}",
            "P": f"_record_factory_{i}() if _a{i} is _record_MISSING else _a{i}",
            "K": f"_record_factory_{i}() if _a{i} is _record_MISSING else _a{i}",
            "n": f"_record_default_{i}",
            "N": f"_record_factory_{i}()",
        }[kind]
        body.append(f"_record_set_{i}(self, {value})" if frozen else f"self._record_field_{i} = {value}")
    if post_init:
        body.append("self.__post_init__()")
    params = ", ".join(["self", *positional, *(["*", *keywords] if keywords else [])])
    source = f"def __init__({params}):\n" + "".join(f"    {line}\n" for line in body or ["pass"])
    namespace: dict = {}
    exec(compile(source, "<record __init__>", "exec"), namespace)
    return namespace["__init__"].__code__


def _made_init(cls: type, declared: list[Field], frozen: bool):
    """The ``__init__`` of a record class: its shape's template with the class's field names,
    defaults and slot setters."""
    shape = "".join(spec.kind() for spec in declared)
    code = _template(shape, frozen, hasattr(cls, "__post_init__"))
    rename = {}
    scope: dict = {"__builtins__": builtins, "_record_MISSING": MISSING}
    defaults, kwdefaults = [], {}
    for i, spec in enumerate(declared):
        rename[f"_a{i}"] = rename[f"_record_field_{i}"] = spec.name
        scope[f"_record_set_{i}"] = cls.__dict__[spec.name].__set__
        scope[f"_record_default_{i}"] = spec.default
        scope[f"_record_factory_{i}"] = spec.default_factory
        default = spec.default if spec.default_factory is MISSING else MISSING
        if not spec.init:
            continue
        if spec.default is MISSING and spec.default_factory is MISSING:
            continue
        if spec.kw_only:
            kwdefaults[spec.name] = default
        else:
            defaults.append(default)  # trailing: _check_defaults saw to it
    named = {"co_qualname": f"{cls.__qualname__}.__init__"} if sys.version_info >= (3, 11) else {}  # 3.11's field
    code = code.replace(
        co_varnames=tuple(rename.get(name, name) for name in code.co_varnames),
        co_names=tuple(rename.get(name, name) for name in code.co_names),
        **named,
    )
    init = type(_made_init)(code, scope, "__init__", tuple(defaults) or None)
    init.__kwdefaults__ = kwdefaults or None
    init.__module__ = cls.__module__
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def _record(cls: type, frozen: bool) -> type:
    """The record class of a declaration: slotted, with the shared methods over its field
    values and an ``__init__`` made at its first record; frozen: hashable, its fields not
    assignable."""
    declared = _fields_of(cls)
    names = tuple(spec.name for spec in declared)
    if len(names) > 1:
        values = attrgetter(*names)
    elif names:
        values = lambda record: (getattr(record, names[0]),)  # noqa: E731 - attrgetter of one name gives no tuple
    else:
        values = lambda record: ()  # noqa: E731
    by_init = "__post_init__" not in cls.__dict__ and all(spec.init and not spec.kw_only for spec in declared)
    shared = {
        "_values": staticmethod(values),
        "_names": names,
        "_fields": tuple(declared),
        "_rebuilt_from_values": by_init,
        "__eq__": _eq,
        "__repr__": _repr,
        "__hash__": _hash if frozen else None,  # a mutable record is not hashable
        "__reduce__": _reduce_by_init if by_init else _reduce_by_slots,
    }
    if frozen:
        shared.update(__setattr__=_frozen_setattr, __delattr__=_frozen_delattr)
    made = _slotted(cls, names, shared)
    made.__init__ = _init_at_first_record(made, declared, frozen)
    return made


def _init_at_first_record(cls: type, declared: list[Field], frozen: bool):
    """An ``__init__`` that makes the class's own (``_made_init``: its shape compiled if it is
    new) at the first record, puts it on the class and runs it: most record classes a run
    imports make no record (a plain check: 23 of 61)."""

    def __init__(self, *args, **kwargs) -> None:
        init = cls.__init__ = _made_init(cls, declared, frozen)
        init(self, *args, **kwargs)

    return __init__


def frozen(cls: type) -> type:
    return _record(cls, frozen=True)


def mutable(cls: type) -> type:
    return _record(cls, frozen=False)


def field_names(cls: type) -> tuple[str, ...]:
    """A record class's field names, in order."""
    return cls._names


def as_dict(record) -> dict:
    """A record's fields and values, in order (not recursive: the values as they are)."""
    return dict(zip(record._names, record._values(record), strict=True))


def copy_with(record, **changes):
    """The record with some fields changed, as ``dataclasses.replace``: a new record made by
    its ``__init__`` (a ``__post_init__`` runs again)."""
    cls = type(record)
    if not cls._rebuilt_from_values:
        return _replaced(record, changes)
    values = [
        changes.pop(name) if name in changes else value for name, value in zip(cls._names, cls._values(record), strict=True)
    ]
    if changes:
        raise TypeError(f"{cls.__name__} has no field {', '.join(changes)}")
    return cls(*values)


def _replaced(record, changes: dict):
    """``copy_with`` of a record whose ``__init__`` does not take every field in order."""
    cls = type(record)
    arguments = {}
    for spec in cls._fields:
        if not spec.init:
            if spec.name in changes:
                raise ValueError(f"field {spec.name} is declared with init=False, it cannot be specified with copy_with()")
        elif spec.name in changes:
            arguments[spec.name] = changes.pop(spec.name)
        else:
            arguments[spec.name] = getattr(record, spec.name)
    if changes:
        raise TypeError(f"{cls.__name__} has no field {', '.join(changes)}")
    return cls(**arguments)

"""linter/records.py: records pickle (to and from workers, into the findings store's spill
files) and copy as their class and field values, except where ``__init__`` does not take every
field in order; then dataclasses' own pickling and ``replace`` serve."""

from __future__ import annotations

import pickle
from dataclasses import field

import pytest
from portlint.findings import Location
from portlint.records import copy_with, frozen, mutable
from portlint.volumes import ConfigMount, ConfigMounts


def test_a_record_reduces_to_its_class_and_field_values():
    loc = Location("a.yaml", 3, 5, 3, 9, "here")
    assert loc.__reduce__() == (Location, ("a.yaml", 3, 5, 3, 9, "here"))
    assert pickle.loads(pickle.dumps(loc)) == loc


def test_a_record_of_one_field_reduces_to_a_one_value_tuple():
    mounts = ConfigMounts((ConfigMount("/scripts", "ConfigMap", "tune", None, "", 0o644),))
    assert mounts.__reduce__() == (ConfigMounts, (mounts.mounts,))
    assert pickle.loads(pickle.dumps(mounts)) == mounts


@frozen
class _Derived:
    """A record with a field its __init__ does not take."""

    a: int
    b: int = field(init=False, default=0)


@mutable
class _Checked:
    """A record whose __post_init__ would run again if it were rebuilt from its values."""

    items: list

    def __post_init__(self) -> None:
        self.items = [*self.items, "checked"]


@mutable
class _KeywordOnly:
    a: int
    b: int = field(kw_only=True, default=2)


@pytest.mark.parametrize("record", [_Derived(1), _Checked([]), _KeywordOnly(1, b=3)], ids=["init-false", "post-init", "kw-only"])
def test_records_that_init_cannot_rebuild_keep_dataclass_pickling(record):
    assert "__reduce__" not in vars(type(record))
    assert pickle.loads(pickle.dumps(record)) == record


def test_copy_with_changes_only_the_named_fields():
    loc = Location("a.yaml", 3, 5, 3, 9, "here")
    assert copy_with(loc, line=7, end_line=8) == Location("a.yaml", 7, 5, 8, 9, "here")
    assert copy_with(loc) == loc and copy_with(loc) is not loc


def test_copy_with_refuses_a_field_the_record_does_not_have():
    with pytest.raises(TypeError, match="Location has no field lines"):
        copy_with(Location("a.yaml", 3, 5, 3, 9), lines=1)


def test_copy_with_of_a_record_init_cannot_rebuild_is_dataclasses_replace():
    assert copy_with(_Checked(["x"]), items=["y"]).items == ["y", "checked"]


def test_a_record_of_two_fields_round_trips():
    from portlint.conditions import Operand

    operand = Operand("POD_IP", "$POD_IP")
    assert operand.__reduce__() == (Operand, ("POD_IP", "$POD_IP"))
    assert pickle.loads(pickle.dumps(operand)) == operand


def test_frozen_records_are_immutable_hashable_and_slotted():
    import dataclasses

    loc = Location("a.yaml", 3, 5, 3, 9)
    with pytest.raises(dataclasses.FrozenInstanceError):
        loc.line = 4
    assert hash(loc) == hash(Location("a.yaml", 3, 5, 3, 9))
    assert not hasattr(loc, "__dict__")


def test_mutable_records_change_in_place_and_are_slotted():
    record = _KeywordOnly(1)
    record.a = 5
    assert (record.a, record.b) == (5, 2)
    assert not hasattr(record, "__dict__")


@frozen
class _Empty:
    """A record without fields."""


@mutable
class _Pair:
    a: int
    b: str = "x"


def test_records_compare_by_class_and_field_values_in_order():
    assert Location("a.yaml", 3, 5, 3, 9) == Location("a.yaml", 3, 5, 3, 9)
    assert Location("a.yaml", 3, 5, 3, 9) != Location("a.yaml", 3, 5, 3, 10)
    assert Location("a.yaml", 3, 5, 3, 9).__eq__(("a.yaml", 3, 5, 3, 9, "")) is NotImplemented
    assert _Pair(1) == _Pair(1, "x") and _Pair(1) != _Pair(1, "y") and _Pair(1) != _Pair(2)
    assert _Derived(1) == _Derived(1) and _Empty() == _Empty()
    assert hash(_Empty()) == hash(()) and hash(_Derived(1)) == hash((1, 0))


def test_records_show_their_fields_as_dataclasses_do():
    assert repr(_Pair(1)) == "_Pair(a=1, b='x')"
    assert repr(ConfigMounts(())) == "ConfigMounts(mounts=())"
    assert repr(_Empty()) == "_Empty()"


def test_mutable_records_are_not_hashable():
    with pytest.raises(TypeError):
        hash(_Pair(1))

"""linter/records.py: records are made without dataclasses but declared and behave as slotted
dataclasses do (defaults, default factories, ``init=False`` and keyword-only fields,
``__post_init__``, frozen fields, equality, hashing, repr); they pickle (to and from workers,
into the findings store's spill files) and copy as their class and field values."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest
from portlint.findings import Location
from portlint.records import FrozenInstanceError, as_dict, copy_with, field, field_names, frozen, mutable
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
def test_records_that_init_cannot_rebuild_pickle_their_field_values_as_they_are(record):
    again = pickle.loads(pickle.dumps(record))
    assert again == record and again is not record
    assert copy.deepcopy(record) == record


def test_a_record_restored_from_its_values_does_not_run_post_init_again():
    assert pickle.loads(pickle.dumps(_Checked(["x"]))).items == ["x", "checked"]


def test_copy_with_changes_only_the_named_fields():
    loc = Location("a.yaml", 3, 5, 3, 9, "here")
    assert copy_with(loc, line=7, end_line=8) == Location("a.yaml", 7, 5, 8, 9, "here")
    assert copy_with(loc) == loc and copy_with(loc) is not loc


def test_copy_with_refuses_a_field_the_record_does_not_have():
    with pytest.raises(TypeError, match="Location has no field lines"):
        copy_with(Location("a.yaml", 3, 5, 3, 9), lines=1)
    with pytest.raises(TypeError, match="_KeywordOnly has no field c"):
        copy_with(_KeywordOnly(1), c=1)


def test_copy_with_of_a_record_init_cannot_rebuild_makes_it_through_init():
    assert copy_with(_Checked(["x"]), items=["y"]).items == ["y", "checked"]
    assert copy_with(_KeywordOnly(1, b=3), a=4) == _KeywordOnly(4, b=3)
    assert copy_with(_Derived(1), a=5) == _Derived(5)
    with pytest.raises(ValueError, match="field b is declared with init=False"):
        copy_with(_Derived(1), b=5)


def test_a_record_of_two_fields_round_trips():
    from portlint.conditions import Operand

    operand = Operand("POD_IP", "$POD_IP")
    assert operand.__reduce__() == (Operand, ("POD_IP", "$POD_IP"))
    assert pickle.loads(pickle.dumps(operand)) == operand


def test_frozen_records_are_immutable_hashable_and_slotted():
    loc = Location("a.yaml", 3, 5, 3, 9)
    with pytest.raises(FrozenInstanceError, match="cannot assign to field 'line'"):
        loc.line = 4
    with pytest.raises(FrozenInstanceError, match="cannot delete field 'line'"):
        del loc.line
    with pytest.raises(AttributeError):  # FrozenInstanceError is one, as dataclasses' is
        loc.other = 1
    assert loc.line == 3
    assert hash(loc) == hash(Location("a.yaml", 3, 5, 3, 9))
    assert not hasattr(loc, "__dict__")


def test_mutable_records_change_in_place_and_are_slotted():
    record = _KeywordOnly(1)
    record.a = 5
    assert (record.a, record.b) == (5, 2)
    assert not hasattr(record, "__dict__")
    with pytest.raises(AttributeError):
        record.other = 1


@frozen
class _Empty:
    """A record without fields."""


@mutable
class _Pair:
    a: int
    b: str = "x"


@mutable
class _OtherPair:
    """Of _Pair's shape, with other names and default."""

    left: int
    right: str = "y"


def test_records_compare_by_class_and_field_values_in_order():
    assert Location("a.yaml", 3, 5, 3, 9) == Location("a.yaml", 3, 5, 3, 9)
    assert Location("a.yaml", 3, 5, 3, 9) != Location("a.yaml", 3, 5, 3, 10)
    assert Location("a.yaml", 3, 5, 3, 9).__eq__(("a.yaml", 3, 5, 3, 9, "")) is NotImplemented
    assert _Pair(1) == _Pair(1, "x") and _Pair(1) != _Pair(1, "y") and _Pair(1) != _Pair(2)
    assert _Pair(1, "y") != _OtherPair(1, "y")  # another class
    assert _Derived(1) == _Derived(1) and _Empty() == _Empty()
    assert hash(_Empty()) == hash(()) and hash(_Derived(1)) == hash((1, 0))


def test_records_show_their_fields_as_dataclasses_do():
    assert repr(_Pair(1)) == "_Pair(a=1, b='x')"
    assert repr(ConfigMounts(())) == "ConfigMounts(mounts=())"
    assert repr(_Empty()) == "_Empty()"


def test_mutable_records_are_not_hashable():
    with pytest.raises(TypeError):
        hash(_Pair(1))


def test_records_take_their_fields_by_position_or_by_name_with_their_defaults():
    assert (_Pair(1).a, _Pair(1).b) == (1, "x")
    assert _Pair(b="z", a=2) == _Pair(2, "z")
    assert (_OtherPair(3).left, _OtherPair(3).right) == (3, "y")
    assert _OtherPair(right="w", left=4) == _OtherPair(4, "w")
    with pytest.raises(TypeError):
        _Pair()  # a is required
    with pytest.raises(TypeError):
        _Pair(1, "x", 3)
    with pytest.raises(TypeError):
        _Pair(1, c=3)
    with pytest.raises(TypeError):
        _OtherPair(a=1)  # _Pair's names are not _OtherPair's


def test_records_of_one_shape_share_one_compiled_init_with_their_own_names():
    _Pair(1), _OtherPair(1)  # each class makes its __init__ at its first record
    assert _Pair.__init__.__code__.co_code == _OtherPair.__init__.__code__.co_code
    assert _Pair.__init__.__code__.co_varnames == ("self", "a", "b")
    assert _OtherPair.__init__.__code__.co_varnames == ("self", "left", "right")
    assert _OtherPair.__init__.__qualname__ == "_OtherPair.__init__"


@mutable
class _Collected:
    """Fields with a default factory: a new value for every record."""

    name: str
    items: list = field(default_factory=list)
    seen: set = field(init=False, default_factory=set)
    count: int = field(init=False, default=7)
    later: int = field(init=False)


def test_a_default_factory_makes_a_new_value_for_every_record():
    one, two = _Collected("a"), _Collected("b")
    one.items.append(1)
    one.seen.add(2)
    assert (two.items, two.seen) == ([], set())
    assert _Collected("c", [3]).items == [3]
    assert _Collected("c", items=[]).items == []


def test_init_false_fields_get_their_default_or_stay_unset():
    record = _Collected("a")
    assert record.count == 7
    with pytest.raises(AttributeError):
        record.later  # noqa: B018 - unset, as a dataclass leaves it
    record.later = 1
    assert record.later == 1
    with pytest.raises(TypeError):
        _Collected("a", [], set())  # seen is not a parameter
    with pytest.raises(TypeError):
        _Collected("a", count=1)


def test_keyword_only_fields_are_refused_by_position():
    assert _KeywordOnly(1, b=5).b == 5
    with pytest.raises(TypeError):
        _KeywordOnly(1, 5)


@frozen
class _FrozenChecked:
    """A frozen record whose __post_init__ can read its fields."""

    low: int
    high: int = 9

    def __post_init__(self) -> None:
        if self.low > self.high:
            raise ValueError(f"{self.low} > {self.high}")


def test_post_init_runs_after_the_fields_are_set():
    assert _Checked(["x"]).items == ["x", "checked"]
    assert _FrozenChecked(3).high == 9
    with pytest.raises(ValueError, match="10 > 9"):
        _FrozenChecked(10)


def test_a_required_field_after_a_default_is_refused():
    class Later:
        a: int = 1
        b: int

    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):
        mutable(Later)


def test_a_mutable_default_is_refused():
    class Shared:
        items: list = []  # noqa: RUF012 - the mistake under test

    with pytest.raises(ValueError, match="mutable default for field items"):
        frozen(Shared)


def test_a_dataclasses_field_is_refused():
    class Mixed:
        items: list = dataclasses.field(default_factory=list)

    with pytest.raises(TypeError, match="field items is a dataclasses.field: use records.field"):
        mutable(Mixed)


def test_a_field_cannot_have_a_default_and_a_factory():
    with pytest.raises(ValueError):
        field(default=1, default_factory=int)


def test_records_do_not_inherit_nor_write_their_own_init():
    class Base:
        pass

    class Child(Base):
        a: int

    class Own:
        a: int

        def __init__(self) -> None:
            self.a = 1

    with pytest.raises(TypeError, match="records do not inherit"):
        frozen(Child)
    with pytest.raises(TypeError, match="writes __init__"):
        frozen(Own)


def test_a_record_keeps_its_methods_and_class_attributes():
    assert Location("a.yaml", 3, 5, 3, 9).at("why") == Location("a.yaml", 3, 5, 3, 9, "why")
    assert _Pair.__module__ == __name__ and _Pair.__qualname__ == "_Pair"
    assert _Derived.__doc__ == "A record with a field its __init__ does not take."


def test_field_names_and_as_dict_give_the_fields_in_order():
    assert field_names(_Collected) == ("name", "items", "seen", "count", "later")
    assert as_dict(_Pair(1)) == {"a": 1, "b": "x"}
    assert list(as_dict(Location("a.yaml", 3, 5, 3, 9))) == ["path", "line", "column", "end_line", "end_column", "label"]


def test_a_record_class_makes_its_init_at_its_first_record():
    @frozen
    class Late:
        a: int
        b: str = "x"

    assert Late.__init__.__code__.co_varnames == ("self", "args", "kwargs", "init")  # not made yet
    with pytest.raises(TypeError):
        Late()  # the first call makes it, then refuses the missing field
    assert Late.__init__.__code__.co_varnames == ("self", "a", "b")
    assert Late(1) == Late(1, "x") and Late(1).b == "x"

"""Property tests of generated snapshot code: fixtures/generator/all_types, regenerated and imported.

For hypothesis-generated states of an agent holding every supported type: `load(save(x)) == x`,
saving is idempotent, equal states (sets and dicts built in other orders) give equal bytes, and the
orjson and standard-library paths give the same bytes.
"""

from __future__ import annotations

import copy
import dataclasses
import enum
import sys
import typing
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from types import NoneType, SimpleNamespace, UnionType
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runtime_stub import SnapshotError, registry
from runtime_stub.snapshot import envelope
from tests.generate.support import GOLDEN_PROJECTS, copy_sources, run_generate


@pytest.fixture(scope="module")
def kinds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    """The all_types fixture generated into a temporary copy and imported from there."""
    root = copy_sources(GOLDEN_PROJECTS["all_types"], tmp_path_factory.mktemp("gen") / "all_types")
    assert not run_generate(root).refused
    saved_types = dict(registry._types)
    sys.path.insert(0, str(root))
    try:
        import kinds.everything as everything
        import kinds.golem_agents as wiring
        import kinds.values as values

        (agent_type,) = wiring.AGENTS
        yield SimpleNamespace(
            wiring=wiring, values=values, agent_type=agent_type, cls=everything.EverythingAgent
        )
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m == "kinds" or m.startswith("kinds.")]:
            del sys.modules[name]
        registry._types.clear()
        registry._types.update(saved_types)


# --------------------------------------------------------------------------- strategies from type hints

TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=8)
OFFSETS = st.integers(-86399, 86399).map(lambda seconds: timedelta(seconds=seconds))
"""UTC offsets in whole seconds: `fromisoformat` drops an offset's microseconds (CPython 3.11)."""
ZONES = st.one_of(st.none(), st.just(UTC), st.builds(timezone, OFFSETS))
SCALARS: dict[Any, st.SearchStrategy[Any]] = {
    str: TEXT,
    int: st.integers(),
    float: st.floats(allow_nan=False, allow_infinity=False),
    bool: st.booleans(),
    NoneType: st.none(),
    bytes: st.binary(max_size=8),
    datetime: st.datetimes(timezones=ZONES),
    date: st.dates(),
    time: st.times(timezones=ZONES),
    timedelta: st.timedeltas(),
    Decimal: st.decimals(allow_nan=False, allow_infinity=False),
    UUID: st.uuids(),
}


def strategy(hint: Any) -> st.SearchStrategy[Any]:
    """A strategy for values of a (supported) type hint."""
    if hint in SCALARS:
        return SCALARS[hint]
    if hasattr(hint, "__supertype__"):  # NewType
        return strategy(hint.__supertype__)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return st.sampled_from(list(hint))
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return st.deferred(lambda: _instances(hint))
    return _generic(typing.get_origin(hint), typing.get_args(hint))


def _generic(origin: Any, args: tuple[Any, ...]) -> st.SearchStrategy[Any]:
    if origin is typing.Annotated:
        return strategy(args[0])
    if origin is typing.Literal:
        return st.sampled_from(args)
    if origin in (UnionType, typing.Union):
        return st.one_of([strategy(arg) for arg in args])
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return st.lists(strategy(args[0]), max_size=3).map(tuple)
        return st.tuples(*(strategy(arg) for arg in args if arg != ()))
    if origin is dict:
        return st.dictionaries(strategy(args[0]), strategy(args[1]), max_size=3)
    collections = {list: st.lists, set: st.sets, frozenset: st.frozensets}
    return collections[origin](strategy(args[0]), max_size=3).map(origin)


def _instances(cls: type) -> st.SearchStrategy[Any]:
    """Instances with every stored field drawn (init=False ones set afterwards), transients as built."""
    hints = typing.get_type_hints(cls, include_extras=True)
    fields = [f for f in dataclasses.fields(cls) if not f.metadata.get("golem.transient")]
    depth = st.integers(0, 2)

    def build(draw: st.DrawFn) -> Any:
        values = {f.name: draw(_bounded(hints[f.name], draw(depth))) for f in fields}
        instance = cls(**{f.name: values[f.name] for f in fields if f.init})
        for f in fields:
            if not f.init:
                object.__setattr__(instance, f.name, values[f.name])
        return instance

    return st.composite(build)()


def _bounded(hint: Any, depth: int) -> st.SearchStrategy[Any]:
    """Recursive dataclasses (Tree) stop growing: below depth 0 their lists are empty."""
    if (
        depth <= 0
        and typing.get_origin(hint) is list
        and dataclasses.is_dataclass(typing.get_args(hint)[0])
    ):
        return st.just([])
    return strategy(hint)


def stored(agent: Any) -> dict[str, Any]:
    """The fields a snapshot holds (transient ones are not compared: they are not saved)."""
    return {
        f.name: getattr(agent, f.name)
        for f in dataclasses.fields(agent)
        if not f.metadata.get("golem.transient")
    }


def reordered(value: Any) -> Any:
    """An equal value whose sets and dicts were built in reverse order."""
    if isinstance(value, dict):
        return {k: reordered(v) for k, v in reversed(list(value.items()))}
    if isinstance(value, set | frozenset):
        return type(value)(reversed(list(value)))
    if isinstance(value, list | tuple):
        return type(value)(reordered(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        clone = copy.copy(value)
        for f in dataclasses.fields(value):
            object.__setattr__(clone, f.name, reordered(getattr(value, f.name)))
        return clone
    return value


def agents(kinds: SimpleNamespace) -> st.SearchStrategy[Any]:
    return _instances(kinds.cls)


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------- properties


@PROPERTY
@given(data=st.data())
def test_load_of_save_gives_the_same_state(kinds: SimpleNamespace, data: st.DataObject) -> None:
    agent = data.draw(agents(kinds))
    snapshot = kinds.agent_type.save_snapshot(agent)
    assert snapshot.mime_type == "application/json"
    target = kinds.cls("someone else")
    client = target.client
    kinds.agent_type.load_snapshot(target, snapshot.payload)
    assert stored(target) == stored(agent)
    assert target.client is client  # transient fields keep what the constructor gave them
    assert kinds.agent_type.save_snapshot(target).payload == snapshot.payload


@PROPERTY
@given(data=st.data())
def test_equal_states_give_equal_bytes_on_both_json_paths(
    kinds: SimpleNamespace, data: st.DataObject
) -> None:
    agent = data.draw(agents(kinds))
    payload = kinds.agent_type.save_snapshot(agent).payload
    assert kinds.agent_type.save_snapshot(reordered(agent)).payload == payload
    accelerator, envelope._orjson = envelope._orjson, None
    try:
        assert kinds.agent_type.save_snapshot(agent).payload == payload
    finally:
        envelope._orjson = accelerator


def test_a_failed_load_names_the_field_and_leaves_the_agent_untouched(
    kinds: SimpleNamespace,
) -> None:
    agent = kinds.cls("source")
    red = kinds.values.Color.RED
    agent.by_color = {red: [kinds.values.Item("s", Decimal(1), red, date(2024, 1, 1))]}
    payload = kinds.agent_type.save_snapshot(agent).payload
    broken = payload.replace(b'"color":"red","added"', b'"color":"pink","added"')
    target = kinds.cls("target")
    before = stored(target)
    with pytest.raises(SnapshotError) as raised:
        kinds.agent_type.load_snapshot(target, broken)
    assert (
        'by_color["red"][0].color: expected one of "red", "green", "blue", got the string "pink"'
        in str(raised.value)
    )
    assert stored(target) == before


def test_non_finite_floats_are_refused_with_their_path(kinds: SimpleNamespace) -> None:
    agent = kinds.cls("source")
    agent.ragged = [[1.0], [2.0, float("inf")]]
    with pytest.raises(SnapshotError, match=r"ragged\[1\]\[1\]: inf is not a finite float"):
        kinds.agent_type.save_snapshot(agent)


def test_the_wiring_module_registers_the_agent(kinds: SimpleNamespace) -> None:
    assert registry.lookup("EverythingAgent") is kinds.agent_type
    assert kinds.agent_type.snapshot_format == "json"
    assert str(kinds.agent_type.snapshotting) == "every(5)"
    assert [m.name for m in kinds.agent_type.methods] == ["bump"]

"""Hypothesis strategies of agent states and method calls, from the types the agent declares.

The generated wiring serializes exactly the types of SPEC §4; these strategies draw values of those
types, read from the class's resolved annotations (the same ones the generator read), recursive
dataclasses bounded. Importing this module imports hypothesis.
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import types
import typing
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from hypothesis import strategies as st

from ..decorators import TRANSIENT
from ..registry import AgentType
from .recovery import Call

__all__ = ["call_strategy", "constructor_strategy", "state_strategy", "strategy_for"]

_ALIAS_TYPES: tuple[type, ...] = tuple(
    t for t in (getattr(typing, "TypeAliasType", None),) if isinstance(t, type)
)
"""`type X = ...` aliases (Python 3.12+; none before)."""
MAX_DEPTH = 3
"""How deep recursive types go before optionals are None and collections empty."""
_SCALARS: dict[Any, st.SearchStrategy[Any]] = {
    str: st.text(max_size=12),
    int: st.integers(min_value=-(2**63), max_value=2**63 - 1),
    float: st.floats(allow_nan=False, allow_infinity=False),
    bool: st.booleans(),
    bytes: st.binary(max_size=16),
    type(None): st.none(),
    datetime: st.datetimes(timezones=st.sampled_from([None, UTC])),
    date: st.dates(),
    time: st.times(),
    timedelta: st.timedeltas(),
    Decimal: st.decimals(allow_nan=False, allow_infinity=False, places=4),
    UUID: st.uuids(),
}


def state_strategy(agent_class: type[Any]) -> st.SearchStrategy[Any]:
    """Instances of an automatic-JSON agent with valid states: constructor fields, then the rest."""
    if not dataclasses.is_dataclass(agent_class):
        raise TypeError(
            f"{agent_class.__qualname__} is not a dataclass: it has no automatic JSON state"
        )
    return _instances(agent_class, 0, stored_only=True)


def call_strategy(agent_type: AgentType, max_calls: int = 6) -> st.SearchStrategy[list[Call]]:
    """Lists of calls of the agent's methods with arguments of their declared types."""
    methods = [m for m in agent_type.methods if _hints(getattr(agent_type.agent_class, m.name))]
    if not methods:
        return st.just([])
    options = [_call(agent_type.agent_class, m.name) for m in methods]
    return st.lists(st.one_of(options), max_size=max_calls)


def constructor_strategy(agent_type: AgentType) -> st.SearchStrategy[tuple[Any, ...]]:
    """Constructor arguments of the agent (its identity), by the declared parameter types."""
    cls = agent_type.agent_class
    hints = {**_hints(cls), **_hints(cls.__init__)}
    missing = [p.name for p in agent_type.constructor if p.name not in hints]
    if missing:
        raise TypeError(f"{agent_type.type_name}: constructor parameters without types: {missing}")
    return st.tuples(*(strategy_for(hints[p.name]) for p in agent_type.constructor))


def strategy_for(annotation: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values of one supported type (SPEC §4)."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return strategy_for(args[0], depth)
    if hasattr(annotation, "__supertype__"):  # NewType
        return strategy_for(annotation.__supertype__, depth)
    if isinstance(annotation, _ALIAS_TYPES):
        return strategy_for(getattr(annotation, "__value__"), depth)  # noqa: B009 - 3.12+ only
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    if origin is typing.Literal:
        return st.sampled_from(args)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return st.sampled_from(list(annotation))
    if origin in (typing.Union, types.UnionType):
        return _union(args, depth)
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        return st.deferred(lambda: _instances(annotation, depth + 1, stored_only=False))
    return _container(origin, args, depth)


def _union(args: tuple[Any, ...], depth: int) -> st.SearchStrategy[Any]:
    inner = [a for a in args if a is not type(None)]
    if depth >= MAX_DEPTH:
        return st.none()
    return st.one_of(st.none(), *(strategy_for(a, depth) for a in inner))


def _container(origin: Any, args: tuple[Any, ...], depth: int) -> st.SearchStrategy[Any]:
    size = 0 if depth >= MAX_DEPTH else 3
    if origin is list:
        return st.lists(strategy_for(args[0], depth), max_size=size)
    if origin in (set, frozenset):
        return st.frozensets(strategy_for(args[0], depth), max_size=size).map(origin)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return st.lists(strategy_for(args[0], depth), max_size=size).map(tuple)
        return st.tuples(*(strategy_for(a, depth) for a in args))
    if origin is dict:
        keys, values = strategy_for(args[0], depth), strategy_for(args[1], depth)
        return st.dictionaries(keys, values, max_size=size)
    raise TypeError(
        f"no strategy for {(args and origin) or origin!r}: not a supported type (SPEC §4)"
    )


def _instances(cls: type[Any], depth: int, *, stored_only: bool) -> st.SearchStrategy[Any]:
    hints = typing.get_type_hints(cls, include_extras=True)
    fields = [f for f in dataclasses.fields(cls) if not (stored_only and f.metadata.get(TRANSIENT))]
    init = {
        f.name: strategy_for(hints[f.name], depth)
        for f in fields
        if f.init and not f.metadata.get(TRANSIENT)
    }
    later = {f.name: strategy_for(hints[f.name], depth) for f in fields if not f.init}

    def build(values: dict[str, Any], extra: dict[str, Any]) -> Any:
        instance = cls(**values)
        for name, value in extra.items():
            object.__setattr__(instance, name, value)
        return instance

    return st.builds(build, st.fixed_dictionaries(init), st.fixed_dictionaries(later))


def _hints(function: Any) -> dict[str, Any]:
    try:
        return typing.get_type_hints(function, include_extras=True)
    except Exception:
        return {}


def _call(cls: type[Any], name: str) -> st.SearchStrategy[Call]:
    function = getattr(cls, name)
    hints = _hints(function)
    params = [p for p in inspect.signature(function).parameters.values() if p.name != "self"]
    arguments = [strategy_for(hints[p.name]) for p in params if p.name in hints]
    return st.builds(Call, st.just(name), st.tuples(*arguments))

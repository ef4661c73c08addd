"""Decoders of recorded JSON values, built from resolved type hints the way Golem decodes them.

An enum from its value, a dataclass from an object of exactly its stored fields, containers item
by item; a failure is a `FieldError` whose path (`items[2].sku`) says where. Decoders always
build fresh containers, so a method that mutates its argument never changes the oplog's tree.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import json
import typing
import uuid
from collections.abc import Callable
from typing import Any

from .snapshot.values import FieldError, at, fail, load_int_key, member, members
from .snapshot.values import load_bool as _load_bool
from .snapshot.values import load_bytes as _load_bytes
from .snapshot.values import load_date as _load_date
from .snapshot.values import load_datetime as _load_datetime
from .snapshot.values import load_decimal as _load_decimal
from .snapshot.values import load_float as _load_float
from .snapshot.values import load_int as _load_int
from .snapshot.values import load_none as _load_none
from .snapshot.values import load_str as _load_str
from .snapshot.values import load_time as _load_time
from .snapshot.values import load_timedelta as _load_timedelta
from .snapshot.values import load_uuid as _load_uuid

__all__ = ["Decode", "decoder", "key_text"]

Decode = Callable[[Any], Any]
_TRANSIENT = (
    "golem.transient"  # the metadata key of `runtime_stub.transient` (decorators.TRANSIENT)
)


def _identity(tree: Any) -> Any:
    return tree


def key_text(key: Any) -> str:
    """A dict key as JSON object keys hold it: str, int, UUID or an enum of those, as text."""
    if isinstance(key, enum.Enum):
        key = key._value_
    if isinstance(key, str):
        return str(key)
    if isinstance(key, int) and not isinstance(key, bool):
        return str(int(key))
    if isinstance(key, uuid.UUID):
        return str(key)
    raise FieldError(f"a dict key of type {type(key).__qualname__} cannot be recorded")


_SCALARS: dict[Any, Decode] = {
    str: _load_str,
    int: _load_int,
    bool: _load_bool,
    float: _load_float,
    type(None): _load_none,
    bytes: _load_bytes,
    datetime.datetime: _load_datetime,
    datetime.date: _load_date,
    datetime.time: _load_time,
    datetime.timedelta: _load_timedelta,
    decimal.Decimal: _load_decimal,
    uuid.UUID: _load_uuid,
}


def decoder(hint: Any, building: dict[Any, Decode] | None = None) -> Decode:
    """A decoder of JSON trees for `hint`; `TypeError` for a type the oplog cannot decode."""
    building = {} if building is None else building
    if hint is None:
        return _load_none
    if hint is Any or hint is object:  # inside a container: whatever JSON was recorded
        return _identity
    scalar = _SCALARS.get(hint) if isinstance(hint, typing.Hashable) else None
    if scalar is not None:
        return scalar
    supertype = getattr(hint, "__supertype__", None) or getattr(hint, "__value__", None)
    if supertype is not None:  # NewType, `type X = ...`
        return decoder(supertype, building)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Annotated:
        return decoder(args[0], building)
    if origin is typing.Literal:
        return _literal(args)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        table = members(hint)
        return lambda tree: member(tree, table)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass(hint, building)
    if origin in (typing.Union, _UnionType) and len(args) == 2 and type(None) in args:
        inner = decoder(next(a for a in args if a is not type(None)), building)
        return lambda tree: None if tree is None else inner(tree)
    return _container(origin, args, building)


_UnionType = type(int | None)


def _literal(values: tuple[Any, ...]) -> Decode:
    def decode(tree: Any) -> Any:
        for value in values:
            if tree == value and type(tree) is type(value):
                return value
        return fail(tree, "one of " + ", ".join(json.dumps(v) for v in values))

    return decode


def _container(origin: Any, args: tuple[Any, ...], building: dict[Any, Decode]) -> Decode:
    if origin in (list, set, frozenset) and len(args) == 1:
        item = decoder(args[0], building)
        return lambda tree: origin(_array(tree, item))
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = decoder(args[0], building)
        return lambda tree: tuple(_array(tree, item))
    if origin is tuple:
        return _tuple(tuple(decoder(arg, building) for arg in args))
    if origin is dict and len(args) == 2:
        return _dict(_keydecoder(args[0]), decoder(args[1], building))
    raise TypeError(f"no oplog codec for {origin!r}")


def _array(tree: Any, item: Decode) -> list[Any]:
    if type(tree) is not list:
        fail(tree, "an array")
    decoded = []
    for index, element in enumerate(tree):
        try:
            decoded.append(item(element))
        except Exception as error:
            raise at(error, f"[{index}]") from None
    return decoded


def _tuple(items: tuple[Decode, ...]) -> Decode:
    def decode(tree: Any) -> tuple[Any, ...]:
        if type(tree) is not list or len(tree) != len(items):
            fail(tree, f"an array of {len(items)} items")
        decoded = []
        for index, (item, element) in enumerate(zip(items, tree, strict=True)):
            try:
                decoded.append(item(element))
            except Exception as error:
                raise at(error, f"[{index}]") from None
        return tuple(decoded)

    return decode


def _keydecoder(hint: Any) -> Decode:
    if hint is str:
        return _load_str
    if hint is int:
        return load_int_key
    if hint is uuid.UUID:
        return _load_uuid
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        table = {key_text(m): m for m in hint.__members__.values()}
        return lambda text: (
            table[text] if text in table else fail(text, "one of " + ", ".join(table))
        )
    supertype = getattr(hint, "__supertype__", None)
    if supertype is not None:
        return _keydecoder(supertype)
    if typing.get_origin(hint) is typing.Literal:
        table = {key_text(v): v for v in typing.get_args(hint)}
        return lambda text: (
            table[text] if text in table else fail(text, "one of " + ", ".join(table))
        )
    raise TypeError(f"no oplog codec for dict keys of {hint!r}")


def _dict(key: Decode, value: Decode) -> Decode:
    def decode(tree: Any) -> dict[Any, Any]:
        if type(tree) is not dict:
            fail(tree, "an object")
        decoded = {}
        for text, element in tree.items():
            try:
                decoded[key(text)] = value(element)
            except Exception as error:
                raise at(error, f"[{json.dumps(text, ensure_ascii=False)}]") from None
        return decoded

    return decode


def _dataclass(cls: type[Any], building: dict[Any, Decode]) -> Decode:
    """Decode an object of the stored fields; recursive dataclasses find themselves via `building`."""
    if cls in building:
        return lambda tree: building[cls](tree)
    building[cls] = _identity  # replaced below; only called after construction
    hints = typing.get_type_hints(cls, include_extras=True)
    stored = [f for f in dataclasses.fields(cls) if not f.metadata.get(_TRANSIENT)]
    fields = [(f.name, f.init, decoder(hints.get(f.name, Any), building)) for f in stored]
    names = {name for name, _, _ in fields}

    def decode(tree: Any) -> Any:
        if type(tree) is not dict:
            fail(tree, f"an object (a {cls.__qualname__})")
        if tree.keys() != names:
            missing, extra = sorted(names - tree.keys()), sorted(tree.keys() - names)
            problems = [f"{label} {', '.join(found)}" for label, found in
                        (("missing", missing), ("unexpected", extra)) if found]  # fmt: skip
            raise FieldError(
                f"the object's keys do not match {cls.__qualname__}: " + "; ".join(problems)
            )
        init: dict[str, Any] = {}
        later: list[tuple[str, Any]] = []
        for name, in_init, item in fields:
            try:
                decoded = item(tree[name])
            except Exception as error:
                raise at(error, name) from None
            if in_init:
                init[name] = decoded
            else:
                later.append((name, decoded))
        instance = cls(**init)
        for name, decoded in later:
            object.__setattr__(instance, name, decoded)
        return instance

    building[cls] = decode
    return decode

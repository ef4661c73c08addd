"""Container and dataclass helpers of the generated snapshot code (through `runtime_stub.snapshot`).

Containers take their items' codecs as arguments, so the generated code is specialized per type
without reflection. When a container fails, a slow path re-runs it item by item to name the item
(`orders[3]`), so the fast path carries no bookkeeping.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Set
from typing import Any, NoReturn, TypeVar

from .values import FieldError, at, fail, load_bool, load_int, load_str

__all__ = [
    "check_keys",
    "defaults",
    "load_dict",
    "load_frozenset",
    "load_list",
    "load_optional",
    "load_set",
    "load_tuple",
    "load_tuple_var",
    "locate_fields",
    "object_of",
    "save_dict",
    "save_list",
    "save_optional",
    "save_sorted",
    "save_sorted_json",
    "save_str_dict",
    "save_tuple",
    "wrong_object",
]

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")
S = TypeVar("S", bound=str)
Decode = Callable[[Any], T]


# --------------------------------------------------------------------------- locating


class _Locating(threading.local):
    """How many slow paths are re-running codecs on this thread (see `_first_failure`)."""

    depth = 0


_locating = _Locating()


def _first_failure(
    error: Exception, attempts: Iterable[tuple[str, Callable[[], object]]]
) -> FieldError:
    """`error` located one level further out: the first attempt that fails names the segment.

    The attempts re-run while re-running: nested slow paths then return at once (`quiet`), so an
    item is re-run once per level, not once per level below it too (which is exponential in the
    depth). The failing item is the one the fast path stopped at (codecs are deterministic), and
    `error` already carries the path inside it.
    """
    if _locating.depth:
        return at(error, "")
    _locating.depth += 1
    try:
        for segment, attempt in attempts:
            try:
                attempt()
            except Exception as found:
                return at(found if _rerun_differs(error, found) else error, segment)
    finally:
        _locating.depth -= 1
    return at(error, "")


def _rerun_differs(error: Exception, found: Exception) -> bool:
    """Whether the re-run's failure says more than the original one, which, when a FieldError,
    is already located inside (a key's failure is re-worded, and keys are never deep)."""
    return isinstance(found, _KeyFailure) or not isinstance(error, FieldError)


class _KeyFailure(FieldError):
    """A dict key that cannot be encoded or decoded."""


def _bind(codec: Callable[[Any], object], value: object) -> Callable[[], object]:
    return lambda: codec(value)


def _locate_items(
    error: Exception, data: Iterable[Any], codec: Callable[[Any], object]
) -> FieldError:
    if not isinstance(data, Set):
        return _first_failure(error, ((f"[{i}]", _bind(codec, x)) for i, x in enumerate(data)))
    order = {id(x): i for i, x in enumerate(sorted(data, key=repr))}
    return _first_failure(error, ((f"[{order[id(x)]}]", _bind(codec, x)) for x in data))


def _locate_entries(
    error: Exception,
    data: Mapping[Any, Any],
    key_codec: Callable[[Any], object],
    value_codec: Callable[[Any], object],
) -> FieldError:
    def attempts() -> Iterator[tuple[str, Callable[[], object]]]:
        for key, value in data.items():
            segment = "[" + json.dumps(str(key), ensure_ascii=False) + "]"
            yield segment, _key_attempt(key_codec, key)
            yield segment, _bind(value_codec, value)

    return _first_failure(error, attempts())


def _key_attempt(key_codec: Callable[[Any], object], key: object) -> Callable[[], object]:
    def attempt() -> object:
        try:
            return key_codec(key)
        except Exception as found:
            located = _KeyFailure("invalid key: " + at(found, "").reason)
            raise located from None

    return attempt


def locate_fields(
    error: Exception, value: object, encoders: Sequence[tuple[Any, ...]]
) -> FieldError:
    """Re-run each field's encoder to name the field that failed (the slow path of a dataclass).

    Each encoder is `(field name, callable, *extra arguments)`: `("items", save_list, _save_Item)`.
    """
    attempts = (
        (name, _bind_call(encode, getattr(value, name), extra)) for name, encode, *extra in encoders
    )
    return _first_failure(error, attempts)


def _bind_call(
    encode: Callable[..., object], value: object, extra: list[Any]
) -> Callable[[], object]:
    return lambda: encode(value, *extra)


# --------------------------------------------------------------------------- containers


def object_of(data: object, keys: Set[str]) -> dict[str, Any]:
    """A JSON object with exactly the stored fields' keys (what a dataclass decoder checks first)."""
    if type(data) is not dict or data.keys() != keys:
        wrong_object(data, keys)
    return data


def wrong_object(data: object, keys: Set[str], required: Set[str] | None = None) -> NoReturn:
    """Raise the error of a value that is not an object with the fields' keys (`required` ones
    at least, when fields with defaults may be absent)."""
    if type(data) is not dict:
        fail(data, "an object")
    wanted = keys if required is None else required
    missing = [json.dumps(k, ensure_ascii=False) for k in sorted(wanted - data.keys())]
    extra = [json.dumps(str(k), ensure_ascii=False) for k in sorted(data.keys() - keys)]
    found = (("missing", missing), ("unexpected", extra))
    problems = [f"{label} {', '.join(names)}" for label, names in found if names]
    raise FieldError("the object's keys do not match the fields: " + "; ".join(problems))


def check_keys(data: object, keys: Set[str], required: Set[str]) -> dict[str, Any]:
    """An object may lack the keys of fields with defaults (the loader fills them), nothing else."""
    if type(data) is not dict or not (data.keys() <= keys and required <= data.keys()):
        wrong_object(data, keys, required)
    return data


def _array(data: object) -> list[Any]:
    if type(data) is not list:
        fail(data, "an array")
    return data


_CHECKED: dict[Callable[[Any], Any], type] = {load_str: str, load_int: int, load_bool: bool}
"""Loaders that only check the JSON type: arrays of such items are checked, not rebuilt."""


def load_list(data: object, load: Decode[T]) -> list[T]:
    """A list from a JSON array, each item by `load`."""
    if type(data) is not list:
        fail(data, "an array")
    kind = _CHECKED.get(load)
    if kind is not None:
        for item in data:
            if type(item) is not kind:
                raise _locate_items(FieldError(""), data, load)
        return data
    try:
        return [load(item) for item in data]
    except Exception as error:
        raise _locate_items(error, data, load) from None


def load_set(data: object, load: Decode[T]) -> set[T]:
    """A set from a JSON array."""
    return set(load_list(data, load))


def load_frozenset(data: object, load: Decode[T]) -> frozenset[T]:
    """A frozenset from a JSON array."""
    return frozenset(load_list(data, load))


def load_tuple_var(data: object, load: Decode[T]) -> tuple[T, ...]:
    """A variable-length tuple from a JSON array."""
    return tuple(load_list(data, load))


def load_tuple(data: object, loads: tuple[Decode[Any], ...]) -> tuple[Any, ...]:
    """A fixed-length tuple from a JSON array of exactly that many items."""
    items = _array(data)
    if len(items) != len(loads):
        fail(data, f"an array of {len(loads)} items")
    try:
        return tuple([load(item) for load, item in zip(loads, items, strict=True)])
    except Exception as error:
        attempts = (
            (f"[{i}]", _bind(c, x)) for i, (c, x) in enumerate(zip(loads, items, strict=True))
        )
        raise _first_failure(error, attempts) from None


def load_dict(data: object, load_key: Callable[[str], K], load_value: Decode[V]) -> dict[K, V]:
    """A dict from a JSON object, keys from their text by `load_key`."""
    if type(data) is not dict:
        fail(data, "an object")
    try:
        return {load_key(key): load_value(value) for key, value in data.items()}
    except Exception as error:
        raise _locate_entries(error, data, load_key, load_value) from None


def load_optional(data: object, load: Decode[T]) -> T | None:
    """None for null, else the value by `load`."""
    return None if data is None else load(data)


def save_list(value: Iterable[T], save: Callable[[T], object]) -> list[object]:
    """A list or variable-length tuple as a JSON array."""
    try:
        return [save(item) for item in value]
    except Exception as error:
        raise _locate_items(error, value, save) from None


def save_sorted(value: Iterable[T], save: Callable[[T], Any]) -> list[Any]:
    """A set as a JSON array sorted by the encoded items (which compare among themselves)."""
    items = save_list(value, save)
    items.sort()
    return items


def save_sorted_json(value: Iterable[T], save: Callable[[T], object]) -> list[object]:
    """A set as a JSON array sorted by each encoded item's JSON text."""
    from .envelope import dumps_stdlib

    return sorted(save_list(value, save), key=dumps_stdlib)


def save_tuple(value: tuple[Any, ...], saves: tuple[Callable[[Any], object], ...]) -> list[object]:
    """A fixed-length tuple as a JSON array, each position by its codec."""
    try:
        return [save(item) for save, item in zip(saves, value, strict=True)]
    except Exception as error:
        attempts = (
            (f"[{i}]", _bind(c, x)) for i, (c, x) in enumerate(zip(saves, value, strict=False))
        )
        raise _first_failure(error, attempts) from None


def save_dict(
    value: Mapping[K, V], save_key: Callable[[K], str], save_value: Callable[[V], object]
) -> dict[str, object]:
    """A dict as a JSON object with keys sorted by their text (equal dicts, equal bytes)."""
    try:
        return dict(sorted([(save_key(k), save_value(v)) for k, v in value.items()]))
    except Exception as error:
        raise _locate_entries(error, value, save_key, save_value) from None


def save_str_dict(value: Mapping[S, object]) -> dict[S, object]:
    """A dict with str keys and values that are their own JSON form, keys sorted."""
    return dict(sorted(value.items()))


def save_optional(value: T | None, save: Callable[[T], object]) -> object:
    """None, or the value by `save`."""
    return None if value is None else save(value)


def defaults(cls: type, names: Sequence[str]) -> tuple[Callable[[], Any], ...]:
    """The defaults of dataclass fields a decoder must set itself (transient, without __init__)."""
    found: list[Callable[[], Any]] = []
    fields = cls.__dataclass_fields__  # type: ignore[attr-defined]
    for name in names:
        spec = fields[name]
        if callable(spec.default_factory):
            found.append(spec.default_factory)
        else:
            found.append(_constant(spec.default))
    return tuple(found)


def _constant(value: T) -> Callable[[], T]:
    return lambda: value

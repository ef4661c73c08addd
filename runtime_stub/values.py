"""Values in the oplog: typed JSON, encoded and decoded by codecs derived from declared types.

An oplog holds no pickles: every argument, result and host-call value is a JSON tree (SPEC §4
encodings: an enum by its value, a dataclass as an object of its fields, a datetime as ISO 8601
text, bytes as base64, a timedelta in microseconds, ...). `encode` turns a Python value into that
tree; a `ValueType` built from an annotation decodes and validates a tree the way Golem does, so
an oplog does not depend on module paths and reading one never runs code.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import datetime
import decimal
import enum
import json
import math
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .decoders import Decode, decoder, key_text
from .snapshot.values import FieldError, at, reason_of

__all__ = [
    "ANY",
    "PREVIEW_LIMIT",
    "FieldError",
    "ValueType",
    "encode",
    "encode_json",
    "generated",
    "preview",
    "problem",
    "shown",
    "to_jsonable",
    "value_type",
]

PREVIEW_LIMIT = 2000
_MAX_DEPTH = 32
_TRANSIENT = (
    "golem.transient"  # the metadata key of `runtime_stub.transient` (decorators.TRANSIENT)
)


@dataclass(frozen=True, slots=True)
class ValueType:
    """How values of one declared type are recorded: encoded to JSON, decoded and checked back.

    `strict` types (no usable annotation) take JSON values only, so what replay gives back is
    exactly what was recorded.
    """

    text: str
    decode: Decode
    strict: bool = False

    @property
    def declared(self) -> str:
        """The type for messages: `declared list[Line]`, or that there is none."""
        return "no declared type: plain JSON only" if self.strict else f"declared {self.text}"

    def record(self, value: Any) -> tuple[Any, Any]:
        """(JSON tree, value as decoded from it): the tree is what the oplog keeps."""
        tree = encode_json(value) if self.strict else encode(value)
        return tree, self.decode(tree)


def _identity(tree: Any) -> Any:
    return tree


ANY = ValueType("JSON", _identity, strict=True)
"""Values without a usable annotation: plain JSON (dict, list, str, int, float, bool, None)."""


# --------------------------------------------------------------------------- encoding


def encode(value: Any) -> Any:
    """The JSON tree of a value of the supported types; `FieldError` (with its path) otherwise.

    The tree is always freshly built: later changes to `value` never change what was recorded.
    """
    if value is None or type(value) in (str, int, bool):
        return value
    if type(value) is float:
        return _finite(value)
    if isinstance(value, enum.Enum):
        return encode(value._value_)
    if isinstance(value, bool | int | str):
        return _builtin(value)
    if isinstance(value, float):
        return _finite(float(value))
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return (value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _items(
            (f.name, getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not f.metadata.get(_TRANSIENT)
        )
    if isinstance(value, Mapping):
        return _items((key_text(k), v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return _sequence(value)
    if isinstance(value, set | frozenset):
        return sorted(_sequence(value), key=_sort_key)
    raise FieldError(f"a {type(value).__qualname__} cannot be recorded (not a supported type)")


def _builtin(value: bool | int | str) -> Any:
    for kind in (bool, int, str):
        if isinstance(value, kind):
            return kind(value)
    raise AssertionError(value)  # pragma: no cover


def _finite(value: float) -> float:
    if math.isfinite(value):
        return value
    raise FieldError(f"{value!r} is not a finite float (JSON has no NaN or infinity)")


def _items(pairs: Any) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for key, item in pairs:
        try:
            tree[key] = encode(item)
        except Exception as error:
            raise at(error, f"[{json.dumps(key, ensure_ascii=False)}]") from None
    return tree


def _sequence(items: Any) -> list[Any]:
    tree: list[Any] = []
    for item in items:
        try:
            tree.append(encode(item))
        except Exception as error:
            raise at(error, f"[{len(tree)}]") from None
    return tree


def problem(error: BaseException, subject: str) -> tuple[str, str]:
    """(`subject` with the path inside it where `error` happened, why): (`line.qty`, `expected ...`)."""
    if isinstance(error, FieldError):
        path, reason = error.path, error.reason
    else:
        path, reason = "", reason_of(error)
    if path:
        subject += path if path.startswith("[") else "." + path
    return subject, reason


def _sort_key(tree: Any) -> str:
    return json.dumps(tree, sort_keys=True)


def encode_json(value: Any) -> Any:
    """A copy of a plain JSON value; anything else is a `FieldError` saying what it is."""
    kind = type(value)
    if value is None or kind in (str, int, bool):
        return value
    if kind is float:
        return _finite(value)
    if kind is list:
        return [_json_item(item, f"[{i}]") for i, item in enumerate(value)]
    if kind is dict:
        for key in value:
            if type(key) is not str:
                raise FieldError(f"a dict key {key!r} is not a string")
        return {k: _json_item(v, f"[{json.dumps(k)}]") for k, v in value.items()}
    raise FieldError(
        f"a {kind.__qualname__} is not a JSON value (dict, list, str, int, float, bool or None); "
        "annotate the declared type (e.g. `-> tuple[int, str]`) or convert it"
    )


def _json_item(value: Any, segment: str) -> Any:
    try:
        return encode_json(value)
    except Exception as error:
        raise at(error, segment) from None


# --------------------------------------------------------------------------- decoding


_TYPES: dict[Any, ValueType] = {}


def value_type(hint: Any) -> ValueType:
    """The `ValueType` of a resolved annotation; `Any`, `object` or an unsupported type: plain JSON."""
    try:
        return _TYPES[hint]
    except (KeyError, TypeError):  # not built yet, or an unhashable hint
        pass
    found = ANY
    if hint is not Any and hint is not object:
        try:
            found = ValueType(_text(hint), decoder(hint))
        except Exception:  # an unsupported type, or annotations that do not resolve
            found = ANY
    with contextlib.suppress(TypeError):
        _TYPES[hint] = found
    return found


def generated(text: str, decode: Decode) -> ValueType:
    """The type of a decoder the generated wiring carries; it decodes a copy of the tree, as
    generated decoders may hand back arrays as they are (a method changing its argument must
    not change the oplog)."""
    return ValueType(text or "JSON", lambda tree: decode(_copied(tree)))


def _copied(tree: Any) -> Any:
    kind = type(tree)
    if kind is list:
        return [_copied(item) for item in tree]
    if kind is dict:
        return {key: _copied(item) for key, item in tree.items()}
    return tree


_QUALIFIED = re.compile(r"\b(?:[A-Za-z_]\w*\.)+([A-Za-z_]\w*)")


def _text(hint: Any) -> str:
    """An annotation as users write it: `list[Line]`, not `list[shop.models.Line]`."""
    if isinstance(hint, type):
        return hint.__qualname__
    return _QUALIFIED.sub(r"\1", str(hint))


# --------------------------------------------------------------------------- for people


_ENCODER = json.JSONEncoder(ensure_ascii=False)  # built once: json.dumps(..., option) is not


def shown(tree: Any) -> str:
    """A recorded JSON tree on one line, cut at `PREVIEW_LIMIT` characters."""
    text = str(tree) if type(tree) is int else _ENCODER.encode(tree)
    return text if len(text) <= PREVIEW_LIMIT else text[:PREVIEW_LIMIT] + "…"


def preview(value: Any) -> str:
    """A one-line JSON rendering of any value (`repr` for what JSON cannot show)."""
    return shown(to_jsonable(value))


def to_jsonable(value: Any, depth: int = 0) -> Any:
    """Plain JSON data for a value: `encode` where it can, `repr` for anything else."""
    if depth > _MAX_DEPTH:
        return "…"
    try:
        return encode(value)
    except (FieldError, RecursionError):
        pass
    if isinstance(value, Mapping):
        return {str(to_jsonable(k, depth + 1)): to_jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(item, depth + 1) for item in value]
    return repr(value)

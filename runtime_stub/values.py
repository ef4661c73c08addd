"""Values in the oplog: pickled so they survive the SQLite store, with a JSON preview for people."""

from __future__ import annotations

import base64
import dataclasses
import datetime
import decimal
import enum
import json
import pickle
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["PREVIEW_LIMIT", "StoredValue", "preview", "same_value", "store_value", "to_jsonable"]

PREVIEW_LIMIT = 2000
_MAX_DEPTH = 32


@dataclass(frozen=True, slots=True)
class StoredValue:
    """A value as the oplog keeps it: pickle bytes to replay it, a JSON preview to show it.

    Pickling at record time also freezes the value: an agent that later mutates a list it
    returned does not change what the oplog says it returned.
    """

    pickled: bytes
    preview: str

    def load(self) -> Any:
        """The value again, a fresh copy every time."""
        return pickle.loads(self.pickled)


def store_value(value: Any, what: str = "value") -> StoredValue:
    """Record `value`; a `TypeError` names `what` when it cannot be pickled."""
    try:
        pickled = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as error:
        raise TypeError(f"cannot record {what} in the oplog (it must pickle): {error}") from error
    return StoredValue(pickled, preview(value))


_ENCODER = json.JSONEncoder(ensure_ascii=False)  # built once: json.dumps(..., option) is not


def preview(value: Any) -> str:
    """A one-line JSON rendering of `value`, cut at `PREVIEW_LIMIT` characters."""
    if type(value) is int:
        return str(value)
    text = _ENCODER.encode(to_jsonable(value))
    return text if len(text) <= PREVIEW_LIMIT else text[:PREVIEW_LIMIT] + "…"


def to_jsonable(value: Any, depth: int = 0) -> Any:
    """Plain JSON data for a value of the supported types (SPEC §4); `repr` for anything else."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if depth > _MAX_DEPTH:
        return "…"
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value, depth + 1)
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value // datetime.timedelta(microseconds=1)
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_jsonable(getattr(value, f.name), depth + 1)
            for f in dataclasses.fields(value)
        }
    if isinstance(value, Mapping):
        return {_key(k): to_jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(item, depth + 1) for item in value]
    if isinstance(value, set | frozenset):
        items = [to_jsonable(item, depth + 1) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    return repr(value)


def _key(key: Any) -> str:
    plain = to_jsonable(key)
    return plain if isinstance(plain, str) else json.dumps(plain)


def same_value(left: Any, right: Any) -> bool:
    """Whether a replayed value equals the recorded one: by `==`, else by pickled bytes."""
    try:
        if bool(left == right):
            return True
    except Exception:  # a value whose __eq__ fails is compared by its bytes below
        pass
    try:
        return pickle.dumps(left) == pickle.dumps(right)
    except Exception:
        return False

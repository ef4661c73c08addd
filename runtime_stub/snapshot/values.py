"""Scalar JSON codecs the generated snapshot code calls (through `runtime_stub.snapshot`).

Encoders turn values into the JSON tree (SPEC §4 encodings); decoders validate a parsed JSON value
and build the Python value. Failures raise `FieldError`, whose path (`items[3].owner`) is collected
only while the exception unwinds, so the fast path pays nothing for it.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any, NoReturn, TypeVar
from uuid import UUID, SafeUUID

__all__ = [
    "ExactFloat",
    "FieldError",
    "at",
    "by_text",
    "choice",
    "describe",
    "fail",
    "key_table",
    "load_bool",
    "load_bytes",
    "load_date",
    "load_datetime",
    "load_decimal",
    "load_float",
    "load_int",
    "load_int_key",
    "load_none",
    "load_str",
    "load_time",
    "load_timedelta",
    "load_uuid",
    "member",
    "members",
    "same",
    "save_bytes",
    "save_date",
    "save_datetime",
    "save_enum",
    "save_enum_key",
    "save_float",
    "save_time",
    "save_timedelta",
    "untyped",
]

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")
E = TypeVar("E", bound=Enum)
Decode = Callable[[Any], T]


class FieldError(Exception):
    """A value that cannot be encoded or decoded; the path is collected while unwinding."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.segments: list[str] = []
        """Innermost first: `name` for a field, `[3]` for an item, `["key"]` for a dict entry."""

    @property
    def path(self) -> str:
        """The field path, outermost first: `items[3].owner`."""
        return joined([s for s in reversed(self.segments) if s])

    def short_path(self, shown: int = 12) -> str:
        """The path, its middle elided when it has more than `shown` segments (deep values)."""
        outer_first = [s for s in reversed(self.segments) if s]
        if len(outer_first) <= shown:
            return joined(outer_first)
        head, tail = joined(outer_first[: shown - 4]), joined(outer_first[-4:])
        return f"{head}...{tail} ({len(outer_first)} levels)"


def joined(segments: Sequence[str]) -> str:
    """Path segments, outermost first, as one path: `items[3].owner`."""
    parts = [s if s.startswith("[") else f".{s}" for s in segments]
    return "".join(parts).removeprefix(".")


class ExactFloat(float):
    """A float the standard library must format (orjson writes `1e16`, Python `1e+16`)."""

    __slots__ = ()


# --------------------------------------------------------------------------- errors


def describe(value: object) -> str:
    """A short description of a JSON value (or a Python value) for error messages."""
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int | float):
        text = repr(value)
        return text if len(text) <= 24 else text[:21] + "..."
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return "the string " + json.dumps(shown, ensure_ascii=False)
    if isinstance(value, list):
        return f"an array of {len(value)} items"
    return "an object" if isinstance(value, dict) else f"a {type(value).__name__}"


def fail(value: object, expected: str) -> NoReturn:
    """Raise the error of a value that is not what its type expects."""
    raise FieldError(f"expected {expected}, got {describe(value)}")


def at(error: BaseException, segment: str) -> FieldError:
    """`error` as a FieldError one level further out (any exception met on the way counts)."""
    if isinstance(error, FieldError):
        found = error
    elif isinstance(error, KeyError) and error.args == (segment,):
        found = FieldError("missing (the object has another key instead)")
    else:
        found = FieldError(reason_of(error))
    found.segments.append(segment)
    return found


def reason_of(error: BaseException) -> str:
    """An exception as the reason part of a message."""
    if isinstance(error, RecursionError):
        return (
            f"the value is nested too deeply: Python's recursion limit "
            f"({sys.getrecursionlimit()} frames) was reached; is it cyclic?"
        )
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


# --------------------------------------------------------------------------- scalars


def same(value: T) -> T:
    """The codec of a value that is its own JSON form."""
    return value


def untyped(load: Callable[[Any], object]) -> Callable[[Any], Any]:
    """`load` as type checkers should see it where a NewType of its result is declared."""
    return load


def save_float(value: float) -> float:
    """A finite float; outside [1e-4, 1e16) marked so that both JSON back ends agree."""
    if type(value) is not float:
        value = float(value)
    if 1e-4 <= abs(value) < 1e16 or value == 0.0:
        return value
    if math.isfinite(value):
        return ExactFloat(value)
    raise FieldError(f"{value!r} is not a finite float (JSON has no NaN or infinity)")


def save_datetime(value: datetime) -> datetime | str:
    """Naive and UTC datetimes are left to the JSON back end; the others as ISO 8601 text."""
    if type(value) is datetime and (value.tzinfo is None or value.tzinfo is UTC):
        return value
    return value.isoformat()


def save_date(value: date) -> date | str:
    """A date (ISO 8601)."""
    return value if type(value) is date else value.isoformat()


def save_time(value: time) -> str:
    """A time as ISO 8601 text (never left to orjson: 3.13 drops a leading zero of the
    microseconds of `time` values, `00:00:00.10000` for 10000 us)."""
    return value.isoformat()


def save_timedelta(value: timedelta) -> int:
    """A timedelta as integer microseconds."""
    return (value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds


def save_bytes(value: bytes) -> str:
    """Bytes as standard base64 text."""
    return base64.b64encode(value).decode("ascii")


def save_enum(value: Enum) -> Any:
    """An enum member by value."""
    return value._value_


def save_enum_key(value: Enum) -> str:
    """An enum member as a JSON object key: its value as text."""
    found = value._value_
    return found if type(found) is str else str(found)


def load_str(data: object) -> str:
    """A JSON string."""
    return data if type(data) is str else fail(data, "a string")


def load_int(data: object) -> int:
    """A JSON integer (not a boolean, not a float)."""
    return data if type(data) is int else fail(data, "an integer")


def load_bool(data: object) -> bool:
    """A JSON boolean."""
    return data if type(data) is bool else fail(data, "true or false")


def load_none(data: object) -> None:
    """A JSON null."""
    return data if data is None else fail(data, "null")


def load_float(data: object) -> float:
    """A finite float from a JSON number (integers are accepted and converted)."""
    if type(data) is float:
        if data - data == 0.0:
            return data
    elif type(data) is int:
        try:
            return float(data)
        except OverflowError:
            pass
    fail(data, "a finite number")


def load_datetime(data: object) -> datetime:
    """A datetime from ISO 8601 text."""
    if type(data) is str:
        try:
            return datetime.fromisoformat(data)
        except ValueError:
            pass
    fail(data, "an ISO 8601 datetime")


def load_date(data: object) -> date:
    """A date from ISO 8601 text."""
    if type(data) is str:
        try:
            return date.fromisoformat(data)
        except ValueError:
            pass
    fail(data, "an ISO 8601 date")


def load_time(data: object) -> time:
    """A time from ISO 8601 text."""
    if type(data) is str:
        try:
            return time.fromisoformat(data)
        except ValueError:
            pass
    fail(data, "an ISO 8601 time")


def load_decimal(data: object) -> Decimal:
    """A Decimal from its text."""
    if type(data) is str:
        try:
            return Decimal(data)
        except ArithmeticError:  # decimal.InvalidOperation
            pass
    fail(data, "a decimal number as a string")


def load_bytes(data: object) -> bytes:
    """Bytes from standard base64 text."""
    if type(data) is str:
        try:
            return base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            pass
    fail(data, "base64 text")


def load_timedelta(data: object) -> timedelta:
    """A timedelta from integer microseconds."""
    if type(data) is int:
        try:
            return timedelta(microseconds=data)
        except OverflowError:
            pass
    fail(data, "a duration in integer microseconds")


_new = object.__new__
_setattr = object.__setattr__
_SAFE_UNKNOWN = SafeUUID.unknown


def load_uuid(data: object) -> UUID:
    """A UUID from its 36-character text (about twice as fast as `UUID(text)`).

    Like `UUID(text)`, the hyphens are not checked for position; only 32 hex digits and 4 hyphens.
    """
    if type(data) is str and len(data) == 36:
        digits = data.replace("-", "")
        if len(digits) == 32 and digits.isascii() and digits.isalnum():
            try:
                number = int(digits, 16)
            except ValueError:
                pass
            else:
                uuid = _new(UUID)
                _setattr(uuid, "int", number)
                _setattr(uuid, "is_safe", _SAFE_UNKNOWN)
                return uuid
    fail(data, "a UUID in its 36-character form")


def load_int_key(data: str) -> int:
    """An int dict key from its canonical decimal text (`-12`, not `012`, ` 12` or `1_2`)."""
    try:
        number = int(data)
    except ValueError:
        fail(data, "an integer key")
    if str(number) != data:
        fail(data, "an integer key in canonical form")
    return number


# --------------------------------------------------------------------------- choices


def members(enum: type[E]) -> dict[object, E]:
    """Value -> member of an enum, for decoding by value."""
    return {m._value_: m for m in enum.__members__.values()}


def member(data: object, table: Mapping[object, E]) -> E:
    """The enum member whose value is `data` (type-exact: `true` is not the member of 1)."""
    found = table.get(data) if type(data) is str or type(data) is int else None
    if found is None or type(found._value_) is not type(data):
        fail(data, "one of " + _listed(table))
    return found


def choice(data: object, values: Sequence[object]) -> Any:
    """One of a Literal's values (type-exact: `true` is not `1`)."""
    for value in values:
        if data == value and type(data) is type(value):
            return value
    fail(data, "one of " + _listed(values))


def key_table(values: Iterable[T]) -> dict[str, T]:
    """Text -> value for dict keys that are not strings (int enum values, int literals)."""
    return {(save_enum_key(v) if isinstance(v, Enum) else str(v)): v for v in values}


def by_text(data: object, table: Mapping[str, T]) -> T:
    """The dict key whose text is `data`."""
    if type(data) is str and data in table:
        return table[data]
    fail(data, "one of " + _listed(table))


def _listed(values: Iterable[object]) -> str:
    shown = [json.dumps(v, ensure_ascii=False) for v in values]
    return ", ".join(shown[:8]) + (", ..." if len(shown) > 8 else "")

"""The snapshot envelope, the two JSON back ends and field-path errors (through `runtime_stub.snapshot`).

The generated code builds the JSON tree of an agent's state with specialized functions and hands it
to `save`; `load` parses a payload and hands the state to a specialized decoder. This module owns
everything that is the same for every agent: the envelope, the two JSON back ends (the standard
library, and `orjson` when installed, which must produce the same bytes), and the errors, whose
field path (`items[3].owner`) is collected while an exception unwinds so the fast path pays nothing.
"""

from __future__ import annotations

import gc
import importlib
import json
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, time
from enum import Enum
from types import ModuleType
from typing import Any, Generic, NoReturn, TypeVar
from uuid import UUID

from ..aio import resolve
from ..registry import Snapshot, SnapshotError
from .migrate import STATE_VERSION_KEY, Migrations, migrate, migrated_by, state_version_of
from .values import FieldError, at, describe, reason_of


def _optional_module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:  # pragma: no cover - exercised where it is not installed
        return None


_orjson = _optional_module("orjson")
"""The optional accelerator (`pip install golem-codegen[fast]`)."""

__all__ = [
    "BINARY_MIME_TYPE",
    "BINARY_VERSION",
    "MIME_TYPE",
    "VERSION",
    "dumps",
    "dumps_stdlib",
    "load",
    "load_custom",
    "loads",
    "loads_stdlib",
    "save",
    "save_custom",
    "unsupported",
    "unwrap_binary",
    "wrap_binary",
]

T = TypeVar("T")
A = TypeVar("A")

MIME_TYPE = "application/json"
BINARY_MIME_TYPE = "application/octet-stream"
VERSION = 1
_PRINCIPAL = {"tag": "anonymous"}


# --------------------------------------------------------------------------- JSON back ends


def _stdlib_default(value: object) -> object:
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"a {type(value).__name__} cannot be encoded as JSON")


_ENCODER = json.JSONEncoder(
    ensure_ascii=False,
    separators=(",", ":"),
    allow_nan=False,
    check_circular=False,  # the generated encoders build fresh trees; cycles recurse there first
    default=_stdlib_default,
)


def _refuse(value: object) -> NoReturn:
    raise TypeError("left to the standard library")


_ORJSON_OPTIONS = (
    0 if _orjson is None else _orjson.OPT_PASSTHROUGH_DATACLASS | _orjson.OPT_PASSTHROUGH_SUBCLASS
)


def dumps_stdlib(document: object) -> bytes:
    """Compact UTF-8 JSON with the standard library: the reference output."""
    return _ENCODER.encode(document).encode("utf-8")


def dumps(document: object) -> bytes:
    """Compact UTF-8 JSON, by orjson when installed; the bytes never depend on which one ran."""
    if _orjson is not None:
        try:
            return bytes(_orjson.dumps(document, default=_refuse, option=_ORJSON_OPTIONS))
        except _orjson.JSONEncodeError:
            pass  # huge ints, exact floats, lone surrogates, odd types: the reference decides
    return dumps_stdlib(document)


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


def loads_stdlib(payload: bytes) -> Any:
    """Parse UTF-8 JSON with the standard library (strict: no NaN, no other encodings)."""
    return json.loads(payload.decode("utf-8"), parse_constant=_reject_constant)


def loads(payload: bytes) -> Any:
    """Parse UTF-8 JSON, by orjson when installed (big integers then read as floats)."""
    if _orjson is not None:
        return _orjson.loads(payload)
    return loads_stdlib(payload)


# --------------------------------------------------------------------------- snapshots


def save(
    encode: Callable[[A], dict[str, object]], agent: A, type_name: str, state_version: int = 1
) -> Snapshot:
    """The JSON snapshot of an agent: `encode` gives its state; the envelope keys are sorted.

    From state version 2 on, the envelope records it as `stateVersion` (SPEC §10); version 1
    payloads stay exactly what they were before state versions existed.
    """
    try:
        with _collector_paused():
            state = encode(agent)
            if state_version == 1:
                document = {"principal": _PRINCIPAL, "state": state, "version": VERSION}
            else:
                document = {
                    "principal": _PRINCIPAL,
                    "state": state,
                    STATE_VERSION_KEY: state_version,
                    "version": VERSION,
                }
            payload = dumps(document)
    except Exception as error:
        raise _snapshot_error("save", type_name, at(error, "")) from None
    return Snapshot(payload, MIME_TYPE)


def load(
    payload: bytes,
    decode: Callable[[object], T],
    type_name: str,
    state_version: int = 1,
    migrations: Migrations | None = None,
) -> T:
    """Parse, migrate and validate a JSON snapshot; nothing is assigned unless all of it is valid.

    A snapshot of an older state version is carried to `state_version` by `migrations` (on the
    plain JSON) before it is decoded; one newer than the code is refused.
    """
    data = payload if type(payload) is bytes else bytes(payload)
    read = _Reader(decode, type_name, state_version, migrations or {})
    with _collector_paused():
        if _orjson is not None:
            try:
                return read(_orjson.loads(data))
            except Exception:
                pass  # orjson reads integers beyond 64 bits as floats: the reference parser decides
        try:
            document = loads_stdlib(data)
        except Exception as error:
            raise _snapshot_error("load", type_name, at(error, "")) from None
        return read(document, final=True)


@dataclass(frozen=True, slots=True)
class _Reader(Generic[T]):
    """Envelope -> state of the current version -> decoded values, errors said once."""

    decode: Callable[[object], T]
    type_name: str
    state_version: int
    migrations: Migrations

    def __call__(self, document: object, final: bool = False) -> T:
        try:
            state = _state(document)
        except Exception as error:
            raise _snapshot_error("load", self.type_name, at(error, "")) from None
        assert type(document) is dict  # _state checked it
        found = state_version_of(document, self.type_name)
        if found != self.state_version:
            state = migrate(state, found, self.state_version, self.migrations, self.type_name)
        if not final:
            return self.decode(state)
        try:
            return self.decode(state)
        except Exception as error:
            context = ""
            if found != self.state_version:
                context = migrated_by(found, self.state_version, self.migrations) + ": "
            raise _snapshot_error("load", self.type_name, at(error, ""), context) from None


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a snapshot's objects are built (they are not garbage).

    Building a state allocates thousands of containers, which would trigger collections that
    scan the whole heap for nothing (~20% of a round trip). The collector is re-enabled only
    if it was enabled before; reference counting still frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _EnvelopeError(FieldError):
    """The payload itself is wrong, not a field of the state."""


def _state(document: object) -> object:
    if type(document) is not dict:
        raise _EnvelopeError(f"the payload is {describe(document)}, not a snapshot object")
    version = document.get("version")
    if type(version) is not int or version != VERSION:
        found = describe(version) if "version" in document else "no version"
        raise _EnvelopeError(f"unsupported snapshot version: {found} (this code reads {VERSION})")
    if "state" not in document:
        raise _EnvelopeError('the payload has no "state"')
    if type(document.get("principal", _PRINCIPAL)) is not dict:
        raise _EnvelopeError('"principal" must be an object')
    return document["state"]


def _snapshot_error(
    action: str, type_name: str, error: FieldError, context: str = ""
) -> SnapshotError:
    where = error.short_path()
    reason = error.reason
    if "surrogate" in reason:
        reason += " (strings must be valid Unicode: no lone surrogates)"
    prefix = f"cannot {action} the JSON snapshot of {type_name}: {context}".removesuffix(": ")
    return SnapshotError(f"{prefix}: {where}: {reason}" if where else f"{prefix}: {reason}")


def unsupported(type_name: str, reason: str) -> SnapshotError:
    """The error both snapshot entry points of an agent without snapshot support raise."""
    return SnapshotError(f"agent {type_name} has no snapshot support: {reason}")


_PRINCIPAL_JSON = json.dumps(_PRINCIPAL, separators=(",", ":")).encode("utf-8")
BINARY_VERSION = 2
_LEGACY_VERSION = 1
_BINARY_HEADER = bytes([BINARY_VERSION]) + len(_PRINCIPAL_JSON).to_bytes(4, "big") + _PRINCIPAL_JSON


def wrap_binary(data: bytes) -> bytes:
    """Golem's binary envelope: `0x02`, the principal's JSON length (u32 big-endian), the
    principal's JSON (`{"tag":"anonymous"}`), then the agent's own bytes."""
    return _BINARY_HEADER + data


def unwrap_binary(payload: bytes, type_name: str) -> bytes:
    """The agent's own bytes of an enveloped payload (`0x02`, or the legacy `0x01` + bytes)."""
    data = bytes(payload)
    prefix = f"cannot load the binary snapshot of {type_name}"
    if not data:
        raise SnapshotError(f"{prefix}: the payload is empty (no envelope version byte)")
    if data[0] == _LEGACY_VERSION:
        return data[1:]
    if data[0] != BINARY_VERSION:
        raise SnapshotError(
            f"{prefix}: unknown envelope version byte 0x{data[0]:02x} (expected 0x02, or the "
            "legacy 0x01)"
        )
    if len(data) < 5:
        raise SnapshotError(f"{prefix}: the envelope header is truncated ({len(data)} of 5 bytes)")
    size = int.from_bytes(data[1:5], "big")
    if len(data) < 5 + size:
        raise SnapshotError(
            f"{prefix}: the envelope says the principal takes {size} bytes, but only "
            f"{len(data) - 5} follow"
        )
    try:
        principal = json.loads(data[5 : 5 + size].decode("utf-8"))
    except ValueError as error:
        raise SnapshotError(f"{prefix}: the principal is not JSON ({error})") from None
    if type(principal) is not dict:
        raise SnapshotError(f"{prefix}: the principal must be a JSON object")
    return data[5 + size :]


def save_custom(save_snapshot: Callable[[], bytes | Awaitable[bytes]], type_name: str) -> Snapshot:
    """A snapshot taken by the agent's own `save_snapshot`, in Golem's binary envelope."""
    try:
        payload = resolve(save_snapshot())
    except SnapshotError:
        raise
    except Exception as error:
        raise SnapshotError(f"{type_name}.save_snapshot failed: {reason_of(error)}") from error
    if not isinstance(payload, bytes | bytearray | memoryview):
        found = type(payload).__name__
        raise SnapshotError(f"{type_name}.save_snapshot returned {found}, not bytes")
    return Snapshot(wrap_binary(bytes(payload)), BINARY_MIME_TYPE)


def load_custom(
    load_snapshot: Callable[[bytes], Awaitable[None] | None], payload: bytes, type_name: str
) -> None:
    """Unwrap the envelope and load the agent's own bytes with its `load_snapshot` (sync or async);
    it signals failure by raising."""
    data = unwrap_binary(payload, type_name)
    try:
        resolve(load_snapshot(data))
    except SnapshotError:
        raise
    except Exception as error:
        raise SnapshotError(f"{type_name}.load_snapshot failed: {reason_of(error)}") from error

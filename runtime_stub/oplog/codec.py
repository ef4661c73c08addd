"""Entry data as JSON text for the SQLite store: recorded values are already JSON, payloads base64.

JSON keeps the store readable with any SQLite client, and reading it never runs code: the only
bytes in entry data are snapshot and update payloads (`payload`), stored as base64 text.
"""

from __future__ import annotations

import binascii
import json
from collections.abc import Mapping
from typing import Any

__all__ = ["LegacyStoreError", "decode_data", "encode_data"]

_PAYLOAD = "payload"


class LegacyStoreError(ValueError):
    """The store was written by an older version that pickled values; it is not read."""


def _refuse(value: object) -> Any:
    raise TypeError(f"oplog entry data cannot hold {type(value).__name__} (only JSON values)")


# Built once: `json.dumps`/`json.loads` with options build a new encoder/decoder on every call.
_ENCODER = json.JSONEncoder(default=_refuse, separators=(",", ":"), ensure_ascii=False)
_DECODER = json.JSONDecoder()


def encode_data(data: Mapping[str, Any]) -> str:
    """Compact JSON for an entry's data (a `payload` as base64 text)."""
    payload = data.get(_PAYLOAD)
    if isinstance(payload, bytes | bytearray | memoryview):
        text = binascii.b2a_base64(bytes(payload), newline=False).decode("ascii")
        data = {**data, _PAYLOAD: text}
    return _ENCODER.encode(data)


def decode_data(text: str) -> dict[str, Any]:
    """An entry's data back from its JSON text; a store of pickled values is refused."""
    data: dict[str, Any] = _DECODER.decode(text)
    payload = data.get(_PAYLOAD)
    if type(payload) is str:
        data[_PAYLOAD] = binascii.a2b_base64(payload)
    if '"$pickle"' in text and _has_pickle(data):
        raise LegacyStoreError(
            "this oplog store was written by an older golem-codegen that recorded values as "
            "pickles; they are not loaded (a pickle can run code): start a new store"
        )
    return data


def _has_pickle(value: Any) -> bool:
    if isinstance(value, dict):
        return "$pickle" in value or any(_has_pickle(v) for v in value.values())
    return isinstance(value, list) and any(_has_pickle(v) for v in value)

"""Entry data as JSON text for the SQLite store, with tags for bytes and recorded values.

JSON keeps the store readable with any SQLite client; the pickled values stay opaque until the
executor replays them, so reading an oplog never imports the agent's classes.
"""

from __future__ import annotations

import binascii
import json
from collections.abc import Mapping
from typing import Any

from ..values import StoredValue

__all__ = ["decode_data", "encode_data"]

_BYTES = "$bytes"
_PICKLE = "$pickle"
_PREVIEW = "$preview"


def _tagged(value: object) -> dict[str, str]:
    if isinstance(value, StoredValue):
        return {_PICKLE: binascii.b2a_base64(value.pickled, newline=False).decode("ascii"),
                _PREVIEW: value.preview}  # fmt: skip
    if isinstance(value, bytes):
        return {_BYTES: binascii.b2a_base64(value, newline=False).decode("ascii")}
    raise TypeError(f"oplog entry data cannot hold {type(value).__name__}")


def _untagged(obj: dict[str, Any]) -> Any:
    size = len(obj)
    if size == 2 and _PICKLE in obj:
        return StoredValue(binascii.a2b_base64(obj[_PICKLE]), obj[_PREVIEW])
    if size == 1 and _BYTES in obj:
        return binascii.a2b_base64(obj[_BYTES])
    return obj


# Built once: `json.dumps`/`json.loads` with options build a new encoder/decoder on every call.
_ENCODER = json.JSONEncoder(default=_tagged, separators=(",", ":"), ensure_ascii=False)
_DECODER = json.JSONDecoder(object_hook=_untagged)


def encode_data(data: Mapping[str, Any]) -> str:
    """Compact JSON for an entry's data."""
    return _ENCODER.encode(data)


def decode_data(text: str) -> dict[str, Any]:
    """An entry's data back from its JSON text."""
    data: dict[str, Any] = _DECODER.decode(text)
    return data

"""Entry data as JSON text for the SQLite store, with tags for bytes and recorded values.

JSON keeps the store readable with any SQLite client; the pickled values stay opaque until the
executor replays them, so reading an oplog never imports the agent's classes.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from .values import StoredValue

__all__ = ["decode_data", "encode_data"]

_BYTES = "$bytes"
_PICKLE = "$pickle"
_PREVIEW = "$preview"


def _tagged(value: object) -> dict[str, str]:
    if isinstance(value, StoredValue):
        return {_PICKLE: base64.b64encode(value.pickled).decode("ascii"), _PREVIEW: value.preview}
    if isinstance(value, bytes):
        return {_BYTES: base64.b64encode(value).decode("ascii")}
    raise TypeError(f"oplog entry data cannot hold {type(value).__name__}")


def _untagged(obj: dict[str, Any]) -> Any:
    if _PICKLE in obj:
        return StoredValue(base64.b64decode(obj[_PICKLE]), obj[_PREVIEW])
    if _BYTES in obj:
        return base64.b64decode(obj[_BYTES])
    return obj


def encode_data(data: Mapping[str, Any]) -> str:
    """Compact JSON for an entry's data."""
    return json.dumps(data, default=_tagged, separators=(",", ":"), ensure_ascii=False)


def decode_data(text: str) -> dict[str, Any]:
    """An entry's data back from its JSON text."""
    data: dict[str, Any] = json.loads(text, object_hook=_untagged)
    return data

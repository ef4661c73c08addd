"""The state of an agent as plain values, and the first place where two states differ."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from enum import Enum
from typing import Any

from ..decorators import TRANSIENT

__all__ = ["first_difference", "stored_state"]

MAX_DEPTH = 200


def stored_state(instance: object) -> dict[str, Any]:
    """What a snapshot must carry: a dataclass's non-transient fields, else every attribute."""
    if dataclasses.is_dataclass(instance):
        return {
            f.name: getattr(instance, f.name)
            for f in dataclasses.fields(instance)
            if not f.metadata.get(TRANSIENT) and hasattr(instance, f.name)
        }
    return dict(vars(instance)) if hasattr(instance, "__dict__") else {}


def first_difference(expected: object, actual: object, path: str = "state") -> str | None:
    """`path: expected != actual` at the first differing place (depth-first), None when equal."""
    pending: list[tuple[object, object, str, int]] = [(expected, actual, path, 0)]
    while pending:
        a, b, where, depth = pending.pop()
        if depth > MAX_DEPTH:
            return f"{where}: nested deeper than {MAX_DEPTH} levels"
        found = _shallow(a, b, where)
        if found is not None:
            return found
        children = list(_children(a, b, where))
        pending.extend((x, y, w, depth + 1) for x, y, w in reversed(children))
    return None


def _shallow(a: object, b: object, where: str) -> str | None:
    if type(a) is not type(b):
        return (
            f"{where}: {_show(a)} != {_show(b)} (a {type(a).__name__} became a {type(b).__name__})"
        )
    if isinstance(a, float) and isinstance(b, float):
        same = a == b or (math.isnan(a) and math.isnan(b))
        return None if same else f"{where}: {a!r} != {b!r}"
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        missing = [k for k in a if k not in b]
        extra = [k for k in b if k not in a]
        if missing or extra:
            return f"{where}: keys {sorted(map(repr, missing))} lost, {sorted(map(repr, extra))} gained"
        return None
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return None if len(a) == len(b) else f"{where}: {len(a)} items != {len(b)} items"
    if _is_record(a):
        return None
    return None if a == b else f"{where}: {_show(a)} != {_show(b)}"


def _children(a: object, b: object, where: str) -> list[tuple[object, object, str]]:
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return [(a[k], b[k], f"{where}[{k!r}]") for k in a]
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return [(x, y, f"{where}[{i}]") for i, (x, y) in enumerate(zip(a, b, strict=True))]
    if _is_record(a):
        left, right = stored_state(a), stored_state(b)
        if left.keys() != right.keys():
            return [(left, right, where)]
        return [(left[k], right[k], f"{where}.{k}") for k in left]
    return []


def _is_record(value: object) -> bool:
    if isinstance(value, type | Enum):
        return False
    return dataclasses.is_dataclass(value) or (
        hasattr(value, "__dict__") and type(value).__eq__ is object.__eq__
    )


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."

"""Records that pickle cheaply: the scans move between processes and in and out of the cache."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from operator import attrgetter
from typing import Any, TypeVar

__all__ = ["pickled_by_fields"]

_Record = TypeVar("_Record")


def pickled_by_fields(cls: type[_Record]) -> type[_Record]:
    """Pickle a frozen slotted dataclass as `cls(*values)`: the dataclass's own pickling calls
    `fields()` for every object it loads, which made moving scans between processes (and out
    of the cache) cost a third of the scan itself."""
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    read: Callable[[Any], Any] = attrgetter(*names)
    single = len(names) == 1  # attrgetter of one name gives the value, not a tuple

    def reduce(self: _Record) -> tuple[type[_Record], tuple[Any, ...]]:
        return cls, (read(self),) if single else read(self)

    cls.__reduce__ = reduce  # type: ignore[assignment,method-assign]
    return cls

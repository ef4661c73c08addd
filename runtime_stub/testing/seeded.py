"""Durable stand-ins that draw the same values in every run, so two runs can be compared.

While `seeded(...)` is active, `now()`, `random()`, `uuid4()` and `generate_idempotency_key()` draw
from a generator reseeded before every invocation attempt (`reseed(call index)`). Values the
oplog answers on replay are not drawn, so a recovered agent keeps the values it saw.
"""

from __future__ import annotations

import random as _random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from .. import durability

__all__ = ["Seeded", "seeded"]

EPOCH = datetime(2030, 1, 1, tzinfo=UTC)


class Seeded:
    """The generator behind the stand-ins; `reseed` starts the sequence of one invocation."""

    def __init__(self) -> None:
        self._rng = _random.Random(0)
        self._ticks = 0

    def reseed(self, index: int) -> None:
        self._rng.seed(index)
        self._ticks = 0

    def random(self) -> float:
        return self._rng.random()

    def uuid4(self) -> uuid.UUID:
        return uuid.UUID(int=self._rng.getrandbits(128), version=4)

    def now(self, tz: Any = None) -> datetime:
        self._ticks += 1
        return (EPOCH + timedelta(milliseconds=self._ticks)).astimezone(tz)


class _Datetime(datetime):
    source: Seeded

    @classmethod
    def now(cls, tz: Any = None) -> Any:
        return cls.source.now(tz)


@contextmanager
def seeded() -> Iterator[Seeded]:
    """Patch the durable stand-ins' live sources for the duration of a verification."""
    source = Seeded()
    clock = type("_Clock", (_Datetime,), {"source": source})
    names = ("_random", "_uuid", "datetime")
    saved = [getattr(durability, name) for name in names]
    for name, value in zip(names, (source, source, clock), strict=True):
        setattr(durability, name, value)
    try:
        yield source
    finally:
        for name, value in zip(names, saved, strict=True):
            setattr(durability, name, value)

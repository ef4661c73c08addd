"""The ledger state the snapshot benchmarks share: ~1000 orders, filled deterministically."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import ModuleType
from typing import Any
from uuid import UUID


def fill(models: ModuleType, agent: Any, orders: int) -> None:
    """Deterministic orders of two line items each."""
    rng = random.Random(7)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    statuses = list(models.Status)
    for _ in range(orders):
        items = [
            models.LineItem(
                f"sku-{rng.randrange(1000)}",
                rng.randrange(1, 9),
                Decimal(rng.randrange(10**5)) / 100,
            )
            for _ in range(2)
        ]
        agent.add(
            models.Order(
                id=UUID(int=rng.getrandbits(128)),
                placed_at=start
                + timedelta(seconds=rng.randrange(10**7), microseconds=rng.randrange(10**6)),
                status=rng.choice(statuses),
                weight=rng.random() * 100,
                items=items,
                tags={f"tag-{rng.randrange(5)}" for _ in range(2)},
                note=None if rng.random() < 0.5 else "leave at the door ☂",
            )
        )


def measure(candidates: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Best time per call of each candidate; rounds are interleaved so load changes hit all alike."""
    loops = {name: _calibrate(run) for name, run in candidates.items()}
    best = dict.fromkeys(candidates, float("inf"))
    for _ in range(repeat):
        for name, run in candidates.items():
            started = time.perf_counter()
            for _ in range(loops[name]):
                run()
            best[name] = min(best[name], (time.perf_counter() - started) / loops[name])
    return best


def _calibrate(run: Callable[[], object]) -> int:
    """How many calls make a round of at least 0.1 s."""
    run()
    loops = 1
    while True:
        started = time.perf_counter()
        for _ in range(loops):
            run()
        if time.perf_counter() - started >= 0.1:
            return loops
        loops *= 2

"""Recovery time against oplog length, with `every(1000)` snapshots and without, plus append rates.

Run by hand (not collected by pytest):

    python tests/perf/bench_recovery.py                 # 1k, 10k, 100k invocations
    python tests/perf/bench_recovery.py --sizes 1000,10000 --repeat 5

Each agent gets N + 500 invocations (half a snapshot period past the last snapshot, the average
case), each with one durable host call, in an SQLite store; recovery is timed in a fresh executor
on the same file, as after a restart. SPEC §9 asks for snapshot recovery at 100k to be at least
50x faster than full replay, and flat as the oplog grows.
"""

from __future__ import annotations

import argparse
import json
import platform
import sqlite3
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runtime_stub import (
    AgentType,
    Executor,
    OplogEntry,
    Snapshot,
    SqliteOplogStore,
    now,
    parse_snapshotting,
)

PAST_SNAPSHOT = 500


@dataclass
class BenchCounter:
    """A counter that also keeps its last few values and when it was last touched."""

    name: str
    count: int = 0
    recent: list[int] = field(default_factory=list)
    touched: str = ""

    def record(self, value: int) -> int:
        self.count += value
        self.recent = [*self.recent[-9:], value]
        self.touched = now().isoformat()
        return self.count


def save(instance: BenchCounter) -> Snapshot:
    state = {"count": instance.count, "recent": instance.recent, "touched": instance.touched}
    return Snapshot(json.dumps({"state": state, "version": 1}).encode(), "application/json")


def load(instance: BenchCounter, payload: bytes) -> None:
    state = json.loads(payload)["state"]
    instance.count, instance.recent, instance.touched = (
        state["count"],
        state["recent"],
        state["touched"],
    )


def bench_type(policy: str) -> AgentType:
    return AgentType("BenchCounter", BenchCounter, (), (), "durable", None, (),
                     parse_snapshotting(policy), "json", save, load)  # fmt: skip


def populate(path: Path, policy: str, invocations: int) -> float:
    """Write the oplog; returns invocations per second (each one committed)."""
    with Executor(SqliteOplogStore(path), agent_types=[bench_type(policy)]) as ex:
        started = time.perf_counter()
        for value in range(invocations):
            ex.invoke("BenchCounter", ["b"], "record", [value % 7])
        return invocations / (time.perf_counter() - started)


def recover_once(path: Path, policy: str) -> tuple[float, Any]:
    with Executor(SqliteOplogStore(path), agent_types=[bench_type(policy)]) as ex:
        started = time.perf_counter()
        instance = ex.instance('BenchCounter("b")')
        elapsed = time.perf_counter() - started
        return elapsed, (instance.count, ex.recovery_stats('BenchCounter("b")'))


def recovery_time(path: Path, policy: str, repeat: int) -> tuple[float, Any]:
    """The median of `repeat` recoveries, and what the last one recovered."""
    runs = [recover_once(path, policy) for _ in range(repeat)]
    return statistics.median(t for t, _ in runs), runs[-1][1]


def append_rate(path: Path, batch: int, total: int) -> float:
    """Raw store appends: entries per second in batches of `batch` entries (one transaction each)."""
    value = [1]
    with SqliteOplogStore(path) as store:
        started = time.perf_counter()
        for first in range(1, total + 1, batch):
            store.append("raw", [OplogEntry(i, "host-call", i, {"name": "now", "input": "[]", "result": value})
                                 for i in range(first, first + batch)])  # fmt: skip
        return total / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    sizes = [int(size) for size in options.sizes.split(",")]
    print(
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, WAL, synchronous=NORMAL"
    )
    with tempfile.TemporaryDirectory() as tmp:
        rows, rates = [], []
        for size in sizes:
            total = size + PAST_SNAPSHOT
            times = {}
            for policy in ("disabled", "every(1000)"):
                path = Path(tmp) / f"{policy}-{size}.db"
                rates.append(populate(path, policy, total))
                times[policy], (count, stats) = recovery_time(path, policy, options.repeat)
                assert count == sum(value % 7 for value in range(total)), (
                    "recovered the wrong state"
                )
            rows.append(
                (size, total, times["disabled"], times["every(1000)"], stats.replayed_invocations)
            )
        print_table(rows)
        print(f"\nexecutor invoke throughput (SQLite, one commit per invocation, 3 entries each): "
              f"{statistics.median(rates):,.0f} invocations/s")  # fmt: skip
        for batch in (1, 3, 100):
            rate = append_rate(Path(tmp) / f"raw-{batch}.db", batch, 30_000)
            print(
                f"SqliteOplogStore.append, {batch:>3} entries per transaction: {rate:,.0f} entries/s"
            )


def print_table(rows: list[tuple[int, int, float, float, int]]) -> None:
    print(
        f"\n{'N':>8} {'invocations':>12} {'full replay':>12} {'every(1000)':>12} {'ratio':>8} {'replayed':>9}"
    )
    for size, total, full, snap, replayed in rows:
        print(
            f"{size:>8,} {total:>12,} {full * 1000:>10.1f}ms {snap * 1000:>10.1f}ms {full / snap:>7.1f}x {replayed:>9,}"
        )
    if len(rows) > 1:
        growth = rows[-1][3] / rows[0][3]
        print(
            f"every(1000) recovery at N={rows[-1][0]:,} vs N={rows[0][0]:,}: {growth:.2f}x (flat = 1)"
        )


if __name__ == "__main__":
    main()

"""The Golem 1.6 semantics of the local executor (SPEC §12), end to end."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from typing import Any

import pytest

from runtime_stub import (
    Executor,
    InMemoryOplogStore,
    OplogStore,
    Snapshot,
    SnapshotError,
    SqliteOplogStore,
    UpdateError,
    atomically,
    now,
    oplog_commit,
)
from runtime_stub.snapshot import load_custom, save_custom
from tests.executor.support import (
    Counter,
    CounterV2,
    FakeClock,
    agent_type,
    load_counter,
    save_counter,
    v2_type,
)

A = 'Counter("a")'


def kinds(ex: Executor, agent: str = A) -> list[str]:
    return [entry.kind for entry in ex.oplog(agent)]


@dataclass
class Journal:
    """A custom snapshot pair whose load does something it must not: loading is read-only."""

    name: str
    lines: int = 0
    misbehave: str = ""

    def write(self) -> int:
        self.lines += 1
        return self.lines

    def save_snapshot(self) -> bytes:
        return str(self.lines).encode()

    def load_snapshot(self, data: bytes) -> None:
        if self.misbehave == "now":
            now()
        elif self.misbehave == "commit":
            oplog_commit(1)
        elif self.misbehave == "atomically":
            with atomically():
                pass
        elif self.misbehave == "swallow":
            with contextlib.suppress(SnapshotError):  # catching the refusal does not help
                now()
        self.lines = int(data)


def journal_type(misbehave: str = "", snapshotting: str = "every(1)") -> Any:
    class Misbehaving(Journal):
        def __init__(self, name: str, lines: int = 0) -> None:
            super().__init__(name, lines, misbehave)

    Misbehaving.__qualname__ = Misbehaving.__name__ = f"Journal_{misbehave or 'ok'}"

    def save(instance: Journal) -> Snapshot:
        return save_custom(instance.save_snapshot, "Journal")

    def load(instance: Journal, payload: bytes) -> None:
        load_custom(instance.load_snapshot, payload, "Journal")

    return agent_type(Misbehaving, snapshotting, type_name="Journal", save=save, load=load)


@pytest.mark.parametrize(
    ("misbehave", "called"),
    [("now", "now()"), ("commit", "oplog_commit()"), ("atomically", "atomically()"),
     ("swallow", "now()")],
)  # fmt: skip
def test_loading_is_read_only_a_host_call_fails_the_load(misbehave: str, called: str) -> None:
    store = InMemoryOplogStore()
    ex = Executor(store, agent_types=[journal_type(misbehave)])
    for _ in range(3):
        ex.invoke("Journal", ["j"], "write")
    again = Executor(store, agent_types=[journal_type(misbehave)])
    assert again.invoke("Journal", ["j"], "write") == 4  # full replay: nothing is lost
    stats = again.recovery_stats('Journal("j")')
    assert stats is not None and stats.snapshot_index is None and stats.replayed_invocations == 3
    assert stats.snapshot_error is not None
    assert re.search(
        rf"Journal\.load_snapshot called {re.escape(called)} while loading a snapshot: loading "
        r"is read-only \(no durable host calls or durability controls\)",
        stats.snapshot_error,
    ), stats.snapshot_error
    failed = [e for e in again.oplog('Journal("j")') if e.kind == "error"]
    assert [e.data["snapshot"] for e in failed] == ["load", "load", "load"]  # each snapshot once


def test_a_read_only_violation_fails_an_update_too() -> None:
    ex = Executor(agent_types=[journal_type("", "disabled")])
    ex.invoke("Journal", ["j"], "write")
    with pytest.raises(UpdateError, match="loading is read-only"):
        ex.update('Journal("j")', journal_type("now", "disabled"))
    assert kinds(ex, 'Journal("j")')[-1] == "failed-update"
    assert ex.invoke("Journal", ["j"], "write") == 2


def test_after_an_update_recovery_never_replays_or_loads_anything_from_before_it() -> None:
    store = InMemoryOplogStore()
    ex = Executor(store, agent_types=[agent_type(Counter, "every(1)"), v2_type("every(1)")])
    ex.invoke("Counter", ["a"], "add", [5])
    ex.invoke("Counter", ["a"], "add", [5])
    old_snapshots = [e.index for e in ex.oplog(A) if e.kind == "snapshot"]
    ex.update(A, CounterV2)
    loaded: list[bytes] = []

    def spy(instance: CounterV2, payload: bytes) -> None:
        loaded.append(payload)
        from tests.executor.support import load_v2

        load_v2(instance, payload)

    spying = agent_type(CounterV2, "every(1)", save=v2_type().save_snapshot, load=spy)
    again = Executor(store, agent_types=[agent_type(Counter, "every(1)"), spying])
    assert again.instance(A).total == 10
    stats = again.recovery_stats(A)
    pending = next(e for e in again.oplog(A) if e.kind == "pending-update")
    assert stats is not None and (stats.snapshot_index, stats.replayed_invocations) == (
        pending.index, 0,
    )  # fmt: skip
    assert loaded == [pending.data["payload"]]
    assert all(index < pending.index for index in old_snapshots)


def test_a_broken_update_payload_is_a_recovery_error_not_a_replay_of_older_invocations() -> None:
    store = InMemoryOplogStore()
    ex = Executor(store, agent_types=[agent_type(Counter), v2_type()])
    ex.invoke("Counter", ["a"], "add", [5])
    ex.update(A, CounterV2)

    def refuse(instance: CounterV2, payload: bytes) -> None:
        raise SnapshotError("the new loader is broken")

    broken = agent_type(CounterV2, save=v2_type().save_snapshot, load=refuse)
    with pytest.raises(Exception, match="never replays invocations from before an update"):
        Executor(store, agent_types=[agent_type(Counter), broken]).instance(A)


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_a_periodic_snapshot_that_fails_to_load_is_skipped_for_good_and_recorded_once(
    kind: str,
) -> None:
    clock = FakeClock()
    store: OplogStore = InMemoryOplogStore() if kind == "memory" else SqliteOplogStore(":memory:")
    types = [agent_type(Counter, "periodic(10s)")]
    ex = Executor(store, agent_types=types, clock=clock)
    for _ in range(4):  # the first creates the agent, whose creation starts the period
        clock.advance(11_000_000_000)
        ex.invoke("Counter", ["a"], "increment")
    snapshots = [e.index for e in ex.oplog(A) if e.kind == "snapshot"]
    assert len(snapshots) == 3

    def newest_is_broken(instance: Counter, payload: bytes) -> None:
        if b'"count":4' in payload:
            raise SnapshotError("corrupt")
        load_counter(instance, payload)

    broken = [agent_type(Counter, "periodic(10s)", save=save_counter, load=newest_is_broken)]
    first = Executor(store, agent_types=broken, clock=clock)
    assert first.instance(A).count == 4
    stats = first.recovery_stats(A)
    assert stats is not None and stats.snapshot_index == snapshots[1]  # the newest usable one
    assert stats.snapshot_error is not None and "corrupt" in stats.snapshot_error
    marker = first.oplog(A)[-1]
    assert (marker.kind, marker.data["snapshot"], marker.data["snapshot_index"]) == (
        "error", "load", snapshots[2],
    )  # fmt: skip
    assert "it is not tried again" in first.format_oplog(A)
    second = Executor(store, agent_types=broken, clock=clock)
    assert second.instance(A).count == 4
    stats = second.recovery_stats(A)
    assert stats is not None and stats.snapshot_index == snapshots[1]
    assert stats.snapshot_error is None  # not tried again, so nothing new failed
    assert kinds(second).count("error") == 1

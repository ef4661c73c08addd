"""Recovery: from the latest snapshot, full replay when it will not load, divergence, bounded reads."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from runtime_stub import (
    Executor,
    InMemoryOplogStore,
    OplogEntry,
    ReplayDivergenceError,
    SnapshotError,
    SqliteOplogStore,
    now,
    random,
)
from runtime_stub.oplog.codec import encode_data
from tests.executor.support import EFFECTS, Counter, agent_type


@pytest.fixture(autouse=True)
def _clear_effects() -> Iterator[None]:
    EFFECTS.clear()
    yield
    EFFECTS.clear()


def run(ex: Executor, count: int, name: str = "a") -> None:
    for number in range(count):
        if number % 2:
            ex.invoke("Counter", [name], "add", [number])
        else:
            ex.invoke("Counter", [name], "stamp")


def test_recovery_loads_the_latest_snapshot_and_replays_only_what_follows() -> None:
    ex = Executor(agent_types=[agent_type(Counter, "every(3)")])
    run(ex, 7)
    before = ex.instance('Counter("a")').state()
    ex.crash()
    assert ex.instance('Counter("a")').state() == before
    snapshots = [e.index for e in ex.oplog('Counter("a")') if e.kind == "snapshot"]
    stats = ex.recovery_stats('Counter("a")')
    assert stats is not None
    assert (stats.snapshot_index, stats.replayed_invocations, stats.snapshot_error) == (
        snapshots[-1],
        1,
        None,
    )


def test_a_new_executor_on_the_same_sqlite_file_recovers_the_agent(tmp_path: Path) -> None:
    types = [agent_type(Counter, "every(4)")]
    with Executor(SqliteOplogStore(tmp_path / "o.db"), agent_types=types) as ex:
        run(ex, 10)
        before = ex.instance('Counter("a")').state()
    with Executor(SqliteOplogStore(tmp_path / "o.db"), agent_types=types) as ex:
        assert ex.invoke("Counter", ["a"], "increment") == before[0] + 1
        assert ex.instance('Counter("a")').history == before[1]


def corrupt_snapshots(path: Path, payload: bytes) -> None:
    data = encode_data({"payload": payload, "mime_type": "application/json"})
    with sqlite3.connect(path) as db:
        db.execute("UPDATE oplog SET data = ? WHERE kind = 'snapshot'", (data,))


@pytest.mark.parametrize("payload", [b"{not json", b'{"state": {"count": "many"}}', b""])
def test_a_corrupt_snapshot_falls_back_to_full_replay(tmp_path: Path, payload: bytes) -> None:
    types = [agent_type(Counter, "every(2)")]
    with Executor(SqliteOplogStore(tmp_path / "o.db"), agent_types=types) as ex:
        run(ex, 5)
        before = ex.instance('Counter("a")').state()
    corrupt_snapshots(tmp_path / "o.db", payload)
    with Executor(SqliteOplogStore(tmp_path / "o.db"), agent_types=types) as ex:
        assert ex.instance('Counter("a")').state() == before
        stats = ex.recovery_stats('Counter("a")')
        assert stats is not None
        assert stats.snapshot_index is None and stats.replayed_invocations == 5
        assert stats.snapshot_error is not None and "full replay" in stats.snapshot_error
        ex.invoke("Counter", ["a"], "increment")  # the schedule continues after the fallback
        assert ex.oplog('Counter("a")')[-1].kind == "snapshot"


def test_an_unloadable_snapshot_falls_back_to_full_replay() -> None:
    def refuse(instance: object, payload: bytes) -> None:
        raise SnapshotError("state.count: expected int")

    store = InMemoryOplogStore()
    Executor(store, agent_types=[agent_type(Counter, "every(1)")]).invoke(
        "Counter", ["a"], "add", [3]
    )
    ex = Executor(store, agent_types=[agent_type(Counter, "every(1)", load=refuse)])
    assert ex.instance('Counter("a")').count == 3
    stats = ex.recovery_stats('Counter("a")')
    assert stats is not None and stats.snapshot_index is None
    assert stats.snapshot_error is not None and "state.count: expected int" in stats.snapshot_error


def test_replay_of_a_different_host_call_is_a_divergence(monkeypatch: pytest.MonkeyPatch) -> None:
    ex = Executor(agent_types=[agent_type()])
    ex.invoke("Counter", ["a"], "stamp")
    ex.crash()

    def changed(self: Counter) -> str:
        return f"{random()}|{now()}"

    monkeypatch.setattr(Counter, "stamp", changed)
    with pytest.raises(ReplayDivergenceError) as caught:
        ex.instance('Counter("a")')
    assert caught.value.index == 3
    assert "the oplog has host-call now, but the code now does host-call random" in str(
        caught.value
    )


def test_replay_making_fewer_host_calls_is_a_divergence(monkeypatch: pytest.MonkeyPatch) -> None:
    ex = Executor(agent_types=[agent_type()])
    ex.invoke("Counter", ["a"], "stamp")
    ex.crash()
    monkeypatch.setattr(Counter, "stamp", lambda self: str(now()))
    with pytest.raises(ReplayDivergenceError, match="host-call random"):
        ex.instance('Counter("a")')


def test_replay_with_a_different_result_or_outcome_is_a_divergence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ex = Executor(agent_types=[agent_type()])
    ex.invoke("Counter", ["a"], "increment")
    ex.crash()
    monkeypatch.setattr(Counter, "increment", lambda self: 41)
    with pytest.raises(
        ReplayDivergenceError, match=r"increment returning 1\b.*increment returning 41"
    ):
        ex.instance('Counter("a")')

    def raising(self: Counter) -> int:
        raise KeyError("gone")

    monkeypatch.setattr(Counter, "increment", raising)
    with pytest.raises(ReplayDivergenceError, match="raising KeyError"):
        ex.instance('Counter("a")')


class CountingStore(InMemoryOplogStore):
    """Counts the entries recovery reads."""

    def __init__(self) -> None:
        super().__init__()
        self.entries_read = 0

    def read(self, agent_id: str, start: int = 1, stop: int | None = None) -> list[OplogEntry]:
        found = super().read(agent_id, start, stop)
        self.entries_read += len(found)
        return found


@pytest.mark.parametrize("invocations", [50, 500])
def test_recovery_reads_only_the_entries_after_the_snapshot(invocations: int) -> None:
    store = CountingStore()
    ex = Executor(store, agent_types=[agent_type(Counter, "every(10)")])
    for _ in range(invocations + 5):
        ex.invoke("Counter", ["a"], "increment")
    ex.crash()
    store.entries_read = 0
    assert ex.instance('Counter("a")').count == invocations + 5
    assert store.entries_read <= 2 + 5 * 2  # create (twice), then 5 invocations of two entries


def test_replay_reads_the_oplog_a_page_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[int] = []

    class PageCounter(InMemoryOplogStore):
        def read(self, agent_id: str, start: int = 1, stop: int | None = None) -> list[OplogEntry]:
            found = super().read(agent_id, start, stop)
            reads.append(len(found))
            return found

    monkeypatch.setattr("runtime_stub.executor.replay.PAGE", 4)
    ex = Executor(PageCounter(), agent_types=[agent_type()])
    run(ex, 9)
    before = ex.instance('Counter("a")').state()
    ex.crash()
    reads.clear()
    assert ex.instance('Counter("a")').state() == before
    assert max(reads) <= 4 and sum(reads) >= 9 * 2

"""Oplog stores: one behaviour for both backends, atomic batches, and durability under SIGKILL."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from runtime_stub import Executor, InMemoryOplogStore, OplogEntry, OplogStore, SqliteOplogStore
from runtime_stub.oplog.codec import decode_data, encode_data
from runtime_stub.oplog.entries import INVOCATION_STARTED, KINDS
from tests.executor.support import Counter, agent_type

REPO = Path(__file__).resolve().parents[2]


def entry(index: int, kind: str, at: int = 0, **data: Any) -> OplogEntry:
    if kind == INVOCATION_STARTED:
        data.setdefault("idempotency_key", f"key-{index}")
    return OplogEntry(index, kind, at, data)


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> OplogStore:
    if request.param == "memory":
        return InMemoryOplogStore()
    return SqliteOplogStore(tmp_path / "nested" / "oplog.db")


def test_the_store_answers_recoverys_questions(store: OplogStore) -> None:
    kinds = ["create", INVOCATION_STARTED, "agent-invocation-finished", "snapshot",
             INVOCATION_STARTED, "host-call", "agent-invocation-finished", "snapshot"]  # fmt: skip
    store.append("a", [entry(1, kinds[0])])
    store.append("a", [entry(i, kind, at=i * 10) for i, kind in enumerate(kinds[1:], start=2)])
    store.append("b", [entry(1, "create")])
    assert store.last_index("a") == 8 and store.last_index("b") == 1 and store.last_index("c") == 0
    assert [e.index for e in store.read("a", 3, 6)] == [3, 4, 5]
    assert [e.index for e in store.read("a", 7)] == [7, 8]
    assert store.read("c") == []
    latest = store.latest("a", ["snapshot", "host-call"])
    assert latest is not None and (latest.index, latest.at) == (8, 80)
    assert store.latest("a", ["pending-update"]) is None
    following = store.following("a", 2, ["agent-invocation-finished", "error"])
    assert following is not None and following.index == 3
    assert store.following("a", 8, ["snapshot"]) is None
    started = store.find_started("a", "key-5")
    assert started is not None and started.index == 5
    assert store.find_started("a", "nope") is None
    assert store.agent_ids() == ["a", "b"]
    store.close()


def test_appends_must_continue_the_oplog_and_are_all_or_nothing(store: OplogStore) -> None:
    store.append("a", [entry(1, "create")])
    with pytest.raises(ValueError, match="#4 appended, #3 expected"):
        store.append("a", [entry(2, INVOCATION_STARTED), entry(4, "agent-invocation-finished")])
    if isinstance(store, SqliteOplogStore):
        assert store.last_index("a") == 1
    with pytest.raises(ValueError, match="#1 appended, #2 expected"):
        store.append("a", [entry(1, "create")])


def test_sqlite_keeps_values_bytes_and_text_exactly(tmp_path: Path) -> None:
    value = {"ü": [1, 2.5, None], "t": [1, "x"], "$bytes": "not bytes"}
    data = {"result": value, "payload": b"\x00\xff", "text": "ünïcode", "n": 3, "none": None}
    with SqliteOplogStore(tmp_path / "o.db") as db:
        db.append("a", [OplogEntry(1, "snapshot", 123, data)])
    with SqliteOplogStore(tmp_path / "o.db") as db:
        (back,) = db.read("a")
    assert back == OplogEntry(1, "snapshot", 123, data)


def test_sqlite_uses_wal(tmp_path: Path) -> None:
    with SqliteOplogStore(tmp_path / "o.db") as db:
        db.append("a", [entry(1, "create")])
    with sqlite3.connect(tmp_path / "o.db") as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def recovery_query_steps(length: int) -> int:
    """SQLite VM steps (in hundreds) spent on recovery's queries against an oplog of `length`."""
    store = SqliteOplogStore(":memory:")
    kinds = [INVOCATION_STARTED, "host-call", "agent-invocation-finished"]
    store.append("a", [entry(1, "create")])
    for first in range(2, length, 300):
        batch = [entry(i, kinds[i % 3]) for i in range(first, min(first + 300, length + 1))]
        store.append("a", batch)
    store.append("a", [entry(length + 1, "snapshot")])
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    store._db.set_progress_handler(count, 100)
    store.read("a", 1, 2)
    store.latest("a", ["snapshot", "successful-update"])
    store.latest("a", ["successful-update"])
    store.following("a", length - 3, ["agent-invocation-finished", "error"])
    store.find_started("a", f"key-{length - 1}")
    SqliteOplogStore.last_index(store, "a")
    return steps


def test_sqlite_recovery_queries_do_not_grow_with_the_oplog() -> None:
    assert recovery_query_steps(10_000) <= recovery_query_steps(100) + 2


JSONISH = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=5)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(
    data=st.dictionaries(st.text(max_size=4), JSONISH, max_size=4),
    payload=st.none() | st.binary(max_size=8),
)
def test_the_codec_round_trips_entry_data(data: dict[str, Any], payload: bytes | None) -> None:
    data = {**data, "payload": payload}
    assert decode_data(encode_data(data)) == data


@settings(max_examples=40, deadline=None)
@given(
    batches=st.lists(
        st.tuples(st.sampled_from("ab"), st.lists(st.sampled_from(KINDS), min_size=1, max_size=4)),
        max_size=12,
    )
)
def test_both_stores_give_the_same_answers(batches: list[tuple[str, list[str]]]) -> None:
    memory, sqlite = InMemoryOplogStore(), SqliteOplogStore(":memory:")
    for agent, kinds in batches:
        first = memory.last_index(agent) + 1
        batch = [entry(first + i, kind, at=first + i) for i, kind in enumerate(kinds)]
        memory.append(agent, batch)
        sqlite.append(agent, batch)
    for agent in "ab":
        assert memory.read(agent) == sqlite.read(agent)
        assert memory.read(agent, 2, 5) == sqlite.read(agent, 2, 5)
        for kinds in (["snapshot"], ["error", "agent-invocation-finished"], list(KINDS)):
            assert memory.latest(agent, kinds) == sqlite.latest(agent, kinds)
            for before in range(0, memory.last_index(agent) + 2, 2):
                assert memory.latest(agent, kinds, before) == sqlite.latest(agent, kinds, before)
            for after in range(0, memory.last_index(agent) + 1, 3):
                assert memory.following(agent, after, kinds) == sqlite.following(
                    agent, after, kinds
                )
        for index in range(1, memory.last_index(agent) + 1):
            assert memory.find_started(agent, f"key-{index}") == sqlite.find_started(
                agent, f"key-{index}"
            )
    assert memory.agent_ids() == sqlite.agent_ids()


CHILD = """
import sys
sys.path[:0] = [{repo!r}]
from tests.executor.support import Counter, agent_type
from runtime_stub import Executor, SqliteOplogStore

ex = Executor(SqliteOplogStore(sys.argv[1]), agent_types=[agent_type(Counter, "every(25)")])
number = len(ex.instance('Counter("k")').history) if ex.store.agent_ids() else 0
while True:
    number += 1
    ex.invoke("Counter", ["k"], "add", [number])  # typed JSON argument, a distinct one each time
    print(number, flush=True)
"""


def run_until_killed(script: Path, db: Path, more: int) -> int:
    """Start a writer, SIGKILL it after `more` acknowledged invocations; the last acknowledged count."""
    child = subprocess.Popen(
        [sys.executable, str(script), str(db)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    acknowledged = [int(child.stdout.readline()) for _ in range(more)]
    os.kill(child.pid, signal.SIGKILL)
    acknowledged += [int(line) for line in child.stdout.read().split()]
    child.wait()
    assert child.returncode == -signal.SIGKILL
    return acknowledged[-1]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_process_killed_while_appending_loses_no_committed_invocation(tmp_path: Path) -> None:
    script, db = tmp_path / "writer.py", tmp_path / "oplog.db"
    script.write_text(textwrap.dedent(CHILD.format(repo=str(REPO))))
    for more in (3, 40, 7, 75, 1, 26, 110, 12, 51, 5):  # ten trials, killed at varied points
        acknowledged = run_until_killed(script, db, more)
        with sqlite3.connect(db) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        with Executor(SqliteOplogStore(db), agent_types=[agent_type(Counter, "every(25)")]) as ex:
            counter = ex.instance('Counter("k")')
            applied = len(counter.history)
            assert acknowledged <= applied <= acknowledged + 1  # none lost
            assert counter.history == [f"add {n}" for n in range(1, applied + 1)]  # none twice
            assert counter.count == applied * (applied + 1) // 2
            finished = sum(e.kind == "agent-invocation-finished" for e in ex.oplog('Counter("k")'))
            assert finished == applied


def test_failed_load_markers_are_found_by_the_snapshot_they_name(store: OplogStore) -> None:
    marker = {"error": "no", "error_type": "x.E", "error_args": None, "snapshot": "load"}
    store.append("a", [entry(1, "create"), entry(2, "snapshot"), entry(3, "snapshot")])
    store.append("a", [OplogEntry(4, "error", 0, {**marker, "snapshot_index": 3})])
    found = store.failed_load("a", 3)
    assert found is not None and found.index == 4
    assert store.failed_load("a", 2) is None and store.failed_load("b", 3) is None
    latest = store.latest("a", ["snapshot"], before=3)
    assert latest is not None and latest.index == 2
    assert store.latest("a", ["snapshot"], before=2) is None
    store.close()

"""A SQLite store is safe to share and to find damaged: concurrent processes work, a damaged,
foreign or newer store is a RecoveryError (exit 2 in the CLI), a store held too long fails fast."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from runtime_stub import Executor, OplogEntry, RecoveryError, SqliteOplogStore
from runtime_stub.oplog import store as store_module
from tests.executor.support import Counter, agent_type

REPO = Path(__file__).resolve().parents[2]


def filled(path: Path, entries: int = 300) -> Path:
    with SqliteOplogStore(path) as store:
        for index in range(1, entries + 1):
            store.append("a", [OplogEntry(index, "error", index, {"message": "x" * 40})])
    return path


def damaged(tmp_path: Path, how: str) -> Path:
    path = tmp_path / "oplog.db"
    if how == "garbage":
        path.write_bytes(bytes(range(256)) * 40)
    elif how == "truncated":
        filled(path)
        size = path.stat().st_size
        with path.open("r+b") as file:
            file.truncate(size // 3)
    elif how == "empty-header":
        path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 84)
    elif how == "foreign":
        with sqlite3.connect(path) as raw:
            raw.execute("CREATE TABLE oplog (something TEXT)")
            raw.execute("PRAGMA user_version=1")
    return path


@pytest.mark.parametrize("how", ["garbage", "truncated", "empty-header", "foreign"])
def test_a_damaged_store_is_a_recovery_error(tmp_path: Path, how: str) -> None:
    path = damaged(tmp_path, how)
    damage = r"oplog store .*oplog\.db is damaged"
    with pytest.raises(RecoveryError, match=damage), SqliteOplogStore(path) as store:
        store.read("a")
        store.agent_ids()


def test_a_store_of_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    path = filled(tmp_path / "oplog.db", 3)
    with sqlite3.connect(path) as raw:
        raw.execute(f"PRAGMA user_version={store_module.STORE_VERSION + 1}")
    before = path.read_bytes()
    with pytest.raises(RecoveryError, match="written by a newer version"):
        SqliteOplogStore(path)
    assert path.read_bytes() == before


def test_a_store_written_before_versions_opens_and_is_versioned(tmp_path: Path) -> None:
    path = filled(tmp_path / "oplog.db", 3)
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA user_version=0")
    with SqliteOplogStore(path) as store:
        assert store.last_index("a") == 3
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == store_module.STORE_VERSION


@pytest.mark.parametrize("how", ["garbage", "truncated", "newer"])
def test_the_oplog_command_exits_2_on_a_bad_store(tmp_path: Path, how: str) -> None:
    if how == "newer":
        path = filled(tmp_path / "oplog.db", 3)
        with sqlite3.connect(path) as raw:
            raw.execute("PRAGMA user_version=99")
    else:
        path = damaged(tmp_path, how)
    ran = subprocess.run(
        [sys.executable, "-m", "codegen", "oplog", "a", "--store", str(path)],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert ran.returncode == 2
    assert ran.stderr.startswith("golem-codegen: oplog store ") and "Traceback" not in ran.stderr


def test_a_store_held_by_another_process_fails_fast_with_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = filled(tmp_path / "oplog.db", 1)
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT", 0.2)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with SqliteOplogStore(path) as store:
            assert store.last_index("a") == 1  # readers never wait (WAL)
            with pytest.raises(RecoveryError, match="is busy: another process kept it locked"):
                store.append("a", [OplogEntry(2, "error", 2, {"message": "late"})])
    finally:
        holder.execute("ROLLBACK")
        holder.close()


WRITER = """
import sys
sys.path[:0] = [{repo!r}]
from tests.executor.support import Counter, agent_type
from runtime_stub import Executor, SqliteOplogStore

with Executor(SqliteOplogStore(sys.argv[1]), agent_types=[agent_type(Counter, "every(7)")]) as ex:
    for _ in range(int(sys.argv[3])):
        ex.invoke("Counter", [sys.argv[2]], "add", [1])
"""


def test_processes_sharing_a_store_all_finish_and_lose_nothing(tmp_path: Path) -> None:
    script, db = tmp_path / "writer.py", tmp_path / "oplog.db"
    script.write_text(textwrap.dedent(WRITER.format(repo=str(REPO))))
    invocations, names = 300, ["k1", "k2", "k3"]
    writers = [
        subprocess.Popen([sys.executable, str(script), str(db), name, str(invocations)])
        for name in names
    ]
    assert [writer.wait(timeout=120) for writer in writers] == [0] * len(names)
    with Executor(SqliteOplogStore(db), agent_types=[agent_type(Counter, "every(7)")]) as ex:
        for name in names:
            assert ex.instance(f'Counter("{name}")').count == invocations

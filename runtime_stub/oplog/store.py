"""Where oplogs live: one small interface, an in-memory store and the embedded SQLite store.

Recovery must not cost more as an oplog grows, so a store answers the few questions recovery asks
(the latest entry of some kinds, the entries after an index, the invocation with an idempotency
key) without reading the whole oplog.
"""

from __future__ import annotations

import bisect
import os
import sqlite3
import threading
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Literal, Protocol

from ..errors import RecoveryError
from .codec import decode_data, encode_data
from .entries import ERROR, INVOCATION_STARTED, OplogEntry

__all__ = ["InMemoryOplogStore", "OplogStore", "SqliteOplogStore"]


class OplogStore(Protocol):
    """The storage an `Executor` needs; indices are 1-based and dense per agent."""

    def append(self, agent_id: str, entries: Sequence[OplogEntry]) -> None:
        """Append entries (indices following the last one) atomically: all or none."""

    def last_index(self, agent_id: str) -> int:
        """The index of the agent's last entry; 0 when it has none."""

    def read(self, agent_id: str, start: int = 1, stop: int | None = None) -> list[OplogEntry]:
        """The entries with `start <= index < stop` (to the end without `stop`), in order."""

    def latest(
        self, agent_id: str, kinds: Collection[str], before: int | None = None
    ) -> OplogEntry | None:
        """The last entry whose kind is one of `kinds` (and whose index is below `before`)."""

    def following(self, agent_id: str, after: int, kinds: Collection[str]) -> OplogEntry | None:
        """The first entry after index `after` whose kind is one of `kinds`."""

    def find_started(self, agent_id: str, idempotency_key: str) -> OplogEntry | None:
        """The last `agent-invocation-started` entry with that idempotency key."""

    def failed_load(self, agent_id: str, snapshot_index: int) -> OplogEntry | None:
        """The `error` entry recording that the snapshot at `snapshot_index` failed to load."""

    def agent_ids(self) -> list[str]:
        """Every agent with an oplog, sorted."""

    def close(self) -> None:
        """Release the store's resources."""


class _MemoryLog:
    def __init__(self) -> None:
        self.entries: list[OplogEntry] = []
        self.by_kind: dict[str, list[int]] = {}
        self.by_key: dict[str, int] = {}


class InMemoryOplogStore:
    """Oplogs in process memory: for tests and throwaway runs (a crash of the process loses them)."""

    def __init__(self) -> None:
        self._logs: dict[str, _MemoryLog] = {}
        self._lock = threading.Lock()

    def append(self, agent_id: str, entries: Sequence[OplogEntry]) -> None:
        """Append entries, checking that their indices continue the oplog."""
        with self._lock:
            log = self._logs.setdefault(agent_id, _MemoryLog())
            _check_dense(agent_id, len(log.entries), entries)
            for entry in entries:
                log.entries.append(entry)
                log.by_kind.setdefault(entry.kind, []).append(entry.index)
                key = _key(entry)
                if key is not None:
                    log.by_key[key] = entry.index

    def last_index(self, agent_id: str) -> int:
        """The index of the agent's last entry; 0 when it has none."""
        log = self._logs.get(agent_id)
        return len(log.entries) if log else 0

    def read(self, agent_id: str, start: int = 1, stop: int | None = None) -> list[OplogEntry]:
        """The entries with `start <= index < stop`, in order."""
        log = self._logs.get(agent_id)
        if log is None:
            return []
        end = len(log.entries) if stop is None else stop - 1
        return log.entries[max(start, 1) - 1 : end]

    def latest(
        self, agent_id: str, kinds: Collection[str], before: int | None = None
    ) -> OplogEntry | None:
        """The last entry whose kind is one of `kinds` (and whose index is below `before`)."""
        log = self._logs.get(agent_id)
        if log is None:
            return None
        found = []
        for kind in kinds:
            indices = log.by_kind.get(kind, [])
            position = len(indices) if before is None else bisect.bisect_left(indices, before)
            if position:
                found.append(indices[position - 1])
        return log.entries[max(found) - 1] if found else None

    def following(self, agent_id: str, after: int, kinds: Collection[str]) -> OplogEntry | None:
        """The first entry after index `after` whose kind is one of `kinds`."""
        log = self._logs.get(agent_id)
        if log is None:
            return None
        found = []
        for kind in kinds:
            indices = log.by_kind.get(kind, [])
            position = bisect.bisect_right(indices, after)
            if position < len(indices):
                found.append(indices[position])
        return log.entries[min(found) - 1] if found else None

    def find_started(self, agent_id: str, idempotency_key: str) -> OplogEntry | None:
        """The last `agent-invocation-started` entry with that idempotency key."""
        log = self._logs.get(agent_id)
        index = log.by_key.get(idempotency_key) if log else None
        return log.entries[index - 1] if log and index else None

    def failed_load(self, agent_id: str, snapshot_index: int) -> OplogEntry | None:
        """The `error` entry recording that the snapshot at `snapshot_index` failed to load."""
        return self.find_started(agent_id, _failed_key(snapshot_index))

    def agent_ids(self) -> list[str]:
        """Every agent with an oplog, sorted."""
        return sorted(self._logs)

    def close(self) -> None:
        """Nothing to release."""


def _check_dense(agent_id: str, last: int, entries: Sequence[OplogEntry]) -> None:
    for offset, entry in enumerate(entries, start=last + 1):
        if entry.index != offset:
            raise ValueError(
                f"oplog of {agent_id}: entry #{entry.index} appended, #{offset} expected"
            )


_SCHEMA = """
CREATE TABLE IF NOT EXISTS oplog (
    agent_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    kind TEXT NOT NULL,
    at INTEGER NOT NULL,
    idempotency_key TEXT,
    data TEXT NOT NULL,
    PRIMARY KEY (agent_id, idx)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS oplog_by_kind ON oplog (agent_id, kind, idx);
CREATE INDEX IF NOT EXISTS oplog_by_key ON oplog (agent_id, idempotency_key, idx)
    WHERE idempotency_key IS NOT NULL;
"""
STORE_VERSION = 1
"""`PRAGMA user_version` of the stores this code writes; a newer one is refused, not guessed at."""
BUSY_TIMEOUT = 30.0
"""Seconds a write waits for another process's transaction (each holds it for one append)."""
_COLUMNS = "idx, kind, at, data"
Row = tuple[int, str, int, str]


class SqliteOplogStore:
    """Oplogs in one SQLite file (WAL); every `append` is one transaction.

    `synchronous="normal"` (the default) survives the process being killed at any point; "full"
    also survives the machine losing power, at the price of an fsync per commit.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, synchronous: Literal["normal", "full"] = "normal"
    ) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._last: dict[str, int] = {}  # last index per agent this store wrote or read
        with self._guard():
            self._db = sqlite3.connect(
                path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT
            )
            try:
                self._open(synchronous)
            except BaseException:
                self._db.close()
                raise

    def _open(self, synchronous: str) -> None:
        """WAL (readers never wait for the writer), the schema, and a version this code reads."""
        found = self._db.execute("PRAGMA user_version").fetchone()[0]
        if found > STORE_VERSION:
            raise RecoveryError(
                f"oplog store {os.fspath(self.path)} was written by a newer version of the "
                f"runtime (store version {found}, this one reads up to {STORE_VERSION}); "
                "upgrade golem-codegen to read it"
            )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(f"PRAGMA synchronous={synchronous.upper()}")
        if found < STORE_VERSION:
            self._db.executescript(_SCHEMA + f"PRAGMA user_version={STORE_VERSION};")
        else:
            self._db.execute("SELECT idx, kind, at, idempotency_key, data FROM oplog LIMIT 0")

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """SQLite's errors about the file (not a database, malformed, locked for too long) as
        one RecoveryError that names the store and says what to do."""
        try:
            yield
        except (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError):
            raise  # a stale index, a closed store: the caller's mistake, not the file's
        except sqlite3.Error as error:
            raise RecoveryError(_store_problem(os.fspath(self.path), error)) from error

    def append(self, agent_id: str, entries: Sequence[OplogEntry]) -> None:
        """Append entries in one transaction, checking that their indices continue the oplog."""
        rows = [
            (agent_id, entry.index, entry.kind, entry.at, _key(entry), encode_data(entry.data))
            for entry in entries
        ]
        with self._lock, self._guard():
            self._db.execute("BEGIN IMMEDIATE")
            try:
                _check_dense(agent_id, self._last_index(agent_id), entries)
                self._db.executemany("INSERT INTO oplog VALUES (?, ?, ?, ?, ?, ?)", rows)
                self._db.execute("COMMIT")
            except BaseException:
                self._last.pop(agent_id, None)
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            if entries:
                self._last[agent_id] = entries[-1].index

    def last_index(self, agent_id: str) -> int:
        """The index of the agent's last entry; 0 when it has none."""
        with self._lock, self._guard():
            return self._last_index(agent_id)

    def _last_index(self, agent_id: str) -> int:
        """Cached: one writer per agent, and the primary key refuses a stale index anyway."""
        known = self._last.get(agent_id)
        if known is None:
            row = self._db.execute("SELECT max(idx) FROM oplog WHERE agent_id = ?", (agent_id,))
            last = row.fetchone()[0]
            known = self._last[agent_id] = int(last) if last is not None else 0
        return known

    def read(self, agent_id: str, start: int = 1, stop: int | None = None) -> list[OplogEntry]:
        """The entries with `start <= index < stop`, in order (a primary-key range scan)."""
        sql = (
            f"SELECT {_COLUMNS} FROM oplog WHERE agent_id = ? AND idx >= ? AND idx < ? ORDER BY idx"
        )
        return self._query(sql, (agent_id, start, stop if stop is not None else 2**62))

    def latest(
        self, agent_id: str, kinds: Collection[str], before: int | None = None
    ) -> OplogEntry | None:
        """The last entry whose kind is one of `kinds`, below `before` (one index seek per kind).

        The index is forced: left alone, SQLite walks the primary key backwards and filters by
        kind, which reads the whole oplog when the kind is absent.
        """
        found = [
            self._one(
                f"SELECT {_COLUMNS} FROM oplog INDEXED BY oplog_by_kind "
                "WHERE agent_id = ? AND kind = ? AND idx < ? ORDER BY idx DESC LIMIT 1",
                (agent_id, kind, before if before is not None else 2**62),
            )
            for kind in kinds
        ]
        return max((entry for entry in found if entry), key=lambda e: e.index, default=None)

    def following(self, agent_id: str, after: int, kinds: Collection[str]) -> OplogEntry | None:
        """The first entry after index `after` whose kind is one of `kinds`."""
        found = [
            self._one(
                f"SELECT {_COLUMNS} FROM oplog INDEXED BY oplog_by_kind "
                "WHERE agent_id = ? AND kind = ? AND idx > ? ORDER BY idx LIMIT 1",
                (agent_id, kind, after),
            )
            for kind in kinds
        ]
        return min((entry for entry in found if entry), key=lambda e: e.index, default=None)

    def find_started(self, agent_id: str, idempotency_key: str) -> OplogEntry | None:
        """The last `agent-invocation-started` entry with that idempotency key."""
        return self._one(
            f"SELECT {_COLUMNS} FROM oplog INDEXED BY oplog_by_key "
            "WHERE agent_id = ? AND idempotency_key = ? ORDER BY idx DESC LIMIT 1",
            (agent_id, idempotency_key),
        )

    def failed_load(self, agent_id: str, snapshot_index: int) -> OplogEntry | None:
        """The `error` entry recording that the snapshot at `snapshot_index` failed to load."""
        return self.find_started(agent_id, _failed_key(snapshot_index))

    def agent_ids(self) -> list[str]:
        """Every agent with an oplog, sorted."""
        with self._lock, self._guard():
            rows = self._db.execute("SELECT DISTINCT agent_id FROM oplog ORDER BY agent_id")
            return [row[0] for row in rows]

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> SqliteOplogStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _query(self, sql: str, params: tuple[object, ...]) -> list[OplogEntry]:
        with self._lock, self._guard():
            rows: list[Row] = self._db.execute(sql, params).fetchall()
        return [OplogEntry(idx, kind, at, decode_data(data)) for idx, kind, at, data in rows]

    def _one(self, sql: str, params: tuple[object, ...]) -> OplogEntry | None:
        found = self._query(sql, params)
        return found[0] if found else None


def _failed_key(snapshot_index: int) -> str:
    """The key of a failed-load marker (idempotency keys are never empty, nor start with `#`)."""
    return f"#failed-load:{snapshot_index}"


def _store_problem(path: str, error: sqlite3.Error) -> str:
    """What is wrong with the store file, and what the user can do about it."""
    text = str(error)
    if "locked" in text or "busy" in text:
        return (
            f"oplog store {path} is busy: another process kept it locked for more than "
            f"{BUSY_TIMEOUT:g} s ({text}); retry, or give each process its own store"
        )
    return (
        f"oplog store {path} is damaged or not an oplog store ({text}); nothing was changed: "
        "restore it from a backup, or move it aside to start with empty oplogs"
    )


def _key(entry: OplogEntry) -> str | None:
    """The key column: an invocation's idempotency key, or the snapshot a failed load names."""
    if entry.kind == INVOCATION_STARTED:
        key: str = entry.data["idempotency_key"]
        return key
    if entry.kind == ERROR and entry.data.get("snapshot") == "load":
        return _failed_key(entry.data["snapshot_index"])
    return None

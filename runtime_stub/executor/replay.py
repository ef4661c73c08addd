"""Recovery: rebuild a durable agent from its oplog, from the newest snapshot that loads.

Construct with the original arguments, load the newest usable snapshot (never one from before
the last successful update, whose payload is then the baseline: Golem 1.6), replay only the
invocations after it, then finish an invocation a crash left unfinished. Reads are bounded by
what comes after the snapshot, so recovery does not slow down as the oplog grows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import RecoveryError
from ..oplog.entries import (
    BEGIN_ATOMIC_REGION,
    CHANGE_PERSISTENCE_LEVEL,
    END_ATOMIC_REGION,
    ERROR,
    HOST_CALL,
    INVOCATION_FINISHED,
    INVOCATION_STARTED,
    JUMP,
    SNAPSHOT,
    SUCCESSFUL_UPDATE,
    OplogEntry,
    is_snapshot_error,
)
from ..oplog.store import OplogStore
from ..registry import AgentType
from .engine import Engine, LiveAgent
from .outcome import error_data

__all__ = ["InvocationRecord", "RecoveryStats", "pages", "plan", "recover", "unclosed_region"]

PAGE = 2048
_BODY_KINDS = frozenset(
    {HOST_CALL, BEGIN_ATOMIC_REGION, END_ATOMIC_REGION, CHANGE_PERSISTENCE_LEVEL}
)


@dataclass(frozen=True, slots=True)
class RecoveryStats:
    """How an agent was last recovered.

    `snapshot_index` is the oplog index of the snapshot (or update payload) loaded, None for a
    full replay; `snapshot_error` says why a newer snapshot could not be used: one that failed
    to load, else the last one that failed to save; `resumed` tells whether an invocation a
    crash interrupted was finished; `failed_snapshots` holds the errors of all snapshots that
    failed to save after the recovery point (why the replay was longer than the policy promises).
    """

    snapshot_index: int | None
    replayed_invocations: int
    snapshot_error: str | None = None
    resumed: bool = False
    failed_snapshots: tuple[str, ...] = ()


@dataclass
class InvocationRecord:
    """One recorded invocation: its start, what it did, and how it ended (None: unfinished)."""

    started: OplogEntry
    body: list[OplogEntry] = field(default_factory=list)
    outcome: OplogEntry | None = None


def plan(
    agent_id: str, entries: Iterable[OplogEntry], failed: list[str] | None = None
) -> Iterator[InvocationRecord]:
    """Group entries after a recovery point into invocations, honouring jumps.

    Each invocation comes out once it has ended; one a crash left unfinished comes out last.
    Snapshot failures are not outcomes: the reasons of failed saves go to `failed`. A recovery
    point is never older than the last successful update, so no update follows it.
    """
    current: InvocationRecord | None = None
    for entry in entries:
        kind = entry.kind
        if is_snapshot_error(entry):
            if failed is not None and entry.data["snapshot"] == "save":
                failed.append(entry.data["error"])
        elif kind == INVOCATION_STARTED:
            if current is not None:
                raise RecoveryError(f"oplog of {agent_id}: #{entry.index:05} starts an invocation "
                                    f"while #{current.started.index:05} is unfinished")  # fmt: skip
            current = InvocationRecord(entry)
        elif current is not None and kind in (INVOCATION_FINISHED, ERROR):
            current.outcome = entry
            yield current
            current = None
        elif current is not None and kind in _BODY_KINDS:
            current.body.append(entry)
        elif current is not None and kind == JUMP:
            first, last = entry.data["from"], entry.data["to"]
            current.body = [e for e in current.body if not first <= e.index <= last]
    if current is not None:
        yield current


def pages(store: OplogStore, agent_id: str, start: int, last: int) -> Iterator[OplogEntry]:
    """Entries `start..last` read a page at a time: memory stays flat however long the oplog."""
    for first in range(start, last + 1, PAGE):
        yield from store.read(agent_id, first, min(first + PAGE, last + 1))


def unclosed_region(body: list[OplogEntry]) -> int | None:
    """The position in `body` of the outermost atomic region that never ended, if any."""
    depth, opened = 0, None
    for position, entry in enumerate(body):
        if entry.kind == BEGIN_ATOMIC_REGION:
            opened = position if depth == 0 else opened
            depth += 1
        elif entry.kind == END_ATOMIC_REGION and depth:
            depth -= 1
    return opened if depth else None


@dataclass
class _Start:
    agent_type: AgentType
    instance: Any
    after: int
    snapshot_index: int | None = None
    point: OplogEntry | None = None


def _payload_of(store: OplogStore, agent_id: str, point: OplogEntry) -> OplogEntry:
    """The entry holding the payload: the snapshot itself, or an update's pending entry."""
    if point.kind == SUCCESSFUL_UPDATE:
        return store.read(agent_id, point.data["pending_index"], point.index)[0]
    return point


def _try_load(
    engine: Engine, agent_id: str, create: OplogEntry, init: list[OplogEntry], point: OplogEntry,
    baseline: OplogEntry | None,
) -> _Start:  # fmt: skip
    """Construct the version that took `point` and load its payload; raises what failed."""
    base = engine.resolver.recorded(create.data["type_name"], create.data["class"], None)
    current = base
    if baseline is not None:
        current = engine.resolver.recorded(baseline.data["type_name"], baseline.data["class"], base)
    payload = _payload_of(engine.store, agent_id, point)
    host = (
        engine.host(engine.recorder(agent_id, 0), init, create.index) if baseline is None else None
    )
    instance = engine.construct(current, create.data["args"], host)
    engine.load(current, instance, payload.data["payload"])
    return _Start(current, instance, point.index, payload.index, point)


def _from_snapshot(
    engine: Engine, agent_id: str, create: OplogEntry, init: list[OplogEntry]
) -> tuple[_Start | None, str | None, list[OplogEntry]]:
    """Start from the newest usable snapshot, never from before a successful update (Golem 1.6).

    Snapshots that failed to load before are skipped; one failing now gets an `error` entry
    (returned, for the caller to record) so later recoveries skip it too. After an update, the
    update's payload is the baseline: if it fails too, the agent cannot be recovered.
    """
    store = engine.store
    baseline = store.latest(agent_id, (SUCCESSFUL_UPDATE,))
    floor = baseline.index if baseline is not None else 0
    first_error: str | None = None
    markers: list[OplogEntry] = []
    snapshot = store.latest(agent_id, (SNAPSHOT,))
    while snapshot is not None and snapshot.index > floor:
        if store.failed_load(agent_id, snapshot.index) is None:
            try:
                return (
                    _try_load(engine, agent_id, create, init, snapshot, baseline),
                    first_error,
                    markers,
                )
            except Exception as error:
                reason = (
                    f"snapshot #{snapshot.index:05} did not load ({type(error).__name__}: {error})"
                )
                first_error = first_error or reason
                markers.append(_marker(snapshot.index, reason, error))
        snapshot = store.latest(agent_id, (SNAPSHOT,), before=snapshot.index)
    if baseline is None:
        return None, first_error and f"{first_error}; recovered by full replay", markers
    try:
        return _try_load(engine, agent_id, create, init, baseline, baseline), first_error, markers
    except Exception as error:
        raise RecoveryError(
            f"{agent_id} cannot be recovered: the payload of its update at #{baseline.index:05} "
            f"no longer loads ({type(error).__name__}: {error}), and recovery never replays "
            "invocations from before an update"
        ) from error


def _marker(index: int, reason: str, error: Exception) -> OplogEntry:
    data = {**error_data(error), "error": f"{reason}; it is not tried again",
            "snapshot": "load", "snapshot_index": index}  # fmt: skip
    return OplogEntry(0, ERROR, 0, data)


def _full_start(
    engine: Engine, agent_id: str, create: OplogEntry, init: list[OplogEntry]
) -> _Start:
    """Start from the beginning: the original class, constructed as it first was."""
    base = engine.resolver.recorded(create.data["type_name"], create.data["class"], None)
    host = engine.host(engine.recorder(agent_id, 0), init, create.index)
    instance = engine.construct(base, create.data["args"], host)
    return _Start(base, instance, create.index + len(init))


def recover(engine: Engine, agent_id: str) -> tuple[LiveAgent, RecoveryStats]:
    """Rebuild `agent_id` from the store; finishes an interrupted invocation (which may crash again)."""
    store = engine.store
    created = store.read(agent_id, 1, 2)
    if not created:
        raise KeyError(f"no agent {agent_id} in the oplog store")
    create = created[0]
    init_calls: int = create.data.get("init_calls", 0)
    init = store.read(agent_id, 2, 2 + init_calls) if init_calls else []
    start, error, markers = _from_snapshot(engine, agent_id, create, init)
    if start is None:
        start = _full_start(engine, agent_id, create, init)
    last = store.last_index(agent_id)
    recorder = engine.recorder(agent_id, last + 1)
    live = LiveAgent(agent_id, start.agent_type, create.data["args"], start.instance, recorder,
                     engine.schedule(start.agent_type, 0))  # fmt: skip
    point = start.point
    since, last_at = (point.index, point.at) if point else (0, create.at)
    replayed, successes, tail = 0, 0, None
    failed: list[str] = []
    for step in plan(agent_id, pages(store, agent_id, start.after + 1, last), failed):
        if step.outcome is None:
            tail = step
        else:
            engine.run(live, step.started, step.body, step.outcome)
            replayed += 1
            successes += step.started.index > since and step.outcome.kind == INVOCATION_FINISHED
    live.schedule = engine.schedule(live.agent_type, last_at, successes)
    for marker in markers:  # recorded once: later recoveries skip these snapshots
        recorder.append(ERROR, marker.data)
    recorder.flush()
    error = error or (failed[-1] if failed else None)
    stats = RecoveryStats(start.snapshot_index, replayed + (tail is not None), error,
                          tail is not None, tuple(failed))  # fmt: skip
    if tail is not None:
        _resume(engine, live, tail)
    return live, stats


def _resume(engine: Engine, live: LiveAgent, tail: InvocationRecord) -> None:
    """Finish an interrupted invocation; an atomic region it was inside re-runs from its start."""
    body = tail.body
    cut = unclosed_region(body)
    if cut is not None:
        live.recorder.append(JUMP, {"from": body[cut].index, "to": body[-1].index})
        body = body[:cut]
    engine.run(live, tail.started, body, None)

"""Recovery: rebuild a durable agent from its oplog, from the latest snapshot when one loads.

Construct with the original arguments, load the latest snapshot (or update payload), replay only
the invocations after it, then finish an invocation a crash left unfinished. Reads are bounded
by what comes after the snapshot, so recovery does not slow down as the oplog grows.
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
)
from ..oplog.store import OplogStore
from ..registry import AgentType
from .engine import Engine, LiveAgent
from .update import replay_update

__all__ = ["InvocationRecord", "RecoveryStats", "pages", "plan", "recover", "unclosed_region"]

PAGE = 2048
_BODY_KINDS = frozenset(
    {HOST_CALL, BEGIN_ATOMIC_REGION, END_ATOMIC_REGION, CHANGE_PERSISTENCE_LEVEL}
)


@dataclass(frozen=True, slots=True)
class RecoveryStats:
    """How an agent was last recovered.

    `snapshot_index` is the oplog index of the snapshot (or update payload) loaded, None for a
    full replay; `snapshot_error` says why the latest snapshot could not be used, if it could not;
    `resumed` tells whether an invocation a crash interrupted was finished.
    """

    snapshot_index: int | None
    replayed_invocations: int
    snapshot_error: str | None = None
    resumed: bool = False


@dataclass
class InvocationRecord:
    """One recorded invocation: its start, what it did, and how it ended (None: unfinished)."""

    started: OplogEntry
    body: list[OplogEntry] = field(default_factory=list)
    outcome: OplogEntry | None = None


Step = InvocationRecord | OplogEntry
"""An invocation to replay, or a `successful-update` entry to re-apply."""


def plan(agent_id: str, entries: Iterable[OplogEntry]) -> Iterator[Step]:
    """Group entries after a recovery point into invocations and updates, honouring jumps.

    Each invocation comes out once it has ended; one a crash left unfinished comes out last.
    """
    current: InvocationRecord | None = None
    for entry in entries:
        kind = entry.kind
        if kind == INVOCATION_STARTED:
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
        elif kind == SUCCESSFUL_UPDATE:
            yield entry
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


def _from_snapshot(
    engine: Engine, agent_id: str, create: OplogEntry, init: list[OplogEntry]
) -> tuple[_Start | None, OplogEntry | None, str | None]:
    """Start from the latest snapshot or update payload; (start, point, error why it failed)."""
    store, args = engine.store, tuple(create.data["args"].load())
    point = store.latest(agent_id, (SNAPSHOT, SUCCESSFUL_UPDATE))
    if point is None:
        return None, None, None
    base = engine.resolver.recorded(create.data["type_name"], create.data["class"], None)
    update = (
        point if point.kind == SUCCESSFUL_UPDATE else store.latest(agent_id, (SUCCESSFUL_UPDATE,))
    )
    current = base
    if update is not None:
        current = engine.resolver.recorded(update.data["type_name"], update.data["class"], base)
    payload_entry = point
    if point.kind == SUCCESSFUL_UPDATE:
        payload_entry = store.read(agent_id, point.data["pending_index"], point.index)[0]
    try:
        host = (
            engine.host(engine.recorder(agent_id, 0), init, create.index)
            if update is None
            else None
        )
        instance = engine.construct(current, args, host)
        engine.load(current, instance, payload_entry.data["payload"])
    except Exception as error:
        reason = f"snapshot #{payload_entry.index:05} did not load ({type(error).__name__}: {error}); recovered by full replay"
        return None, point, reason
    return _Start(current, instance, point.index, payload_entry.index), point, None


def _full_start(
    engine: Engine, agent_id: str, create: OplogEntry, init: list[OplogEntry]
) -> _Start:
    """Start from the beginning: the original class, constructed as it first was."""
    base = engine.resolver.recorded(create.data["type_name"], create.data["class"], None)
    host = engine.host(engine.recorder(agent_id, 0), init, create.index)
    instance = engine.construct(base, tuple(create.data["args"].load()), host)
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
    start, point, error = _from_snapshot(engine, agent_id, create, init)
    if start is None:
        start = _full_start(engine, agent_id, create, init)
    last = store.last_index(agent_id)
    args = tuple(create.data["args"].load())
    recorder = engine.recorder(agent_id, last + 1)
    live = LiveAgent(agent_id, start.agent_type, args, start.instance, recorder,
                     engine.schedule(start.agent_type, 0))  # fmt: skip
    since, last_at = (point.index, point.at) if point else (0, create.at)
    replayed, successes, tail = 0, 0, None
    for step in plan(agent_id, pages(store, agent_id, start.after + 1, last)):
        if isinstance(step, OplogEntry):
            replay_update(engine, live, step)
        elif step.outcome is None:
            tail = step
        else:
            engine.run(live, step.started, step.body, step.outcome)
            replayed += 1
            successes += step.started.index > since and step.outcome.kind == INVOCATION_FINISHED
    live.schedule = engine.schedule(live.agent_type, last_at, successes)
    if tail is not None:
        _resume(engine, live, tail)
    return live, RecoveryStats(
        start.snapshot_index, replayed + (tail is not None), error, tail is not None
    )


def _resume(engine: Engine, live: LiveAgent, tail: InvocationRecord) -> None:
    """Finish an interrupted invocation; an atomic region it was inside re-runs from its start."""
    body = tail.body
    cut = unclosed_region(body)
    if cut is not None:
        live.recorder.append(JUMP, {"from": body[cut].index, "to": body[-1].index})
        body = body[:cut]
    engine.run(live, tail.started, body, None)

"""Running invocations on live agents: the one path shared by live calls, replay and resumption."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..aio import resolve
from ..errors import FaultHook, ReplayDivergenceError
from ..oplog.entries import SNAPSHOT, OplogEntry
from ..oplog.store import OplogStore
from ..registry import AgentType, SnapshotError
from ..snapshotting import SnapshottingPolicy
from .host import InvocationHost, describe
from .outcome import Outcome, call_in_host, check_outcome, outcome_entry
from .recorder import Recorder
from .resolve import TypeResolver
from .schedule import SnapshotSchedule, effective_policy

__all__ = ["Engine", "LiveAgent"]


@dataclass
class LiveAgent:
    """A durable agent in memory: its current version, instance, oplog writer and snapshot schedule."""

    agent_id: str
    agent_type: AgentType
    constructor_args: tuple[Any, ...]
    instance: Any
    recorder: Recorder
    schedule: SnapshotSchedule


class Engine:
    """The executor's services: store, types, clock, sleep, fault hooks and default policy."""

    def __init__(
        self,
        store: OplogStore,
        resolver: TypeResolver,
        clock: Callable[[], int],
        sleep: Callable[[float], None],
        default_policy: SnapshottingPolicy,
    ) -> None:
        self.store = store
        self.resolver = resolver
        self.clock = clock
        self.sleep = sleep
        self.default_policy = default_policy
        self.fault_hooks: list[FaultHook] = []

    def _fault(self, agent_id: str, entry: OplogEntry) -> None:
        for hook in list(self.fault_hooks):
            hook(agent_id, entry)

    def recorder(self, agent_id: str, next_index: int) -> Recorder:
        """An oplog writer for `agent_id` whose next entry gets `next_index`."""
        return Recorder(self.store, agent_id, next_index, self.clock, self._fault)

    def host(
        self,
        recorder: Recorder,
        recorded: Sequence[OplogEntry] = (),
        complete_at: int | None = None,
    ) -> InvocationHost:
        """A host replaying `recorded` (all of it, if `complete_at` is set) and then recording."""
        return InvocationHost(recorder, recorded, complete_at=complete_at, sleep=self.sleep)

    def schedule(self, agent_type: AgentType, last_at: int, completed: int = 0) -> SnapshotSchedule:
        """A snapshot schedule for `agent_type` under this executor's default policy."""
        policy = effective_policy(agent_type.snapshotting, self.default_policy)
        return SnapshotSchedule(policy, last_at, completed)

    @staticmethod
    def call(host: InvocationHost | None, function: Callable[..., Any], *args: Any) -> Outcome:
        """Run agent code under `host`; a replay divergence propagates even if the code caught it."""
        outcome = call_in_host(host, function, *args)
        if host is not None and host.divergence is not None:
            raise host.divergence
        return outcome

    def construct(
        self, agent_type: AgentType, args: tuple[Any, ...], host: InvocationHost | None
    ) -> Any:
        """`agent_class(*args)` with `host` installed; the constructor's exception propagates."""
        return self.call(host, agent_type.agent_class, *args).unwrap()

    @staticmethod
    def load(agent_type: AgentType, instance: Any, payload: bytes) -> None:
        """Load a snapshot payload into `instance` through its type's entry point."""
        load: Callable[[Any, bytes], Any] = agent_type.load_snapshot
        resolve(load(instance, payload))

    def run(
        self,
        live: LiveAgent,
        started: OplogEntry,
        body: Sequence[OplogEntry] = (),
        recorded: OplogEntry | None = None,
    ) -> Outcome:
        """Run the invocation `started` records: replay `body`, then (unless `recorded`) go live.

        A recorded invocation is only checked against its outcome; a live one gets its outcome
        recorded, counted by the schedule, possibly a snapshot, and one commit.
        """
        method: str = started.data["method"]
        args: tuple[Any, ...] = tuple(started.data["args"].load())
        host = self.host(live.recorder, body, recorded.index if recorded else None)
        outcome = self.call(host, lambda: getattr(live.instance, method)(*args))
        if recorded is not None:
            leftover = host.leftover()
            if leftover is not None:
                raise ReplayDivergenceError(
                    live.agent_id, leftover.index, describe(leftover), f"{method} without it"
                )
            check_outcome(live.agent_id, recorded, outcome, method)
            return outcome
        outcome, kind, data = outcome_entry(outcome, method)
        live.recorder.append(kind, data)
        live.schedule.record(outcome.error is None)
        if not host.open_regions:
            self.maybe_snapshot(live)
        live.recorder.flush()
        return outcome

    def maybe_snapshot(self, live: LiveAgent) -> None:
        """Take a snapshot if the schedule says so and the agent supports it (buffered, not committed)."""
        if not live.schedule.due(self.clock()):
            return
        try:
            snapshot = live.agent_type.save_snapshot(live.instance)
        except SnapshotError:
            live.schedule.supported = False
            return
        except Exception as error:
            warnings.warn(
                f"snapshot of {live.agent_id} failed: {error}", RuntimeWarning, stacklevel=2
            )
            return
        data = {"payload": bytes(snapshot.payload), "mime_type": snapshot.mime_type}
        live.schedule.taken(live.recorder.append(SNAPSHOT, data).at)

"""Running invocations on live agents: the one path shared by live calls, replay and resumption."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..aio import resolve
from ..durability import current_host
from ..errors import FaultHook, ReplayDivergenceError
from ..oplog.entries import ERROR, SNAPSHOT, OplogEntry
from ..oplog.store import OplogStore
from ..registry import AgentType
from ..snapshotting import SnapshottingPolicy
from ..values import shown
from .host import InvocationHost, ReadOnlyHost, describe
from .outcome import Outcome, call_in_host, check_outcome, error_data, outcome_entry
from .recorder import Recorder
from .resolve import TypeResolver
from .schedule import SnapshotSchedule, effective_policy
from .signature import ArgumentError, Signatures, UnknownMethodError

__all__ = ["Engine", "LiveAgent"]


@dataclass
class LiveAgent:
    """A durable agent in memory: its current version, instance, oplog writer and snapshot schedule."""

    agent_id: str
    agent_type: AgentType
    constructor_args: Sequence[Any]
    """As recorded: JSON values."""
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
        self.signatures = Signatures()

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
        return InvocationHost(
            recorder, recorded, complete_at=complete_at, sleep=self.sleep, clock=self.clock
        )

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
        self, agent_type: AgentType, args: Sequence[Any], host: InvocationHost | None
    ) -> Any:
        """The agent built from its recorded (JSON) constructor arguments, with `host` installed."""
        values = self.signatures.constructor(agent_type).load(args)
        return self.call(host, agent_type.agent_class, *values).unwrap()

    @staticmethod
    def load(agent_type: AgentType, instance: Any, payload: bytes) -> None:
        """Load a snapshot payload into `instance`; loading is read-only (Golem 1.6)."""
        load: Callable[[Any, bytes], Any] = agent_type.load_snapshot
        host = ReadOnlyHost(f"{agent_type.type_name}.load_snapshot")
        token = current_host.set(host)
        try:
            resolve(load(instance, payload))
        except Exception:
            if host.refusal is not None:
                raise host.refusal from None
            raise
        finally:
            current_host.reset(token)
        if host.refusal is not None:
            raise host.refusal

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
        try:
            signature = self.signatures.method(live.agent_type, method)
            args = signature.load(started.data["args"])
        except (ArgumentError, UnknownMethodError) as error:
            shown_args = shown(started.data["args"])
            raise ReplayDivergenceError(live.agent_id, started.index, f"{method}{shown_args}",
                                        f"code refusing them ({error})") from None  # fmt: skip
        host = self.host(live.recorder, body, recorded.index if recorded else None)
        outcome = self.call(host, lambda: getattr(live.instance, method)(*args))
        if recorded is not None:
            leftover = host.leftover()
            if leftover is not None:
                raise ReplayDivergenceError(
                    live.agent_id, leftover.index, describe(leftover), f"{method} without it"
                )
            check_outcome(live.agent_id, recorded, outcome, method, signature.result)
            return outcome
        outcome, kind, data = outcome_entry(outcome, method, signature.result)
        live.recorder.append(kind, data)
        live.schedule.record(outcome.error is None)
        if not host.open_regions:
            self.maybe_snapshot(live)
        live.recorder.flush()
        return outcome

    def maybe_snapshot(self, live: LiveAgent) -> None:
        """Take a snapshot if the schedule says so (buffered, not committed).

        A snapshot that fails to save is recorded as an `error` entry naming it and why; the
        agent keeps running and the next one is tried when the policy says so again.
        """
        now = self.clock()
        if not live.schedule.due(now):
            return
        if live.agent_type.snapshot_format is None:
            live.schedule.supported = False  # no snapshot support: nothing to take, ever
            return
        try:
            snapshot = live.agent_type.save_snapshot(live.instance)
            data: dict[str, Any] = {"payload": bytes(snapshot.payload),
                                    "mime_type": snapshot.mime_type}  # fmt: skip
        except Exception as error:
            failed = error_data(error)
            failed["error"] = (
                f"snapshot after #{live.recorder.next_index - 1:05} failed to save: "
                f"{failed['error']} (the agent keeps running; recovery replays from an older point)"
            )
            live.recorder.append(ERROR, {**failed, "snapshot": "save"})
            live.schedule.taken(now)
            return
        live.schedule.taken(live.recorder.append(SNAPSHOT, data).at)

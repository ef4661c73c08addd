"""The durability controls (SPEC §2) with Golem's semantics inside the local executor."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from runtime_stub import (
    Executor,
    InterruptedCallError,
    PersistenceLevel,
    RetryPolicy,
    SimulatedCrash,
    atomically,
    crash_after,
    durable_call,
    generate_idempotency_key,
    idempotence_mode,
    now,
    oplog_commit,
    persistence_level,
    random,
    retry_policy,
    uuid4,
)
from tests.executor.support import EFFECTS, Counter, agent_type, external_charge


@pytest.fixture(autouse=True)
def _clear_effects() -> Iterator[None]:
    EFFECTS.clear()
    yield
    EFFECTS.clear()


def kinds(ex: Executor, the_id: str) -> list[str]:
    return [entry.kind for entry in ex.oplog(the_id)]


def test_outside_an_executor_the_controls_just_run() -> None:
    assert 0 <= random() < 1 and now().tzinfo is not None
    assert uuid4() != uuid4() and generate_idempotency_key().version == 4
    assert durable_call(external_charge, "x", 1) == "receipt-1"
    with atomically(), persistence_level(PersistenceLevel.PERSIST_NOTHING), idempotence_mode(False):
        oplog_commit(1)
    with pytest.raises(ValueError, match="replicas"):
        oplog_commit(0)


def test_non_deterministic_stand_ins_are_answered_from_the_oplog_after_a_crash() -> None:
    ex = Executor(agent_types=[agent_type()])
    stamps = [ex.invoke("Counter", ["a"], "stamp") for _ in range(3)]
    ex.crash()
    assert ex.instance('Counter("a")').history == stamps
    calls = [e.data["name"] for e in ex.oplog('Counter("a")') if e.kind == "host-call"]
    assert calls == ["now", "random", "uuid4"] * 3


def test_durable_call_runs_an_effect_once_across_crashes() -> None:
    ex = Executor(agent_types=[agent_type()])
    ex.invoke("Counter", ["a"], "charge", [5])
    ex.invoke("Counter", ["a"], "charge", [7])
    for _ in range(3):
        ex.crash()
        assert ex.instance('Counter("a")').state() == (12, ["receipt-1", "receipt-2"])
    assert EFFECTS == ["charge a 5", "charge a 7"]


class Flaky(Counter):
    """Calls an external service that fails a given number of times first."""

    failures_left = 0

    def call_service(self, attempts: int) -> str:
        with retry_policy(RetryPolicy(max_attempts=attempts, min_delay_seconds=0.5, multiplier=3)):
            return durable_call(flaky_service, self.name)


def flaky_service(name: str) -> str:
    EFFECTS.append(f"try {name}")
    if Flaky.failures_left:
        Flaky.failures_left -= 1
        raise ConnectionError("service unavailable")
    return "ok"


def test_retry_policy_applies_to_durable_call_with_exponential_backoff() -> None:
    pauses: list[float] = []
    ex = Executor(agent_types=[agent_type(Flaky)], sleep=pauses.append)
    Flaky.failures_left = 2
    assert ex.invoke("Flaky", ["a"], "call_service", [3]) == "ok"
    assert pauses == [0.5, 1.5] and len(EFFECTS) == 3
    call = next(e for e in ex.oplog('Flaky("a")') if e.kind == "host-call")
    assert call.data["attempts"] == 3


def test_an_exhausted_retry_is_recorded_and_replayed_without_calling_again() -> None:
    ex = Executor(agent_types=[agent_type(Flaky)], sleep=lambda _: None)
    Flaky.failures_left = 5
    with pytest.raises(ConnectionError):
        ex.invoke("Flaky", ["a"], "call_service", [2])
    assert len(EFFECTS) == 2
    ex.crash()
    ex.instance('Flaky("a")')
    assert len(EFFECTS) == 2
    Flaky.failures_left = 0


def test_a_crash_inside_an_atomic_region_re_runs_the_whole_region() -> None:
    ex = Executor(agent_types=[agent_type()])
    the_id = 'Counter("a")'
    ex.fault_hook = crash_after("host-call")  # right after the first call in the region commits
    with pytest.raises(SimulatedCrash):
        ex.invoke("Counter", ["a"], "transfer", [4])
    assert EFFECTS == ["charge a 4"]
    assert ex.instance(the_id).history == ["receipt-2/receipt-3"]
    assert EFFECTS == ["charge a 4", "charge a 4", "charge a -4"]
    assert kinds(ex, the_id)[2:] == ["begin-atomic-region", "host-call", "jump", "begin-atomic-region",
                                     "host-call", "host-call", "end-atomic-region",
                                     "agent-invocation-finished"]  # fmt: skip
    stats = ex.recovery_stats(the_id)
    assert stats is not None and stats.resumed
    ex.crash()  # the jump keeps the dropped attempt out of later replays
    assert ex.instance(the_id).history == ["receipt-2/receipt-3"]
    assert len(EFFECTS) == 3


def test_outside_a_region_a_crash_resumes_after_the_committed_call() -> None:
    ex = Executor(agent_types=[agent_type()])
    ex.fault_hook = crash_after("host-call")
    with pytest.raises(SimulatedCrash):
        ex.invoke("Counter", ["a"], "charge", [4], idempotency_key="pay")
    assert ex.invoke("Counter", ["a"], "charge", [4], idempotency_key="pay") == 4
    assert EFFECTS == ["charge a 4"]


@dataclass
class Controlled:
    """Uses each control from inside agent code."""

    name: str
    seen: list[str] = field(default_factory=list)

    @atomically()
    def decorated(self) -> int:
        return len(durable_call(external_charge, self.name, 1))

    @atomically()
    async def decorated_async(self) -> int:
        return len(durable_call(external_charge, self.name, 2))

    def unpersisted(self) -> int:
        with persistence_level(PersistenceLevel.PERSIST_NOTHING):
            self.seen.append(durable_call(external_charge, self.name, 3))
        return len(self.seen)

    def non_idempotent(self) -> str:
        with idempotence_mode(False):
            return durable_call(external_charge, self.name, 9)

    def commit_then_crash(self) -> None:
        self.seen.append(str(random()))
        oplog_commit(1)
        raise SimulatedCrash("after the commit")

    def crash_uncommitted(self) -> None:
        self.seen.append(str(random()))
        raise SimulatedCrash("before any commit")


def test_atomically_decorates_sync_and_async_methods_as_whole_regions() -> None:
    ex = Executor(agent_types=[agent_type(Controlled, snapshots=False)])
    ex.invoke("Controlled", ["a"], "decorated")
    ex.invoke("Controlled", ["a"], "decorated_async")
    region = ["begin-atomic-region", "host-call", "end-atomic-region"]
    started, finished = "agent-invocation-started", "agent-invocation-finished"
    assert kinds(ex, 'Controlled("a")')[1:] == [started, *region, finished] * 2


def test_persist_nothing_records_no_host_calls_and_re_runs_them_on_replay() -> None:
    ex = Executor(agent_types=[agent_type(Controlled, snapshots=False)])
    assert ex.invoke("Controlled", ["a"], "unpersisted") == 1
    assert kinds(ex, 'Controlled("a")')[2:] == ["change-persistence-level", "change-persistence-level",
                                                "agent-invocation-finished"]  # fmt: skip
    levels = [e.data["level"] for e in ex.oplog('Controlled("a")') if "level" in e.data]
    assert levels == ["persist-nothing", "smart"]
    ex.crash()
    assert ex.instance('Controlled("a")').seen == ["receipt-2"]  # not answered: it ran again
    assert EFFECTS == ["charge a 3", "charge a 3"]


def test_with_idempotence_off_an_interrupted_call_is_not_retried() -> None:
    ex = Executor(agent_types=[agent_type(Controlled, snapshots=False)])
    ex.fault_hook = crash_after("host-call")  # the "about to call" marker is committed first
    with pytest.raises(SimulatedCrash):
        ex.invoke("Controlled", ["a"], "non_idempotent", idempotency_key="k")
    assert EFFECTS == []
    with pytest.raises(InterruptedCallError, match="not retried"):
        ex.invoke("Controlled", ["a"], "non_idempotent", idempotency_key="k")
    assert EFFECTS == [] and kinds(ex, 'Controlled("a")')[-1] == "error"


def test_idempotence_off_records_a_marker_before_the_call() -> None:
    ex = Executor(agent_types=[agent_type(Controlled, snapshots=False)])
    assert ex.invoke("Controlled", ["a"], "non_idempotent") == "receipt-1"
    calls = [e.data for e in ex.oplog('Controlled("a")') if e.kind == "host-call"]
    assert [c.get("pending", False) for c in calls] == [True, False]
    ex.crash()
    ex.instance('Controlled("a")')
    assert EFFECTS == ["charge a 9"]


def test_oplog_commit_makes_entries_survive_a_crash_in_the_same_invocation() -> None:
    ex = Executor(agent_types=[agent_type(Controlled, snapshots=False)])
    with pytest.raises(SimulatedCrash):
        ex.invoke("Controlled", ["a"], "commit_then_crash")
    assert kinds(ex, 'Controlled("a")') == ["create", "agent-invocation-started", "host-call"]


def test_a_crash_before_any_commit_loses_the_whole_invocation() -> None:
    ex = Executor(agent_types=[agent_type(Controlled, snapshots=False)])
    with pytest.raises(SimulatedCrash):
        ex.invoke("Controlled", ["a"], "crash_uncommitted")
    assert kinds(ex, 'Controlled("a")') == ["create"]
    assert ex.instance('Controlled("a")').seen == []


def test_a_crash_right_after_the_final_commit_keeps_the_invocation() -> None:
    ex = Executor(agent_types=[agent_type()])
    ex.invoke("Counter", ["a"], "increment")
    ex.fault_hook = crash_after("agent-invocation-finished")  # counts from now on
    with pytest.raises(SimulatedCrash):
        ex.invoke("Counter", ["a"], "increment")
    ex.fault_hook = None
    assert ex.instance('Counter("a")').count == 2
    stats = ex.recovery_stats('Counter("a")')
    assert stats is not None and (stats.replayed_invocations, stats.resumed) == (2, False)

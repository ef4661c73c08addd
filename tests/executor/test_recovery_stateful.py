"""Random invocations, crashes and snapshot policies: a recovered agent equals a twin that never crashed.

The twin is a plain `Counter` driven by the same calls, fed the values the executor returned (for
random host calls and receipts). After every step, each agent is recovered if it crashed and
compared with its twin; no completed invocation may be missing from the oplog, and every
external effect must have happened exactly once.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from runtime_stub import (
    EveryN,
    Executor,
    InMemoryOplogStore,
    OplogStore,
    SimulatedCrash,
    SqliteOplogStore,
    crash_after,
    parse_snapshotting,
)
from tests.executor.support import EFFECTS, Counter, FakeClock, agent_type

POLICIES = ["disabled", "every(1)", "every(2)", "every(3)", "every(7)", "periodic(5s)", "enabled"]
DEFAULTS = ["disabled", "every(2)"]
NAMES = st.sampled_from(["a", "b"])
SECOND = 1_000_000_000


class ExecutorMachine(RuleBasedStateMachine):
    """One executor, two agents, and their never-crashed twins."""

    def __init__(self) -> None:
        super().__init__()
        EFFECTS.clear()
        self.clock = FakeClock()
        self.twins: dict[str, Counter] = {}
        self.completed: dict[str, int] = {}
        self.directory = Path(tempfile.mkdtemp(prefix="golem-stateful-"))
        self.ex: Executor | None = None
        self.sqlite = False
        self.orphaned = 0  # effects of atomic regions a crash cut short (they re-run)
        self.every: int | None = None

    def new_store(self) -> OplogStore:
        return SqliteOplogStore(self.directory / "oplog.db") if self.sqlite else self.memory

    @initialize(
        policy=st.sampled_from(POLICIES), default=st.sampled_from(DEFAULTS), sqlite=st.booleans()
    )
    def start(self, policy: str, default: str, sqlite: bool) -> None:
        self.sqlite, self.memory = sqlite, InMemoryOplogStore()
        effective = parse_snapshotting(default if policy == "enabled" else policy)
        self.every = effective.count if isinstance(effective, EveryN) else None
        self.options = {"agent_types": [agent_type(Counter, policy)], "clock": self.clock,
                        "default_policy": parse_snapshotting(default)}  # fmt: skip
        self.ex = Executor(self.new_store(), **self.options)  # type: ignore[arg-type]

    @property
    def executor(self) -> Executor:
        assert self.ex is not None
        return self.ex

    def twin(self, name: str) -> Counter:
        return self.twins.setdefault(name, Counter(name))

    def done(self, name: str) -> None:
        self.completed[name] = self.completed.get(name, 0) + 1

    @rule(name=NAMES)
    def increment(self, name: str) -> None:
        assert self.executor.invoke("Counter", [name], "increment") == self.twin(name).increment()
        self.done(name)

    @rule(name=NAMES, amount=st.integers(-50, 50))
    def add(self, name: str, amount: int) -> None:
        assert self.executor.invoke("Counter", [name], "add", [amount]) == self.twin(name).add(
            amount
        )
        self.done(name)

    @rule(name=NAMES)
    def stamp(self, name: str) -> None:
        self.twin(name).history.append(self.executor.invoke("Counter", [name], "stamp"))
        self.done(name)

    @rule(name=NAMES, amount=st.integers(1, 9))
    def charge(self, name: str, amount: int) -> None:
        self.executor.invoke("Counter", [name], "charge", [amount])
        self.apply_charge(name, amount)

    def apply_charge(self, name: str, amount: int) -> None:
        twin = self.twin(name)
        twin.history.append(f"receipt-{len(EFFECTS)}")
        twin.count += amount
        self.done(name)

    @rule(name=NAMES, amount=st.integers(1, 9))
    def transfer(self, name: str, amount: int) -> None:
        before = len(EFFECTS)
        self.executor.invoke("Counter", [name], "transfer", [amount])
        self.twin(name).history.append(f"receipt-{before + 1}/receipt-{before + 2}")
        self.done(name)

    @rule(name=NAMES)
    def fail(self, name: str) -> None:
        with pytest.raises(ValueError, match="refuses"):
            self.executor.invoke("Counter", [name], "fail")
        self.twin(name).count += 100
        self.done(name)

    @rule()
    def crash(self) -> None:
        self.executor.crash()

    @precondition(lambda self: self.sqlite)
    @rule()
    def restart(self) -> None:
        """A new process: a new executor on the same SQLite file."""
        self.executor.close()
        self.ex = Executor(self.new_store(), **self.options)  # type: ignore[arg-type]

    @rule(name=NAMES, amount=st.integers(1, 9))
    def crash_after_the_external_call(self, name: str, amount: int) -> None:
        """The call committed, then the process died: recovery must finish the invocation."""
        self.executor.fault_hook = crash_after("host-call", agent_id=f'Counter("{name}")')
        with pytest.raises(SimulatedCrash):
            self.executor.invoke("Counter", [name], "charge", [amount])
        self.executor.fault_hook = None
        self.apply_charge(name, amount)

    @rule(name=NAMES, amount=st.integers(1, 9))
    def crash_inside_an_atomic_region(self, name: str, amount: int) -> None:
        """The first call of the region committed, then the process died: the region re-runs."""
        self.executor.fault_hook = crash_after("host-call", agent_id=f'Counter("{name}")')
        before = len(EFFECTS)
        with pytest.raises(SimulatedCrash):
            self.executor.invoke("Counter", [name], "transfer", [amount])
        self.executor.fault_hook = None
        self.executor.instance(f'Counter("{name}")')  # recovery re-runs the region now
        self.orphaned += 1
        self.twin(name).history.append(f"receipt-{before + 2}/receipt-{before + 3}")
        self.done(name)

    @rule(seconds=st.integers(1, 8))
    def wait(self, seconds: int) -> None:
        self.clock.advance(seconds * SECOND)

    @invariant()
    def recovered_agents_equal_their_twins(self) -> None:
        if self.ex is None:
            return
        for name, twin in self.twins.items():
            the_id = f'Counter("{name}")'
            assert self.executor.instance(the_id) == twin
            ends = [
                e
                for e in self.executor.oplog(the_id)
                if e.kind in ("agent-invocation-finished", "error")
            ]
            assert len(ends) == self.completed.get(name, 0)
            stats = self.executor.recovery_stats(the_id)
            assert stats is None or stats.snapshot_error is None
        receipts = [
            item for twin in self.twins.values() for item in twin.history if "receipt" in item
        ]
        assert sum(item.count("receipt") for item in receipts) + self.orphaned == len(EFFECTS)

    @invariant()
    def every_n_snapshots_follow_successful_invocations_across_crashes(self) -> None:
        if self.ex is None or self.every is None:
            return
        for name in self.twins:
            successes, positions = 0, []
            for entry in self.executor.oplog(f'Counter("{name}")'):
                successes += entry.kind == "agent-invocation-finished"
                if entry.kind == "snapshot":
                    positions.append(successes)
            every = self.every
            assert positions == [every * k for k in range(1, successes // every + 1)]

    def teardown(self) -> None:
        if self.ex is not None:
            self.ex.close()
        shutil.rmtree(self.directory, ignore_errors=True)
        EFFECTS.clear()


ExecutorMachine.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestExecutorRecovery = ExecutorMachine.TestCase

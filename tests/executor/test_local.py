"""The executor's API (SPEC §8): invoke, ids, errors, idempotency keys, ephemeral agents, policies."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Iterator

import pytest

from runtime_stub import (
    Executor,
    InMemoryOplogStore,
    SqliteOplogStore,
    atomically,
    parse_snapshotting,
)
from runtime_stub.executor.local import agent_id
from tests.executor.support import EFFECTS, Counter, FakeClock, Greeter, agent_type

SECOND = 1_000_000_000


@pytest.fixture(autouse=True)
def _clear_effects() -> Iterator[None]:
    EFFECTS.clear()
    yield
    EFFECTS.clear()


def kinds(ex: Executor, the_id: str) -> list[str]:
    return [entry.kind for entry in ex.oplog(the_id)]


def test_spec_example_invoke_crash_recover() -> None:
    ex = Executor(agent_types=[agent_type(Counter, type_name="CounterAgent")])
    assert ex.invoke("CounterAgent", ["c1"], "increment") == 1
    ex.crash()
    assert ex.invoke("CounterAgent", ["c1"], "increment") == 2
    stats = ex.recovery_stats('CounterAgent("c1")')
    assert stats is not None
    assert (stats.snapshot_index, stats.replayed_invocations) == (None, 1)


def test_agent_ids_are_type_and_json_arguments() -> None:
    assert agent_id("CounterAgent", ["c1"]) == 'CounterAgent("c1")'
    assert agent_id("Shop", ["u-1", 3, None]) == 'Shop("u-1", 3, null)'
    key = uuid.UUID(int=7)
    assert agent_id("Keyed", [key, {"a": [1, 2]}]) == f'Keyed("{key}", {{"a": [1, 2]}})'
    assert Executor().agent_id("Empty", []) == "Empty()"


def test_a_new_agent_records_create_started_finished() -> None:
    ex = Executor(agent_types=[agent_type()])
    ex.invoke("Counter", ["a"], "add", [5], idempotency_key="k1")
    entries = ex.oplog('Counter("a")')
    assert [e.kind for e in entries] == [
        "create",
        "agent-invocation-started",
        "agent-invocation-finished",
    ]
    assert [e.index for e in entries] == [1, 2, 3]
    create, started, finished = entries
    assert (
        create.data["type_name"] == "Counter"
        and create.data["class"] == "tests.executor.support:Counter"
    )
    assert create.data["args"] == ["a"]
    assert started.data["method"] == "add" and started.data["args"] == [5]
    assert started.data["idempotency_key"] == "k1"
    assert finished.data["result"] == 5


def test_async_methods_run_to_completion_even_inside_a_running_loop() -> None:
    ex = Executor(agent_types=[agent_type()])
    assert ex.invoke("Counter", ["a"], "increment_async") == 1

    async def from_a_loop() -> int:
        result: int = ex.invoke("Counter", ["a"], "increment_async")
        return result

    assert asyncio.run(from_a_loop()) == 2
    ex.crash()
    assert ex.instance('Counter("a")').count == 2


def test_a_raising_method_records_error_and_replays_its_state_change() -> None:
    ex = Executor(agent_types=[agent_type()])
    with pytest.raises(ValueError, match="a refuses"):
        ex.invoke("Counter", ["a"], "fail")
    assert kinds(ex, 'Counter("a")')[-1] == "error"
    assert ex.oplog('Counter("a")')[-1].data["error"] == "ValueError: a refuses"
    ex.crash()
    assert ex.instance('Counter("a")').count == 100


def test_unknown_or_private_methods_are_refused_before_anything_is_recorded() -> None:
    ex = Executor(agent_types=[agent_type()])
    for name in ("nope", "_secret", "__init__", "save_snapshot"):
        with pytest.raises(AttributeError, match="no agent method"):
            ex.invoke("Counter", ["a"], name)
    assert ex.oplog('Counter("a")') == []
    with pytest.raises(KeyError, match="no agent type 'Missing'"):
        ex.invoke("Missing", [], "increment")


class Leaky(Counter):
    """Returns something the oplog cannot keep."""

    def handle(self) -> object:
        self.count += 1
        return lambda: self.count


def test_unrecordable_arguments_are_refused_and_unrecordable_results_become_errors() -> None:
    ex = Executor(agent_types=[agent_type(Leaky)])
    with pytest.raises(TypeError, match=r"argument amount of Leaky\.add \(declared int\)"):
        ex.invoke("Leaky", ["a"], "add", [lambda: 1])
    assert kinds(ex, 'Leaky("a")') == []  # refused before the agent was even created
    with pytest.raises(TypeError, match="result of handle"):
        ex.invoke("Leaky", ["a"], "handle")
    assert kinds(ex, 'Leaky("a")')[-1] == "error"
    ex.crash()
    assert ex.instance('Leaky("a")').count == 1


def test_a_known_idempotency_key_returns_the_recorded_result_without_running() -> None:
    ex = Executor(agent_types=[agent_type()])
    assert ex.invoke("Counter", ["a"], "charge", [5], idempotency_key="pay-1") == 5
    assert ex.invoke("Counter", ["a"], "charge", [5], idempotency_key="pay-1") == 5
    assert EFFECTS == ["charge a 5"]
    assert kinds(ex, 'Counter("a")').count("agent-invocation-started") == 1
    assert ex.invoke("Counter", ["a"], "charge", [5], idempotency_key="pay-2") == 10


def test_idempotency_keys_survive_snapshots_restarts_and_recorded_errors(tmp_path: object) -> None:
    path = f"{tmp_path}/oplog.db"
    types = [agent_type(Counter, "every(2)")]
    with Executor(SqliteOplogStore(path), agent_types=types) as ex:
        key = uuid.UUID(int=1)
        assert ex.invoke("Counter", ["a"], "add", [3], idempotency_key=key) == 3
        with pytest.raises(ValueError):
            ex.invoke("Counter", ["a"], "fail", idempotency_key="f")
        for _ in range(4):
            ex.invoke("Counter", ["a"], "increment")
    with Executor(SqliteOplogStore(path), agent_types=types) as ex:
        assert ex.invoke("Counter", ["a"], "add", [3], idempotency_key=str(key)) == 3
        with pytest.raises(ValueError, match="a refuses"):
            ex.invoke("Counter", ["a"], "fail", idempotency_key="f")
        assert ex.instance('Counter("a")').count == 107
        stats = ex.recovery_stats('Counter("a")')
        assert stats is not None and stats.snapshot_index is not None


def test_golem_1_6_refuses_an_ephemeral_agent_with_snapshotting_and_1_5_ignores_it() -> None:
    snapshotting = agent_type(Greeter, "every(2)", mode="ephemeral", snapshots=False)
    with pytest.raises(ValueError, match=r"Greeter is ephemeral with snapshotting .*GLM007"):
        Executor(agent_types=[snapshotting]).invoke("Greeter", ["Hi"], "greet", ["Ann"])
    older = Executor(agent_types=[snapshotting], golem_version="1.5")
    for name in ("Ann", "Bob", "Cy"):
        assert older.invoke("Greeter", ["Hi"], "greet", [name]).startswith(f"Hi, {name} #1 ")
    assert "snapshot" not in kinds(older, 'Greeter("Hi")')
    with pytest.raises(ValueError, match=r"golem_version must be one of 1\.5, 1\.6"):
        Executor(golem_version="1.7")


def test_ephemeral_agents_get_a_fresh_instance_and_are_never_replayed() -> None:
    ex = Executor(agent_types=[agent_type(Greeter, mode="ephemeral", snapshots=False)])
    first = ex.invoke("Greeter", ["Hi"], "greet", ["Ann"])
    second = ex.invoke("Greeter", ["Hi"], "greet", ["Bob"])
    assert first.startswith("Hi, Ann #1 ") and second.startswith("Hi, Bob #1 ")
    the_id = 'Greeter("Hi")'
    assert kinds(ex, the_id) == ["create"] + ["agent-invocation-started", "host-call",
                                              "agent-invocation-finished"] * 2  # fmt: skip
    ex.crash()
    assert ex.invoke("Greeter", ["Hi"], "greet", ["Cy"]).startswith("Hi, Cy #1 ")
    assert ex.recovery_stats(the_id) is None
    with pytest.raises(ValueError, match="ephemeral"):
        ex.instance(the_id)
    assert ex.invoke("Greeter", ["Hi"], "greet", ["Di"], idempotency_key="once") == ex.invoke(
        "Greeter", ["Hi"], "greet", ["Di"], idempotency_key="once"
    )


def snapshot_positions(ex: Executor, the_id: str) -> list[int]:
    """How many successful invocations had finished when each snapshot was taken."""
    done, positions = 0, []
    for entry in ex.oplog(the_id):
        done += entry.kind == "agent-invocation-finished"
        if entry.kind == "snapshot":
            positions.append(done)
    return positions


def test_every_n_counts_successfully_completed_invocations_only() -> None:
    ex = Executor(agent_types=[agent_type(Counter, "every(3)")])
    for method in ["increment", "fail", "increment", "fail", "increment", "increment"] * 2:
        with contextlib.suppress(ValueError):
            ex.invoke("Counter", ["a"], method)
    assert snapshot_positions(ex, 'Counter("a")') == [3, 6]


def test_periodic_snapshots_follow_the_injected_clock() -> None:
    clock = FakeClock()
    ex = Executor(agent_types=[agent_type(Counter, "periodic(10s)")], clock=clock)
    for step in [5, 2, 3, 6, 20, 1, 9]:  # seconds before each invocation; created at the first
        clock.advance(step * SECOND)
        ex.invoke("Counter", ["a"], "increment")
    assert snapshot_positions(ex, 'Counter("a")') == [4, 5, 7]


def test_enabled_uses_the_executors_default_policy() -> None:
    types = [agent_type(Counter, "enabled")]
    every_two = Executor(agent_types=types, default_policy=parse_snapshotting("every(2)"))
    never = Executor(agent_types=types)
    for ex in (every_two, never):
        for _ in range(4):
            ex.invoke("Counter", ["a"], "increment")
    assert snapshot_positions(every_two, 'Counter("a")') == [2, 4]
    assert snapshot_positions(never, 'Counter("a")') == []
    with pytest.raises(ValueError, match="default_policy"):
        Executor(default_policy=parse_snapshotting("enabled"))


class RegionLeftOpen(Counter):
    """Leaves an atomic region open at the end of the invocation."""

    def open_region(self) -> int:
        self.region = atomically()  # kept alive: a collected region would close itself
        self.region.__enter__()
        return self.increment()


def test_no_snapshot_is_taken_inside_an_open_atomic_region() -> None:
    ex = Executor(agent_types=[agent_type(RegionLeftOpen, "every(1)")])
    ex.invoke("RegionLeftOpen", ["a"], "open_region")
    assert snapshot_positions(ex, 'RegionLeftOpen("a")') == []
    ex.invoke("RegionLeftOpen", ["a"], "increment")
    assert snapshot_positions(ex, 'RegionLeftOpen("a")') == [2]


def test_agents_without_snapshot_support_simply_take_no_snapshots() -> None:
    ex = Executor(agent_types=[agent_type(Counter, "every(1)", snapshots=False)])
    for _ in range(3):
        ex.invoke("Counter", ["a"], "increment")
    assert "snapshot" not in kinds(ex, 'Counter("a")')
    ex.crash()
    assert ex.instance('Counter("a")').count == 3


def test_a_failing_save_is_recorded_and_the_invocation_still_succeeds() -> None:
    def broken_save(instance: object) -> object:
        raise OSError("disk on fire")

    ex = Executor(agent_types=[agent_type(Counter, "every(1)", save=broken_save)])
    assert ex.invoke("Counter", ["a"], "increment") == 1
    assert ex.invoke("Counter", ["a"], "increment") == 2
    errors = [e for e in ex.oplog('Counter("a")') if e.kind == "error"]
    assert [(e.index, e.data["snapshot"]) for e in errors] == [(4, "save"), (7, "save")]
    assert errors[0].data["error"] == (
        "snapshot after #00003 failed to save: OSError: disk on fire (the agent keeps running; "
        "recovery replays from an older point)"
    )
    assert "ERROR\n" in ex.format_oplog('Counter("a")') and "disk on fire" in ex.format_oplog(
        'Counter("a")'
    )
    ex.crash()
    assert ex.invoke("Counter", ["a"], "increment") == 3
    stats = ex.recovery_stats('Counter("a")')
    assert stats is not None and stats.replayed_invocations == 2
    assert stats.failed_snapshots == (errors[0].data["error"], errors[1].data["error"])
    assert stats.snapshot_error == errors[1].data["error"]


def test_an_agent_that_is_not_in_the_store_is_a_key_error() -> None:
    ex = Executor(InMemoryOplogStore())
    with pytest.raises(KeyError, match="no agent"):
        ex.instance('Counter("ghost")')

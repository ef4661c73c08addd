"""Snapshot-based update: old version saves, new version loads; recovery keeps using the new one."""

from __future__ import annotations

from typing import Any

import pytest

from runtime_stub import Executor, InMemoryOplogStore, SnapshotError, UpdateError
from tests.executor.support import (
    Counter,
    CounterV2,
    CustomCounter,
    Greeter,
    Unloadable,
    agent_type,
    load_v2,
    v2_type,
)

A = 'Counter("a")'


def kinds(ex: Executor) -> list[str]:
    return [entry.kind for entry in ex.oplog(A)]


def counter_with_history(store: InMemoryOplogStore | None = None, *types: Any) -> Executor:
    ex = Executor(store, agent_types=[agent_type(Counter), v2_type(), *types])
    ex.invoke("Counter", ["a"], "add", [5])
    ex.invoke("Counter", ["a"], "add", [5])
    return ex


def test_update_to_a_registered_type_migrates_state_and_survives_recovery() -> None:
    store = InMemoryOplogStore()
    ex = counter_with_history(store)
    ex.update(A, CounterV2)
    assert kinds(ex)[-2:] == ["pending-update", "successful-update"]
    done = ex.oplog(A)[-1].data
    assert (done["type_name"], done["class"]) == ("CounterV2", "tests.executor.support:CounterV2")
    assert ex.invoke("Counter", ["a"], "increment") == 20
    ex.crash()
    recovered = ex.instance(A)
    assert isinstance(recovered, CounterV2)
    assert (recovered.total, recovered.notes) == (20, ["add 5", "add 5"])
    stats = ex.recovery_stats(A)
    assert stats is not None and (stats.snapshot_index, stats.replayed_invocations) == (6, 1)
    again = Executor(store, agent_types=[agent_type(Counter), v2_type()])
    assert again.invoke("Counter", ["a"], "increment") == 30
    assert again.invoke("Counter", ["a"], "state") == (30, ["add 5", "add 5"])


def test_methods_only_the_new_version_has_are_callable_after_recovery() -> None:
    store = InMemoryOplogStore()
    counter_with_history(store).update(A, CustomCounter)
    again = Executor(store, agent_types=[agent_type(Counter)])
    assert again.invoke("Counter", ["a"], "current") == 10  # Counter itself has no `current`


def test_the_update_is_the_baseline_when_a_later_snapshot_fails_to_load() -> None:
    """Golem 1.6: recovery never replays invocations from before a successful update."""

    def only_counter_payloads(instance: CounterV2, payload: bytes) -> None:
        if b'"version": 2' in payload:
            raise SnapshotError("version 2 payloads are unreadable today")
        load_v2(instance, payload)

    store = InMemoryOplogStore()
    ex = counter_with_history(store)
    ex.update(A, v2_type("every(1)"))
    ex.invoke("Counter", ["a"], "increment")
    assert kinds(ex)[-1] == "snapshot"
    unreadable = agent_type(
        CounterV2, "every(1)", save=v2_type().save_snapshot, load=only_counter_payloads
    )
    again = Executor(store, agent_types=[agent_type(Counter), unreadable])
    assert again.instance(A).total == 20
    stats = again.recovery_stats(A)
    pending = next(e.index for e in again.oplog(A) if e.kind == "pending-update")
    assert stats is not None and stats.snapshot_index == pending
    assert stats.replayed_invocations == 1  # only the invocation after the update
    assert stats.snapshot_error is not None and "unreadable today" in stats.snapshot_error
    marker = again.oplog(A)[-1]
    assert (marker.kind, marker.data["snapshot"], marker.data["snapshot_index"]) == (
        "error", "load", again.oplog(A)[-2].index,
    )  # fmt: skip
    third = Executor(store, agent_types=[agent_type(Counter), unreadable])
    assert third.instance(A).total == 20
    stats = third.recovery_stats(A)
    assert stats is not None and stats.snapshot_index == pending and stats.snapshot_error is None
    assert [e.kind for e in third.oplog(A)].count("error") == 1  # recorded once, not retried


def test_update_to_a_class_with_its_own_async_pair() -> None:
    ex = Executor(agent_types=[agent_type(Counter, "every(2)")])
    ex.invoke("Counter", ["a"], "add", [7])
    ex.update(A, CustomCounter)
    done = ex.oplog(A)[-1].data
    assert (done["type_name"], done["target"]) == (None, "tests.executor.support:CustomCounter")
    assert ex.invoke("Counter", ["a"], "increment") == 1007
    assert ex.invoke("Counter", ["a"], "increment") == 2007
    snapshot = ex.oplog(A)[-1]
    assert (snapshot.kind, snapshot.data["mime_type"]) == ("snapshot", "application/octet-stream")
    ex.crash()
    assert ex.instance(A).value == 2007
    stats = ex.recovery_stats(A)
    assert stats is not None and stats.snapshot_index == snapshot.index


def test_a_failed_load_records_failed_update_and_keeps_the_old_version() -> None:
    ex = counter_with_history()
    with pytest.raises(UpdateError, match="cannot read that payload"):
        ex.update(A, Unloadable)
    assert kinds(ex)[-2:] == ["pending-update", "failed-update"]
    assert "could not load" in ex.oplog(A)[-1].data["error"]
    assert ex.invoke("Counter", ["a"], "increment") == 11
    ex.crash()
    assert type(ex.instance(A)) is Counter and ex.instance(A).count == 11


def test_an_old_version_without_snapshots_cannot_be_updated() -> None:
    ex = Executor(agent_types=[agent_type(Counter, snapshots=False)])
    ex.invoke("Counter", ["a"], "increment")
    with pytest.raises(UpdateError, match="could not save a snapshot"):
        ex.update(A, CustomCounter)
    assert kinds(ex)[-2:] == ["pending-update", "failed-update"]
    assert ex.invoke("Counter", ["a"], "increment") == 2


def test_bad_update_requests_are_refused_before_anything_is_recorded() -> None:
    ex = counter_with_history()
    before = kinds(ex)
    with pytest.raises(TypeError, match="neither a registered agent type nor"):
        ex.update(A, Greeter)
    with pytest.raises(ValueError, match="only 'snapshot'"):
        ex.update(A, CounterV2, mode="automatic")  # type: ignore[arg-type]
    assert kinds(ex) == before
    ephemeral = Executor(agent_types=[agent_type(Greeter, mode="ephemeral", snapshots=False)])
    ephemeral.invoke("Greeter", ["Hi"], "greet", ["x"])
    with pytest.raises(ValueError, match="ephemeral"):
        ephemeral.update('Greeter("Hi")', CustomCounter)


def test_update_entries_print_like_golem() -> None:
    ex = counter_with_history()
    ex.update(A, CounterV2)
    text = ex.format_oplog(A)
    assert "ENQUEUED UPDATE\n" in text and "          target:            CounterV2\n" in text
    assert "          type:              snapshot based\n" in text
    assert (
        "SUCCESSFUL UPDATE\n" in text
        and "class:             tests.executor.support:CounterV2" in text
    )

"""Agents and hand-built `AgentType` records for the executor tests (what generated wiring provides)."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any, Literal

from runtime_stub import (
    AgentType,
    Snapshot,
    SnapshotError,
    atomically,
    durable_call,
    now,
    parse_snapshotting,
    random,
    uuid4,
)

EFFECTS: list[str] = []
"""External effects performed by `durable_call`s, in order (tests clear it)."""


def external_charge(name: str, amount: int) -> str:
    """An external effect: it must happen once per recorded call, whatever crashes follow."""
    EFFECTS.append(f"charge {name} {amount}")
    return f"receipt-{len(EFFECTS)}"


@dataclass
class Counter:
    """A durable counter whose methods exercise every kind of host call."""

    name: str
    count: int = 0
    history: list[str] = field(default_factory=list)

    def increment(self) -> int:
        self.count += 1
        return self.count

    def add(self, amount: int) -> int:
        self.count += amount
        self.history.append(f"add {amount}")
        return self.count

    def stamp(self) -> str:
        entry = f"{now().isoformat()}|{random()}|{uuid4()}"
        self.history.append(entry)
        return entry

    def charge(self, amount: int) -> int:
        receipt = durable_call(external_charge, self.name, amount)
        self.history.append(receipt)
        self.count += amount
        return self.count

    def transfer(self, amount: int) -> int:
        with atomically():
            first = durable_call(external_charge, self.name, amount)
            second = durable_call(external_charge, self.name, -amount)
        self.history.append(f"{first}/{second}")
        return self.count

    def fail(self) -> int:
        self.count += 100
        raise ValueError(f"{self.name} refuses")

    async def increment_async(self) -> int:
        await asyncio.sleep(0)
        self.count += 1
        return self.count

    def state(self) -> tuple[int, list[str]]:
        return self.count, list(self.history)


def save_counter(instance: Counter) -> Snapshot:
    """A hand-written JSON snapshot, shaped like the generated ones."""
    state = {"count": instance.count, "history": instance.history, "name": instance.name}
    body = {"principal": {"tag": "anonymous"}, "state": state, "version": 1}
    return Snapshot(json.dumps(body, separators=(",", ":")).encode(), "application/json")


def _read_state(payload: bytes) -> dict[str, Any]:
    try:
        state = json.loads(payload)["state"]
        if not isinstance(state["count"], int) or not isinstance(state["history"], list):
            raise TypeError("count must be an int and history a list")
    except (ValueError, KeyError, TypeError) as error:
        raise SnapshotError(f"state: {error}") from error
    result: dict[str, Any] = state
    return result


def load_counter(instance: Counter, payload: bytes) -> None:
    """Validate first, then assign, like the generated loader."""
    state = _read_state(payload)
    instance.count = state["count"]
    instance.history = [str(item) for item in state["history"]]


def no_snapshot(instance: Any, payload: bytes | None = None) -> Any:
    raise SnapshotError("this agent has no snapshot support")


Mode = Literal["durable", "ephemeral"]


def agent_type(
    cls: type[Any] = Counter,
    snapshotting: str = "disabled",
    *,
    type_name: str | None = None,
    mode: Mode = "durable",
    snapshots: bool = True,
    save: Any = save_counter,
    load: Any = load_counter,
) -> AgentType:
    """An `AgentType` record for `cls`, as a generated `golem_agents.py` would register it."""
    return AgentType(
        type_name=type_name or cls.__name__,
        agent_class=cls,
        constructor=(),
        methods=(),
        mode=mode,
        mount=None,
        endpoints=(),
        snapshotting=parse_snapshotting(snapshotting),
        snapshot_format="json" if snapshots else None,
        save_snapshot=save if snapshots else no_snapshot,
        load_snapshot=load if snapshots else no_snapshot,
    )


@dataclass
class CounterV2:
    """An incompatible new version of `Counter`: `count` became `total`, history became `notes`."""

    name: str
    total: int = 0
    notes: list[str] = field(default_factory=list)

    def increment(self) -> int:
        self.total += 10
        return self.total

    def state(self) -> tuple[int, list[str]]:
        return self.total, list(self.notes)


def save_v2(instance: CounterV2) -> Snapshot:
    body = {"state": {"total": instance.total, "notes": instance.notes}, "version": 2}
    return Snapshot(json.dumps(body).encode(), "application/json")


def load_v2(instance: CounterV2, payload: bytes) -> None:
    """Reads both its own payloads and version-1 `Counter` payloads (the migration)."""
    body = json.loads(payload)
    state = body["state"]
    if body["version"] == 1:
        instance.total, instance.notes = state["count"], list(state["history"])
    else:
        instance.total, instance.notes = state["total"], list(state["notes"])


def v2_type(snapshotting: str = "disabled") -> AgentType:
    return agent_type(CounterV2, snapshotting, save=save_v2, load=load_v2)


class CustomCounter:
    """A plain class with its own (async) snapshot pair: an update target without generated code."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.value = 0

    def increment(self) -> int:
        self.value += 1000
        return self.value

    def current(self) -> int:
        return self.value

    async def save_snapshot(self) -> bytes:
        return str(self.value).encode()

    async def load_snapshot(self, data: bytes) -> None:
        text = data.decode()
        self.value = json.loads(text)["state"]["count"] if text.startswith("{") else int(text)


class Unloadable(CustomCounter):
    """An update target whose load always fails."""

    async def load_snapshot(self, data: bytes) -> None:
        raise ValueError("cannot read that payload")


class Greeter:
    """An ephemeral agent: every invocation gets a fresh instance."""

    def __init__(self, greeting: str) -> None:
        self.greeting = greeting
        self.calls = 0

    def greet(self, who: str) -> str:
        self.calls += 1
        return f"{self.greeting}, {who} #{self.calls} {uuid4()}"


class FakeClock:
    """A controllable nanosecond clock; with `tick`, every reading also advances it."""

    def __init__(self, start: int = 1_700_000_000_000_000_000, tick: int = 0) -> None:
        self.now = start
        self.tick = tick

    def __call__(self) -> int:
        self.now += self.tick
        return self.now

    def advance(self, nanos: int) -> None:
        self.now += nanos

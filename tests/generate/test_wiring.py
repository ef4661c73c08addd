"""The committed golem_agents.py modules, imported: registration, metadata equal to the decorators'
values (adversarial strings included), snapshots of every kind (JSON, sync/async custom, none)."""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from runtime_stub import AgentType, SnapshotError, registry
from runtime_stub.snapshotting import parse_snapshotting
from tests.generate.support import GOLDEN_PROJECTS


@contextmanager
def imported(tmp_path: Path, project: str, module: str, root: str = ".") -> Iterator[ModuleType]:
    """Import `module` from a copy of a golden project; forget it (and its registrations) after."""
    copy = tmp_path / project
    shutil.copytree(GOLDEN_PROJECTS[project], copy)
    path = str((copy / root).resolve())
    before, saved_types = set(sys.modules), dict(registry._types)
    sys.path.insert(0, path)
    try:
        yield importlib.import_module(module)
    finally:
        sys.path.remove(path)
        for name in set(sys.modules) - before:
            del sys.modules[name]
        registry._types.clear()
        registry._types.update(saved_types)


def field_values(agent: Any) -> dict[str, Any]:
    """Every dataclass field's value (init=False defaults live on the class, not in vars())."""
    return {f.name: getattr(agent, f.name) for f in dataclasses.fields(agent)}


def by_name(wiring: ModuleType) -> dict[str, AgentType]:
    return {agent_type.type_name: agent_type for agent_type in wiring.AGENTS}


def assert_matches_decorators(agent_type: AgentType) -> None:
    """The generated metadata says what the class's own decorators say at run time."""
    options = agent_type.agent_class.__golem_agent__
    assert agent_type.type_name == options.name
    assert agent_type.mode == options.mode
    assert agent_type.mount == options.mount
    assert agent_type.snapshotting == options.snapshotting
    for endpoint in agent_type.endpoints:
        declared = getattr(agent_type.agent_class, endpoint.method).__golem_endpoint__
        assert endpoint.verb == declared.verb
        assert endpoint.path == (options.mount or "").rstrip("/") + declared.path.rstrip("/") or "/"


def test_examples_register_their_agents(tmp_path: Path) -> None:
    with imported(tmp_path, "examples", "shop.golem_agents") as wiring:
        agents = by_name(wiring)
        assert sorted(agents) == [
            "CounterAgent",
            "CustomCounterAgent",
            "EchoHandler",
            "SessionAgent",
            "batch",
        ]
        for agent_type in agents.values():
            assert registry.lookup(agent_type.type_name) is agent_type
            assert_matches_decorators(agent_type)
        counter = agents["CounterAgent"]
        assert [(e.verb, e.path, e.method) for e in counter.endpoints] == [
            ("post", "/counters/{name}/increment", "increment"),
            ("get", "/counters/{name}/value", "value"),
        ]
        assert [(p.name, p.type) for p in counter.constructor] == [("name", "str")]
        assert agents["SessionAgent"].snapshotting == parse_snapshotting("periodic(30s)")
        assert agents["batch"].methods[0].params[0].type == "list[LineItem]"
        assert [a.snapshot_format for a in wiring.AGENTS] == [
            "json",
            "json",
            "binary",
            None,
            "json",
        ]


def test_importing_twice_registers_idempotently(tmp_path: Path) -> None:
    with imported(tmp_path, "examples", "shop.billing.golem_agents") as wiring:
        importlib.reload(wiring)
        assert registry.lookup("PaymentAgent").agent_class.__name__ == "PaymentAgent"


def test_json_snapshots_keep_transient_fields(tmp_path: Path) -> None:
    with imported(tmp_path, "examples", "shop.golem_agents") as wiring:
        session = by_name(wiring)["SessionAgent"]
        agent = session.agent_class("u1")
        agent.put_item("sku-1", importlib.import_module("shop.models").LineItem("sku-1", 2, 3))
        snapshot = session.save_snapshot(agent)
        assert snapshot.payload.startswith(
            b'{"principal":{"tag":"anonymous"},"state":{"user_id":"u1","cart":'
        )
        other = session.agent_class("u2", http="client")
        session.load_snapshot(other, snapshot.payload)
        assert (other.user_id, other.cart, other.http) == ("u1", agent.cart, "client")


def test_agents_without_snapshots_say_why(tmp_path: Path) -> None:
    with imported(tmp_path, "async_custom", "jobs.golem_agents") as wiring:
        agents = by_name(wiring)
        with pytest.raises(
            SnapshotError, match="agent Echo has no snapshot support: it is not a dataclass"
        ):
            agents["Echo"].save_snapshot(agents["Echo"].agent_class())
        scratch = agents["Scratchpad"]
        with pytest.raises(SnapshotError, match='snapshotting is "disabled"'):
            scratch.load_snapshot(scratch.agent_class("me"), b"{}")
        assert (scratch.snapshot_format, agents["BlobStore"].snapshot_format) == (None, "binary")


@pytest.mark.parametrize("in_event_loop", [False, True])
def test_custom_pairs_sync_and_async(tmp_path: Path, in_event_loop: bool) -> None:
    with imported(tmp_path, "async_custom", "jobs.golem_agents") as wiring:
        agents = by_name(wiring)

        def round_trip() -> tuple[int, dict[str, bytes]]:
            counter = agents["AsyncCounter"]
            source = counter.agent_class("a")
            source.increment(41)
            snapshot = counter.save_snapshot(source)
            assert snapshot.mime_type == "application/octet-stream"
            loaded = counter.agent_class("b")
            counter.load_snapshot(loaded, snapshot.payload)
            blobs = agents["BlobStore"]
            store = blobs.agent_class("bucket")
            store.put("k", b"\x00v")
            restored = blobs.agent_class("other")
            blobs.load_snapshot(restored, blobs.save_snapshot(store).payload)
            return loaded.count, restored.blobs

        async def in_loop() -> tuple[int, dict[str, bytes]]:
            return round_trip()

        result = asyncio.run(in_loop()) if in_event_loop else round_trip()
        assert result == (41, {"k": b"\x00v"})


def test_adversarial_strings_survive_as_the_same_values(tmp_path: Path) -> None:
    with imported(tmp_path, "adversarial", "weird.golem_agents") as wiring:
        agents = {a.agent_class.__name__: a for a in wiring.AGENTS}
        weird = agents["WeirdAgent"]
        assert weird.type_name == "we\"ird 'name' \\ \u2028 é"
        assert weird.mount == '/q/it\'s/"""/back\\slash/é/{key}/\x00'
        assert_matches_decorators(weird)
        returns = {m.name: m.returns for m in weird.methods}
        assert returns["root"] == "Literal[\"a'b\", 'c\"d']"
        values = importlib.import_module("weird.agents")
        source = weird.agent_class("k")
        source.quotes = list(values.Quote)
        source.strange = "sep\u2028arator"
        source.a_very_long_field_name_that_keeps_going_and_going_and_going_on = {
            values.Quote.TRIPLE: values.Decimal("1"),
            values.Quote.SEPARATOR: values.Decimal("2"),
        }
        source.other_item = importlib.import_module("weird.other").Item(3)
        source.mine = values.Item("mine")
        other = importlib.import_module("weird.other")
        source.shadows = [other.value(1), other.value(2)]
        source.local = other.f1("k")
        target = weird.agent_class("other")
        weird.load_snapshot(target, weird.save_snapshot(source).payload)
        assert field_values(target) == field_values(source)


def test_long_names_round_trip(tmp_path: Path) -> None:
    with imported(tmp_path, "adversarial", "weird.golem_agents") as wiring:
        (long,) = [a for a in wiring.AGENTS if a.type_name.startswith("AnExtremelyLong")]
        decimal = importlib.import_module("weird.agents").Decimal
        source = long.agent_class([decimal("1")], {"k": [(1, decimal("2"))]})
        target = long.agent_class([])
        long.load_snapshot(target, long.save_snapshot(source).payload)
        assert field_values(target) == field_values(source)


def test_cross_module_types_and_a_package_init_agent(tmp_path: Path) -> None:
    with imported(tmp_path, "cross_module", "app.agents.golem_agents") as wiring:
        models = importlib.import_module("app.models")
        geo = importlib.import_module("app.geo")
        cart = by_name(wiring)["CartAgent"]
        source = cart.agent_class("ann")
        referrer = models.Customer(1, [models.Address("Main St", geo.Location(1.5, -2.25, "home"))])
        source.customer = models.Customer(2, [], referred_by=referrer)
        source.ship_to = {"home": referrer.addresses[0]}
        target = cart.agent_class("bob")
        cart.load_snapshot(target, cart.save_snapshot(source).payload)
        assert field_values(target) == field_values(source)
        root = importlib.import_module("app.golem_agents")
        assert [a.type_name for a in root.AGENTS] == ["RootAgent"]


def test_a_directory_that_is_not_a_package(tmp_path: Path) -> None:
    with imported(tmp_path, "flat", "golem_agents", root="scripts") as wiring:
        (tally,) = wiring.AGENTS
        shape = importlib.import_module("shapes").Shape
        source = tally.agent_class("t")
        source.see(shape(3, "triangle"))
        target: Any = tally.agent_class("u")
        tally.load_snapshot(target, tally.save_snapshot(source).payload)
        assert target.seen == [shape(3, "triangle")] and target.key == "t"

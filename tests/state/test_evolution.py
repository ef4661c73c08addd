"""A v1 -> v2 -> v3 agent end to end: SQLite oplog, crashes, recovery and updates across versions."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from runtime_stub import Executor, SnapshotError, SqliteOplogStore, UpdateError
from tests.state.support import CART_V1, CART_V2, CART_V3, Project

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.filterwarnings("ignore::runtime_stub.registry.RegistryWarning")
"""Three versions of one agent type are registered side by side here, on purpose."""


def drive(project: Project, store: Path, *commands: str) -> dict[str, Any]:
    """Run the commands in a fresh process (a crash of everything, in effect) and read its report."""
    child = subprocess.run(
        [sys.executable, "-m", "tests.state.evolution", str(store), str(project.root), *commands],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    report: dict[str, Any] = json.loads(child.stdout)
    return report


def test_three_versions_recover_from_each_others_snapshots(tmp_path: Path) -> None:
    project = Project(tmp_path / "app").agent(CART_V1)
    store = tmp_path / "oplog.db"
    assert project.generate() == []
    v1 = drive(project, store, "apple=2", "pear=1", "apple=3", "crash", "total")
    assert v1["results"] == [2, 3, 6, 6]
    assert v1["state"]["lines"][0] == {"sku": "apple", "quantity": 2}

    project.agent(CART_V2)  # same module path: recovery loads the v1 snapshot through a migration
    assert project.generate() == []
    v2 = drive(project, store, "total", "plum=4", "crash", "total")
    assert v2["results"] == [6, 10, 10]
    assert v2["recovered_from_snapshot"] and v2["snapshot_error"] is None
    assert v2["state"]["items"] == {
        "apple": {"sku": "apple", "quantity": 5},
        "pear": {"sku": "pear", "quantity": 1},
        "plum": {"sku": "plum", "quantity": 4},
    }

    project.agent(CART_V3)
    assert project.generate() == [] and project.codes() == []
    v3 = drive(project, store, "total", "kiwi=1")
    assert v3["results"] == [10, 11]
    assert v3["state"]["coupon"] == "WELCOME"
    assert v3["recovered_from_snapshot"] and v3["snapshot_error"] is None
    raw = SqliteOplogStore(store)
    try:
        payloads = [e.data["payload"] for e in raw.read('CartAgent("ann")') if e.kind == "snapshot"]
    finally:
        raw.close()
    versions = [json.loads(p).get("stateVersion", 1) for p in payloads]
    assert versions[0] == 1 and versions[-1] == 3 and b"stateVersion" not in payloads[0]


def load_version(project: Project, source: str, package: str) -> ModuleType:
    """The generated wiring of `source` as package `package` (three versions side by side)."""
    target = project.root / package
    target.mkdir()
    (target / "__init__.py").write_text("", encoding="utf-8")
    (target / "agent.py").write_text(source, encoding="utf-8")
    assert project.generate(package) == []
    return importlib.import_module(f"{package}.golem_agents")


@pytest.fixture
def versions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[ModuleType, ...]:
    project = Project(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    return tuple(
        load_version(project, source, f"cart_v{n}_{tmp_path.name[-8:].replace('-', '_')}")
        for n, source in enumerate((CART_V1, CART_V2, CART_V3), start=1)
    )


def test_a_snapshot_based_update_migrates_v1_to_v3(versions: tuple[ModuleType, ...]) -> None:
    v1, _, v3 = versions
    (old,), (new,) = v1.AGENTS, v3.AGENTS
    assert (old.state_version, new.state_version) == (1, 3)
    ex = Executor(agent_types=[old])
    ex.invoke("CartAgent", ["bo"], "add", ["fig", 2])
    ex.invoke("CartAgent", ["bo"], "add", ["fig", 1])
    ex.update('CartAgent("bo")', new)
    agent = ex.instance('CartAgent("bo")')
    assert type(agent) is new.agent_class and agent.coupon == "WELCOME"
    assert {sku: item.quantity for sku, item in agent.items.items()} == {"fig": 3}
    assert ex.invoke("CartAgent", ["bo"], "total") == 3


def test_a_failing_migration_leaves_the_agent_untouched(
    versions: tuple[ModuleType, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    v1, v2, _ = versions
    (old,), (new,) = v1.AGENTS, v2.AGENTS
    ex = Executor(agent_types=[old])
    ex.invoke("CartAgent", ["cy"], "add", ["fig", 2])
    broken = {1: lambda state: state["no such key"]}
    monkeypatch.setattr(v2, "_MIGRATIONS_CartAgent", broken)
    with pytest.raises(
        UpdateError, match=r"migration .*<lambda> \(from state version 1\) failed: KeyError"
    ):
        ex.update('CartAgent("cy")', new)
    agent = ex.instance('CartAgent("cy")')
    assert type(agent) is old.agent_class and agent.lines[0].quantity == 2
    assert [e.kind for e in ex.oplog('CartAgent("cy")')][-1] == "failed-update"


@pytest.mark.parametrize(
    ("migration", "message"),
    [
        (lambda state: [state], "returned an array of 1 items, not a state object"),
        (
            lambda state: {"user": "u", "items": {"x": {"sku": 1, "quantity": 1}}},
            'migrated from version 1 by <lambda> is invalid: items["x"].sku: expected a string',
        ),
        (lambda state: {"items": {}}, 'missing "user"'),
    ],
)
def test_a_migration_producing_bad_state_is_a_snapshot_error(
    versions: tuple[ModuleType, ...], monkeypatch: pytest.MonkeyPatch, migration: Any, message: str
) -> None:
    v1, v2, _ = versions
    (old,), (new,) = v1.AGENTS, v2.AGENTS
    agent = old.agent_class("dee")
    payload = old.save_snapshot(agent).payload
    monkeypatch.setattr(v2, "_MIGRATIONS_CartAgent", {1: migration})
    target = new.agent_class("dee")
    before = dict(vars(target))
    with pytest.raises(SnapshotError) as raised:
        new.load_snapshot(target, payload)
    assert "CartAgent" in str(raised.value) and message in str(raised.value)
    assert vars(target) == before


def test_a_snapshot_newer_than_the_code_is_refused(versions: tuple[ModuleType, ...]) -> None:
    v1, _, v3 = versions
    (old,), (new,) = v1.AGENTS, v3.AGENTS
    payload = new.save_snapshot(new.agent_class("eve")).payload
    with pytest.raises(SnapshotError, match="state version 3 is newer than this code's 1"):
        old.load_snapshot(old.agent_class("eve"), payload)


def test_version_one_payloads_are_unchanged_and_defaults_fill_absent_keys(
    versions: tuple[ModuleType, ...],
) -> None:
    v1, _, v3 = versions
    (old,), (new,) = v1.AGENTS, v3.AGENTS
    agent = old.agent_class("fay")
    assert old.save_snapshot(agent).payload == (
        b'{"principal":{"tag":"anonymous"},"state":{"user":"fay","lines":[]},"version":1}'
    )
    saved = new.save_snapshot(new.agent_class("fay")).payload
    assert saved.endswith(b',"stateVersion":3,"version":1}')
    short = b'{"principal":{"tag":"anonymous"},"state":{"user":"fay"},"stateVersion":3,"version":1}'
    target = new.agent_class("x")
    new.load_snapshot(target, short)
    assert (target.user, target.items, target.coupon) == ("fay", {}, "")


def test_a_migration_may_not_call_the_runtime_loading_is_read_only(
    versions: tuple[ModuleType, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    import runtime_stub

    v1, v2, _ = versions
    (old,), (new,) = v1.AGENTS, v2.AGENTS
    ex = Executor(agent_types=[old])
    ex.invoke("CartAgent", ["gus"], "add", ["fig", 1])

    def stamped(state: dict[str, Any]) -> dict[str, Any]:
        runtime_stub.now()
        return {"user": state["user"], "items": {}}

    monkeypatch.setattr(v2, "_MIGRATIONS_CartAgent", {1: stamped})
    with pytest.raises(UpdateError, match="loading is read-only"):
        ex.update('CartAgent("gus")', new)
    assert type(ex.instance('CartAgent("gus")')) is old.agent_class

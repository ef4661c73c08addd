"""The example project's agents run end to end through their generated `golem_agents.py` wiring.

Importing the generated module registers the agent types; the executor then finds them by name,
snapshots them with the generated JSON code and recovers them from those snapshots.
"""

from __future__ import annotations

import importlib
import json
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest

from runtime_stub import Executor, UpdateError

EXAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "examples"


@pytest.fixture
def shop(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    if not (EXAMPLES / "shop" / "golem_agents.py").is_file():
        pytest.skip("fixtures/examples/shop/golem_agents.py is not generated yet")
    monkeypatch.syspath_prepend(str(EXAMPLES))
    return importlib.import_module("shop")


def test_the_counter_recovers_from_its_generated_json_snapshot(shop: ModuleType) -> None:
    importlib.import_module("shop.golem_agents")
    ex = Executor()
    for expected in (1, 2, 3):
        assert ex.invoke("CounterAgent", ["c1"], "increment") == expected
    ex.crash()
    assert ex.invoke("CounterAgent", ["c1"], "value") == 3
    stats = ex.recovery_stats('CounterAgent("c1")')
    assert stats is not None and stats.snapshot_index is not None
    assert stats.replayed_invocations == 0 and stats.snapshot_error is None
    snapshot = [e for e in ex.oplog('CounterAgent("c1")') if e.kind == "snapshot"][-1]
    assert snapshot.data["mime_type"] == "application/json"
    assert json.loads(snapshot.data["payload"])["state"] == {"name": "c1", "count": 3}
    assert '"count": 3' in ex.format_oplog('CounterAgent("c1")')


def test_the_custom_pair_is_wired_and_an_incompatible_update_fails_safely(shop: ModuleType) -> None:
    importlib.import_module("shop.golem_agents")
    ex = Executor()
    ex.invoke("CustomCounterAgent", ["k"], "increment")
    ex.invoke("CustomCounterAgent", ["k"], "increment")
    ex.crash()
    assert ex.invoke("CustomCounterAgent", ["k"], "increment") == 3
    custom = [e for e in ex.oplog('CustomCounterAgent("k")') if e.kind == "snapshot"][-1]
    assert (custom.data["payload"], custom.data["mime_type"]) == (
        b'\x02\x00\x00\x00\x13{"tag":"anonymous"}\x00\x00\x00\x03',
        "application/octet-stream",
    )
    ex.invoke("CounterAgent", ["c"], "increment")
    counter_class = importlib.import_module("shop.counter").CounterAgent
    custom_class = importlib.import_module("shop.custom_counter").CustomCounterAgent
    with pytest.raises(UpdateError, match="unknown envelope version byte 0x7b"):
        ex.update('CounterAgent("c")', custom_class)  # a JSON payload is no binary envelope
    assert isinstance(ex.instance('CounterAgent("c")'), counter_class)


def test_a_session_with_nested_dataclasses_and_now_recovers(shop: ModuleType) -> None:
    importlib.import_module("shop.golem_agents")
    line_item = importlib.import_module("shop.models").LineItem
    ex = Executor()
    ex.invoke("SessionAgent", ["u1"], "put_item", ["sku-1", line_item("sku-1", 2, Decimal("9.90"))])
    ex.invoke("SessionAgent", ["u1"], "visit", ["/cart"])
    before = ex.instance('SessionAgent("u1")')
    ex.crash()
    after = ex.instance('SessionAgent("u1")')
    assert (after.cart, after.history) == (before.cart, before.history)


def test_the_generated_wiring_carries_the_decoders_the_executor_uses(shop: ModuleType) -> None:
    wiring = importlib.import_module("shop.golem_agents")
    batch = next(t for t in wiring.AGENTS if t.type_name == "batch")
    assert batch.constructor[0].decode is importlib.import_module("runtime_stub.snapshot").load_str
    add = next(m for m in batch.methods if m.name == "add")
    assert add.params[0].decode is wiring._load_list_LineItem
    ex = Executor()
    line = {"sku": "s-1", "quantity": 2, "unit_price": "9.90"}
    order_id = ex.invoke("batch", ["b1", "high"], "add", [[line]])
    assert ex.invoke("batch", ["b1", "high"], "total") == Decimal("19.80")
    assert ex.invoke("batch", ["b1", "high"], "ship", [order_id]) is True
    with pytest.raises(
        TypeError, match=r"argument priority of batch\(\.\.\.\) \(declared Priority\)"
    ):
        ex.invoke("batch", ["b2", "urgent"], "total")
    with pytest.raises(TypeError, match=r"argument items\[0\]\.quantity of batch\.add"):
        ex.invoke("batch", ["b1", "high"], "add", [[{**line, "quantity": "2"}]])
    ex.crash()
    assert ex.invoke("batch", ["b1", "high"], "total") == Decimal("19.80")

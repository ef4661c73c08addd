"""`assert_recovery_equivalent`: crash everywhere, recover both ways, find the same agent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from runtime_stub.registry import AgentType
from runtime_stub.testing import Call, assert_recovery_equivalent
from tests.testing.support import broken, shop  # noqa: F401 - fixtures


def test_the_example_agents_recover_equivalently(shop: dict[str, AgentType]) -> None:  # noqa: F811
    models = __import__("shop.models", fromlist=["LineItem"])
    assert_recovery_equivalent(shop["CounterAgent"], ["c"], ["increment", "increment", "value"])
    item = models.LineItem("s", 1, Decimal("1.50"))
    calls = [("put_item", ["s", item]), ("visit", ["/home"]), Call("items")]
    assert_recovery_equivalent(shop["SessionAgent"], ["u"], calls)


def test_crashes_inside_atomic_regions_are_covered(
    shop: dict[str, AgentType],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from runtime_stub.errors import SimulatedCrash
    from runtime_stub.oplog import OplogEntry
    from runtime_stub.testing import recovery

    crashed: list[int] = []  # which atomic region each crash was inside
    original = recovery.crash_after

    def counting(kind: str, *, nth: int = 1) -> object:
        hook = original(kind, nth=nth)

        def spy(agent: str, entry: OplogEntry) -> None:
            try:
                hook(agent, entry)
            except SimulatedCrash:
                crashed.append(nth)
                raise

        return spy

    monkeypatch.setattr(recovery, "crash_after", counting)
    calls = [("pay", [5]), ("pay", [7])]  # one atomic region each
    assert_recovery_equivalent(shop["PaymentAgent"], ["acc"], calls)
    assert sorted(crashed) == [1, 1, 2, 2]  # both regions, recovered by replay and by snapshot


def test_state_outside_the_agent_is_caught(broken: dict[str, AgentType]) -> None:  # noqa: F811
    with pytest.raises(
        AssertionError, match=r"call 1 take\(\) returns something else in two identical runs"
    ):
        assert_recovery_equivalent(broken["TickerAgent"], ["t"], ["take", "take"])


def test_an_ephemeral_agent_or_no_call_has_nothing_to_compare(shop: dict[str, AgentType]) -> None:  # noqa: F811
    assert_recovery_equivalent(shop["batch"], ["b", "low"], [])

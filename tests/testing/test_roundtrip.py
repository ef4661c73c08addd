"""`assert_roundtrip` and `first_difference`: a snapshot must give back an equal state."""

from __future__ import annotations

from decimal import Decimal

import pytest

from runtime_stub.registry import AgentType
from runtime_stub.testing import assert_roundtrip, first_difference
from tests.testing.support import broken, shop  # noqa: F401 - fixtures


def test_a_json_agent_with_nested_state_round_trips(shop: dict[str, AgentType]) -> None:  # noqa: F811
    session = shop["SessionAgent"]
    models = __import__("shop.models", fromlist=["LineItem"])
    agent = session.agent_class("ann")
    agent.put_item("p-1", models.LineItem("p-1", 2, Decimal("9.90")))
    assert_roundtrip(agent, session)
    assert_roundtrip(agent)  # found in the registry by its class


def test_a_custom_pair_that_drops_a_field_names_it(broken: dict[str, AgentType]) -> None:  # noqa: F811
    lossy = broken["LossyAgent"]
    agent = lossy.agent_class("bo")
    agent.add(3)
    with pytest.raises(
        AssertionError, match=r"LossyAgent: .* state\['history'\]: 1 items != 0 items"
    ):
        assert_roundtrip(agent, lossy)


def test_an_unregistered_class_says_how_to_register_it() -> None:
    class Loose:
        pass

    with pytest.raises(LookupError, match="import the golem_agents module"):
        assert_roundtrip(Loose())


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ({"x": [1, 2]}, {"x": [1, 2]}, None),
        ({"x": [1, 2]}, {"x": [1, 3]}, "state['x'][1]: 2 != 3"),
        ({"x": {"k": 1}}, {"x": {}}, "state['x']: keys [\"'k'\"] lost, [] gained"),
        ({"x": 1}, {"x": 1.0}, "state['x']: 1 != 1.0 (a int became a float)"),
        ({"x": float("nan")}, {"x": float("nan")}, None),
    ],
)
def test_first_difference_names_the_path(a: object, b: object, expected: str | None) -> None:
    assert first_difference(a, b) == expected


def test_first_difference_is_iterative_on_deep_values() -> None:
    deep: list[object] = []
    current = deep
    for _ in range(150):
        nested: list[object] = []
        current.append(nested)
        current = nested
    assert first_difference(deep, deep) is None

"""Deep and cyclic state: a SnapshotError naming the path and the limit, in bounded time, on the
save and load paths, with and without orjson (before, locating the error re-walked the value at
every level: exponential in the depth)."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runtime_stub import SnapshotError, registry
from runtime_stub.snapshot import envelope
from tests.generate.support import run_generate

AGENT = textwrap.dedent(
    """
    from __future__ import annotations

    from dataclasses import dataclass, field

    from runtime_stub import agent


    @dataclass
    class Category:
        name: str
        children: list[Category] = field(default_factory=list)
        by_name: dict[str, Category] = field(default_factory=dict)


    @agent(snapshotting="every(1)")
    @dataclass
    class Catalog:
        name: str
        root: Category = field(default_factory=lambda: Category("root"))
    """
)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    root = tmp_path_factory.mktemp("deep")
    (root / "deepcat").mkdir()
    (root / "deepcat" / "__init__.py").write_text("")
    (root / "deepcat" / "catalog.py").write_text(AGENT)
    assert not run_generate(root).refused
    saved_types = dict(registry._types)
    sys.path.insert(0, str(root))
    try:
        import deepcat.catalog as module
        import deepcat.golem_agents as wiring

        (agent_type,) = wiring.AGENTS
        yield SimpleNamespace(module=module, agent_type=agent_type)
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m.split(".")[0] == "deepcat"]:
            del sys.modules[name]
        registry._types.clear()
        registry._types.update(saved_types)


@pytest.fixture(params=["orjson", "stdlib"])
def json_path(request: pytest.FixtureRequest) -> Iterator[str]:
    accelerator = envelope._orjson
    if request.param == "stdlib":
        envelope._orjson = None
    try:
        yield str(request.param)
    finally:
        envelope._orjson = accelerator


def chain(catalog: SimpleNamespace, depth: int, via: str = "children") -> Any:
    """A catalog whose category path is `depth` levels deep (a list or a dict at every level)."""
    agent = catalog.module.Catalog("c")
    node = agent.root
    for level in range(depth):
        child = catalog.module.Category(f"c{level}")
        if via == "children":
            node.children.append(child)
        else:
            node.by_name[f"k{level}"] = child
        node = child
    return agent, node


def deep_payload(depth: int) -> bytes:
    """A well-formed payload whose category path is `depth` levels deep (text: json.dumps
    itself refuses to write it)."""
    opening = '{"name":"c","by_name":{},"children":['
    state = opening * depth + '{"name":"leaf","children":[],"by_name":{}}' + "]}" * depth
    document = '{"principal":{"tag":"anonymous"},"state":{"name":"c","root":%s},"version":1}'
    return (document % state).encode()


@pytest.mark.parametrize(("via", "depth"), [("children", 340), ("by_name", 3000)])
def test_deep_state_fails_to_save_with_the_path_and_the_limit(
    catalog: SimpleNamespace, json_path: str, via: str, depth: int
) -> None:
    agent, _ = chain(catalog, depth, via)
    with pytest.raises(SnapshotError) as raised:
        catalog.agent_type.save_snapshot(agent)
    message = str(raised.value)
    assert message.startswith(f"cannot save the JSON snapshot of Catalog: root.{via}[")
    assert "levels)" in message and "nested too deeply" in message
    assert f"recursion limit ({sys.getrecursionlimit()} frames)" in message
    assert len(message) < 400


def test_cyclic_state_fails_to_save_naming_the_cycle(
    catalog: SimpleNamespace, json_path: str
) -> None:
    agent, leaf = chain(catalog, 3)
    leaf.children.append(agent.root)
    with pytest.raises(SnapshotError, match=r"root\.children\[0\]\.children.*is it cyclic\?"):
        catalog.agent_type.save_snapshot(agent)


@pytest.mark.parametrize("depth", [340, 5000, 100_000])
def test_deep_payloads_fail_to_load_and_leave_the_agent_untouched(
    catalog: SimpleNamespace, json_path: str, depth: int
) -> None:
    agent, _ = chain(catalog, 2)
    before = catalog.agent_type.save_snapshot(agent).payload
    with pytest.raises(SnapshotError, match="nested too deeply"):
        catalog.agent_type.load_snapshot(agent, deep_payload(depth))
    assert catalog.agent_type.save_snapshot(agent).payload == before


@settings(max_examples=5, deadline=None)
@given(st.integers(0, 800), st.sampled_from(["children", "by_name"]))
def test_any_depth_round_trips_or_is_a_snapshot_error(
    catalog: SimpleNamespace, depth: int, via: str
) -> None:
    agent, _ = chain(catalog, depth, via)
    try:
        payload = catalog.agent_type.save_snapshot(agent).payload
    except SnapshotError as error:
        assert "nested too deeply" in str(error) and depth > 100
        return
    fresh = catalog.module.Catalog("c")
    catalog.agent_type.load_snapshot(fresh, payload)
    assert catalog.agent_type.save_snapshot(fresh).payload == payload  # `==` would recurse

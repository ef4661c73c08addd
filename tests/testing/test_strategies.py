"""`state_strategy` draws valid states of every supported type; hypothesis loads only when asked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from runtime_stub.registry import AgentType
from runtime_stub.testing import assert_roundtrip, state_strategy
from tests.testing.support import generated_copy

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def everything(tmp_path_factory: pytest.TempPathFactory) -> AgentType:
    """The all-types fixture agent (every type of SPEC §4, recursive ones included), imported."""
    import importlib

    root = generated_copy("generator/all_types", tmp_path_factory.mktemp("types"))
    sys.path.insert(0, str(root))
    try:
        module = importlib.import_module("kinds.golem_agents")
    finally:
        sys.path.remove(str(root))
    (agent_type,) = [t for t in module.AGENTS if t.snapshot_format == "json"][:1]
    return agent_type


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=__import__("hypothesis").strategies.data())
def test_every_drawn_state_round_trips(everything: AgentType, data: Any) -> None:
    state = data.draw(state_strategy(everything.agent_class))
    assert type(state) is everything.agent_class
    assert_roundtrip(state, everything)


def test_the_runtime_imports_hypothesis_only_for_strategies() -> None:
    script = (
        "import sys\n"
        "import runtime_stub, runtime_stub.testing\n"
        "from runtime_stub.testing import assert_roundtrip, assert_recovery_equivalent\n"
        "assert 'hypothesis' not in sys.modules, 'hypothesis imported too early'\n"
        "from runtime_stub.testing import state_strategy\n"
        "assert 'hypothesis' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=ROOT)

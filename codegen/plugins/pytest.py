"""The pytest plugin (entry point `pytest11`): a `golem_executor` fixture and opt-in verification.

Projects opt in with `golem_verify = true` in `[tool.pytest.ini_options]`; pytest then runs, per
agent of the tree, the checks of `golem-codegen verify` as test items (a hypothesis round trip,
recovery equivalence, one item per stored snapshot). Without it, the plugin adds nothing to a run
but the fixture, and imports nothing heavy.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from runtime_stub import Executor
    from runtime_stub.registry import AgentType

__all__ = ["GolemItem", "golem_executor"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "golem_verify",
        type="bool",
        default=False,
        help="golem-codegen: verify every agent (round trip, recovery, stored snapshots) as test items",
    )
    parser.addini(
        "golem_verify_examples",
        default="50",
        help="golem-codegen: hypothesis examples per round trip (recovery uses fewer)",
    )


@pytest.fixture
def golem_executor(pytestconfig: pytest.Config) -> Iterator[Executor]:
    """A fresh in-memory Executor with the project's generated wiring registered."""
    from runtime_stub import Executor

    from ..verify import load_agents

    executor = Executor(agent_types=load_agents([pytestconfig.rootpath]))
    try:
        yield executor
    finally:
        executor.close()


class GolemFailure(Exception):
    """A verification that failed; its message names the agent, the field path and the example."""


class GolemItem(pytest.Item):
    """One check of one agent."""

    def __init__(
        self, *, agent_type: AgentType, check: str, samples: Path, examples: int, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.agent_type = agent_type
        self.check = check
        self.samples = samples
        self.examples = examples

    def runtest(self) -> None:
        from ..verify import run_check

        result = run_check(self.agent_type, self.check, self.samples, self.examples)
        if result.failure is not None:
            raise GolemFailure(result.failure)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, GolemFailure):
            return f"{self.agent_type.type_name}: {self.check} failed: {excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"golem-codegen verify {self.agent_type.type_name}: {self.check}"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Append the verification items (before `-k`/`-m` deselect among them)."""
    if not config.getini("golem_verify"):
        return
    from ..verify import load_agents, planned_checks, samples_directory

    root = config.rootpath
    samples = samples_directory([root])
    examples = int(config.getini("golem_verify_examples"))
    added: list[pytest.Item] = []
    for agent_type in load_agents([root]):
        for check in planned_checks(agent_type, samples):
            added.append(
                GolemItem.from_parent(
                    session,
                    name=f"golem[{agent_type.type_name}: {check}]",
                    agent_type=agent_type,
                    check=check,
                    samples=samples,
                    examples=examples,
                )
            )
    items.extend(added)
    report = pytest.CollectReport(
        "golem-codegen", "passed", None, list[pytest.Item | pytest.Collector](added)
    )
    config.hook.pytest_collectreport(report=report)  # the summary counts them as collected

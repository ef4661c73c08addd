"""Verify users' agents (SPEC §11): import their wiring, then round trips, recovery, stored samples.

Unlike every other command, this one imports and runs the user's code: it is a test runner. The
checks themselves live in `runtime_stub.testing`; this module finds the generated modules of a
tree, imports them, and runs the checks with hypothesis outside pytest.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runtime_stub.registry import AgentType

from .discovery import Config, discover, load_config, module_name

if TYPE_CHECKING:
    from hypothesis import settings

__all__ = [
    "AgentReport",
    "Check",
    "load_agents",
    "planned_checks",
    "run_check",
    "samples_directory",
]

EXAMPLES = 50
RECOVERY_EXAMPLES = 8


@dataclass(frozen=True, slots=True)
class Check:
    """One verification of one agent; `failure` says what went wrong, None when it passed."""

    agent: str
    name: str
    failure: str | None = None


@dataclass(frozen=True, slots=True)
class AgentReport:
    """Every check of one agent."""

    type_name: str
    checks: tuple[Check, ...]

    @property
    def failed(self) -> bool:
        return any(check.failure is not None for check in self.checks)

    def line(self) -> str:
        """`TypeName: ok (round trip, recovery, 2 stored snapshots)` or the first failure."""
        failures = [c for c in self.checks if c.failure is not None]
        if failures:
            first = failures[0]
            return f"{self.type_name}: FAILED {first.name}: {first.failure}"
        names = ", ".join(check.name for check in self.checks) or "nothing to verify"
        return f"{self.type_name}: ok ({names})"


def load_agents(paths: Sequence[Path], config: Config | None = None) -> tuple[AgentType, ...]:
    """Import every generated golem_agents.py under `paths`; their AgentTypes, by type name."""
    config = config if config is not None else load_config(paths[0] if paths else Path("."))
    tree = discover(list(paths) or [Path(".")], config)
    found: dict[str, AgentType] = {}
    for path in sorted(tree.generated):
        name = module_name(path)
        root = path.resolve().parents[len(name.split(".")) - 1]
        if str(root) not in sys.path:
            sys.path.insert(0, str(root))
        module = _fresh_import(name, path.resolve())
        for agent_type in getattr(module, "AGENTS", ()):
            found[agent_type.type_name] = agent_type
    return tuple(found[name] for name in sorted(found))


def _fresh_import(name: str, path: Path) -> Any:
    """Import `name` from `path`, dropping a same-named package imported from elsewhere first."""
    loaded = sys.modules.get(name)
    if loaded is not None and Path(getattr(loaded, "__file__", "") or "").resolve() != path:
        top = name.split(".")[0]
        for cached in [m for m in sys.modules if m == top or m.startswith(top + ".")]:
            del sys.modules[cached]
    return importlib.import_module(name)


def samples_directory(paths: Sequence[Path], config: Config | None = None) -> Path:
    """Where stored snapshots live: the `snapshots` key of the configuration, else tests/golem_snapshots."""
    from runtime_stub.testing.samples import DEFAULT_DIRECTORY

    config = config if config is not None else load_config(paths[0] if paths else Path("."))
    root = config.root or Path(".")
    return root / (config.snapshots or DEFAULT_DIRECTORY)


def planned_checks(agent_type: AgentType, samples: Path) -> list[str]:
    """The names of the checks that apply to one agent."""
    from runtime_stub.testing.samples import stored_samples

    names = []
    if agent_type.snapshot_format is not None:
        names.append("round trip")
    if agent_type.mode == "durable":
        names.append("recovery")
    names += [f"stored snapshot {p.name}" for p in stored_samples(samples, agent_type.type_name)]
    return names


def run_check(agent_type: AgentType, name: str, samples: Path, examples: int = EXAMPLES) -> Check:
    """Run one planned check; the failure message names the cause and the example."""
    try:
        _CHECKS.get(name, _stored)(agent_type, name, samples, examples)
    except Exception as error:  # a failed check, or the user's code failing: the finding either way
        return Check(agent_type.type_name, name, _explained(error))
    return Check(agent_type.type_name, name)


def verify(paths: Sequence[Path], examples: int = EXAMPLES) -> list[AgentReport]:
    """Every agent of the tree, every check."""
    config = load_config(paths[0] if paths else Path("."))
    samples = samples_directory(paths, config)
    reports = []
    for agent_type in load_agents(paths, config):
        checks = tuple(
            run_check(agent_type, name, samples, examples)
            for name in planned_checks(agent_type, samples)
        )
        reports.append(AgentReport(agent_type.type_name, checks))
    return reports


def _settings(examples: int) -> settings:
    from hypothesis import HealthCheck, settings

    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )


def _round_trip(agent_type: AgentType, _name: str, _samples: Path, examples: int) -> None:
    from hypothesis import given

    from runtime_stub.testing import assert_roundtrip
    from runtime_stub.testing.strategies import call_strategy, constructor_strategy, state_strategy

    if agent_type.snapshot_format == "json":

        @_settings(examples)
        @given(state=state_strategy(agent_type.agent_class))
        def round_trip(state: Any) -> None:
            assert_roundtrip(state, agent_type)

        round_trip()
        return

    @_settings(examples)  # a custom pair: the states its methods reach
    @given(args=constructor_strategy(agent_type), calls=call_strategy(agent_type))
    def reached(args: tuple[Any, ...], calls: list[Any]) -> None:
        assert_roundtrip(_reached(agent_type, args, calls), agent_type)

    reached()


def _reached(agent_type: AgentType, args: tuple[Any, ...], calls: list[Any]) -> Any:
    from runtime_stub.aio import resolve

    instance = agent_type.agent_class(*args)
    for call in calls:
        try:
            resolve(getattr(instance, call.method)(*call.args))
        except Exception:
            continue
    return instance


def _recovery(agent_type: AgentType, _name: str, _samples: Path, examples: int) -> None:
    from hypothesis import given

    from runtime_stub.testing import assert_recovery_equivalent
    from runtime_stub.testing.strategies import call_strategy, constructor_strategy

    @_settings(min(examples, RECOVERY_EXAMPLES))
    @given(args=constructor_strategy(agent_type), calls=call_strategy(agent_type, max_calls=4))
    def recovery(args: tuple[Any, ...], calls: list[Any]) -> None:
        assert_recovery_equivalent(agent_type, args, calls)

    recovery()


def _stored(agent_type: AgentType, name: str, samples: Path, _examples: int) -> None:
    from runtime_stub.testing.samples import assert_loads

    assert_loads(agent_type, samples / agent_type.type_name / name.removeprefix("stored snapshot "))


_CHECKS: dict[str, Callable[[AgentType, str, Path, int], None]] = {
    "round trip": _round_trip,
    "recovery": _recovery,
}


def _explained(error: BaseException) -> str:
    """The error's message, then hypothesis's falsifying example (the first of several)."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    text = str(error) or type(error).__name__
    if not isinstance(error, AssertionError):
        text = f"{type(error).__name__}: {text}"
    notes = getattr(error, "__notes__", ())
    examples = [n for n in notes if n.startswith(("Falsifying example", "Failing test case"))]
    if examples:
        lines = [re.sub(r"\s#.*$|^\s*#.*$", "", line) for line in examples[0].splitlines()]
        example = " ".join(" ".join(lines).split()).replace("( ", "(").replace(", )", ")")
        text += f"\n  example: {example.partition(': ')[2]}"
    return text

"""Helpers for the verification tests: generated copies of fixture projects, imported."""

from __future__ import annotations

import importlib
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from codegen.api import Options, generate
from runtime_stub.registry import AgentType
from tests.generate.support import working_directory

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def generated_copy(name: str, destination: Path) -> Path:
    """A copy of `fixtures/<name>` with its wiring generated."""
    target = destination / Path(name).name
    shutil.copytree(FIXTURES / name, target, ignore=shutil.ignore_patterns("__pycache__"))
    with working_directory(target):
        result = generate(["."], options=Options(cache=False))
    assert not result.refused, [d.message for d in result.diagnostics]
    return target


@pytest.fixture
def broken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, AgentType]]:
    """The agents of fixtures/verify/broken, by type name (their package imported fresh)."""
    yield from _imported(generated_copy("verify/broken", tmp_path), "agents", monkeypatch)


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, AgentType]]:
    """The agents of the example project, by type name."""
    root = generated_copy("examples", tmp_path)
    yield from _imported(root, "shop", monkeypatch)


def _imported(
    root: Path, package: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, AgentType]]:
    for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.syspath_prepend(str(root))
    agents = {t.type_name: t for t in importlib.import_module(f"{package}.golem_agents").AGENTS}
    if package == "shop":
        billing = importlib.import_module("shop.billing.golem_agents")
        agents.update({t.type_name: t for t in billing.AGENTS})
    yield agents

"""The mypy plugin with mypy's caches: incremental runs and the daemon notice a dataclass change
two imports away from an agent (agents -> models.Order -> people.Owner), both ways."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

AGENTS = """\
from dataclasses import dataclass, field

from runtime_stub import agent

from .models import Order


@agent(snapshotting="every(1)")
@dataclass
class ShopAgent:
    name: str
    orders: list[Order] = field(default_factory=list)

    def count(self) -> int:
        return len(self.orders)
"""
MODELS = """\
from dataclasses import dataclass

from .people import Owner


@dataclass
class Order:
    id: str
    owner: Owner
"""
GOOD_OWNER = """\
from dataclasses import dataclass


@dataclass
class Owner:
    name: str
"""
BAD_OWNER = GOOD_OWNER + "    handle: object\n"
CONFIG = "[mypy]\nplugins = codegen.plugins.mypy\nstrict = True\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    app = tmp_path / "app"
    app.mkdir()
    files = {"__init__.py": "", "agents.py": AGENTS, "models.py": MODELS, "people.py": GOOD_OWNER}
    for name, text in files.items():
        (app / name).write_text(text, encoding="utf-8")
    (tmp_path / "mypy.ini").write_text(CONFIG, encoding="utf-8")
    return tmp_path


def glm_codes(output: str) -> list[str]:
    return [line.rsplit("[", 1)[1].rstrip("]") for line in output.splitlines() if "[GLM" in line]


def owner(project: Path, text: str) -> None:
    (project / "app" / "people.py").write_text(text, encoding="utf-8")


def mypy(project: Path) -> list[str]:
    command = [sys.executable, "-m", "mypy", "--cache-dir", ".cache", "app"]
    result = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return glm_codes(result.stdout)


def test_incremental_runs_follow_a_dataclass_two_imports_away(project: Path) -> None:
    assert mypy(project) == []
    owner(project, BAD_OWNER)
    assert mypy(project) == ["GLM003"], "the cached agents module was checked again"
    owner(project, GOOD_OWNER)
    assert mypy(project) == [], "the fixed error is gone"
    owner(project, BAD_OWNER)
    assert mypy(project) == ["GLM003"]


@pytest.fixture
def daemon(project: Path) -> Iterator[list[str]]:
    base = [sys.executable, "-m", "mypy.dmypy", "--status-file", str(project / ".dmypy.json")]
    yield base
    subprocess.run([*base, "kill"], cwd=project, capture_output=True, check=False)


def test_the_daemon_follows_a_dataclass_two_imports_away(project: Path, daemon: list[str]) -> None:
    def run() -> list[str]:
        command = [*daemon, "run", "--timeout", "300", "--", "app"]
        result = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)
        assert result.returncode in (0, 1), result.stdout + result.stderr
        return glm_codes(result.stdout)

    assert run() == []
    owner(project, BAD_OWNER)
    assert run() == ["GLM003"]
    owner(project, GOOD_OWNER)
    assert run() == []

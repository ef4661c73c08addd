"""Packaging: what the wheel and the sdist carry, and an editable install that mypy can see."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

AGENT = """\
from dataclasses import dataclass

from runtime_stub import agent


@agent()
@dataclass
class Counter:
    name: str

    def increment(self) -> int:
        return 1
"""


def build(target: str, directory: Path) -> Path:
    """One artifact of this repository, built by its build backend (hatchling)."""
    pytest.importorskip("hatchling")
    from hatchling.builders.sdist import SdistBuilder
    from hatchling.builders.wheel import WheelBuilder

    builder = {"wheel": WheelBuilder, "sdist": SdistBuilder}[target](str(ROOT))
    return Path(next(builder.build(directory=str(directory), versions=["standard"])))


def test_the_wheel_carries_templates_type_markers_and_the_license(tmp_path: Path) -> None:
    with zipfile.ZipFile(build("wheel", tmp_path)) as wheel:
        names = set(wheel.namelist())
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        text = wheel.read(metadata).decode("utf-8")
    templates = {p.relative_to(ROOT).as_posix() for p in (ROOT / "codegen").rglob("*.j2")}
    assert templates and templates <= names
    assert {"codegen/py.typed", "runtime_stub/py.typed"} <= names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert not any(n.startswith(("tests/", "fixtures/")) for n in names)
    assert "License-Expression: Apache-2.0" in text and "Project-URL: Homepage" in text
    assert "Requires-Dist: mypy" not in text.split("Provides-Extra")[0]  # only as an extra


def test_the_sdist_ships_the_tests_with_what_they_need(tmp_path: Path) -> None:
    with tarfile.open(build("sdist", tmp_path)) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    for needed in ("LICENSE", "pyproject.toml", ".ci/run", "tests/conftest.py"):
        assert needed in names
    goldens = {p.relative_to(ROOT).as_posix() for p in (ROOT / "fixtures").rglob("*.py")}
    assert goldens <= names


def test_the_license_file_is_the_declared_one() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "Apache-2.0" and project["license-files"] == ["LICENSE"]
    assert "Apache License" in (ROOT / "LICENSE").read_text(encoding="utf-8")


@pytest.mark.slow
def test_mypy_resolves_runtime_stub_after_an_editable_install(tmp_path: Path) -> None:
    """The README's `pip install -e .` in a fresh virtualenv, then mypy on a user's agent."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    install = [str(python), "-m", "pip", "install", "-q", "-e", str(ROOT), "mypy>=1.10"]
    installed = subprocess.run(install, capture_output=True, text=True, check=False)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    project = tmp_path / "project"
    project.mkdir()
    (project / "agents.py").write_text(AGENT, encoding="utf-8")
    checked = subprocess.run(
        [str(python), "-m", "mypy", "--strict", "--no-incremental", "agents.py"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Success" in checked.stdout

"""The pre-build step: hatchling runs `golem-codegen generate` before it packages a wheel."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

hatchling = pytest.importorskip("hatchling")
from hatchling.builders.wheel import WheelBuilder  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "examples"

PYPROJECT = """\
[build-system]
requires = ["hatchling", "golem-codegen"]
build-backend = "hatchling.build"

[project]
name = "shop-agents"
version = "0.1.0"

[tool.hatch.build.targets.wheel]
packages = ["shop"]

[tool.hatch.build.hooks.golem-codegen]
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = Path(shutil.copytree(EXAMPLES, tmp_path / "shop-agents"))
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    for generated in root.rglob("golem_agents.py"):
        generated.unlink()
    return root


def build(root: Path) -> Path:
    out = root / "dist"
    artifacts = list(WheelBuilder(str(root)).build(directory=str(out), versions=["standard"]))
    assert len(artifacts) == 1
    return Path(artifacts[0])


def test_the_wheel_carries_freshly_generated_wiring(project: Path) -> None:
    wheel = build(project)
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        text = archive.read("shop/golem_agents.py").decode("utf-8")
    assert {"shop/golem_agents.py", "shop/billing/golem_agents.py"} <= names
    assert text == (EXAMPLES / "shop" / "golem_agents.py").read_text(encoding="utf-8")


def test_a_tree_with_errors_fails_the_build(project: Path) -> None:
    custom = project / "shop" / "custom_counter.py"
    text = custom.read_text(encoding="utf-8")
    custom.write_text(text.split("    def load_snapshot")[0].rstrip() + "\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="GLM001"):
        build(project)
    assert not (project / "shop" / "golem_agents.py").exists()

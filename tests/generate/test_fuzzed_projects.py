"""Random agent projects of every supported type: what `generate` writes passes `mypy --strict` and
`ruff format --check` (a bounded slice of the fuzz campaign's projects, new seeds every run)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.projects import agent_module
from tests.generate.support import run_generate

REPO = Path(__file__).resolve().parents[2]


@settings(max_examples=1, deadline=None)
@given(st.lists(st.integers(0, 10**9), min_size=4, max_size=4, unique=True))
def test_generated_wiring_passes_mypy_strict_and_ruff_format(seeds: list[int]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        for seed in seeds:
            package = root / f"fz{seed}"
            package.mkdir()
            (package / "__init__.py").write_text("")
            (package / "agent.py").write_text(agent_module(seed))
            run_generate(root, package.name)
        modules = sorted(str(p.relative_to(root)) for p in root.glob("*/golem_agents.py"))
        assert modules, "no project generated"
        mypy = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *modules]
        checked = subprocess.run(
            mypy, cwd=root, capture_output=True, text=True, env={"MYPYPATH": str(REPO)}
        )
        errors = re.findall(r"^\S+/golem_agents\.py:\d+: error.*$", checked.stdout, re.M)
        assert errors == [], seeds
        last = checked.stdout.splitlines()[-1]  # mypy ran them all (user code may have errors)
        assert re.search(rf"\b{len(modules)} source files?\)?$", last), checked.stdout
        ruff = [sys.executable, "-m", "ruff", "format", "--check", *modules]
        assert subprocess.run(ruff, cwd=root, capture_output=True).returncode == 0, seeds

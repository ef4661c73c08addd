"""Golden tests: every fixture project regenerates to its committed golem_agents.py files.

On a mismatch the test fails with the unified diff and the command that refreshes the goldens:

    GOLEM_REFRESH_GOLDENS=1 python -m pytest tests/generate/test_golden.py

The committed modules must also pass `mypy --strict` and `ruff format --check` (the real tools).
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codegen.generate.plan import GENERATED_NAME
from tests.generate.support import (
    GOLDEN_PROJECTS,
    REFRESH,
    ROOT,
    copy_sources,
    generated_files,
    import_roots,
    module_name,
    run_generate,
)

REFRESHING = os.environ.get("GOLEM_REFRESH_GOLDENS") == "1"


@pytest.mark.parametrize("name", sorted(GOLDEN_PROJECTS))
def test_generated_modules_match_the_goldens(name: str, tmp_path: Path) -> None:
    project = GOLDEN_PROJECTS[name]
    copy = copy_sources(project, tmp_path / name)
    result = run_generate(copy)
    assert not result.refused, [
        f"{d.path}:{d.line}: {d.code} {d.message}" for d in result.diagnostics
    ]
    fresh, committed = generated_files(copy), generated_files(project)
    if REFRESHING:
        _refresh(project, fresh, committed)
        return
    problems = [
        _diff(path, committed.get(path), fresh.get(path)) for path in sorted({*fresh, *committed})
    ]
    problems = [problem for problem in problems if problem]
    if problems:
        pytest.fail(
            "".join(problems)
            + f"\nthe goldens are out of date; refresh them with:\n    {REFRESH}\n"
        )


def _diff(path: str, committed: str | None, fresh: str | None) -> str:
    if committed == fresh:
        return ""
    return "".join(
        difflib.unified_diff(
            (committed or "").splitlines(keepends=True),
            (fresh or "").splitlines(keepends=True),
            fromfile=f"committed/{path}" if committed is not None else "/dev/null",
            tofile=f"generated/{path}" if fresh is not None else "/dev/null",
        )
    )


def _refresh(project: Path, fresh: dict[str, str], committed: dict[str, str]) -> None:
    for path, text in fresh.items():
        (project / path).write_bytes(text.encode("utf-8"))
    for path in committed.keys() - fresh.keys():
        (project / path).unlink()


def _goldens() -> list[Path]:
    return sorted(
        path for project in GOLDEN_PROJECTS.values() for path in project.rglob(GENERATED_NAME)
    )


def test_every_fixture_project_has_goldens() -> None:
    for name, project in GOLDEN_PROJECTS.items():
        assert list(project.rglob(GENERATED_NAME)), (
            f"{name} has no committed {GENERATED_NAME}; run {REFRESH}"
        )


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is not installed")
@pytest.mark.parametrize("line_length", ["88", "79", "120"])
def test_goldens_are_formatted(line_length: str) -> None:
    command = [sys.executable, "-m", "ruff", "format", "--isolated", "--line-length", line_length]
    result = subprocess.run(
        [*command, "--check", "--diff", *map(str, _goldens())],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_goldens_pass_mypy_strict(tmp_path: Path) -> None:
    roots = [root for project in GOLDEN_PROJECTS.values() for root in import_roots(project)]
    modules = [
        module_name(path, root) for root in roots for path in sorted(root.rglob(GENERATED_NAME))
    ]
    config = tmp_path / "mypy.ini"
    config.write_text(_mypy_config(modules), encoding="utf-8")
    environment = {**os.environ, "MYPYPATH": os.pathsep.join([*map(str, roots), str(ROOT)])}
    arguments = [arg for module in sorted(set(modules)) for arg in ("-m", module)]
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(config), "--cache-dir", str(tmp_path / "cache"), *arguments],
        capture_output=True,
        text=True,
        check=False,
        env=environment,
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def _mypy_config(generated: list[str]) -> str:
    """Strict on the generated modules; the users' own modules are followed silently."""
    lines = ["[mypy]", "strict = True", "follow_imports = silent", ""]
    for module in generated:
        lines += [f"[mypy-{module}]", "follow_imports = normal", ""]
    return "\n".join(lines)

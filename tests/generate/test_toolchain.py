"""Generated modules in a team's toolchain, with the real ruff (SPEC §7; issue: ruff habits).

A team's own `ruff format` settings and `ruff check --fix` rewrite a generated module's layout,
never its code: that is not a hand edit (no GLM041), not stale (no GLM040), and `generate` then
leaves the file alone, so a ruff hook and the generate hook never rewrite each other.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codegen.api import Options, check
from codegen.generate.plan import GENERATED_NAME
from codegen.generate.render import read_header
from tests.generate.support import GOLDEN_PROJECTS, run_generate, working_directory
from tests.generate.support import generated_files as generated_and_lock


def generated_files(root: Path) -> dict[str, str]:
    """The generated modules (not the state lock: ruff never sees it)."""
    return {k: v for k, v in generated_and_lock(root).items() if k.endswith(".py")}


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is not installed"),
]

TEAM_STYLE = [
    "--config", "format.quote-style = 'single'",
    "--config", "format.skip-magic-trailing-comma = true",
    "--config", "format.indent-style = 'tab'",
    "--config", "line-length = 60",
]  # fmt: skip
TEAM_FIXES = [
    "--select", "I,UP,F401",
    "--config", "lint.isort.force-single-line = true",
    "--config", "lint.isort.force-sort-within-sections = true",
]  # fmt: skip
COMMON_RULES = "E,F,I,UP,B,SIM"
LONG_NAME = re.compile(r"\w{60,}")
"""An identifier no layout can fit in 88 columns (the adversarial fixture has some)."""


def ruff(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "ruff", *arguments]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


def copy_project(name: str, destination: Path) -> Path:
    """A golden project with its committed modules (nothing of this repository around it)."""
    ignore = shutil.ignore_patterns("__pycache__", ".mypy_cache")
    return Path(shutil.copytree(GOLDEN_PROJECTS[name], destination, ignore=ignore))


@pytest.mark.parametrize("name", sorted(GOLDEN_PROJECTS))
def test_the_team_formatter_and_fixes_are_not_edits(name: str, tmp_path: Path) -> None:
    project = copy_project(name, tmp_path / name)
    before = generated_files(project)
    targets = [str(project / path) for path in before]
    formatted = ruff("format", "--isolated", *TEAM_STYLE, *targets, cwd=project)
    assert formatted.returncode == 0, formatted.stderr
    fixed = ruff("check", "--isolated", "--fix", *TEAM_FIXES, *targets, cwd=project)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    rewritten = generated_files(project)
    assert all(rewritten[path] != before[path] for path in before), "ruff changed nothing"
    assert all(read_header(text).intact for text in rewritten.values())
    with working_directory(project):
        codes = [d.code for d in check(["."], options=Options(cache=False)).diagnostics]
    assert not {"GLM040", "GLM041"} & set(codes), codes
    result = run_generate(project)
    assert result.written == () and generated_files(project) == rewritten
    again = ruff("format", "--isolated", "--check", *TEAM_STYLE, *targets, cwd=project)
    assert again.returncode == 0, again.stdout  # no rewrite loop: each tool is done


def test_a_code_change_after_formatting_is_still_an_edit(tmp_path: Path) -> None:
    project = copy_project("examples", tmp_path / "examples")
    target = project / "shop" / GENERATED_NAME
    ruff("format", "--isolated", *TEAM_STYLE, str(target), cwd=project)
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("'CounterAgent'", "'Counter'", 1), encoding="utf-8")
    assert not read_header(target.read_text(encoding="utf-8")).intact
    with working_directory(project):
        codes = [d.code for d in check(["."], options=Options(cache=False)).diagnostics]
    assert "GLM041" in codes


@pytest.mark.parametrize("rules", ["", COMMON_RULES])
@pytest.mark.parametrize("name", sorted(GOLDEN_PROJECTS))
def test_ruff_check_finds_nothing_in_generated_code(name: str, rules: str, tmp_path: Path) -> None:
    """ruff's default rules, and a common selection, from each module's directory (so that its
    flat-layout neighbours are first-party and `runtime_stub` is third-party, as in a project)."""
    project = copy_project(name, tmp_path / name)
    selection = ["--select", rules] if rules else []
    for path in sorted(project.rglob(GENERATED_NAME)):
        result = ruff(
            "check", "--isolated", "--output-format", "concise", *selection, path.name,
            cwd=path.parent,
        )  # fmt: skip
        lines = [line for line in result.stdout.splitlines() if line.startswith(path.name)]
        source = path.read_text(encoding="utf-8").splitlines()
        unfixable = [line for line in lines if _long_name_line(line, source)]
        assert sorted(set(lines) - set(unfixable)) == [], result.stdout


def _long_name_line(finding: str, source: list[str]) -> bool:
    """E501 on a line holding a name of 60+ characters (only the adversarial fixture has them)."""
    _, line, _, rest = finding.split(":", 3)
    return rest.strip().startswith("E501") and bool(LONG_NAME.search(source[int(line) - 1]))


def test_a_formatted_module_is_verified_once_then_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the cache on: the team's layout is parsed once; later runs (after an unrelated edit)
    neither parse it again nor plan to rewrite it."""
    import ast

    from codegen.api import generate
    from codegen.generate import fingerprint

    project = copy_project("examples", tmp_path / "examples")
    targets = [str(path) for path in project.rglob(GENERATED_NAME)]
    ruff("format", "--isolated", *TEAM_STYLE, *targets, cwd=project)
    with working_directory(project):
        first = generate(["."])
    assert first.written == () and {c.action for c in first.changes} == {"unchanged"}
    counter = project / "shop" / "counter.py"
    counter.write_text(counter.read_text(encoding="utf-8") + "\n# touched\n", encoding="utf-8")
    parsed: list[str] = []
    original = ast.parse

    def spy(source: str, *args: object, **kwargs: object) -> ast.Module:
        parsed.append(source[:60])
        return original(source, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ast, "parse", spy)
    monkeypatch.setattr(fingerprint, "_KNOWN", {})  # a new process: only the cache remembers
    read_header.cache_clear()
    with working_directory(project):
        second = generate(["."])
    assert second.written == () and {c.action for c in second.changes} == {"unchanged"}
    assert not any("@generated" in text for text in parsed), "verified from the stored digest"

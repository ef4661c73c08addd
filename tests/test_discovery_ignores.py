"""Ignore files and explicitly named paths, as ruff treats them (SPEC §6)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from codegen.api import check
from codegen.discovery import discover, load_config
from codegen.gitignore import Ignores

AGENT = """\
from runtime_stub import agent


@agent(snapshotting="every_n(5)")
class Broken{n}:
    pass
"""
PATTERNS = """\
# comment
*.log
build/
/top_only.py
docs/**/*.py
gen_*.py
!gen_keep.py
a?c.py
[xy]z.py
**/deep/skip.py
"""
PATHS = [
    "x.log", "sub/x.log", "build/a.py", "sub/build/a.py", "top_only.py", "sub/top_only.py",
    "docs/a.py", "docs/x/y/a.py", "gen_a.py", "gen_keep.py", "sub/gen_b.py", "abc.py", "ac.py",
    "xz.py", "zz.py", "deep/skip.py", "a/b/deep/skip.py", "plain.py", "nested/n.py",
    "nested/keep.py", "nested/drop.py",
]  # fmt: skip


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text(PATTERNS, encoding="utf-8")
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / ".gitignore").write_text("drop.py\n!n.py\n", encoding="utf-8")
    (tmp_path / ".git" / "info" / "exclude").write_text("nested/n.py\n", encoding="utf-8")
    for path in PATHS:
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(AGENT.format(n=abs(hash(path)) % 1000), encoding="utf-8")
    return tmp_path


def test_the_same_files_are_ignored_as_git_says(repository: Path) -> None:
    result = subprocess.run(
        ["git", "check-ignore", "--stdin"],
        cwd=repository,
        input="\n".join(PATHS) + "\n",
        capture_output=True,
        text=True,
        check=False,
    )
    by_git = set(result.stdout.split())
    ignores = Ignores.for_walk(repository.resolve())
    ours = {path for path in PATHS if _ignored(ignores, repository.resolve(), path)}
    assert ours == by_git and "plain.py" not in ours and "gen_keep.py" not in ours


def _ignored(ignores: Ignores, root: Path, path: str) -> bool:
    """As a walk sees it: an ignored directory hides everything below it."""
    parts = Path(path).parts
    for depth in range(1, len(parts) + 1):
        if ignores.ignored(root.joinpath(*parts[:depth]), is_dir=depth < len(parts)):
            return True
    return False


def test_a_walk_skips_ignored_files(repository: Path) -> None:
    tree = discover([repository], load_config(repository))
    found = {Path(s.path).relative_to(repository).as_posix() for s in tree.sources}
    expected = {"plain.py", "gen_keep.py", "ac.py", "zz.py", "sub/top_only.py"}
    assert found == expected | {"nested/keep.py", "nested/n.py"}


def test_named_paths_are_checked_even_when_ignored_or_excluded(repository: Path) -> None:
    (repository / "pyproject.toml").write_text(
        '[tool.golem-codegen]\nexclude = ["legacy"]\n', encoding="utf-8"
    )
    (repository / "legacy").mkdir()
    (repository / "legacy" / "old.py").write_text(AGENT.format(n=1), encoding="utf-8")
    walked = {d.path for d in check([repository]).diagnostics}
    assert not any("legacy" in p or p.endswith("x.log") for p in walked)
    named = {Path(d.path).name for d in check([repository / "legacy"]).diagnostics}
    assert named == {"old.py"}
    ignored = check([repository / "build" / "a.py"]).diagnostics
    assert {Path(d.path).name for d in ignored} == {"a.py"}


def test_outside_a_repository_ignore_files_are_not_read(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*.py\n", encoding="utf-8")
    (tmp_path / "a.py").write_text(AGENT.format(n=1), encoding="utf-8")
    assert [s.display for s in discover([tmp_path], load_config(tmp_path)).sources] != []

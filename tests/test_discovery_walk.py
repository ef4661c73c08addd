"""The walk: virtualenvs skipped under any name, symlinks shown where they are, extra import roots."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from codegen import api
from codegen.api import Options
from codegen.discovery import Config, discover
from tests.generate.support import working_directory

BAD_AGENT = 'from runtime_stub import agent\n\n\n@agent(mode="x")\nclass V:\n    pass\n'


def codes(root: Path) -> list[tuple[str, str]]:
    with working_directory(root):
        result = api.check(["."], options=Options(cache=False))
    return [(d.path, d.code) for d in result.diagnostics]


@pytest.mark.parametrize("layout", ["venv/m.py", "env/pyvenv.cfg", "conda/conda-meta/history"])
def test_virtualenvs_are_skipped(tmp_path: Path, layout: str) -> None:
    marker = tmp_path / layout
    marker.parent.mkdir(parents=True)
    marker.write_text("", encoding="utf-8")
    (marker.parents[len(Path(layout).parts) - 2] / "m.py").write_text(BAD_AGENT, encoding="utf-8")
    assert codes(tmp_path) == []


def test_a_directory_named_env_without_a_marker_is_walked(tmp_path: Path) -> None:
    (tmp_path / "env").mkdir()
    (tmp_path / "env" / "m.py").write_text(BAD_AGENT, encoding="utf-8")
    assert codes(tmp_path) == [("env/m.py", "GLM006")]


def test_a_symlinked_file_is_reported_where_the_link_is(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "link.py").symlink_to("../missing_target.py")
    assert codes(tmp_path) == [("sub/link.py", "GLM901")]


def test_named_files_are_marked(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "b.py").write_text("y = 2\n", encoding="utf-8")
    tree = discover([tmp_path, tmp_path / "b.py"], Config())
    assert [(s.path.name, s.named) for s in tree.sources] == [("a.py", False), ("b.py", False)]
    (named,) = discover([tmp_path / "b.py"], Config()).sources
    assert named.named


def test_absolute_imports_resolve_from_the_given_directory(tmp_path: Path) -> None:
    """`app/` has no __init__.py: `from app.models import State` resolves from the scanned root."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "models.py").write_text(
        "from dataclasses import dataclass\n\n\n@dataclass\nclass State:\n    n: int\n",
        encoding="utf-8",
    )
    agent = """\
        from dataclasses import dataclass, field

        from app.models import State
        from runtime_stub import agent


        @agent(snapshotting="every(1)")
        @dataclass
        class NsAgent:
            name: str
            state: State = field(default_factory=lambda: State(0), init=False)

            def get(self) -> int:
                return self.state.n
        """
    (tmp_path / "app" / "agent.py").write_text(textwrap.dedent(agent), encoding="utf-8")
    assert codes(tmp_path) == []


@pytest.mark.parametrize("pattern", ["**/gen_*.py", "gen_*.py", "pkg/", "pkg"])
def test_exclude_globs(tmp_path: Path, pattern: str) -> None:
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.golem-codegen]\nexclude = ["{pattern}"]\n', encoding="utf-8"
    )
    (tmp_path / "pkg").mkdir()
    for relative in ("gen_top.py", "pkg/gen_inner.py", "keep.py"):
        (tmp_path / relative).write_text(BAD_AGENT, encoding="utf-8")
    reported = {path for path, _ in codes(tmp_path)}
    excluded = {"gen_top.py", "pkg/gen_inner.py"} if "gen" in pattern else {"pkg/gen_inner.py"}
    assert reported == {"gen_top.py", "pkg/gen_inner.py", "keep.py"} - excluded

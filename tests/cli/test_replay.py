"""A replayed `check` prints exactly what the full command printed, and only while nothing it
depends on has changed: any edit, new file, ignore rule or configuration change is a full run."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegen.cli import replay

AGENT = """\
from runtime_stub import agent


@agent(snapshotting="sometimes")
class CounterAgent:
    def __init__(self, name: str) -> None:
        self.name = name

    def increment(self) -> int:
        return 1
"""
FINE = AGENT.replace('@agent(snapshotting="sometimes")', "@agent()")


def make_project(root: Path) -> Path:
    (root / "app").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[tool.golem-codegen]\n", encoding="utf-8")
    (root / "app" / "__init__.py").write_text("", encoding="utf-8")
    (root / "app" / "counter.py").write_text(AGENT, encoding="utf-8")
    return root


def full(root: Path, *argv: str) -> tuple[str, str, int]:
    """The command run as a user runs it (it stores its answer)."""
    command = [sys.executable, "-m", "codegen", *argv]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    return done.stdout, done.stderr, done.returncode


def replayed(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[str, str, int] | None:
    """The stored answer of `argv` in the working directory, if it still holds."""
    capsys.readouterr()
    status = replay.replay(argv)
    out, err = capsys.readouterr()
    return None if status is None else (out, err, status)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_project(tmp_path / "project")
    monkeypatch.chdir(root)
    return root


@pytest.mark.parametrize(
    "argv",
    [
        ["check"],
        ["check", "."],
        ["check", "app", "--format", "json"],
        ["check", "--format=github", "--strict", "-q", "."],
        ["check", ".", "--statistics", "--exit-zero"],
        ["check", ".", "--select", "GLM0", "--ignore", "GLM005"],
    ],
)
def test_a_replay_prints_what_the_command_printed(
    project: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    first = full(project, *argv)
    assert replayed(argv, capsys) == first
    assert full(project, *argv) == first  # the replay, as a process


def test_a_replay_imports_neither_click_nor_the_linter(project: Path) -> None:
    full(project, "check", ".")
    script = (
        "import sys\n"
        "sys.modules['click'] = None\n"  # importing click (or anything that needs it) now fails
        "sys.argv = ['golem-codegen', 'check', '.']\n"
        "from codegen.cli import run\n"
        "run()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=project, capture_output=True, text=True, check=False
    )
    assert (done.stdout, done.stderr, done.returncode) == full(project, "check", ".")
    assert "GLM004" in done.stdout


CHANGES: dict[str, Callable[[Path], object]] = {
    "edit a source": lambda root: (root / "app" / "counter.py").write_text(FINE, encoding="utf-8"),
    "touch a source": lambda root: (root / "app" / "counter.py").write_text(
        AGENT + "\n", encoding="utf-8"
    ),
    "add a module": lambda root: (root / "app" / "other.py").write_text(AGENT, encoding="utf-8"),
    "add a package": lambda root: (root / "app" / "sub").mkdir(exist_ok=True),
    "add a file to a skipped directory": lambda root: (
        (root / "app" / "sub2").mkdir(exist_ok=True)
        or (root / "app" / "sub2" / "pyvenv.cfg").write_text("", encoding="utf-8")
    ),
    "remove a module": lambda root: (root / "app" / "__init__.py").unlink(missing_ok=True),
    "ignore it": lambda root: (root / ".gitignore").write_text("app/\n", encoding="utf-8"),
    "configure": lambda root: (root / "pyproject.toml").write_text(
        '[tool.golem-codegen]\nignore = ["GLM004"]\n', encoding="utf-8"
    ),
    "a repository above": lambda root: (root.parent / ".git").mkdir(exist_ok=True),
    "a package above": lambda root: (root.parent / "__init__.py").write_text("", encoding="utf-8"),
    "a generated module": lambda root: (root / "app" / "golem_agents.py").write_text(
        "x = 1\n", encoding="utf-8"
    ),
    "a lock": lambda root: (root / "golem-state.lock").write_text("{}", encoding="utf-8"),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_whatever_the_answer_depends_on_changed_is_a_full_run(
    project: Path, capsys: pytest.CaptureFixture[str], change: str
) -> None:
    full(project, "check", ".")
    assert replayed(["check", "."], capsys) is not None
    CHANGES[change](project)
    assert replayed(["check", "."], capsys) is None


def test_a_reader_that_has_gone_ends_a_replay_quietly(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full(project, "check", ".")
    reading, writing = os.pipe()
    os.close(reading)
    with open(writing, "w", encoding="utf-8") as gone:
        monkeypatch.setattr(sys, "stdout", gone)
        assert replay.replay(["check", "."]) == 1  # as the full command does


def test_answers_unused_for_a_month_are_dropped_replayed_ones_kept(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    month_ago = time.time() - replay.KEEP_UNUSED - 60
    full(project, "check", ".")
    full(project, "check", "app")
    stored = {argv: Path(replay._where(argv) or "") for argv in (("check", "."), ("check", "app"))}
    for path in (*stored.values(), path_of_marker(stored)):
        os.utime(path, (month_ago, month_ago))
    assert replayed(["check", "."], capsys) is not None  # in use again
    full(project, "check", "--format", "json", ".")  # stores, and prunes (a day has passed)
    assert stored["check", "."].exists() and not stored["check", "app"].exists()


def path_of_marker(stored: dict[tuple[str, str], Path]) -> Path:
    return next(iter(stored.values())).parent.parent / ".last-pruned"


def test_another_command_line_or_directory_is_another_answer(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    full(project, "check", ".")
    assert replayed(["check", "--format", "json", "."], capsys) is None
    monkeypatch.chdir(project / "app")
    assert replayed(["check", ".."], capsys) is None


@pytest.mark.parametrize(
    "argv",
    [
        ["check", ".", "--fix"],
        ["check", ".", "--diff"],
        ["check", ".", "--no-cache"],
        ["check", ".", "--config", "pyproject.toml"],
        ["generate", ".", "--no-cache"],
        ["state", "."],
        ["check", "--format"],
        ["--version"],
    ],
)
def test_only_plain_commands_are_stored_or_replayed(argv: list[str]) -> None:
    assert replay.replayable(argv) is None


def test_a_walk_that_meets_a_symlink_is_not_stored(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "app" / "alias.py").symlink_to(project / "app" / "counter.py")
    full(project, "check", ".")
    assert replayed(["check", "."], capsys) is None


def test_an_answer_of_bytes_a_file_no_longer_holds_is_not_replayed(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from codegen.run.runkey import Inputs

    source = str(project / "app" / "counter.py")
    monkeypatch.setattr(
        replay, "pending", [Inputs((source,), (str(project / "app"),), {source: b"old"}, False)]
    )
    replay.record(["check", "."], [(0, "stale answer\n")], 0)
    assert replayed(["check", "."], capsys) is None


def test_a_generate_that_wrote_nothing_is_replayed_one_that_wrote_is_not(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "app" / "counter.py").write_text(FINE, encoding="utf-8")
    wrote = full(project, "generate", ".")
    assert "created" in wrote[1]
    assert replayed(["generate", "."], capsys) is None
    settled = full(project, "generate", ".")
    assert "unchanged" in settled[1]
    assert replayed(["generate", "."], capsys) == settled
    generated = project / "app" / "golem_agents.py"
    generated.write_text(generated.read_text(encoding="utf-8") + "x = 1\n", encoding="utf-8")
    assert replayed(["generate", "."], capsys) is None
    assert full(project, "generate", ".")[2] == 1  # GLM041: left untouched, as without replay


_counter = itertools.count()
EDITS = sorted(CHANGES)


@contextmanager
def _project_in(root: Path) -> Iterator[Path]:
    make_project(root)
    before = Path.cwd()
    os.chdir(root)
    try:
        yield root
    finally:
        os.chdir(before)
        shutil.rmtree(root.parent, ignore_errors=True)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=st.lists(st.sampled_from(EDITS), min_size=1, max_size=3))
def test_a_replay_never_prints_what_a_full_run_would_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edits: list[str]
) -> None:
    with _project_in(tmp_path / f"p{next(_counter)}" / "project") as root:
        full(root, "check", ".")
        for edit in edits:
            CHANGES[edit](root)
            answer = replayed(["check", "."], capsys)
            fresh = full(root, "check", ".", "--no-cache")
            assert answer is None or answer == fresh, edit
            full(root, "check", ".")  # stores the answer after this edit (unless it failed)
            assert replayed(["check", "."], capsys) == (fresh if fresh[2] != 2 else None)

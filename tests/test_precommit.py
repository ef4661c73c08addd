"""The real `pre-commit`, installed in a temporary git repository, using this repository's hooks.

pre-commit builds the hook environment from this repository's HEAD commit (as it would from a tag),
so run the suite after committing when the hooks or the package changed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "fixtures" / "examples"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("pre-commit") is None, reason="pre-commit is not installed"),
    pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs this repository's git history"),
]


def git(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the module: the hook environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def repo(tmp_path: Path, home: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(home),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    rev = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    work = Path(shutil.copytree(EXAMPLES, tmp_path / "project"))
    (work / ".pre-commit-config.yaml").write_text(
        f"repos:\n"
        f"  - repo: {ROOT.as_posix()}\n"
        f"    rev: {rev}\n"
        f"    hooks:\n"
        f"      - id: golem-codegen-generate\n"
        f"      - id: golem-codegen-check\n",
        encoding="utf-8",
    )
    assert git("init", "-q", "-b", "main", cwd=work, env=env).returncode == 0
    git("add", "-A", cwd=work, env=env)
    assert git("commit", "-q", "-m", "start", cwd=work, env=env).returncode == 0
    installed = subprocess.run(
        ["pre-commit", "install"], cwd=work, env=env, capture_output=True, text=True, check=False
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    yield work, env


def test_a_commit_with_a_broken_agent_is_blocked(repo: tuple[Path, dict[str, str]]) -> None:
    work, env = repo
    custom = work / "shop" / "custom_counter.py"
    text = custom.read_text(encoding="utf-8")
    custom.write_text(text.split("    def load_snapshot")[0].rstrip() + "\n", encoding="utf-8")
    git("add", "-A", cwd=work, env=env)
    result = git("commit", "-m", "drop load_snapshot", cwd=work, env=env)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "GLM001" in output


def test_a_stale_wiring_module_is_fixed_then_the_commit_passes(
    repo: tuple[Path, dict[str, str]],
) -> None:
    work, env = repo
    models = work / "shop" / "models.py"
    models.write_text(
        models.read_text(encoding="utf-8").replace(
            "    note: str | None = None\n", "    note: str | None = None\n    gift: bool = False\n"
        ),
        encoding="utf-8",
    )
    git("add", "shop/models.py", cwd=work, env=env)
    first = git("commit", "-m", "orders can be gifts", cwd=work, env=env)
    assert first.returncode != 0, "the generate hook fixes the stale module and fails the commit"
    assert "gift" in (work / "shop" / "golem_agents.py").read_text(encoding="utf-8")
    git("add", "-A", cwd=work, env=env)
    second = git("commit", "-m", "orders can be gifts", cwd=work, env=env)
    assert second.returncode == 0, second.stdout + second.stderr


def test_the_fix_hook_fixes_the_commit_once_then_it_passes(
    repo: tuple[Path, dict[str, str]],
) -> None:
    work, env = repo
    config = work / ".pre-commit-config.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "id: golem-codegen-check\n", "id: golem-codegen-check-fix\n"
        ),
        encoding="utf-8",
    )
    counter = work / "shop" / "counter.py"
    text = counter.read_text(encoding="utf-8")
    counter.write_text(
        text.replace(
            "import BaseAgent, agent, endpoint",
            "import BaseAgent, agent, endpoint, idempotence_mode",
        ).replace(
            "        self.count += 1\n", "        idempotence_mode(True)\n        self.count += 1\n"
        ),
        encoding="utf-8",
    )
    git("add", "-A", cwd=work, env=env)
    first = git("commit", "-m", "say the default", cwd=work, env=env)
    assert first.returncode != 0, "the fix hook rewrites the file and fails the commit"
    assert counter.read_text(encoding="utf-8") == text  # the call and its import are gone
    git("add", "-A", cwd=work, env=env)
    second = git("commit", "-m", "say the default", cwd=work, env=env)
    assert second.returncode == 0, second.stdout + second.stderr


def test_a_commit_that_only_deletes_an_agent_module_runs_the_hooks(
    repo: tuple[Path, dict[str, str]],
) -> None:
    """pre-commit passes no file for a deletion: the hooks run all the same (`always_run`)."""
    work, env = repo
    git("rm", "-q", "shop/handler.py", cwd=work, env=env)
    first = git("commit", "-m", "no more echo", cwd=work, env=env)
    assert first.returncode != 0, "the generate hook drops EchoHandler and fails the commit"
    wiring = (work / "shop" / "golem_agents.py").read_text(encoding="utf-8")
    assert "EchoHandler" not in wiring and "CounterAgent" in wiring
    git("add", "-A", cwd=work, env=env)
    second = git("commit", "-m", "no more echo", cwd=work, env=env)
    assert second.returncode == 0, second.stdout + second.stderr


def test_a_commit_that_only_changes_pyproject_runs_the_hooks(
    repo: tuple[Path, dict[str, str]],
) -> None:
    work, env = repo
    pyproject = work / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.replace("exclude = []", 'exclude = ["shop/handler.py"]'), "utf-8")
    git("add", "pyproject.toml", cwd=work, env=env)
    first = git("commit", "-m", "exclude the echo handler", cwd=work, env=env)
    assert first.returncode != 0, first.stdout + first.stderr
    assert "EchoHandler" not in (work / "shop" / "golem_agents.py").read_text(encoding="utf-8")
    git("add", "-A", cwd=work, env=env)
    assert git("commit", "-m", "exclude the echo handler", cwd=work, env=env).returncode == 0


def test_the_generate_hook_and_a_ruff_format_hook_settle_in_one_round(
    repo: tuple[Path, dict[str, str]],
) -> None:
    """A team's ruff hook (single quotes) reformats the regenerated module: not an edit, and the
    next commit passes both hooks, so they never rewrite each other."""
    work, env = repo
    config = work / ".pre-commit-config.yaml"
    ruff = f"{sys.executable} -m ruff format --config \"format.quote-style='single'\""
    config.write_text(
        config.read_text(encoding="utf-8")
        + "  - repo: local\n    hooks:\n      - id: ruff-format\n        name: ruff format\n"
        + f"        entry: {ruff}\n        language: system\n        types: [python]\n",
        encoding="utf-8",
    )
    models = work / "shop" / "models.py"
    models.write_text(
        models.read_text(encoding="utf-8").replace(
            "    note: str | None = None\n", "    note: str | None = None\n    gift: bool = False\n"
        ),
        encoding="utf-8",
    )
    attempts = []
    for _ in range(4):  # stage what the hooks changed and try again, as a developer would
        git("add", "-A", cwd=work, env=env)
        attempts.append(git("commit", "-m", "gifts", cwd=work, env=env).returncode)
        if attempts[-1] == 0:
            break
    # generate rewrites the module, then ruff (on the next commit, once it is staged) reformats
    # it; neither touches it again
    assert attempts == [1, 1, 0], attempts
    wiring = (work / "shop" / "golem_agents.py").read_text(encoding="utf-8")
    assert "'gift'" in wiring, "ruff reformatted the regenerated module"
    (work / "NOTES.txt").write_text("unrelated\n", encoding="utf-8")
    git("add", "-A", cwd=work, env=env)
    third = git("commit", "-m", "notes", cwd=work, env=env)
    assert third.returncode == 0, third.stdout + third.stderr
    assert (work / "shop" / "golem_agents.py").read_text(encoding="utf-8") == wiring

"""The CLI habits of ruff users: --config, --select vs --extend-select, per-file-ignores, explain
--all/--list, and `generate` saying what it did."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.cli.test_commands import BAD_AGENT, EXAMPLES, WARNING_AGENT, golem, write


def codes(stdout: str) -> set[str]:
    return {line.split(": ", 1)[1].split()[0] for line in stdout.splitlines() if ": GLM" in line}


def project(tmp_path: Path, config: str = "") -> Path:
    files = {"app/broken.py": BAD_AGENT, "app/chatty.py": WARNING_AGENT, "legacy/old.py": BAD_AGENT}
    write(tmp_path, {**files, "pyproject.toml": f"[tool.golem-codegen]\n{config}"})
    return tmp_path


def test_select_replaces_the_configured_selection_and_extend_select_adds(tmp_path: Path) -> None:
    root = project(tmp_path, 'select = ["GLM03"]\n')
    assert codes(golem("check", ".", cwd=root).stdout) == {"GLM032"}
    assert codes(golem("check", "--select", "GLM001", ".", cwd=root).stdout) == {"GLM001"}
    extended = golem("check", "--extend-select", "GLM001", ".", cwd=root).stdout
    assert codes(extended) == {"GLM001", "GLM032"}


def test_per_file_ignores_drop_codes_in_matching_files(tmp_path: Path) -> None:
    root = project(tmp_path, '[tool.golem-codegen.per-file-ignores]\n"legacy/*" = ["GLM0"]\n')
    lines = golem("check", ".", cwd=root).stdout.splitlines()
    assert lines and not any(line.startswith("legacy/") for line in lines)
    assert any(line.startswith("app/broken.py") for line in lines)


def test_a_bad_per_file_ignores_entry_is_a_configuration_error(tmp_path: Path) -> None:
    root = project(tmp_path, '[tool.golem-codegen.per-file-ignores]\n"legacy/*" = ["GLM999"]\n')
    result = golem("check", ".", cwd=root)
    assert result.returncode == 2 and "per-file-ignores" in result.stderr


def test_config_reads_another_file(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "ci.toml").write_text('[tool.golem-codegen]\nselect = ["GLM032"]\n', "utf-8")
    assert codes(golem("check", "--config", "ci.toml", ".", cwd=root).stdout) == {"GLM032"}
    missing = golem("check", "--config", "nowhere.toml", ".", cwd=root)
    assert missing.returncode == 2 and "nowhere.toml" in missing.stderr


def test_explain_all_and_list_cover_every_code() -> None:
    from codegen.checks.rules import RULES

    listed = golem("explain", "--list", cwd=EXAMPLES).stdout.splitlines()
    assert [line.split()[0] for line in listed] == list(RULES)
    every = golem("explain", "--all", cwd=EXAMPLES).stdout
    assert all(f"\n{code} (" in "\n" + every for code in RULES) and "Bad:" in every
    assert golem("explain", cwd=EXAMPLES).returncode == 2


def test_generate_says_what_it_did(tmp_path: Path) -> None:
    examples = Path(shutil.copytree(EXAMPLES, tmp_path / "examples"))
    for module in examples.rglob("golem_agents.py"):
        module.unlink()
    first = golem("generate", ".", cwd=examples)
    assert first.returncode == 0 and "golem-codegen: 2 files created" in first.stderr
    second = golem("generate", ".", cwd=examples)
    assert "golem-codegen: 2 files unchanged" in second.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = golem("generate", ".", cwd=empty)
    assert nothing.returncode == 0 and "no agents found under ." in nothing.stderr

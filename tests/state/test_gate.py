"""The schema gate end to end: GLM050-GLM055 from `check`, `generate` refusing, the lock it writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.state.support import CART_V1, CART_V2, CART_V3, Project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path).agent(CART_V1)


def locked_versions(project: Project) -> dict[str, list[int]]:
    document = json.loads(project.lock.read_text(encoding="utf-8"))
    return {
        name: [v["stateVersion"] for v in entry["versions"]]
        for name, entry in document["agents"].items()
    }


def test_a_project_never_generated_has_no_lock_problem(project: Project) -> None:
    assert project.codes() == []
    assert not project.lock.exists()


def test_generate_locks_new_agents_and_check_then_passes(project: Project) -> None:
    assert project.generate() == []
    assert locked_versions(project) == {"CartAgent": [1]}
    assert project.codes() == []
    first = project.lock.read_bytes()
    assert project.generate() == [] and project.lock.read_bytes() == first  # deterministic


def test_a_missing_lock_is_stale_once_modules_were_generated(project: Project) -> None:
    project.generate()
    project.lock.unlink()
    (finding,) = project.check()
    assert finding.code == "GLM053" and "golem-state.lock is missing" in finding.message
    assert "run `golem-codegen generate`" in finding.message


def test_an_incompatible_change_is_glm050_naming_the_field_and_the_fix(project: Project) -> None:
    project.generate()
    project.agent(
        CART_V2.replace("state_version=2", "state_version=1").split("    @migration")[0]
        + CART_V2.split('        return {**state, "items": items}\n')[1]
    )
    found = project.check()
    assert [d.code for d in found] == ["GLM050"]
    texts = " | ".join(d.message for d in found)
    assert "state.lines: removed (was list[Line])" in texts
    assert "state.items: added with a default" not in texts  # compatible parts are not errors
    assert "bump state_version to 2 and add @migration(from_version=1)" in texts
    assert project.generate() == ["GLM050"]  # generate refuses while the gate fails
    assert locked_versions(project) == {"CartAgent": [1]}


def test_a_nested_type_change_names_the_path(project: Project) -> None:
    project.generate()
    project.agent(CART_V1.replace("    sku: str\n", "    sku: int\n"))
    (finding,) = project.check()
    assert finding.code == "GLM050"
    assert "state.lines[].sku: str → int" in finding.message
    assert (
        finding.line
        == CART_V1.splitlines().index(
            "    lines: list[Line] = field(default_factory=list, init=False)"
        )
        + 1
    )


def test_a_compatible_change_is_glm053_until_generate_updates_the_lock(project: Project) -> None:
    project.generate()
    project.agent(CART_V1.replace("init=False)\n", "init=False)\n    note: str | None = None\n", 1))
    (finding,) = project.check()
    assert (
        finding.code == "GLM053"
        and "state.note: added with a default (str | None)" in finding.message
    )
    assert project.generate() == []
    assert locked_versions(project) == {"CartAgent": [1]}  # the same version, its schema updated
    assert project.codes() == []


def test_a_bump_with_its_migration_locks_the_next_version(project: Project) -> None:
    project.generate()
    project.agent(CART_V2)
    assert project.codes() == ["GLM053"]
    assert project.generate() == []
    assert locked_versions(project) == {"CartAgent": [1, 2]}
    project.agent(CART_V3)
    assert project.generate() == []
    assert locked_versions(project) == {"CartAgent": [1, 2, 3]}
    assert project.codes() == []


def test_a_bump_without_its_migration_is_glm051(project: Project) -> None:
    project.generate()
    project.agent(CART_V2.replace("@migration(from_version=1)\n    ", ""))
    codes = project.codes()
    assert "GLM051" in codes and "GLM050" not in codes
    (chain,) = [d for d in project.check() if d.code == "GLM051"]
    assert "locked state version 1 has no migration" in chain.message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("state_version=3", "skips versions"),  # locked: 1; next is 2
        ("from_version=1", None),
    ],
)
def test_versions_may_not_be_skipped(project: Project, change: str, expected: str | None) -> None:
    project.generate()
    project.agent(CART_V2.replace("state_version=2", change) if expected else CART_V2)
    messages = [d.message for d in project.check() if d.code == "GLM051"]
    if expected is None:
        assert not messages
    else:
        assert any(expected in m for m in messages)


def test_state_version_below_the_lock_is_glm051(project: Project) -> None:
    project.generate()
    project.agent(CART_V2)
    project.generate()
    project.agent(CART_V2.replace("state_version=2", "state_version=1"))
    assert any("below the highest locked state version 2" in d.message for d in project.check())


def test_migrations_from_versions_never_locked_are_glm051(project: Project) -> None:
    project.agent(CART_V2)
    project.generate()  # a new agent is locked at its current version only
    (finding,) = project.check()
    assert finding.code == "GLM051" and "which was never locked (locked: 2)" in finding.message


def test_glm054_for_state_version_on_a_custom_pair(tmp_path: Path) -> None:
    source = """\
        from runtime_stub import agent, migration

        @agent(snapshotting="every(1)", state_version=2)
        class Custom:
            def save_snapshot(self) -> bytes:
                return b""

            def load_snapshot(self, data: bytes) -> None:
                pass

            @migration(from_version=1)
            def _m(state: dict) -> dict:
                return state
    """
    codes = Project(tmp_path).write({"cart/agent.py": source}).codes()
    assert codes == ["GLM054", "GLM054"]


def test_impure_migrations_are_glm052(project: Project) -> None:
    project.generate()
    impure = CART_V2.replace(
        "        items: dict[str, Any] = {}\n",
        "        items: dict[str, Any] = {}\n        open('log.txt', 'a').write('x')\n"
        "        import runtime_stub\n        runtime_stub.now()\n",
    )
    project.agent(impure)
    messages = [d.message for d in project.check() if d.code == "GLM052"]
    assert any("performs I/O (open)" in m for m in messages)
    assert any("calls the Golem runtime (runtime_stub.now)" in m for m in messages)


def test_a_renamed_agent_type_is_glm055_at_the_lock_line(project: Project) -> None:
    project.generate()
    project.agent(CART_V1.replace("class CartAgent", "class ShoppingCart"))
    (orphan,) = [d for d in project.check() if d.code == "GLM055"]
    assert orphan.path == "golem-state.lock" and orphan.line == 3
    assert 'keep its type name with @agent(name="CartAgent")' in orphan.message
    assert "golem-codegen state forget CartAgent" in orphan.message
    project.agent(
        CART_V1.replace("class CartAgent", "class ShoppingCart").replace(
            '@agent(snapshotting="every(2)")', '@agent(name="CartAgent", snapshotting="every(2)")'
        )
    )
    assert project.codes() == []


def test_glm055_is_judged_only_by_runs_covering_the_root(project: Project) -> None:
    project.generate()
    project.agent(CART_V1.replace("class CartAgent", "class ShoppingCart"))
    assert "GLM055" not in project.codes("cart")
    assert project.generate("cart") == []  # a partial run keeps the entries outside it
    assert locked_versions(project) == {"CartAgent": [1], "ShoppingCart": [1]}
    assert "GLM055" in project.codes()


def test_state_forget_drops_a_type(project: Project) -> None:
    project.generate()
    project.agent(CART_V1.replace("class CartAgent", "class ShoppingCart"))
    result = project.cli("state", "forget", "CartAgent")
    assert result.exit_code == 0, result.output
    assert project.generate() == []
    assert locked_versions(project) == {"ShoppingCart": [1]}
    missing = project.cli("state", "forget", "Nope")
    assert missing.exit_code == 2 and "'Nope' is not locked" in missing.output


def test_generate_check_fails_on_a_stale_lock(project: Project) -> None:
    project.generate()
    project.agent(CART_V2)
    result = project.cli("generate", "--check")
    assert result.exit_code == 1 and "would update golem-state.lock" in result.output
    diff = project.cli("generate", "--diff")
    assert '+          "stateVersion": 2' in diff.output


def test_the_state_command_reports_each_agent(project: Project) -> None:
    project.generate()
    project.agent(CART_V2)
    text = project.cli("state")
    assert text.exit_code == 1, text.output  # the lock is stale (GLM053) until generate
    assert "CartAgent (cart/agent.py): state_version 2, locked 1" in text.output
    assert "migrations: 1 -> 2 _lines_to_items" in text.output
    data = json.loads(project.cli("state", "--format", "json").output)
    (agent,) = data["agents"]
    assert (agent["status"], agent["locked"], agent["stateVersion"]) == ("bumped", [1], 2)
    assert data["diagnostics"][0]["code"] == "GLM053"

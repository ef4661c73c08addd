"""GLM001-GLM004: the custom snapshot pair, automatic JSON state and the snapshotting value."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.checks.support import Tree, line_of


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Tree:
    return Tree(tmp_path, monkeypatch)


COUNTER = """\
from runtime_stub import agent


@agent(snapshotting="every(5)")
class CounterAgent:
    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0
{methods}"""

SAVE = """
    def save_snapshot(self) -> bytes:
        return self.count.to_bytes(4, "big")
"""
LOAD = """
    def load_snapshot(self, data: bytes) -> None:
        self.count = int.from_bytes(data, "big")
"""


@pytest.mark.parametrize(("methods", "missing"), [(SAVE, "load_snapshot"), (LOAD, "save_snapshot")])
def test_glm001_names_the_missing_half(tree: Tree, methods: str, missing: str) -> None:
    source = COUNTER.format(methods=methods)
    tree.write({"agents.py": source})
    (found,) = tree.check()
    assert found.code == "GLM001"
    assert found.line == line_of(source, "_snapshot(self")
    assert (
        found.message.startswith("CounterAgent: ") and f"add `def {missing}(self" in found.message
    )


def test_a_complete_pair_is_fine_even_async_and_with_postponed_annotations(tree: Tree) -> None:
    source = COUNTER.format(methods=SAVE + LOAD.replace("def load", "async def load"))
    tree.write({"agents.py": "from __future__ import annotations\n" + source})
    assert tree.check() == []


def test_glm001_for_a_half_inherited_from_another_module_points_there(tree: Tree) -> None:
    base = """\
        class Restorable:
            def load_snapshot(self, data: bytes) -> None:
                self.data = data
        """
    agents = """\
        from runtime_stub import agent

        from .base import Restorable


        @agent(snapshotting="every(1)")
        class TallyAgent(Restorable):
            def __init__(self, name: str) -> None:
                self.name = name
        """
    tree.write({"pkg/__init__.py": "", "pkg/base.py": base, "pkg/agents.py": agents})
    assert tree.codes() == [("pkg/base.py", 2, "GLM001")]


def test_glm001_follows_a_base_class_re_exported_by_the_package(tree: Tree) -> None:
    base = "class Restorable:\n    def save_snapshot(self) -> bytes:\n        return b''\n"
    agents = """\
        from runtime_stub import agent

        from pkg import Restorable


        @agent(snapshotting="every(1)")
        class TallyAgent(Restorable):
            def __init__(self, name: str) -> None:
                self.name = name
        """
    init = "from .base import Restorable\n"
    tree.write({"pkg/__init__.py": init, "pkg/base.py": base, "pkg/agents.py": agents})
    assert tree.codes() == [("pkg/base.py", 2, "GLM001")]


@pytest.mark.parametrize(
    ("save", "load", "needles"),
    [
        ("def save_snapshot(self, level: int) -> bytes", None, ["level: int"]),
        ("def save_snapshot(self) -> str", None, ["def save_snapshot"]),
        ("def save_snapshot(self)", None, ["def save_snapshot"]),
        (None, "def load_snapshot(self) -> None", ["def load_snapshot"]),
        (None, "def load_snapshot(self, data: str) -> None", ["data: str"]),
        (None, "def load_snapshot(self, data) -> None", ["data) ->"]),
        (None, "def load_snapshot(self, data: bytes, strict: bool) -> None", ["strict: bool"]),
        (None, "def load_snapshot(self, data: bytes) -> bool", ["def load_snapshot"]),
        (None, "def load_snapshot(self, *data: bytes) -> None", ["*data"]),
    ],
)
def test_glm002_reports_each_wrong_part_of_the_signature(
    tree: Tree, save: str | None, load: str | None, needles: list[str]
) -> None:
    save = save or "def save_snapshot(self) -> bytes"
    load = load or "def load_snapshot(self, data: bytes) -> None"
    methods = f"\n    {save}:\n        return b''\n\n    {load}:\n        pass\n"
    source = COUNTER.format(methods=methods)
    tree.write({"agents.py": source})
    found = tree.check()
    assert [(d.code, d.line) for d in found] == [
        ("GLM002", line_of(source, needle)) for needle in needles
    ]
    assert "write `def " in found[0].message


def test_glm002_for_a_staticmethod_pair(tree: Tree) -> None:
    methods = """
    @staticmethod
    def save_snapshot() -> bytes:
        return b""

    @classmethod
    def load_snapshot(cls, data: bytes) -> None:
        pass
"""
    tree.write({"agents.py": COUNTER.format(methods=methods)})
    messages = [d.message for d in tree.check()]
    assert [m.split("not a ")[1].split(";")[0] for m in messages] == [
        "@staticmethod",
        "@classmethod",
    ]


STATE = """\
from dataclasses import dataclass, field
from typing import Any

from runtime_stub import agent, transient


class Owner:
    pass


@agent(snapshotting={snapshotting})
@dataclass
class TeamAgent:
    team: str
    owners: list[Owner] = field(default_factory=list, init=False)
    extra: dict[str, Any] = field(default_factory=dict, init=False)
    cache: Owner | None = transient(default=None)
    size: int = 0
"""


def test_glm003_one_diagnostic_per_offending_field_with_both_ways_out(tree: Tree) -> None:
    source = STATE.format(snapshotting='"every(10)"')
    tree.write({"agents.py": source})
    found = tree.check()
    assert [(d.code, d.line) for d in found] == [
        ("GLM003", line_of(source, "owners:")),
        ("GLM003", line_of(source, "extra:")),
    ]
    owners = found[0].message
    assert owners.startswith('TeamAgent: field "state.owners" cannot be saved')
    assert '"state.owners[]": ' in owners and "Owner" in owners
    assert "transient()" in owners and "save_snapshot/load_snapshot" in owners


@pytest.mark.parametrize(
    ("snapshotting", "codes"), [('"disabled"', []), ('"every_n(3)"', ["GLM004"])]
)
def test_glm003_only_when_snapshots_are_enabled_and_valid(
    tree: Tree, snapshotting: str, codes: list[str]
) -> None:
    tree.write({"agents.py": STATE.format(snapshotting=snapshotting)})
    assert [d.code for d in tree.check()] == codes


def test_glm003_not_for_ephemeral_agents_nor_with_a_custom_pair(tree: Tree) -> None:
    ephemeral = STATE.format(snapshotting='"every(10)", mode="ephemeral"')
    paired = STATE.format(snapshotting='"every(10)"') + SAVE + LOAD
    tree.write({"a.py": ephemeral, "b.py": paired.replace("TeamAgent", "PairedAgent")})
    assert [d.code for d in tree.check()] == ["GLM007"]


def test_glm003_for_an_agent_that_is_not_a_dataclass(tree: Tree) -> None:
    source = COUNTER.format(methods="").replace("every(5)", "enabled")
    tree.write({"agents.py": source})
    (found,) = tree.check()
    assert (found.code, found.line) == ("GLM003", line_of(source, "class CounterAgent"))
    assert "CounterAgent is not a dataclass" in found.message


def test_glm003_across_modules_names_the_nested_path(tree: Tree) -> None:
    models = """\
        from dataclasses import dataclass


        class Owner:
            pass


        @dataclass
        class Item:
            sku: str
            owner: Owner
        """
    cart = """\
        from dataclasses import dataclass, field

        from runtime_stub import agent

        from .models import Item


        @agent(snapshotting="every(2)")
        @dataclass
        class CartAgent:
            user: str
            items: list[Item] = field(default_factory=list, init=False)
        """
    tree.write({"shop/__init__.py": "", "shop/models.py": models, "shop/cart.py": cart})
    (found,) = tree.check()  # at the nested field, which is what to fix; the agent's as a note
    assert (found.path, found.code, found.line) == ("shop/models.py", "GLM003", 11)
    assert 'CartAgent field "state.items" (items[].owner)' in found.message
    assert [(r.path, r.line) for r in found.related] == [("shop/cart.py", 12)]


def test_glm003_for_an_inherited_field_is_on_the_agent_with_the_base_as_a_note(tree: Tree) -> None:
    base = """\
        from dataclasses import dataclass, field
        from threading import Lock


        @dataclass
        class Guarded:
            lock: Lock = field(default_factory=Lock, init=False)
        """
    agents = """\
        from dataclasses import dataclass

        from runtime_stub import agent

        from .base import Guarded


        @agent(snapshotting="every(3)")
        @dataclass
        class LedgerAgent(Guarded):
            account: str = "main"
        """
    tree.write({"app/__init__.py": "", "app/base.py": base, "app/agents.py": agents})
    (found,) = tree.check()
    assert (found.path, found.line, found.code) == ("app/agents.py", 10, "GLM003")
    assert found.message.startswith('LedgerAgent: field "state.lock" (inherited from Guarded)')
    assert "mark the field transient() to leave it out" in found.message.split(" — ")[1][:90]
    assert [(r.path, r.line, r.column) for r in found.related] == [("app/base.py", 7, 5)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"every_n(5)"', 'did you mean "every(5)"?'),
        ('"periodic(30)"', 'did you mean "periodic(30s)"?'),
        ('"every(70000)"', 'did you mean "every(65535)"?'),
        ('"sometimes"', "valid: "),
        ("10", "must be a string"),
        ("None", "must be a string"),
    ],
)
def test_glm004_explains_with_the_runtime_grammar(tree: Tree, value: str, expected: str) -> None:
    source = COUNTER.format(methods="").replace('"every(5)"', value)
    tree.write({"agents.py": source})
    (found,) = tree.check()
    assert (found.code, found.line) == ("GLM004", 4)
    assert expected in found.message and '"periodic(D)"' in found.message

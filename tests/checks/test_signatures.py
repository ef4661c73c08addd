"""GLM010-GLM011: constructor and method signatures need supported annotations."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.checks.support import Tree, line_of


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Tree:
    return Tree(tmp_path, monkeypatch)


CHAT = """\
from collections.abc import Callable
from typing import Any

from runtime_stub import agent


class Plain:
    pass


@agent
class ChatAgent:
    def __init__(
        self,
        room,
        *members: str,
        topic: Any = None,
        owner: Plain | None = None,
        fine: list[str] | None = None,
        **extra: str,
    ) -> None:
        self.room = room

    def run(self, command, hook: Callable[[], None], ok: dict[str, int]) -> str:
        return command

    def inspect(self) -> Any:
        return self

    def shout(self, text: str):
        return text.upper()

    def nothing(self) -> None:
        pass

    async def later(self, when: int) -> int:
        return when

    def _private(self, anything):
        return anything

    @staticmethod
    def util(anything):
        return anything

    @property
    def size(self):
        return 1
"""


def test_each_bad_constructor_parameter_is_one_glm010(tree: Tree) -> None:
    tree.write({"agents.py": CHAT})
    found = [d for d in tree.check() if d.code == "GLM010"]
    expected = [
        line_of(CHAT, needle) for needle in ("room,", "*members", "topic:", "owner:", "**extra")
    ]
    assert [d.line for d in found] == expected
    room, members, topic, owner, extra = (d.message for d in found)
    assert room == (
        'ChatAgent: constructor parameter "room" has no annotation; annotate it with a supported '
        "type (e.g. room: str)"
    )
    assert '"*members" is not supported' in members and '"**extra" is not supported' in extra
    assert "has unsupported type Any: " in topic and "Any" in topic
    assert "Plain" in owner and "dataclass" in owner


def test_each_bad_method_parameter_or_return_is_one_glm011(tree: Tree) -> None:
    tree.write({"agents.py": CHAT})
    found = [d for d in tree.check() if d.code == "GLM011"]
    run = line_of(CHAT, "def run")
    assert [d.line for d in found] == [
        run,
        run,
        line_of(CHAT, "def inspect"),
        line_of(CHAT, "def shout"),
    ]
    command, hook, inspect, shout = (d.message for d in found)
    assert command.startswith('ChatAgent: method "run" parameter "command" has no annotation')
    assert 'method "run" parameter "hook" has unsupported type Callable[[], None]' in hook
    assert 'method "inspect" returns unsupported type Any' in inspect
    assert 'method "shout" has no return annotation' in shout and "-> None" in shout


def test_dataclass_agents_take_their_init_fields_as_constructor(tree: Tree) -> None:
    source = """\
        from dataclasses import dataclass, field
        from typing import Any

        from runtime_stub import agent, transient


        @agent
        @dataclass
        class LeadAgent:
            contact: Any
            score: int = 0
            notes: list[Any] = field(default_factory=list, init=False)
            client: object = transient(default=None)
        """
    tree.write({"agents.py": source})
    assert tree.codes() == [("agents.py", 10, "GLM010")]


def test_types_from_other_modules_of_the_tree(tree: Tree) -> None:
    shapes = """\
        from dataclasses import dataclass


        class Point:
            pass


        @dataclass
        class Box:
            corners: tuple[Point, Point]
            label: str
        """
    agents = """\
        from runtime_stub import agent

        from . import shapes
        from .shapes import Box


        @agent
        class DrawingAgent:
            def __init__(self, box: Box) -> None:
                self.box = box

            def add(self, box: shapes.Box) -> shapes.Point:
                return box.corners[0]

            def label(self, name: str) -> str:
                return self.box.label + name
        """
    tree.write({"lib/__init__.py": "", "lib/shapes.py": shapes, "lib/agents.py": agents})
    found = tree.check()
    where = [(d.path, d.line, d.code) for d in found]
    assert where == [("lib/agents.py", 12, "GLM011"), ("lib/shapes.py", 10, "GLM010")]
    assert 'method "add" returns unsupported type shapes.Point' in found[0].message
    nested = found[1]  # one report at Box.corners, for every signature that reaches it
    assert nested.message.startswith('Box.corners: field "corners" of dataclass Box')
    assert 'DrawingAgent constructor parameter "box" (box.corners[0], box.corners[1])' in (
        nested.message
    )
    assert 'DrawingAgent.add parameter "box"' in nested.message
    assert [(r.path, r.line) for r in nested.related] == [
        ("lib/agents.py", 9),
        ("lib/agents.py", 12),
    ]


def test_methods_inherited_from_another_module_are_reported_there(tree: Tree) -> None:
    base = """\
        class Greeter:
            def greet(self, who) -> str:
                return f"hello {who}"
        """
    agents = """\
        from runtime_stub import agent

        from .base import Greeter


        @agent
        class GreeterAgent(Greeter):
            def __init__(self, name: str) -> None:
                self.name = name
        """
    tree.write({"pkg/__init__.py": "", "pkg/base.py": base, "pkg/agents.py": agents})
    assert tree.codes() == [("pkg/base.py", 2, "GLM011")]

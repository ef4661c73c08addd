"""Resolution of real source trees (scanned with the scanner): agents, cross-module types, snapshots."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from codegen.model import Agent, ModuleScan, Project, TypeRef
from codegen.resolve.project import resolve
from codegen.resolve.types import serialization_problems, state_problems
from codegen.scan.module import ScannedFile, scan_source

HEADER = "from dataclasses import dataclass, field\nfrom runtime_stub import agent, transient\n"


class Tree:
    """A source tree in a temporary directory, scanned on demand like the real pipeline does."""

    def __init__(self, root: Path, files: dict[str, str]) -> None:
        self.root = root
        self.modules: dict[str, Path] = {}
        self.loaded: list[str] = []
        for rel, source in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(source), encoding="utf-8")
            module = rel.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
            self.modules[module] = path

    def scan(self, module: str) -> ModuleScan:
        path = self.modules[module]
        result = scan_source(path.read_bytes(), path.relative_to(self.root).as_posix(), module)
        assert isinstance(result, ScannedFile), result
        return result.scan

    def load(self, module: str) -> ModuleScan | None:
        self.loaded.append(module)
        return self.scan(module) if module in self.modules else None

    def resolve(self, *modules: str) -> Project:
        return resolve([self.scan(m) for m in modules], self.load)


def with_header(body: str) -> str:
    """An agent module: the usual imports, then `body` (dedented)."""
    return HEADER + textwrap.dedent(body)


def tree(tmp_path: Path, **files: str) -> Tree:
    """Files by dotted module name (`pkg.__init__` for a package); sources are dedented."""
    return Tree(tmp_path, {name.replace(".", "/") + ".py": src for name, src in files.items()})


def one(tmp_path: Path, source: str) -> tuple[Project, Agent]:
    project = tree(tmp_path, agents=HEADER + textwrap.dedent(source)).resolve("agents")
    assert len(project.agents) == 1
    return project, project.agents[0]


def state_type(agent: Agent, name: str) -> TypeRef:
    assert agent.state is not None
    return next(f.type for f in agent.state.fields if f.name == name)


def problems_of(project: Project, agent: Agent) -> list[tuple[str, str]]:
    return [(path, reason) for path, reason, _ in state_problems(agent, project)]


# --------------------------------------------------------------------------- agent declaration


def test_agent_options(tmp_path: Path) -> None:
    project = tree(
        tmp_path,
        agents=with_header(
            """
        NAME = "x"

        @agent
        class Plain:
            pass

        @agent(name="Renamed", mode="sometimes", snapshotting="every(5)", mount="/r/{id}")
        class Full:
            pass

        @agent(name=NAME, mount=None)
        class NotLiteral:
            pass

        class NotAnAgent:
            pass
        """
        ),
    ).resolve("agents")
    plain, full, not_literal = project.agents
    assert (plain.type_name, plain.mode, plain.snapshotting, plain.mount) == (
        "Plain",
        "durable",
        "disabled",
        None,
    )
    assert (full.type_name, full.mode, full.snapshotting, full.mount) == (
        "Renamed",
        "sometimes",
        "every(5)",
        "/r/{id}",
    )
    assert not_literal.type_name == "NotLiteral"
    assert not_literal.state is None


def test_agents_in_scan_order(tmp_path: Path) -> None:
    files = {
        "b": HEADER + "@agent\nclass B2: ...\n@agent\nclass B1: ...\n",
        "a": HEADER + "@agent\nclass A: ...\n",
    }
    project = tree(tmp_path, **files).resolve("b", "a")
    assert [a.type_name for a in project.agents] == ["B2", "B1", "A"]


# --------------------------------------------------------------------------- constructor


def test_constructor_from_init(tmp_path: Path) -> None:
    _, agent = one(
        tmp_path,
        """
        @agent
        class Counter:
            def __init__(self, name: str, /, start: int = 0, *rest: int, tag, **kw: str) -> None:
                self.name = name
        """,
    )
    assert [(p.name, p.kind, p.has_default, p.path) for p in agent.constructor] == [
        ("name", "positional_only", False, "agents.py"),
        ("start", "positional", True, "agents.py"),
        ("rest", "var_positional", False, "agents.py"),
        ("tag", "keyword_only", False, "agents.py"),
        ("kw", "var_keyword", False, "agents.py"),
    ]
    assert [p.type.kind if p.type else None for p in agent.constructor] == [
        "str",
        "int",
        "int",
        None,
        "str",
    ]


def test_constructor_inherited_from_a_base_in_another_module(tmp_path: Path) -> None:
    project = tree(
        tmp_path,
        **{
            "pkg.__init__": "",
            "pkg.base": "class Base:\n    def __init__(self, key: str) -> None: ...\n",
            "pkg.agents": HEADER + "from .base import Base\n@agent\nclass A(Base):\n    pass\n",
        },
    ).resolve("pkg.agents")
    (param,) = project.agents[0].constructor
    assert (param.name, param.path) == ("key", "pkg/base.py")


def test_dataclass_constructor(tmp_path: Path) -> None:
    project = tree(
        tmp_path,
        base="""
        from dataclasses import dataclass
        @dataclass
        class Base:
            owner: str
            size: int = 1
        """,
        agents=with_header(
            """
        from typing import ClassVar
        from base import Base

        @agent
        @dataclass
        class Box(Base):
            label: str = "x"
            size: float = 2.0
            count: int = field(default=0, init=False)
            cache: dict[str, int] = transient(default_factory=dict)
            LIMIT: ClassVar[int] = 3
            tag: str = field(default="", kw_only=True)
        """
        ),
    ).resolve("agents")
    agent = project.agents[0]
    assert [(p.name, p.kind, p.has_default, p.path) for p in agent.constructor] == [
        ("owner", "positional", False, "base.py"),
        ("size", "positional", True, "agents.py"),
        ("label", "positional", True, "agents.py"),
        ("tag", "keyword_only", True, "agents.py"),
    ]
    assert agent.constructor[1].type == TypeRef("float", "float")
    assert agent.state is not None
    assert [(f.name, f.path, f.init, f.transient) for f in agent.state.fields] == [
        ("owner", "base.py", True, False),
        ("size", "agents.py", True, False),
        ("label", "agents.py", True, False),
        ("count", "agents.py", False, False),
        ("cache", "agents.py", True, True),
        ("tag", "agents.py", True, False),
    ]
    assert project.dataclasses["agents.Box"] == agent.state


def test_dataclass_with_own_init_uses_it(tmp_path: Path) -> None:
    _, agent = one(
        tmp_path,
        """
        @agent
        @dataclass
        class A:
            x: int = 0
            def __init__(self, key: str) -> None:
                self.x = len(key)
        """,
    )
    assert [p.name for p in agent.constructor] == ["key"]


# --------------------------------------------------------------------------- methods and snapshots


def test_methods(tmp_path: Path) -> None:
    project = tree(
        tmp_path,
        base="""
        class Base:
            def first(self) -> int: ...
            def shared(self) -> int: ...
            def save_snapshot(self) -> bytes: ...
        """,
        agents=with_header(
            """
        from base import Base

        @agent
        class A(Base):
            def own(self, x: int, *, y: str = "") -> str: ...
            async def shared(self) -> str: ...
            def _private(self) -> None: ...
            @staticmethod
            def helper() -> None: ...
            @classmethod
            def make(cls) -> None: ...
            @property
            def size(self) -> int: ...
            def load_snapshot(self, data: bytes) -> None: ...
            def untyped(self, a): ...
        """
        ),
    ).resolve("agents")
    agent = project.agents[0]
    assert [(m.name, m.path, m.is_async) for m in agent.methods] == [
        ("first", "base.py", False),
        ("shared", "agents.py", True),
        ("own", "agents.py", False),
        ("untyped", "agents.py", False),
    ]
    shared = agent.methods[1]
    assert shared.returns == TypeRef("str", "str")
    own = agent.methods[2]
    assert [(p.name, p.kind, p.type) for p in own.params] == [
        ("x", "positional", TypeRef("int", "int")),
        ("y", "keyword_only", TypeRef("str", "str")),
    ]
    untyped = agent.methods[3]
    assert untyped.returns is None
    assert untyped.params[0].type is None
    assert agent.save_snapshot is not None
    assert agent.load_snapshot is not None
    assert agent.snapshot_kind == "binary"


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ('@agent(snapshotting="every(5)")\n@dataclass\nclass A:\n    n: int = 0\n', "json"),
        ('@agent(snapshotting="enabled")\n@dataclass\nclass A:\n    n: object = 0\n', "none"),
        ("@agent\n@dataclass\nclass A:\n    n: int = 0\n", "none"),
        ('@agent(snapshotting="every(5)")\nclass A:\n    n: int = 0\n', "none"),
        ("@agent\nclass A:\n    def save_snapshot(self) -> bytes: ...\n", "binary"),
        (
            '@agent(snapshotting="enabled")\n@dataclass\nclass A:\n'
            "    n: int = 0\n    def load_snapshot(self, data: bytes) -> None: ...\n",
            "binary",
        ),
        (
            '@agent(snapshotting="every(2)")\n@dataclass\nclass A:\n'
            "    n: int = 0\n    c: object = transient(default=None)\n",
            "json",
        ),
    ],
)
def test_snapshot_kind(tmp_path: Path, body: str, kind: str) -> None:
    _, agent = one(tmp_path, body)
    assert agent.snapshot_kind == kind


# --------------------------------------------------------------------------- cross-module types

MODELS = """
from dataclasses import dataclass
from enum import Enum, StrEnum, auto

class Color(StrEnum):
    RED = auto()
    GREEN = "green"

class Size(Enum):
    S = 1
    M = 2

@dataclass
class Owner:
    name: str
    friends: "list[Owner]"

@dataclass
class Item:
    owner: Owner
    color: Color
"""


@pytest.mark.parametrize(
    ("imports", "annotation"),
    [
        ("from pkg.models import Item", "Item"),
        ("from .models import Item", "Item"),
        ("from . import models", "models.Item"),
        ("import pkg.models", "pkg.models.Item"),
        ("import pkg.models as m", "m.Item"),
        ("from pkg import Item", "Item"),
        ("from . import Item", "Item"),
    ],
)
def test_cross_module_dataclasses(tmp_path: Path, imports: str, annotation: str) -> None:
    files = {
        "pkg.__init__": "from .models import Item\n",
        "pkg.models": MODELS,
        "pkg.agents": HEADER
        + f"{imports}\n@agent\n@dataclass\nclass A:\n    items: list[{annotation}]\n",
    }
    project = tree(tmp_path, **files).resolve("pkg.agents")
    items = state_type(project.agents[0], "items")
    assert items.kind == "list"
    assert items.args[0] == TypeRef("dataclass", annotation, name="pkg.models.Item")
    assert list(project.dataclasses) == ["pkg.agents.A", "pkg.models.Item", "pkg.models.Owner"]
    owner = project.dataclasses["pkg.models.Owner"]
    assert owner.fields[1].type.args[0].name == "pkg.models.Owner"
    assert project.enums["pkg.models.Color"].members == (("RED", "red"), ("GREEN", "green"))
    assert problems_of(project, project.agents[0]) == []


def test_loads_only_what_is_reached(tmp_path: Path) -> None:
    t = tree(
        tmp_path,
        **{
            "pkg.__init__": "",
            "pkg.models": MODELS,
            "pkg.unused": "X = 1\n",
            "pkg.agents": HEADER
            + "import pathlib\nfrom pkg.models import Size\n"
            + "@agent\n@dataclass\nclass A:\n    s: Size\n    p: pathlib.Path\n",
        },
    )
    project = t.resolve("pkg.agents")
    assert [s.module for s in project.scans] == ["pkg.agents", "pkg.models"]
    assert "pkg.unused" not in t.loaded
    assert project.enums["pkg.models.Size"].value_kind == "int"
    assert problems_of(project, project.agents[0]) == [
        ("p", "pathlib.Path comes from outside the scanned tree")
    ]


def test_mutually_recursive_dataclasses_across_modules(tmp_path: Path) -> None:
    project = tree(
        tmp_path,
        a="from dataclasses import dataclass\nfrom b import B\n@dataclass\nclass A:\n    b: 'B | None'\n",
        b="from __future__ import annotations\nfrom dataclasses import dataclass\nfrom a import A\n"
        "@dataclass\nclass B:\n    a: list[A]\n    bad: object\n",
        agents=HEADER + "from a import A\n@agent\n@dataclass\nclass Ag:\n    root: A\n",
    ).resolve("agents")
    assert set(project.dataclasses) == {"agents.Ag", "a.A", "b.B"}
    assert problems_of(project, project.agents[0]) == [
        ("root.b.bad", "object cannot be proven serializable")
    ]


def test_enum_keyed_dicts(tmp_path: Path) -> None:
    files = {
        "pkg.__init__": "",
        "pkg.models": MODELS + "\nclass Mixed(Enum):\n    A = 1\n    B = 'b'\n",
        "pkg.agents": HEADER
        + "from pkg.models import Color, Size, Mixed, Item\n"
        + "@agent\n@dataclass\nclass A:\n    by_color: dict[Color, int]\n"
        + "    by_size: dict[Size, int]\n    by_mixed: dict[Mixed, int]\n"
        + "    by_item: dict[Item, int]\n",
    }
    project = tree(tmp_path, **files).resolve("pkg.agents")
    assert problems_of(project, project.agents[0]) == [
        ("by_mixed{key}", "enum Mixed mixes str and int values; use one kind of value"),
        (
            "by_item{key}",
            "dict keys must be str, int, a str/int Enum or UUID; Item is not",
        ),
    ]


def test_aliases_newtype_annotated_across_modules(tmp_path: Path) -> None:
    project = tree(
        tmp_path,
        types_="""
        from typing import Annotated, NewType, Optional
        from uuid import UUID
        UserId = NewType("UserId", UUID)
        Tags = list[str]
        MaybeTags = Optional[Tags]
        Positive = Annotated[int, "positive"]
        """,
        agents=with_header(
            """
        from types_ import UserId, MaybeTags, Positive
        @agent
        @dataclass
        class A:
            user: UserId
            tags: MaybeTags
            count: Positive
            users: "dict[UserId, Positive]"
        """
        ),
    ).resolve("agents")
    agent = project.agents[0]
    assert state_type(agent, "user") == TypeRef("uuid", "UserId", name="types_.UserId")
    tags = state_type(agent, "tags")
    assert tags.kind == "optional"
    assert tags.text == "MaybeTags"
    assert tags.args[0].kind == "list"
    assert state_type(agent, "count") == TypeRef("int", "Positive")
    users = state_type(agent, "users")
    assert [a.kind for a in users.args] == ["uuid", "int"]
    assert agent.snapshot_kind == "none"  # snapshotting disabled
    assert problems_of(project, agent) == []


def test_reasons_and_paths(tmp_path: Path) -> None:
    project, agent = one(
        tmp_path,
        """
        from typing import Any, Callable, Sequence, TypeVar
        T = TypeVar("T")

        class NotData:
            pass

        @dataclass
        class Owner:
            name: str
            thing: NotData

        @dataclass
        class Entry:
            owner: Owner
            hook: Callable[[], None]

        @agent(snapshotting="enabled")
        @dataclass
        class A:
            items: list[Entry]
            seq: Sequence[int]
            generic: T
            anything: Any
            either: int | str
            nested: "tuple[int, dict[float, Missing]]"
            bare: list
        """,
    )
    assert problems_of(project, agent) == [
        ("items[].owner.thing", "NotData is not a dataclass; decorate it with @dataclass"),
        ("items[].hook", "Callable cannot be serialized"),
        ("seq", "Sequence cannot be decoded; use list[T]"),
        ("generic", "unknown name T in agents"),
        ("anything", "Any cannot be proven serializable"),
        ("either", "a union other than X | None cannot be decoded unambiguously"),
        ("nested[1]{key}", "dict keys must be str, int, a str/int Enum or UUID; float is not"),
        ("nested[1][]", "unknown name Missing in agents"),
        ("bare", "list needs an element type: list[T]"),
    ]
    assert agent.snapshot_kind == "none"
    entry = project.dataclasses["agents.Entry"]
    assert serialization_problems(entry.fields[0].type, project, "") == [
        ("thing", "NotData is not a dataclass; decorate it with @dataclass")
    ]


def test_inherited_fields_override_and_recursion_through_bases(tmp_path: Path) -> None:
    project = tree(
        tmp_path,
        base="""
        from dataclasses import dataclass
        @dataclass
        class Node:
            value: object
            children: "list[Node]"
        """,
        agents=with_header(
            """
        from base import Node
        @dataclass
        class IntNode(Node):
            value: int
            extra: str = ""

        @agent(snapshotting="every(1)")
        @dataclass
        class A:
            root: IntNode
        """
        ),
    ).resolve("agents")
    node = project.dataclasses["agents.IntNode"]
    assert [(f.name, f.type.kind, f.path) for f in node.fields] == [
        ("value", "int", "agents.py"),
        ("children", "list", "base.py"),
        ("extra", "str", "agents.py"),
    ]
    assert problems_of(project, project.agents[0]) == [
        ("root.children[].value", "object cannot be proven serializable")
    ]


def test_broken_trees_do_not_raise(tmp_path: Path) -> None:
    project = tree(
        tmp_path,
        **{
            "pkg.__init__": "from .nowhere import Gone\nfrom .agents import Loop\n",
            "pkg.agents": with_header(
                """
            from missing.module import Thing
            from . import Gone
            A = B
            B = A
            class Loop(Loop):
                pass
            @agent(snapshotting="every(1)")
            @dataclass
            class Ag(Ag, Loop):
                a: A
                thing: Thing
                gone: Gone
                loop: Loop
            """
            ),
        },
    ).resolve("pkg.agents")
    reasons = dict(problems_of(project, project.agents[0]))
    assert reasons["thing"] == "missing.module.Thing comes from outside the scanned tree"
    assert "Gone" in reasons["gone"]
    assert reasons["loop"] == "Loop is not a dataclass; decorate it with @dataclass"
    assert "a" in reasons


def test_same_module_name_in_two_directories(tmp_path: Path) -> None:
    first = tree(
        tmp_path / "one",
        agents=with_header(
            """
            @dataclass
            class Note:
                text: str

            @agent(snapshotting="every(1)")
            @dataclass
            class Notes:
                notes: list[Note]
            """
        ),
    )
    second = tree(
        tmp_path / "two",
        agents=with_header(
            """
            @dataclass
            class Task:
                done: bool

            @agent(snapshotting="every(1)")
            @dataclass
            class Tasks:
                tasks: list[Task]

                def add(self, task: Task) -> Task:
                    return task
            """
        ),
    )
    scans = [first.scan("agents"), second.scan("agents")]
    project = resolve(scans, lambda module: None)
    notes, tasks = project.agents
    assert state_type(notes, "notes").args[0].name == "agents.Note"
    assert state_type(tasks, "tasks").args[0].name == "agents.Task"
    assert tasks.methods[0].returns == TypeRef("dataclass", "Task", name="agents.Task")
    assert [a.snapshot_kind for a in project.agents] == ["json", "json"]


def test_every_supported_type_from_source(tmp_path: Path) -> None:
    project, agent = one(
        tmp_path,
        """
        import datetime as dt
        import typing as t
        from decimal import Decimal
        from enum import Enum, IntEnum, auto
        from typing import Annotated, Dict, FrozenSet, List, Literal, Optional, Set, Tuple, Union
        from typing_extensions import Literal as L
        from uuid import UUID

        class Level(IntEnum):
            LOW = auto()
            HIGH = auto()

        class Perm(Enum):
            R = auto()
            W = auto()

        class Mixin(str, Enum):
            A = auto()
            B = "b"

        @agent(snapshotting="periodic(5s)")
        @dataclass
        class Everything:
            s: str
            i: int
            f: float
            b: bool
            n: None
            raw: bytes
            when: dt.datetime
            day: dt.date
            clock: dt.time
            span: dt.timedelta
            money: Decimal
            uid: UUID
            items: List[int]
            unique: Set[str]
            frozen: FrozenSet[str]
            pair: Tuple[int, str]
            many: tuple[int, ...]
            by_key: Dict[str, float]
            by_uuid: dict[UUID, int]
            by_level: dict[Level, int]
            by_lit: dict[Literal["a", "b"], int]
            maybe: Optional[int]
            maybe2: Union[None, str]
            maybe3: t.Optional[list[int]]
            lit: L["x", 1, True]
            level: Level
            perm: Perm
            mixin: Mixin
            note: Annotated[str, "doc"]
        """,
    )
    assert problems_of(project, agent) == []
    assert agent.snapshot_kind == "json"
    kinds = {f.name: f.type.kind for f in agent.state.fields} if agent.state else {}
    assert kinds == {
        "s": "str",
        "i": "int",
        "f": "float",
        "b": "bool",
        "n": "none",
        "raw": "bytes",
        "when": "datetime",
        "day": "date",
        "clock": "time",
        "span": "timedelta",
        "money": "decimal",
        "uid": "uuid",
        "items": "list",
        "unique": "set",
        "frozen": "frozenset",
        "pair": "tuple",
        "many": "tuple_var",
        "by_key": "dict",
        "by_uuid": "dict",
        "by_level": "dict",
        "by_lit": "dict",
        "maybe": "optional",
        "maybe2": "optional",
        "maybe3": "optional",
        "lit": "literal",
        "level": "enum",
        "perm": "enum",
        "mixin": "enum",
        "note": "str",
    }
    assert project.enums["agents.Level"].members == (("LOW", 1), ("HIGH", 2))
    assert project.enums["agents.Perm"].members == (("R", 1), ("W", 2))
    assert project.enums["agents.Mixin"].members == (("A", "1"), ("B", "b"))
    assert state_type(agent, "lit").values == ("x", 1, True)

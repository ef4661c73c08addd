"""Resolution through classes defined in top-level `if`/`try` blocks and through star imports."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.resolve.test_project import HEADER, problems_of, state_type, tree, with_header

CONDITIONAL = """\
import sys
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

if sys.version_info >= (3, 11):
    from enum import StrEnum

    class Color(StrEnum):
        RED = "red"
else:
    class Color(str, Enum):
        RED = "red"

try:
    import orjson
except ImportError:
    @dataclass
    class Point:
        x: int
        color: Color
"""


def test_conditional_dataclasses_and_enums_are_known_types(tmp_path: Path) -> None:
    agents = with_header(
        """
        from .models import Color, Point

        @agent(snapshotting="every(1)")
        @dataclass
        class Painter:
            name: str
            point: Point | None = None
            color: Color = Color.RED
        """
    )
    project = tree(
        tmp_path, **{"pkg.__init__": "", "pkg.models": CONDITIONAL, "pkg.agents": agents}
    )
    (agent,) = project.resolve("pkg.agents").agents
    assert problems_of(project.resolve("pkg.agents"), agent) == []
    assert state_type(agent, "point").args[0].name == "pkg.models.Point"
    assert agent.snapshot_kind == "json"
    assert set(project.resolve("pkg.agents").enums) == {"pkg.models.Color"}


@pytest.mark.parametrize(
    "block",
    [
        "if TYPE_CHECKING:\n    pass\nelse:\n{agent}",
        "try:\n{agent}\nexcept ImportError:\n    pass",
        "if sys.version_info >= (3, 11):\n{agent}\nelse:\n{agent}",
    ],
)
def test_agents_in_blocks_are_found_once(tmp_path: Path, block: str) -> None:
    agent = '    @agent(snapshotting="every(1)")\n    @dataclass\n    class InBlock:\n        name: str\n'
    source = HEADER + "import sys\nfrom typing import TYPE_CHECKING\n" + block.format(agent=agent)
    project = tree(tmp_path, agents=source).resolve("agents")
    assert [a.type_name for a in project.agents] == ["InBlock"]
    assert project.agents[0].snapshot_kind == "json"


# --------------------------------------------------------------------------- star imports

MODELS = """\
from dataclasses import dataclass

__all__ = ["Item", "_Listed"]


@dataclass
class Item:
    n: int


@dataclass
class Secret:
    n: int


@dataclass
class _Listed:
    n: int
"""


def test_a_star_reexport_in_a_package_init_resolves(tmp_path: Path) -> None:
    agents = with_header(
        """
        from pkg import Item, Secret, _Listed

        @agent(snapshotting="every(1)")
        @dataclass
        class Shop:
            name: str
            item: Item
            listed: _Listed
            secret: Secret
        """
    )
    project = tree(
        tmp_path,
        **{"pkg.__init__": "from .models import *\n", "pkg.models": MODELS, "app": agents},
    ).resolve("app")
    (agent,) = project.agents
    assert state_type(agent, "item").name == "pkg.models.Item"
    assert state_type(agent, "listed").name == "pkg.models._Listed"
    assert problems_of(project, agent) == [
        (
            "secret",
            "unknown name Secret in pkg (not exported by its star imports: pkg.models)",
        )
    ]


def test_without_all_every_public_name_is_exported_also_through_nested_stars(
    tmp_path: Path,
) -> None:
    agents = with_header(
        """
        from pkg import Item, Owner, Secret, _Private

        @agent(snapshotting="every(1)")
        @dataclass
        class Shop:
            name: str
            item: Item
            owner: Owner
            secret: Secret
            private: _Private
        """
    )
    models = MODELS.replace('__all__ = ["Item", "_Listed"]\n', "")
    files = {
        "pkg.__init__": "from pkg.api import *\n",
        "pkg.api": "from .models import *\nfrom .owners import Owner\n",
        "pkg.models": models + "\n@dataclass\nclass _Private:\n    n: int\n",
        "pkg.owners": "from dataclasses import dataclass\n@dataclass\nclass Owner:\n    n: int\n",
        "app": agents,
    }
    project = tree(tmp_path, **files).resolve("app")
    (agent,) = project.agents
    assert state_type(agent, "item").name == "pkg.models.Item"
    assert state_type(agent, "owner").name == "pkg.owners.Owner"
    assert state_type(agent, "secret").name == "pkg.models.Secret"
    assert problems_of(project, agent) == [
        ("private", "unknown name _Private in pkg (not exported by its star imports: pkg.api)")
    ]


def test_a_star_import_in_the_agent_module_itself(tmp_path: Path) -> None:
    agents = """\
    from runtime_stub import *
    from dataclasses import dataclass
    from .models import *

    @agent(snapshotting="every(1)")
    @dataclass
    class Shop:
        name: str
        item: Item
    """
    project = tree(
        tmp_path, **{"pkg.__init__": "", "pkg.models": MODELS, "pkg.agents": agents}
    ).resolve("pkg.agents")
    (agent,) = project.agents
    assert state_type(agent, "item").name == "pkg.models.Item"
    assert agent.snapshot_kind == "json"


def test_the_last_star_import_that_exports_a_name_wins(tmp_path: Path) -> None:
    first = "from dataclasses import dataclass\n@dataclass\nclass Item:\n    a: int\n"
    second = "from dataclasses import dataclass\n@dataclass\nclass Item:\n    b: int\n"
    agents = with_header(
        """
        from .first import *
        from .empty import *
        from .second import *
        from .none import *

        @agent(snapshotting="every(1)")
        @dataclass
        class Shop:
            name: str
            item: Item
        """
    )
    files = {
        "pkg.__init__": "",
        "pkg.first": first,
        "pkg.second": second,
        "pkg.empty": "__all__ = []\n",
        "pkg.agents": agents,
    }
    (agent,) = tree(tmp_path, **files).resolve("pkg.agents").agents
    assert state_type(agent, "item").name == "pkg.second.Item"


def test_star_import_cycles_end(tmp_path: Path) -> None:
    agents = with_header(
        """
        from pkg.a import Missing, Item

        @agent(snapshotting="every(1)")
        @dataclass
        class Shop:
            name: str
            missing: Missing
            item: Item
        """
    )
    files = {
        "pkg.__init__": "from . import *\n",
        "pkg.a": "from .b import *\n",
        "pkg.b": "from .a import *\nfrom pkg import *\nfrom .models import Item\n",
        "pkg.models": MODELS,
        "app": agents,
    }
    project = tree(tmp_path, **files).resolve("app")
    (agent,) = project.agents
    assert state_type(agent, "item").name == "pkg.models.Item"
    ((path, reason),) = problems_of(project, agent)
    assert path == "missing" and "unknown name Missing in pkg.a" in reason


def test_star_modules_are_loaded_only_when_a_name_is_not_found_otherwise(tmp_path: Path) -> None:
    agents = with_header(
        """
        from pkg import Item

        @agent(snapshotting="every(1)")
        @dataclass
        class Shop:
            name: str
            item: Item
        """
    )
    files = {
        "pkg.__init__": "from .models import Item\nfrom .unused import *\n",
        "pkg.models": MODELS,
        "pkg.unused": "raise SystemExit\n",
        "app": agents,
    }
    source = tree(tmp_path, **files)
    (agent,) = source.resolve("app").agents
    assert state_type(agent, "item").name == "pkg.models.Item"
    assert "pkg.unused" not in source.loaded


@pytest.mark.parametrize(
    ("annotation", "kind"),
    [("datetime", "datetime"), ("timedelta", "timedelta"), ("Unknown", "unsupported")],
)
def test_a_star_import_from_outside_the_tree(tmp_path: Path, annotation: str, kind: str) -> None:
    agents = with_header(
        f"""
        from datetime import *

        @agent(snapshotting="every(1)")
        @dataclass
        class Clock:
            name: str
            at: {annotation}
        """
    )
    (agent,) = tree(tmp_path, agents=agents).resolve("agents").agents
    assert state_type(agent, "at").kind == kind

"""The real mypy with `codegen.plugins.mypy` reports GLM001-GLM004 exactly as `golem-codegen check` does,
and decides with mypy's types what the scanner leaves open (classes from outside the scanned tree).

One tree, one cold mypy run shared by the tests (mypy is slow), one warm re-run from mypy's cache.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import libcst as cst
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mypy.errors import Errors
from mypy.fastparse import parse
from mypy.nodes import AssignmentStmt
from mypy.options import Options

import runtime_stub
from codegen.checks.snapshot import check_snapshots
from codegen.plugins.mypy.source import literal_of
from codegen.run.pipeline import DEFAULT_OPTIONS, Run
from codegen.scan.context import literal_value

pytestmark = pytest.mark.slow

SNAPSHOT_CODES = ("GLM001", "GLM002", "GLM003", "GLM004")
RUNTIME_ROOT = Path(runtime_stub.__file__).resolve().parent.parent
MYPY_LINE = re.compile(
    r"^(?P<path>[^:\n]+):(?P<line>\d+): error: (?P<message>.*)  \[(?P<code>GLM\d{3})\]$"
)

Report = set[tuple[str, int, str, str]]
"""(path, line, code, message) of every GLM diagnostic."""

MODELS = """\
    import threading
    from dataclasses import dataclass, field
    from enum import Enum, IntEnum, auto
    from typing import Any, NewType

    from runtime_stub import transient

    UserId = NewType("UserId", str)
    Tags = list[str]


    class Color(Enum):
        RED = "red"
        BLUE = "blue"


    class Level(IntEnum):
        LOW = auto()
        HIGH = auto()


    class Owner:
        def __init__(self, name: str) -> None:
            self.name = name


    @dataclass
    class Item:
        sku: str
        owner: Owner
        extra: dict[str, Any]


    @dataclass
    class Record:
        name: str
        children: list["Record"] = field(default_factory=list)


    @dataclass
    class BaseState:
        created: int = 0
        lock: threading.Lock = transient(default_factory=threading.Lock)
    """

GOOD = """\
    import uuid
    from dataclasses import dataclass, field
    from enum import Enum, IntEnum, auto
    from datetime import datetime
    from decimal import Decimal
    from typing import Literal, Optional

    import runtime_stub as rs
    from runtime_stub import agent

    from .models import BaseState, Color, Level, Record, Tags, UserId


    @agent(snapshotting="every(5)")
    @dataclass
    class Inventory(BaseState):
        owner: UserId = UserId("")
        color: Color = Color.RED
        level: Level = Level.LOW
        tags: Tags = field(default_factory=list)
        stock: dict[str, int] = field(default_factory=dict)
        pos: tuple[int, int] = (0, 0)
        history: tuple[str, ...] = ()
        when: Optional[datetime] = None
        price: Decimal = Decimal(0)
        ident: uuid.UUID = field(default_factory=uuid.uuid4)
        mode: Literal["a", "b"] | None = "a"
        records: list[Record] = field(default_factory=list)
        by_color: dict[Color, float] = field(default_factory=dict)


    @rs.agent(snapshotting="periodic(30s)")
    class Custom:
        def save_snapshot(self) -> bytes:
            return b""

        async def load_snapshot(self, data: bytes) -> None:
            pass


    @agent
    class Plain:
        def __init__(self, name: str) -> None:
            self.name = name


    @agent(mode="ephemeral", snapshotting="every(1)")
    class Passing:
        def __init__(self, name: str) -> None:
            self.name = name


    PREFIX = "p"


    @agent(snapshotting="every(2)")
    @dataclass
    class Palette:
        grade: "Grade"
        shade: "Shade"


    class Grade(IntEnum):
        LOW = auto()
        HIGH = auto()


    class Shade(Enum):
        DARK = PREFIX + "d"
        LIGHT = "l"
    """

GLM001 = """\
    from runtime_stub import agent


    @agent(snapshotting="every(5)")
    class OnlySave:
        def save_snapshot(self) -> bytes:
            return b""


    class Restorable:
        def load_snapshot(self, data: bytes) -> None:
            pass


    @agent(snapshotting="every(1)")
    class OnlyInheritedLoad(Restorable):
        pass
    """

GLM002 = """\
    from runtime_stub import agent


    @agent(snapshotting="periodic(1m)")
    class NotesAgent:
        def save_snapshot(self, compress: bool) -> str:
            return ""

        @staticmethod
        def load_snapshot(data: str, strict: bool) -> list[str]:
            return []


    @agent
    class Untyped:
        def save_snapshot(self):  # type: ignore[no-untyped-def]
            return b""

        def load_snapshot(self, data: bytes, *rest: bytes) -> int:
            return 0
    """

GLM003 = """\
    from dataclasses import dataclass, field
    from enum import Enum
    from typing import Any, Callable, TypeVar, dataclass_transform

    from runtime_stub import agent, transient

    from .models import Item, Owner

    T = TypeVar("T")


    @dataclass_transform()
    def model(cls: type[T]) -> type[T]:
        return cls


    @model
    class Point:
        x: int = 0


    @agent(snapshotting="every(3)")
    @model
    class Modelled:
        x: int = 0


    @agent(snapshotting="enabled")
    class NotADataclass:
        def __init__(self, name: str) -> None:
            self.name = name


    class Mixed(Enum):
        A = "a"
        B = -1


    @agent(snapshotting="every(10)")
    @dataclass
    class Cart:
        user: str
        items: list[Item] = field(default_factory=list)
        favourite: Owner | None = None
        on_change: Callable[[], None] | None = None
        prices: dict[float, int] = field(default_factory=dict)
        either: int | str = 0
        cache: dict[str, object] = transient(default_factory=dict)
        anything: Any = None
        where: Point | None = None
        mixed: Mixed | None = None


    @agent(snapshotting="every(1)")
    @dataclass
    class Later:
        first: "Node"


    @dataclass
    class Node:
        value: int
        owner: Owner
    """

GLM004 = """\
    import runtime_stub as rs
    from runtime_stub import agent


    @rs.agent(snapshotting="every_n(5)")
    class A:
        pass


    @agent(snapshotting="periodic(30)")
    class B:
        pass


    @agent(snapshotting=10)
    class C:
        pass


    @agent(snapshotting="every(0)")  # golem: ignore[GLM004]
    class Silenced:
        pass
    """

SILENCED = """\
    from dataclasses import dataclass
    from typing import Any

    from runtime_stub import agent


    @agent(snapshotting="enabled")
    @dataclass
    class Quiet:
        anything: Any = None  # type: ignore[GLM003]
        other: Any = None
    """

BASE = """\
    from dataclasses import dataclass

    from app.models import Owner


    @dataclass
    class Audited:
        audit: Owner | None = None
    """

INHERITED = """\
    from dataclasses import dataclass

    from runtime_stub import agent

    from .base import Audited


    @agent(snapshotting="every(2)")
    @dataclass
    class Ledger(Audited):
        total: int = 0
    """

EXT_MODELS = """\
    from dataclasses import dataclass
    from decimal import Decimal
    from enum import Enum


    class Currency(Enum):
        EUR = "EUR"
        USD = "USD"


    @dataclass(frozen=True)
    class Money:
        amount: Decimal
        currency: Currency


    class Handle:
        pass
    """

OUTSIDE = """\
    from dataclasses import dataclass

    from ext.models import Handle, Money
    from runtime_stub import agent


    @agent(snapshotting="every(1)")
    @dataclass
    class Wallet:
        balance: Money


    @agent(snapshotting="every(1)")
    @dataclass
    class Device:
        handle: Handle
    """

APP = {
    "models.py": MODELS,
    "good.py": GOOD,
    "glm001.py": GLM001,
    "glm002.py": GLM002,
    "glm003.py": GLM003,
    "glm004.py": GLM004,
}


def write(root: Path, files: dict[str, str]) -> None:
    for relative, source in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tree: `proj/app` (compared with the CLI), `proj/extra`, and `site/ext` (mypy only)."""
    root = tmp_path_factory.mktemp("mypy-plugin")
    write(root, {f"proj/app/{name}": source for name, source in APP.items()})
    write(root, {"proj/app/__init__.py": "", "proj/extra/__init__.py": ""})
    write(root, {"proj/extra/silenced.py": SILENCED, "proj/extra/outside.py": OUTSIDE})
    write(root, {"proj/extra/base.py": BASE, "proj/extra/inherited.py": INHERITED})
    write(root, {"site/ext/__init__.py": "", "site/ext/models.py": EXT_MODELS})
    mypy_path = os.pathsep.join([str(root / "site"), str(RUNTIME_ROOT)])
    pyproject = f"""\
        [tool.mypy]
        plugins = ["codegen.plugins.mypy"]
        mypy_path = {mypy_path!r}
        cache_dir = {str(root / ".mypy_cache")!r}
        """
    write(root, {"pyproject.toml": pyproject})
    return root


def run_mypy(root: Path) -> Report:
    """GLM errors of a real `python -m mypy` over the whole tree (other errors are ignored)."""
    command = [sys.executable, "-m", "mypy", "--config-file", "pyproject.toml", "proj"]
    flags = ["--no-pretty", "--no-error-summary", "--hide-error-context", "--no-color-output"]
    done = subprocess.run([*command, *flags], cwd=root, capture_output=True, text=True, check=False)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    found = set()
    for line in done.stdout.splitlines():
        match = MYPY_LINE.match(line)
        if match:
            path = match["path"].replace(os.sep, "/")
            found.add((path, int(match["line"]), match["code"], match["message"]))
    return found


@pytest.fixture(scope="module")
def mypy_report(root: Path) -> Report:
    return run_mypy(root)


@pytest.fixture(scope="module")
def cli_report(root: Path) -> Report:
    """The CLI's snapshot checks (GLM001-GLM004) over `proj` in the plugin's view, one agent at a
    time (`alone`: the CLI itself reports a nested dataclass's field once, at that field, and a
    constructor field's type as GLM010), located and printed as `golem-codegen check` does."""
    cwd = Path.cwd()
    os.chdir(root)
    try:
        run = Run(["proj"], None, DEFAULT_OPTIONS)
        project = run.project()
        found = [f for a in project.agents for f in check_snapshots(a, project, alone=True)]
        result = run.diagnostics(found, SNAPSHOT_CODES, ())
    finally:
        os.chdir(cwd)
    return {(d.path.replace(os.sep, "/"), d.line, d.code, d.message) for d in result}


def under(report: Report, prefix: str) -> Report:
    return {entry for entry in report if entry[0].startswith(prefix)}


def test_good_agents_have_no_snapshot_errors(mypy_report: Report, cli_report: Report) -> None:
    for report in (mypy_report, cli_report):
        assert under(report, "proj/app/good.py") == set()
        assert under(report, "proj/app/models.py") == set()


@pytest.mark.parametrize("code", SNAPSHOT_CODES)
def test_same_codes_lines_and_messages_as_the_cli(
    code: str, mypy_report: Report, cli_report: Report
) -> None:
    expected = {entry for entry in under(cli_report, "proj/app/") if entry[2] == code}
    assert expected, f"the tree should exercise {code}"
    assert {entry for entry in under(mypy_report, "proj/app/") if entry[2] == code} == expected


def test_glm003_names_the_field_path_and_reason(mypy_report: Report) -> None:
    lines = textwrap.dedent(GLM003).splitlines()
    messages = {
        lines[line - 1].strip().partition(":")[0]: message
        for path, line, _, message in mypy_report
        if path == "proj/app/glm003.py"
    }
    assert '"state.items[].owner": Owner is not a dataclass' in messages["items"]
    assert "dict keys must be str, int, a str/int Enum or UUID; float is not" in messages["prices"]
    assert "a union other than X | None" in messages["either"]
    assert "Node is not a dataclass" not in str(messages)
    assert '"state.first.owner": Owner is not a dataclass' in messages["first"]
    assert "cache" not in messages  # transient() fields are not part of the snapshot


def test_type_ignore_and_golem_ignore_silence_a_finding(mypy_report: Report) -> None:
    quiet = {(line, code) for path, line, code, _ in mypy_report if path.endswith("silenced.py")}
    assert quiet == {(11, "GLM003")}  # the `other` field; `anything` has # type: ignore[GLM003]
    assert not any("Silenced" in message for *_, message in mypy_report)


def test_types_from_outside_the_scanned_tree_are_decided_by_mypy(
    mypy_report: Report, cli_report: Report
) -> None:
    cli = {(line, message) for path, line, _, message in cli_report if path.endswith("outside.py")}
    assert {line for line, _ in cli} == {10, 16}
    assert all("comes from outside the scanned tree" in message for _, message in cli)
    found = under(mypy_report, "proj/extra/outside.py")
    assert [(line, code) for _, line, code, _ in found] == [(16, "GLM003")]
    assert "Handle is not a dataclass" in next(iter(found))[3]


def test_a_member_declared_in_another_module_is_reported_on_the_agent_class(
    mypy_report: Report, cli_report: Report
) -> None:
    cli = [(path, line, message) for path, line, _, message in cli_report if "Ledger" in message]
    found = [(path, line, message) for path, line, _, message in mypy_report if "Ledger" in message]
    assert [(path, line) for path, line, _ in cli] == [("proj/extra/inherited.py", 10)]
    assert [(path, line) for path, line, _ in found] == [("proj/extra/inherited.py", 10)]
    # the plugin sees the agent class alone: it cannot name the base declaring the field
    assert cli[0][2].replace(" (inherited from Audited)", "") == found[0][2]


def test_a_warm_rerun_from_mypys_cache_reports_the_same(root: Path, mypy_report: Report) -> None:
    """Unchanged, and then with agent modules re-analyzed against models from mypy's cache."""
    assert run_mypy(root) == mypy_report
    for path in (root / "proj").rglob("*.py"):
        if path.name not in ("models.py", "base.py", "__init__.py"):
            path.write_text(path.read_text(encoding="utf-8") + "# touched\n", encoding="utf-8")
    assert run_mypy(root) == mypy_report


LITERALS = st.one_of(
    st.integers(-(10**30), 10**30).map(repr),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.text(max_size=12).map(repr),
    st.sampled_from(["True", "False", "None", "-0", "+7", "-1.5", "'a' 'b'", "x", "f(1)", "[1]"]),
)


@settings(max_examples=60, deadline=None)
@given(LITERALS)
def test_option_literals_read_like_the_scanner(source: str) -> None:
    """`@agent(snapshotting=...)` values mean the same to the plugin as to the scanner."""
    options = Options()
    tree = parse(f"x = {source}\n", "<test>", "test", Errors(options), options)
    statement = tree.defs[0]
    assert isinstance(statement, AssignmentStmt)
    expected = literal_value(cst.parse_expression(source))
    assert literal_of(statement.rvalue) == expected


def test_state_versions_and_migrations_type_check_without_false_errors(tmp_path: Path) -> None:
    """`state_version=` and `@migration` functions (no self) pass mypy --strict with the plugin."""
    project = Path(__file__).resolve().parents[2] / "fixtures" / "generator" / "evolving"
    shutil.copytree(project / "cart", tmp_path / "cart")
    config = f"""\
        [tool.mypy]
        strict = true
        plugins = ["codegen.plugins.mypy"]
        mypy_path = {str(RUNTIME_ROOT)!r}
        cache_dir = {str(tmp_path / ".mypy_cache")!r}
        """
    write(tmp_path, {"pyproject.toml": config})
    command = [sys.executable, "-m", "mypy", "--config-file", "pyproject.toml", "cart"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr

"""The scanner beyond plain top-level statements: classes in `if`/`try` blocks, star imports,
`__all__`, and keyword arguments of calls."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest
from hypothesis import given
from hypothesis import strategies as st

from codegen.scan.names import RUNTIME_EXPORTS
from tests.scan.test_module import FUZZ, _mutate, _never_raises, cls, meth, scan, scanned

# ----------------------------------------------------------------------------- conditional classes


@pytest.mark.parametrize(
    "source",
    [
        "if TYPE_CHECKING:\n    pass\nelse:\n{body}",
        "if TYPE_CHECKING:\n{body}",
        "if A:\n    pass\nelif B:\n{body}",
        "try:\n{body}\nexcept ImportError:\n    pass",
        "try:\n    pass\nexcept ImportError:\n{body}",
        "try:\n    pass\nexcept ImportError:\n    pass\nelse:\n{body}",
        "try:\n    pass\nfinally:\n{body}",
        "try:\n    pass\nexcept* ValueError:\n{body}",
        "if A:\n    try:\n        pass\n    except ImportError:\n        if B:\n{deeper}",
    ],
)
def test_classes_in_top_level_blocks_are_scanned(source: str) -> None:
    body = textwrap.dedent("""\
        @agent(name="x")
        @dataclass
        class Found:
            color: Color
        """)
    module = source.format(
        body=textwrap.indent(body, "    "), deeper=textwrap.indent(body, " " * 12)
    )
    header = "from dataclasses import dataclass\nfrom runtime_stub import agent\n"
    found = cls(header + "from .colors import Color\n" + module, "Found")
    assert found.agent is not None and found.is_dataclass
    assert found.qualname == "pkg.agents.Found"
    assert found.fields[0].annotation.name == "pkg.colors.Color"


VERSIONED = """\
import sys
from enum import Enum

if sys.version_info >= (3, 11):
    from enum import StrEnum

    class Color(StrEnum):
        RED = "red"
else:
    class Color(str, Enum):
        RED = "red"
        BLUE = "blue"

try:
    from fast import Point
except ImportError:
    class Point:
        x: int

class Shade(Color):
    DARK = "dark"
"""


def test_the_first_conditional_definition_wins_and_imports_win_over_fallbacks() -> None:
    classes = scan(VERSIONED).classes
    assert [c.name for c in classes] == ["Color", "Shade"]
    color, shade = classes
    assert color.bases == ("enum.StrEnum",) and color.enum_members == (("RED", "red"),)
    assert shade.bases == ("pkg.agents.Color",) and shade.enum_members == (("DARK", "dark"),)
    assert dict(scan(VERSIONED).imports)["Point"] == "fast.Point"


@pytest.mark.parametrize(
    "source",
    [
        "class A:\n    x: int\nif C:\n    class A:\n        y: int\n",
        "if C:\n    class A:\n        y: int\nclass A:\n    x: int\n",
    ],
)
def test_an_unconditional_class_wins_over_a_conditional_one(source: str) -> None:
    (only,) = scan(source).classes
    assert [f.name for f in only.fields] == ["x"]


def test_a_fallback_class_before_the_import_it_stands_in_for_is_not_scanned() -> None:
    source = (
        "if sys.version_info < (3, 11):\n"
        "    class StrEnum(str, Enum):\n"
        "        pass\n"
        "else:\n"
        "    from enum import StrEnum\n"
    )
    assert scan(source).classes == ()
    assert dict(scan(source).imports)["StrEnum"] == "enum.StrEnum"


def test_conditional_classes_are_anchored_in_source_order() -> None:
    source = "class A:\n    pass\ntry:\n    class B:\n        pass\nexcept E:\n    class C:\n        pass\n"
    result = scanned(source)
    assert [c.name for c in result.scan.classes] == ["A", "B", "C"]
    anchors = [c.anchor for c in result.scan.classes]
    assert anchors == sorted(anchors)
    names = [result.nodes[a] for a in anchors]
    assert [n.value for n in names if isinstance(n, cst.Name)] == ["A", "B", "C"]


def test_calls_of_conditional_agents_are_recorded() -> None:
    source = """\
    from runtime_stub import agent, durable_call
    if True:
        @agent()
        class A:
            def m(self) -> None:
                durable_call(print, 1)
    """
    (call,) = meth(cls(source), "m").calls
    assert (call.name, call.args) == ("runtime_stub.durable_call", ("print", "1"))


# ----------------------------------------------------------------------------- star imports


def test_a_runtime_star_import_binds_its_whole_all() -> None:
    result = scan("from runtime_stub import *\n\n@agent()\nclass A:\n    pass\n")
    imports = dict(result.imports)
    assert set(imports) == RUNTIME_EXPORTS
    assert all(imports[name] == f"runtime_stub.{name}" for name in RUNTIME_EXPORTS)
    assert result.classes[0].agent is not None and result.stars == ()


def test_a_later_definition_shadows_a_runtime_star_import() -> None:
    result = scan(
        "from runtime_stub import *\n\ndef agent(c): return c\n\n@agent\nclass A:\n    pass\n"
    )
    assert "agent" not in dict(result.imports) and result.classes[0].agent is None


def test_other_star_imports_are_recorded_as_absolute_modules_once() -> None:
    source = (
        "from .models import *\nfrom pkg.api import *\nfrom . import *\n"
        "from .models import *\nfrom os.path import *\nif X:\n    from .extra import *\n"
    )
    package = scan(source, module="pkg", path="pkg/__init__.py")
    assert package.stars == ("pkg.models", "pkg.api", "pkg", "os.path", "pkg.extra")
    assert package.imports == ()
    module = scan("from .models import *\nfrom .. import *\n", module="pkg.sub.mod")
    assert module.stars == ("pkg.sub.models", "pkg")


@pytest.mark.parametrize(
    ("source", "exports"),
    [
        ("", None),
        ("__all__ = ['A', \"B\"]", ("A", "B")),
        ("__all__ = ('A',)", ("A",)),
        ("__all__: list[str] = ['A']", ("A",)),
        ("__all__ = []", ()),
        ("__all__ = ['A']\n__all__ += ['B']", ("A", "B")),
        ("__all__ = ['A']\n__all__ += other", None),
        ("__all__ = ['A']\n__all__ -= ['A']", None),
        ("__all__ += ['B']", None),
        ("__all__ = ['A']\n__all__.extend(['B'])", None),
        ("__all__ = ['A', name]", None),
        ("__all__ = ['A', *more]", None),
        ("__all__ = [1]", None),
        ("__all__ = [b'A']", None),
        (
            "__all__ = [r'A', 'B\\x43', \"\"\"C\"\"\", ('D'), 'E' 'F', '']",
            ("A", "BC", "C", "D", "EF", ""),
        ),
        ("__all__ = base.__all__ + ['A']", None),
        ("__all__ = other = ['A']", ("A",)),
        ("__all__ = ['A']\n__all__ = ['B']", ("B",)),
        ("__all__.append('x')\n__all__ = ['A']", ("A",)),
        ("if X:\n    __all__ = ['A']", None),
    ],
)
def test_all_is_read_when_literal(source: str, exports: tuple[str, ...] | None) -> None:
    assert scan(source).exports == exports


# ----------------------------------------------------------------------------- call keywords


def test_keyword_arguments_of_calls_are_recorded_like_positional_ones() -> None:
    source = """\
    from runtime_stub import agent, idempotence_mode, PersistenceLevel as PL
    @agent
    class A:
        def m(self) -> None:
            idempotence_mode(enabled=True)
            f(1, *rest, key=PL.SMART, other=g(), **extra)
    """
    first, second, third = meth(cls(source), "m").calls
    assert (first.name, first.args, first.keywords) == (
        "runtime_stub.idempotence_mode",
        (),
        (("enabled", "True"),),
    )
    assert second.args == ("1",)
    assert second.keywords == (("key", "runtime_stub.PersistenceLevel.SMART"), ("other", ""))
    assert third.name == "g"


# ----------------------------------------------------------------------------- never raises

BLOCKS = textwrap.dedent(
    """\
    from runtime_stub import *
    from .models import *
    __all__ = ["Counter", "Kind"]
    __all__ += ["Other"]
    try:
        from enum import StrEnum
    except ImportError:
        class StrEnum(str, Enum):
            pass
    if TYPE_CHECKING:
        class Kind(StrEnum):
            A = "a"
    else:
        @agent(mount="/c/{name}")
        @dataclass
        class Counter:
            name: str
            kinds: list[Kind] = field(default_factory=list)

            @endpoint(head="/x")
            def inc(self) -> None:
                with persistence_level(level=PersistenceLevel.PERSIST_NOTHING):
                    pass
    """
)


@FUZZ
@given(st.data())
def test_mutated_modules_with_blocks_and_stars_never_raise(data: st.DataObject) -> None:
    _never_raises(_mutate(BLOCKS, data).encode())


def test_the_blocks_fuzz_seed_scans_fully() -> None:
    result = scan(BLOCKS)
    assert [c.name for c in result.classes] == ["Kind", "Counter"]
    assert result.classes[1].agent is not None
    assert result.stars == ("pkg.models",) and result.exports == ("Counter", "Kind", "Other")

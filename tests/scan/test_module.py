"""The scanner: file bytes -> ModuleScan (imports, classes, agents, fields, methods, calls, aliases)."""

from __future__ import annotations

import pickle
import textwrap

import libcst as cst
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegen.model import ClassDef, FieldDef, MethodDef, ModuleScan, TypeExpr
from codegen.scan.module import ScanFailure, ScannedFile, scan_source

RT = "from runtime_stub import agent, endpoint, transient, atomically, durable_call\n"


def scanned(source: str, module: str = "pkg.agents", path: str = "pkg/agents.py") -> ScannedFile:
    result = scan_source(textwrap.dedent(source).encode(), path, module)
    assert isinstance(result, ScannedFile), result
    return result


def scan(source: str, module: str = "pkg.agents", path: str = "pkg/agents.py") -> ModuleScan:
    return scanned(source, module, path).scan


def cls(source: str, name: str = "A", **kw: str) -> ClassDef:
    return next(c for c in scan(source, **kw).classes if c.name == name)


def fld(c: ClassDef, name: str) -> FieldDef:
    return next(f for f in c.fields if f.name == name)


def meth(c: ClassDef, name: str) -> MethodDef:
    return next(m for m in c.methods if m.name == name)


def ann(annotation: str, header: str = "") -> TypeExpr:
    """The TypeExpr of `x: <annotation>` in a class body."""
    return cls(f"{header}\nclass A:\n    x: {annotation}\n").fields[0].annotation


def shape(expr: TypeExpr) -> str:
    """A compact rendering of a TypeExpr: qualified names (`builtins.` dropped), values as repr."""
    if expr.kind == "name":
        return expr.name.removeprefix("builtins.")
    if expr.kind == "generic":
        return f"{shape(TypeExpr('name', '', expr.name))}[{', '.join(map(shape, expr.args))}]"
    if expr.kind == "union":
        return " | ".join(map(shape, expr.args))
    if expr.kind == "literal":
        return repr(expr.value)
    return {"none": "None", "ellipsis": "..."}.get(expr.kind, f"!{expr.kind}")


# ----------------------------------------------------------------------------- imports


def test_import_bindings_of_every_spelling() -> None:
    imports = dict(
        scan("""
        import a.b
        import c.d as e
        from x.y import z as w, v
        from .models import Item
        from ..up import Thing
        from . import sibling
        from os import *
        from __future__ import annotations
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from .types import Hidden
        try:
            from fast import impl
        except ImportError:
            from slow import impl as fallback
        """).imports
    )
    assert imports == {
        "a": "a",
        "e": "c.d",
        "w": "x.y.z",
        "v": "x.y.v",
        "Item": "pkg.models.Item",
        "Thing": "up.Thing",
        "sibling": "pkg.sibling",
        "TYPE_CHECKING": "typing.TYPE_CHECKING",
        "Hidden": "pkg.types.Hidden",
        "impl": "fast.impl",
        "fallback": "slow.impl",
    }


def test_relative_imports_in_a_package_init_resolve_against_the_package_itself() -> None:
    source = "from .models import Item\nfrom .. import up\nfrom . import sub\n"
    imports = dict(scan(source, module="pkg.inner", path="pkg/inner/__init__.py").imports)
    assert imports == {"Item": "pkg.inner.models.Item", "up": "pkg.up", "sub": "pkg.inner.sub"}


def test_runtime_submodule_names_are_canonical() -> None:
    imports = dict(
        scan("from runtime_stub.durability import atomically, PersistenceLevel\n").imports
    )
    assert imports == {
        "atomically": "runtime_stub.atomically",
        "PersistenceLevel": "runtime_stub.PersistenceLevel",
    }


# ----------------------------------------------------------------------------- annotations

LIT = "from typing import Literal"


@pytest.mark.parametrize(
    ("header", "annotation", "expected"),
    [
        ("", "list[str]", "list[str]"),
        ("from mylib import list", "list[int]", "mylib.list[int]"),
        ("class str: ...", "str", "pkg.agents.str"),
        ("import typing as t", "t.Optional[int]", "int | None"),
        ("from typing import Optional as O", "O[int]", "int | None"),
        ("import datetime as dt", "dt.datetime", "datetime.datetime"),
        ("from datetime import datetime", "datetime", "datetime.datetime"),
        ("import typing_extensions", "typing_extensions.Self", "typing_extensions.Self"),
        ("", "Unknown", "pkg.agents.Unknown"),
        ("", "None", "None"),
        ("", "int | str | None", "int | str | None"),
        ("from typing import Union", "Union[int, Union[str, None]]", "int | str | None"),
        ("from typing import Optional", "Optional[int | None]", "int | None | None"),
        ("", "tuple[int, ...]", "tuple[int, ...]"),
        ("", "dict[str, list[int]]", "dict[str, list[int]]"),
        (LIT, 'Literal["a", 1, True, None, -2]', "typing.Literal['a', 1, True, None, -2]"),
        ("from typing_extensions import Literal", 'Literal["a"]', "typing_extensions.Literal['a']"),
        (LIT, 'Literal[Literal["a"], "b"]', "typing.Literal[typing.Literal['a'], 'b']"),
        (
            "from typing import Annotated",
            'Annotated[int, "m", Gt(0)]',
            "typing.Annotated[int, 'm', !invalid]",
        ),
        ("from .models import Item", '"Item"', "pkg.models.Item"),
        ("from .models import Item", '"list[Item]"', "list[pkg.models.Item]"),
        ("from .models import Item", 'list["Item"]', "list[pkg.models.Item]"),
        ("", '"not valid ("', "!invalid"),
        ("", "f()", "!invalid"),
        ("", "lambda: int", "!invalid"),
        ("", "3", "!invalid"),
        ("", "True", "!invalid"),
        ("", "x[1:2]", "!invalid"),
        ("", "f().x", "!invalid"),
    ],
)
def test_annotation_forms(header: str, annotation: str, expected: str) -> None:
    assert shape(ann(annotation, header)) == expected


def test_builtins_are_qualified() -> None:
    assert [ann(name).name for name in ("int", "bytes", "object")] == [
        "builtins.int",
        "builtins.bytes",
        "builtins.object",
    ]


def test_annotation_text_is_the_source_text() -> None:
    assert ann("dict[str,  int]").text == "dict[str,  int]"
    assert ann("int | None").text == "int | None"
    assert ann("Optional[int]", "from typing import Optional").text == "Optional[int]"


def test_future_annotations_change_nothing() -> None:
    body = "from .models import Item\nclass A:\n    x: list[Item]\n    y: 'Item | None'\n"
    with_future = scan("from __future__ import annotations\n" + body)
    without = scan(body)
    assert with_future.classes[0].fields == without.classes[0].fields


# ----------------------------------------------------------------------------- agents


@pytest.mark.parametrize(
    ("header", "decorator"),
    [
        ("from runtime_stub import agent", "@agent(name='X')"),
        ("from runtime_stub import agent as a", "@a(name='X')"),
        ("import runtime_stub as rs", "@rs.agent(name='X')"),
        ("import runtime_stub", "@runtime_stub.agent(name='X')"),
        ("from runtime_stub.decorators import agent", "@agent(name='X')"),
        ("from runtime_stub import agent", "@agent"),
        ("import runtime_stub", "@runtime_stub.agent"),
    ],
)
def test_agent_decorator_spellings(header: str, decorator: str) -> None:
    c = cls(f"{header}\n{decorator}\nclass A:\n    pass\n")
    assert c.agent is not None
    expected = (("name", "X"),) if "(" in decorator else ()
    assert tuple((o.name, o.value) for o in c.agent.options) == expected


@pytest.mark.parametrize(
    "source",
    [
        "from other import agent\n@agent\nclass A: ...\n",
        "@agent\nclass A: ...\n",
        "import runtime_stub as rs\n@rs.endpoint(get='/')\nclass A: ...\n",
    ],
)
def test_lookalike_decorators_are_not_agents(source: str) -> None:
    assert cls(source).agent is None


def test_agent_options_are_literal_only_when_written_as_literals() -> None:
    c = cls(
        RT
        + textwrap.dedent("""
        @agent("Pos", name="a" "b", mode=MODE, snapshotting=f"every({N})", mount=None,
               n=3, x=1.5, neg=-2, flag=True, call=make(), raw=b"x", **extra)
        class A: ...
        """)
    )
    assert c.agent is not None
    got = {o.name: (o.literal, o.value, o.text) for o in c.agent.options}
    assert got == {
        "": (True, "Pos", '"Pos"'),
        "name": (True, "ab", '"a" "b"'),
        "mode": (False, None, "MODE"),
        "snapshotting": (False, None, 'f"every({N})"'),
        "mount": (True, None, "None"),
        "n": (True, 3, "3"),
        "x": (True, 1.5, "1.5"),
        "neg": (True, -2, "-2"),
        "flag": (True, True, "True"),
        "call": (False, None, "make()"),
        "raw": (False, None, 'b"x"'),
        "**": (False, None, "extra"),
    }


@pytest.mark.parametrize(
    ("header", "decorator"),
    [
        ("from runtime_stub import endpoint", "@endpoint(post='/x')"),
        ("from runtime_stub import endpoint as ep", "@ep(post='/x')"),
        ("import runtime_stub as rs", "@rs.endpoint(post='/x')"),
        ("from runtime_stub.decorators import endpoint", "@endpoint(post='/x')"),
    ],
)
def test_endpoint_spellings(header: str, decorator: str) -> None:
    c = cls(f"{header}\nclass A:\n    {decorator}\n    def m(self) -> None: ...\n")
    (endpoint,) = meth(c, "m").endpoints
    assert [(o.name, o.value, o.literal) for o in endpoint.options] == [("post", "/x", True)]


def test_bare_endpoint_has_no_options() -> None:
    c = cls("from runtime_stub import endpoint\nclass A:\n    @endpoint\n    def m(self): ...\n")
    assert [e.options for e in meth(c, "m").endpoints] == [()]


# ----------------------------------------------------------------------------- dataclasses


@pytest.mark.parametrize(
    ("header", "decorator", "frozen"),
    [
        ("from dataclasses import dataclass", "@dataclass", False),
        ("from dataclasses import dataclass", "@dataclass(frozen=True)", True),
        ("from dataclasses import dataclass as dc", "@dc(frozen=False)", False),
        ("import dataclasses", "@dataclasses.dataclass(frozen=True)", True),
        ("import dataclasses as d", "@d.dataclass()", False),
    ],
)
def test_dataclass_spellings(header: str, decorator: str, frozen: bool) -> None:
    c = cls(f"{header}\n{decorator}\nclass A:\n    x: int\n")
    assert (c.is_dataclass, c.frozen) == (True, frozen)


def test_non_dataclass_decorators() -> None:
    assert not cls("from attrs import dataclass\n@dataclass\nclass A: ...\n").is_dataclass
    assert not cls("@dataclass\nclass A: ...\n").is_dataclass


def test_field_defaults_and_flags() -> None:
    c = cls(
        """
        import dataclasses
        from dataclasses import dataclass, field, KW_ONLY
        from typing import ClassVar
        import typing as t
        import runtime_stub as rs
        from runtime_stub import transient as tr

        @dataclass
        class A:
            plain: int
            default: int = 0
            factory: list[int] = field(default_factory=list)
            with_default: int = field(default=3)
            no_init: int = field(default=0, init=False)
            bare_field: int = field()
            kw: int = dataclasses.field(default=1, kw_only=True)
            cache: object = rs.transient(default=None)
            client: object = tr(default_factory=object)
            counter: ClassVar[int] = 0
            other: t.ClassVar[str]
            bare_cv: ClassVar
            _: KW_ONLY
            after: int = 0
            not_kw: int = field(default=0, kw_only=False)
        """
    )
    rows = {
        f.name: (f.has_default, f.default_factory, f.init, f.kw_only, f.transient, f.classvar)
        for f in c.fields
    }
    assert rows == {
        "plain": (False, False, True, False, False, False),
        "default": (True, False, True, False, False, False),
        "factory": (True, True, True, False, False, False),
        "with_default": (True, False, True, False, False, False),
        "no_init": (True, False, False, False, False, False),
        "bare_field": (False, False, True, False, False, False),
        "kw": (True, False, True, True, False, False),
        "cache": (True, False, True, False, True, False),
        "client": (True, True, True, False, True, False),
        "counter": (True, False, True, False, False, True),
        "other": (False, False, True, False, False, True),
        "bare_cv": (False, False, True, False, False, True),
        "after": (True, False, True, True, False, False),
        "not_kw": (True, False, True, False, False, False),
    }
    assert [f.name for f in c.fields][:3] == ["plain", "default", "factory"]


@pytest.mark.parametrize(
    ("header", "value", "transient"),
    [
        ("from runtime_stub import transient", "transient(default=None)", True),
        ("from runtime_stub import transient as keep", "keep(default_factory=list)", True),
        ("import runtime_stub", "runtime_stub.transient(default=1)", True),
        ("from runtime_stub.decorators import transient", "transient(default=1)", True),
        ("from dataclasses import field", "field(default=1)", False),
        ("from dataclasses import field as f", "f(default_factory=list)", False),
        ("import dataclasses as dc", "dc.field(default=1)", False),
    ],
)
def test_field_and_transient_spellings(header: str, value: str, transient: bool) -> None:
    f = cls(f"{header}\nclass A:\n    x: list[int] = {value}\n").fields[0]
    assert (f.transient, f.has_default) == (transient, True)
    assert f.default_factory == ("default_factory" in value)


def test_lookalike_field_helpers_are_plain_defaults() -> None:
    f = cls("from attrs import field\nclass A:\n    x: int = field(init=False)\n").fields[0]
    assert (f.has_default, f.init, f.transient) == (True, True, False)


def test_class_level_kw_only() -> None:
    c = cls("from dataclasses import dataclass\n@dataclass(kw_only=True)\nclass A:\n    x: int\n")
    assert fld(c, "x").kw_only


# ----------------------------------------------------------------------------- enums and bases


def test_enum_members() -> None:
    source = """
    import enum
    from enum import IntEnum, StrEnum, Flag, auto

    class Color(enum.Enum):
        _ignore_ = ["tmp"]
        RED = "red"
        GREEN = auto()
        BLUE = 1 << 2
        NOTHING = None
        __private = 1
        def describe(self) -> str:
            return self.value

    class Level(IntEnum):
        LOW = 1
        HIGH = -2

    class Mode(StrEnum):
        A = auto()

    class Perm(Flag):
        R = 1

    class Shade(Color):
        DARK = "dark"

    class Plain:
        X = 1
    """
    by_name = {c.name: c.enum_members for c in scan(source).classes}
    assert by_name == {
        "Color": (("RED", "red"), ("GREEN", None), ("BLUE", "1 << 2"), ("NOTHING", "None")),
        "Level": (("LOW", 1), ("HIGH", -2)),
        "Mode": (("A", None),),
        "Perm": (("R", 1),),
        "Shade": (("DARK", "dark"),),
        "Plain": (),
    }


def test_bases_are_qualified() -> None:
    c = cls(
        """
        from typing import Generic, TypeVar
        import runtime_stub as rs
        from .base import Base
        class A(Base, rs.BaseAgent, Generic[T], Local, object, metaclass=Meta): ...
        """
    )
    assert c.bases == (
        "pkg.base.Base",
        "runtime_stub.BaseAgent",
        "typing.Generic",
        "pkg.agents.Local",
        "builtins.object",
    )


# ----------------------------------------------------------------------------- methods


def test_method_kinds_params_and_returns() -> None:
    c = cls(
        """
        import functools
        class A:
            def inst(self, a: int, /, b: "str" = "", *args: int, c: float, d=1, **kw: bool) -> None: ...
            @staticmethod
            def stat(a: int) -> int: ...
            @classmethod
            def klass(cls, a: int) -> None: ...
            @property
            def prop(self) -> int: ...
            @prop.setter
            def prop(self, value: int) -> None: ...
            @functools.cached_property
            def cached(self) -> int: ...
            async def run(self): ...
        """
    )
    inst = meth(c, "inst")
    assert [(p.name, p.kind, p.has_default) for p in inst.params] == [
        ("a", "positional_only", False),
        ("b", "positional", True),
        ("args", "var_positional", False),
        ("c", "keyword_only", False),
        ("d", "keyword_only", True),
        ("kw", "var_keyword", False),
    ]
    annotations = [shape(p.annotation) if p.annotation else None for p in inst.params]
    assert annotations == ["int", "str", "int", "float", None, "bool"]
    assert inst.returns is not None and inst.returns.kind == "none"
    kinds = [(m.name, m.kind, [p.name for p in m.params]) for m in c.methods]
    assert kinds[1:] == [
        ("stat", "static", ["a"]),
        ("klass", "class", ["a"]),
        ("prop", "property", []),
        ("prop", "property", ["value"]),
        ("cached", "property", []),
        ("run", "instance", []),
    ]
    run = meth(c, "run")
    assert run.is_async and run.returns is None and not inst.is_async


# ----------------------------------------------------------------------------- calls


AGENT_CALLS = """
import time
import random as rnd
import runtime_stub as rs
from time import time as t
from datetime import datetime
from runtime_stub import agent, atomically, persistence_level, PersistenceLevel

def helper() -> None: ...

@agent
class A:
    def m(self, x) -> None:
        time.time()
        t()
        self.items.append(x)
        datetime.now()
        rs.durable_call(helper, 1, "s", True, None, -1, x + 1, key=3)
        persistence_level(PersistenceLevel.PERSIST_NOTHING)
        f()()
        x[0]()
        def inner():
            return rnd.random()
        (lambda: os.urandom(2))()
        from uuid import uuid4
        uuid4()
"""


def test_calls_are_recorded_with_qualified_names_and_arguments() -> None:
    calls = [(c.name, c.args) for c in meth(cls(AGENT_CALLS), "m").calls]
    assert calls == [
        ("time.time", ()),
        ("time.time", ()),
        ("self.items.append", ("x",)),
        ("datetime.datetime.now", ()),
        ("runtime_stub.durable_call", ("pkg.agents.helper", "1", '"s"', "True", "None", "-1", "")),
        ("runtime_stub.persistence_level", ("runtime_stub.PersistenceLevel.PERSIST_NOTHING",)),
        ("", ()),
        ("f", ()),
        ("", ()),
        ("random.random", ()),
        ("", ()),
        ("os.urandom", ("2",)),
        ("uuid.uuid4", ()),
    ]


def test_calls_also_for_other_classes_which_may_be_bases_of_agents() -> None:
    plain = AGENT_CALLS.replace("@agent\n", "")
    names = [call.name for call in meth(cls(plain), "m").calls]
    assert names == [call.name for call in meth(cls(AGENT_CALLS), "m").calls] != []


def test_atomic_regions() -> None:
    c = cls(
        """
        import runtime_stub as rs
        from runtime_stub import agent, atomically

        @agent
        class A:
            def blocks(self) -> None:
                before()
                with atomically():
                    inside()
                    with rs.atomically(), open("f") as fh:
                        nested()
                after()

            async def in_async(self) -> None:
                async with atomically():
                    await fetch()

            @atomically()
            def whole(self) -> None:
                one()
                two()

            @rs.atomically
            def bare(self) -> None:
                three()
        """
    )

    def regions(name: str) -> list[list[str]]:
        return [[call.name for call in r.calls] for r in meth(c, name).atomic_regions]

    assert regions("blocks") == [
        ["inside", "runtime_stub.atomically", "open", "nested"],
        ["nested"],
    ]
    assert regions("in_async") == [["fetch"]]
    assert regions("whole") == [["one", "two"]]
    assert regions("bare") == [["three"]]
    found = scanned(
        "from runtime_stub import agent, atomically\n@agent\nclass A:\n"
        "    @atomically()\n    def m(self):\n        with atomically():\n            pass\n"
    )
    method = found.scan.classes[0].methods[0]
    decorator, item = (found.nodes[r.anchor] for r in method.atomic_regions)
    assert isinstance(decorator, cst.Call) and isinstance(item, cst.Call)
    assert found.nodes[method.anchor] is not decorator


# ----------------------------------------------------------------------------- aliases


def test_aliases_and_newtypes() -> None:
    s = scan(
        """
        from typing import Optional, TypeAlias, NewType
        import typing_extensions as te
        from .models import Item
        CONFIG = {"a": 1}
        Items = list[Item]
        MaybeItem = Optional[Item]
        Either = Item | None
        Number = int
        Thing = Item
        Pair: TypeAlias = "tuple[int, str]"
        type Table = dict[str, Item]
        UserId = NewType("UserId", str)
        OrderId = te.NewType("OrderId", int)
        X = 5
        Y = foo()
        Z = CONFIG["a"]
        N = None
        S = "str"
        U = Unknown | None
        """
    )
    assert all(a.qualname == f"pkg.agents.{a.name}" for a in s.aliases)
    assert {a.name: (shape(a.target), a.is_newtype) for a in s.aliases} == {
        "Items": ("list[pkg.models.Item]", False),
        "MaybeItem": ("pkg.models.Item | None", False),
        "Either": ("pkg.models.Item | None", False),
        "Number": ("int", False),
        "Thing": ("pkg.models.Item", False),
        "Pair": ("tuple[int, str]", False),
        "Table": ("dict[str, pkg.models.Item]", False),
        "UserId": ("str", True),
        "OrderId": ("int", True),
    }


# ----------------------------------------------------------------------------- whole file


def test_mentions_runtime_and_pickling() -> None:
    s = scan(AGENT_CALLS)
    assert s.mentions_runtime and not scan("x = 1\n").mentions_runtime
    assert pickle.loads(pickle.dumps(s)) == s


def test_scans_are_deterministic_and_anchors_index_nodes() -> None:
    first, second = scanned(AGENT_CALLS), scanned(AGENT_CALLS)
    assert first.scan == second.scan
    assert [type(n) for n in first.nodes] == [type(n) for n in second.nodes]
    c = first.scan.classes[-1]
    name = first.nodes[c.anchor]
    assert getattr(name, "value", None) == "A"
    assert c.agent is not None and first.nodes[c.agent.anchor].__class__.__name__ == "Name"
    assert all(0 <= call.anchor < len(first.nodes) for call in c.methods[0].calls)


# ----------------------------------------------------------------------------- failures


def failure(source: bytes) -> ScanFailure:
    result = scan_source(source, "pkg/bad.py", "pkg.bad")
    assert isinstance(result, ScanFailure), result
    return result


def test_syntax_error_is_glm900_at_its_line() -> None:
    found = failure(b"from runtime_stub import agent\n\n@agent\nclass A:\n    def f(self -> str:\n")
    assert found.finding.code == "GLM900" and "fix the syntax error" in found.finding.message
    assert found.finding.span is not None and found.finding.span.line == 5


@pytest.mark.parametrize(
    ("source", "line", "column"),
    [
        (b"x = 1\ny = 'caf\xe9'\n", 2, 9),
        (b"# comment\n# more\nx = '\xe9\xe9'\n", 3, 6),
        (b"# -*- coding: no-such-codec -*-\nx = 1\n", 1, 1),
        (b"# -*- coding: ascii -*-\nx = '\xc3\xa9'\n", 2, 6),
    ],
)
def test_undecodable_files_are_glm901(source: bytes, line: int, column: int) -> None:
    found = failure(source).finding
    assert found.code == "GLM901" and "save the file as UTF-8" in found.message
    assert found.span is not None and (found.span.line, found.span.column) == (line, column)


def test_declared_encodings_and_boms_are_honoured() -> None:
    assert isinstance(scan_source(b"# coding: latin-1\nx = '\xe9'\n", "a.py", "a"), ScannedFile)
    assert isinstance(scan_source(b"\xef\xbb\xbfclass A: ...\n", "a.py", "a"), ScannedFile)


@pytest.mark.parametrize(
    "source",
    [
        b"x = " + b"(" * 5000 + b"1" + b")" * 5000 + b"\n",
        b"(" * 5000,
        b"x = " + b"[" * 3000 + b"]" * 3000 + b"\n",
        b"x: " + b"list[" * 2000 + b"int" + b"]" * 2000 + b"\n",
        b"x = " + b"lambda: " * 6000 + b"1\n",
        b"x = " + b"-" * 8000 + b"1\n",
        b"x = " + b"1 + " * 5000 + b"1\n",
    ],
    ids=["parens", "unclosed", "lists", "subscripts", "lambdas", "unary", "binary"],
)
def test_deep_nesting_is_glm900_not_a_crash(source: bytes) -> None:
    found = failure(source).finding
    assert found.code == "GLM900" and "nesting too deep" in found.message


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    source = b"x = '" + b"(" * 5000 + b"'\ny: '" + b"list[" * 300 + b"'\n"
    result = scan_source(source, "a.py", "a")
    assert isinstance(result, ScannedFile)


# ----------------------------------------------------------------------------- never raises

VALID = RT + textwrap.dedent(
    """
    from dataclasses import dataclass, field
    from enum import Enum
    import time

    class Kind(Enum):
        A = "a"

    @agent(mount="/c/{name}", snapshotting="every(5)")
    @dataclass
    class Counter:
        name: str
        count: int = field(default=0, init=False)
        kinds: list[Kind] = field(default_factory=list)

        @endpoint(post="/inc")
        def inc(self, by: "int" = 1) -> int:
            with atomically():
                durable_call(print, self.count)
            self.count += by
            return int(time.time())
    """
)


def _mutate(source: str, data: st.DataObject) -> str:
    lines = source.splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 4))):
        op = data.draw(st.sampled_from(["del_char", "dup_line", "del_line", "insert"]))
        text = "".join(lines)
        at = data.draw(st.integers(0, max(0, len(text) - 1)))
        row = data.draw(st.integers(0, max(0, len(lines) - 1)))
        if op == "del_char":
            lines = (text[:at] + text[at + 1 :]).splitlines(keepends=True)
        elif op == "dup_line" and lines:
            lines.insert(row, lines[row])
        elif op == "del_line" and lines:
            del lines[row]
        else:
            insert = data.draw(
                st.sampled_from(["(", ")", ":", "\n", "    ", '"', "@", "[", "é", "\t"])
            )
            lines = (text[:at] + insert + text[at:]).splitlines(keepends=True)
    return "".join(lines)


def _never_raises(source: bytes) -> None:
    result = scan_source(source, "pkg/fuzz.py", "pkg.fuzz")
    assert isinstance(result, ScannedFile | ScanFailure)
    if isinstance(result, ScanFailure):
        assert result.finding.code in ("GLM900", "GLM901")
        assert "internal scanner error" not in result.finding.message
    else:
        assert all(0 <= c.anchor < len(result.nodes) for c in result.scan.classes)


FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(source: bytes) -> None:
    _never_raises(source)


@FUZZ
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises(source: str) -> None:
    _never_raises(source.encode("utf-8", errors="surrogatepass"))


@FUZZ
@given(st.data())
def test_mutated_agent_modules_never_raise(data: st.DataObject) -> None:
    _never_raises(_mutate(VALID, data).encode())


def test_the_valid_fuzz_seed_scans_fully() -> None:
    c = cls(VALID, "Counter")
    assert c.agent is not None and c.is_dataclass
    assert [call.name for call in meth(c, "inc").calls] == [
        "runtime_stub.atomically",
        "runtime_stub.durable_call",
        "int",
        "time.time",
    ]

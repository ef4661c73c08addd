"""Type rules (SPEC §4) on hand-built TypeExprs: what resolves to what, and the reasons for the rest."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegen.model import (
    AgentDecl,
    AliasDef,
    ClassDef,
    FieldDef,
    LiteralValue,
    ModuleScan,
    Project,
    TypeExpr,
    TypeRef,
)
from codegen.resolve.project import resolve
from codegen.resolve.symbols import ClassSym, SymbolTable
from codegen.resolve.types import TypeResolver, serialization_problems, state_problems

# --------------------------------------------------------------------------- builders


def name(qualname: str, text: str = "") -> TypeExpr:
    return TypeExpr("name", text or qualname.rpartition(".")[2], name=qualname)


def gen(origin: str, *args: TypeExpr, text: str = "") -> TypeExpr:
    return TypeExpr("generic", text or f"{origin}[...]", name=origin, args=args)


def union(*args: TypeExpr, text: str = "U") -> TypeExpr:
    return TypeExpr("union", text, args=args)


def lit(value: LiteralValue) -> TypeExpr:
    return TypeExpr("literal", repr(value), value=value)


NONE = TypeExpr("none", "None")
ELLIPSIS = TypeExpr("ellipsis", "...")
STR, INT, FLOAT = name("builtins.str"), name("builtins.int"), name("builtins.float")


def dataclass(qualname: str, *fields: tuple[str, TypeExpr], bases: Sequence[str] = ()) -> ClassDef:
    defs = tuple(FieldDef(n, t, anchor=i) for i, (n, t) in enumerate(fields))
    return ClassDef(
        qualname.rpartition(".")[2], qualname, tuple(bases), True, False, defs, (), (), None, 0
    )


def enum(qualname: str, base: str, *members: tuple[str, LiteralValue]) -> ClassDef:
    short = qualname.rpartition(".")[2]
    return ClassDef(short, qualname, (base,), False, False, (), (), tuple(members), None, 0)


def plain(qualname: str, *bases: str) -> ClassDef:
    short = qualname.rpartition(".")[2]
    return ClassDef(short, qualname, bases, False, False, (), (), (), None, 0)


def module(
    mod: str,
    classes: Sequence[ClassDef] = (),
    aliases: Sequence[AliasDef] = (),
    imports: Sequence[tuple[str, str]] = (),
) -> ModuleScan:
    path = mod.replace(".", "/") + ".py"
    return ModuleScan(mod, path, tuple(classes), tuple(aliases), tuple(imports), False)


def alias(qualname: str, target: TypeExpr, newtype: bool = False) -> AliasDef:
    return AliasDef(qualname.rpartition(".")[2], qualname, target, newtype, 0)


def resolver(*scans: ModuleScan) -> TypeResolver:
    by_name = {scan.module: scan for scan in scans}
    return TypeResolver(SymbolTable(list(scans[:1]), by_name.get))


def class_sym(types: TypeResolver, qualname: str) -> ClassSym:
    sym = types.symbols.lookup(qualname)
    assert isinstance(sym, ClassSym)
    return sym


def ref_of(expr: TypeExpr, *scans: ModuleScan) -> TypeRef:
    types = resolver(*scans) if scans else resolver(module("m"))
    ref = types.resolve(expr)
    types.drain()
    return ref


def problems(expr: TypeExpr, *scans: ModuleScan, path: str = "f") -> list[tuple[str, str]]:
    types = resolver(*scans) if scans else resolver(module("m"))
    ref = types.resolve(expr)
    types.drain()
    return serialization_problems(ref, Project((), (), types.dataclasses, types.enums), path)


# --------------------------------------------------------------------------- primitives and containers


@pytest.mark.parametrize(
    ("qualname", "kind"),
    [
        ("builtins.str", "str"),
        ("builtins.int", "int"),
        ("builtins.float", "float"),
        ("builtins.bool", "bool"),
        ("builtins.bytes", "bytes"),
        ("datetime.datetime", "datetime"),
        ("datetime.date", "date"),
        ("datetime.time", "time"),
        ("datetime.timedelta", "timedelta"),
        ("decimal.Decimal", "decimal"),
        ("uuid.UUID", "uuid"),
    ],
)
def test_primitives(qualname: str, kind: str) -> None:
    ref = ref_of(name(qualname, "T"))
    assert (ref.kind, ref.text, ref.args) == (kind, "T", ())


def test_none_is_a_primitive() -> None:
    assert ref_of(NONE) == TypeRef("none", "None")


@pytest.mark.parametrize(
    ("origin", "kind"),
    [
        ("builtins.list", "list"),
        ("typing.List", "list"),
        ("builtins.set", "set"),
        ("typing.Set", "set"),
        ("builtins.frozenset", "frozenset"),
        ("typing.FrozenSet", "frozenset"),
        ("typing_extensions.List", "list"),
    ],
)
def test_sequences(origin: str, kind: str) -> None:
    ref = ref_of(gen(origin, INT, text="S[int]"))
    assert (ref.kind, ref.text, ref.args) == (kind, "S[int]", (TypeRef("int", "int"),))


def test_tuples() -> None:
    var = ref_of(gen("builtins.tuple", INT, ELLIPSIS, text="tuple[int, ...]"))
    assert var == TypeRef("tuple_var", "tuple[int, ...]", (TypeRef("int", "int"),))
    fixed = ref_of(gen("typing.Tuple", INT, STR))
    assert fixed.kind == "tuple"
    assert [a.kind for a in fixed.args] == ["int", "str"]
    wrong = ref_of(gen("builtins.tuple", ELLIPSIS, INT))
    assert wrong.kind == "unsupported"
    assert "tuple[T, ...]" in wrong.reason


def test_dict() -> None:
    ref = ref_of(gen("typing.Dict", STR, FLOAT))
    assert ref.kind == "dict"
    assert [a.kind for a in ref.args] == ["str", "float"]


@pytest.mark.parametrize(
    ("qualname", "reason"),
    [
        ("builtins.list", "list needs an element type: list[T]"),
        ("typing.Set", "set needs an element type: set[T]"),
        ("builtins.dict", "dict needs key and value types: dict[K, V]"),
        ("builtins.tuple", "tuple needs element types: tuple[T, ...] or tuple[A, B]"),
        ("typing.Optional", "Optional needs a type argument"),
    ],
)
def test_bare_containers_need_arguments(qualname: str, reason: str) -> None:
    ref = ref_of(name(qualname))
    assert ref.kind == "unsupported"
    assert ref.reason == reason


def test_wrong_number_of_arguments() -> None:
    assert ref_of(gen("builtins.list", INT, STR)).reason == (
        "list takes exactly one type argument: list[T]"
    )
    assert ref_of(gen("builtins.dict", STR)).reason == "dict takes two type arguments: dict[K, V]"
    assert ref_of(gen("builtins.int", STR)).reason == "int takes no type arguments"


# --------------------------------------------------------------------------- dict keys

KEYS = module(
    "k",
    [
        enum("k.S", "enum.StrEnum", ("A", "a")),
        enum("k.I", "enum.IntEnum", ("A", 1)),
        dataclass("k.D"),
    ],
)


@pytest.mark.parametrize(
    "key",
    [
        STR,
        INT,
        name("uuid.UUID"),
        name("k.S"),
        name("k.I"),
        gen("typing.Literal", lit("a"), lit(1)),
    ],
)
def test_supported_dict_keys(key: TypeExpr) -> None:
    assert problems(gen("builtins.dict", key, INT), KEYS) == []


@pytest.mark.parametrize(
    "key",
    [FLOAT, name("builtins.bool"), name("k.D"), gen("typing.Literal", lit(True)), NONE],
)
def test_unsupported_dict_keys(key: TypeExpr) -> None:
    found = problems(gen("builtins.dict", key, INT), KEYS, path="lookup")
    assert len(found) == 1
    assert found[0][0] == "lookup{key}"
    assert found[0][1].startswith("dict keys must be str, int, a str/int Enum or UUID;")


def test_dict_value_path() -> None:
    expr = gen("builtins.dict", STR, name("typing.Any"))
    assert problems(expr, path="m") == [("m[]", "Any cannot be proven serializable")]


# --------------------------------------------------------------------------- unions and literals


def test_optional_forms() -> None:
    expected = TypeRef("optional", "U", (TypeRef("int", "int"),))
    assert ref_of(union(INT, NONE)) == expected
    assert ref_of(union(NONE, INT)) == expected
    assert ref_of(gen("typing.Optional", INT, text="U")) == expected
    assert ref_of(gen("typing.Union", INT, NONE, text="U")) == expected


def test_nested_optional_flattens() -> None:
    inner = gen("typing.Optional", INT, text="Optional[int]")
    ref = ref_of(union(inner, NONE, text="Optional[int] | None"))
    assert ref.kind == "optional"
    assert ref.args[0].kind == "int"


def test_other_unions_are_unsupported() -> None:
    ref = ref_of(union(INT, STR))
    assert ref.kind == "unsupported"
    assert ref.reason == "a union other than X | None cannot be decoded unambiguously"
    assert ref_of(union(INT, STR, NONE)).kind == "unsupported"


def test_union_of_literals_merges() -> None:
    a, b = gen("typing.Literal", lit("a")), gen("typing.Literal", lit("b"))
    ref = ref_of(union(a, b, NONE))
    assert ref.kind == "optional"
    assert ref.args[0].kind == "literal"
    assert ref.args[0].values == ("a", "b")


def test_literal() -> None:
    ref = ref_of(gen("typing.Literal", lit("a"), lit(1), lit(True), text="L"))
    assert ref == TypeRef("literal", "L", values=("a", 1, True))


def test_literal_with_none_is_optional() -> None:
    ref = ref_of(gen("typing.Literal", lit("a"), lit(None), text="L"))
    assert ref == TypeRef("optional", "L", (TypeRef("literal", "L", values=("a",)),))


def test_literal_of_floats_is_unsupported() -> None:
    ref = ref_of(gen("typing.Literal", lit(1.5)))
    assert ref.kind == "unsupported"
    assert ref.reason == "Literal values must be str, int or bool; 1.5 is not"


def test_annotated_is_its_first_argument() -> None:
    expr = gen("typing.Annotated", INT, lit("meta"), text="Annotated[int, 'meta']")
    assert ref_of(expr) == TypeRef("int", "Annotated[int, 'meta']")


# --------------------------------------------------------------------------- names and reasons


@pytest.mark.parametrize(
    ("qualname", "reason"),
    [
        ("typing.Any", "Any cannot be proven serializable"),
        ("typing_extensions.Any", "Any cannot be proven serializable"),
        ("builtins.object", "object cannot be proven serializable"),
        ("typing.Callable", "Callable cannot be serialized"),
        ("collections.abc.Sequence", "Sequence cannot be decoded; use list[T]"),
        ("collections.abc.Mapping", "Mapping cannot be decoded; use dict[K, V]"),
        ("typing.Iterable", "Iterable cannot be decoded; use list[T]"),
        ("collections.defaultdict", "defaultdict cannot be decoded; use dict[K, V]"),
        ("builtins.complex", "builtins.complex is not a supported type"),
        ("pathlib.Path", "pathlib.Path comes from outside the scanned tree"),
        ("m.T", "unknown name T in m"),
    ],
)
def test_unsupported_names(qualname: str, reason: str) -> None:
    ref = ref_of(name(qualname))
    assert ref.kind == "unsupported"
    assert ref.reason == reason


def test_generic_interfaces_keep_their_hint() -> None:
    ref = ref_of(gen("collections.abc.Sequence", INT))
    assert ref.reason == "Sequence cannot be decoded; use list[T]"


def test_invalid_expression() -> None:
    ref = ref_of(TypeExpr("invalid", "foo()"))
    assert ref.kind == "unsupported"
    assert "foo()" in ref.reason


def test_project_class_that_is_not_a_dataclass() -> None:
    scan = module("m", [plain("m.Thing"), plain("m.Pair", "typing.NamedTuple")])
    assert ref_of(name("m.Thing"), scan).reason == (
        "Thing is not a dataclass; decorate it with @dataclass"
    )
    assert ref_of(name("m.Pair"), scan).reason == "Pair is a NamedTuple; make it a @dataclass"


def test_generic_project_class() -> None:
    scan = module("m", [dataclass("m.Box")])
    ref = ref_of(gen("m.Box", INT), scan)
    assert ref.kind == "unsupported"
    assert "generic classes" in ref.reason


# --------------------------------------------------------------------------- aliases


def test_alias_keeps_use_site_text() -> None:
    scan = module("m", aliases=[alias("m.Ids", gen("builtins.list", INT, text="list[int]"))])
    ref = ref_of(name("m.Ids", "Ids"), scan)
    assert ref == TypeRef("list", "Ids", (TypeRef("int", "int"),))


def test_newtype_is_its_target() -> None:
    scan = module("m", aliases=[alias("m.UserId", STR, newtype=True)])
    assert ref_of(name("m.UserId"), scan) == TypeRef("str", "UserId", name="m.UserId")


def test_alias_cycles() -> None:
    scan = module("m", aliases=[alias("m.A", name("m.B")), alias("m.B", name("m.A"))])
    ref = ref_of(name("m.A"), scan)
    assert ref.kind == "unsupported"
    assert ref.reason == "alias cycle: m.A -> m.B -> m.A"
    recursive = module("m", aliases=[alias("m.T", gen("builtins.list", name("m.T")))])
    assert problems(name("m.T"), recursive) == [("f[]", "alias cycle: m.T -> m.T")]


def test_alias_of_a_container_takes_arguments() -> None:
    scan = module("m", aliases=[alias("m.L", name("builtins.list"))])
    assert ref_of(gen("m.L", INT), scan).kind == "list"


def test_import_cycle_is_reported() -> None:
    a = module("a", imports=[("X", "b.X")])
    b = module("b", imports=[("X", "a.X")])
    ref = ref_of(name("a.X"), a, b)
    assert ref.kind == "unsupported"
    assert "import cycle" in ref.reason


def test_long_alias_chain_is_cut_not_crashed() -> None:
    chain = [alias(f"m.A{i}", name(f"m.A{i + 1}")) for i in range(3000)]
    ref = ref_of(name("m.A0"), module("m", aliases=chain))
    assert ref.reason == "the type is nested too deeply to analyze"


def test_deep_nesting_is_cut_not_crashed() -> None:
    expr = INT
    for _ in range(2000):
        expr = gen("builtins.list", expr)
    assert problems(expr)[0][1] == "the type is nested too deeply to analyze"


# --------------------------------------------------------------------------- dataclasses and enums


def test_recursive_dataclasses_and_problem_paths() -> None:
    node = dataclass(
        "m.Node",
        ("owner", name("typing.Any")),
        ("children", gen("builtins.list", name("m.Node"))),
        ("parent", union(name("m.Node"), NONE)),
        ("pair", gen("builtins.tuple", INT, name("m.Other"))),
    )
    other = dataclass("m.Other", ("back", name("m.Node")), ("bad", name("m.Nope")))
    scan = module("m", [node, other])
    found = problems(gen("builtins.list", name("m.Node")), scan, path="items")
    assert found == [
        ("items[].owner", "Any cannot be proven serializable"),
        ("items[].pair[1].bad", "unknown name Nope in m"),
    ]


def test_dataclass_fields_inherit_and_override() -> None:
    base = dataclass("m.Base", ("a", INT), ("b", INT))
    child = dataclass("m.Child", ("c", STR), ("a", STR), bases=["m.Base"])
    types = resolver(module("m", [base, child]))
    info = types.state(class_sym(types, "m.Child"))
    assert [(f.name, f.type.kind) for f in info.fields] == [
        ("a", "str"),
        ("b", "int"),
        ("c", "str"),
    ]


def test_classvars_are_not_fields() -> None:
    cls = dataclass("m.D", ("a", INT), ("b", gen("typing.ClassVar", INT)))
    types = resolver(module("m", [cls]))
    info = types.state(class_sym(types, "m.D"))
    assert [f.name for f in info.fields] == ["a"]


def test_enum_auto_values() -> None:
    scan = module(
        "m",
        [
            enum("m.P", "enum.Enum", ("A", None), ("B", 5), ("C", "auto()")),
            enum("m.S", "enum.StrEnum", ("RED", None), ("Blue", "enum.auto()")),
            enum("m.F", "enum.Flag", ("R", None), ("W", None), ("X", None)),
        ],
    )
    types = resolver(scan)
    for qualname in ("m.P", "m.S"):
        assert types.resolve(name(qualname)).kind == "enum"
    flag = types.resolve(name("m.F"))  # combined values (R | W) are no members: no round trip
    assert flag.kind == "unsupported" and "enum.Flag" in flag.reason
    assert types.enums["m.P"].members == (("A", 1), ("B", 5), ("C", 6))
    assert types.enums["m.P"].value_kind == "int"
    assert types.enums["m.S"].members == (("RED", "red"), ("Blue", "blue"))
    assert types.enums["m.S"].value_kind == "str"


def test_unsupported_enums() -> None:
    scan = module(
        "m",
        [
            enum("m.Mixed", "enum.Enum", ("A", 1), ("B", "b")),
            enum("m.Floaty", "enum.Enum", ("A", 1.5)),
        ],
    )
    mixed = ref_of(name("m.Mixed"), scan)
    assert mixed.reason == "enum Mixed mixes str and int values; use one kind of value"
    assert "1.5" in ref_of(name("m.Floaty"), scan).reason
    assert ref_of(name("enum.Enum")).kind == "unsupported"


def test_state_problems_skip_transient_fields() -> None:
    fields = (
        FieldDef("ok", INT, 1),
        FieldDef("client", name("http.Client"), 2, transient=True),
        FieldDef("bad", name("typing.Any"), 3),
    )
    cls = ClassDef("A", "m.A", (), True, False, fields, (), (), AgentDecl((), 0), 0)
    project = resolve([module("m", [cls])], lambda _: None)
    found = state_problems(project.agents[0], project)
    assert [(path, reason, f.name) for path, reason, f in found] == [
        ("bad", "Any cannot be proven serializable", "bad")
    ]


# --------------------------------------------------------------------------- never raises

QUALNAMES = [
    "builtins.int",
    "builtins.list",
    "builtins.dict",
    "builtins.tuple",
    "typing.Literal",
    "typing.Optional",
    "typing.Annotated",
    "typing.Any",
    "m.A",
    "m.B",
    "m.C",
    "m.D",
    "m.E",
    "m",
    "x.y.Z",
    "",
    "1bad",
]


def exprs() -> st.SearchStrategy[TypeExpr]:
    leaves = st.one_of(
        st.sampled_from(QUALNAMES).map(name),
        st.sampled_from([NONE, ELLIPSIS, TypeExpr("invalid", "()")]),
        st.one_of(st.none(), st.integers(), st.text(max_size=3), st.floats()).map(lit),
    )
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.builds(
                lambda origin, args: gen(origin, *args),
                st.sampled_from(QUALNAMES),
                st.lists(inner, max_size=3),
            ),
            st.lists(inner, max_size=3).map(lambda args: union(*args)),
        ),
        max_leaves=12,
    )


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    a=exprs(),
    b=exprs(),
    c=exprs(),
    field=exprs(),
    base=st.sampled_from(["m.C", "m.D", "m.E", "enum.Enum", "x.Y"]),
)
def test_resolution_never_raises(
    a: TypeExpr, b: TypeExpr, c: TypeExpr, field: TypeExpr, base: str
) -> None:
    classes = [
        dataclass("m.C", ("x", field), ("y", c), bases=[base]),
        dataclass("m.D", ("z", a), bases=["m.C", base]),
        enum("m.E", base, ("A", 1)),
    ]
    scan = module("m", classes, [alias("m.A", b), alias("m.B", a, newtype=True)], [("Q", "m.A")])
    agent = ClassDef("Ag", "m.Ag", ("m.D",), True, False, (), (), (), AgentDecl((), 0), 0)
    project = resolve([scan, module("n", [agent])], {"m": scan}.get)
    for item in project.agents:
        state_problems(item, project)
    for expr in (a, b, c, field):
        problems(expr, scan)

"""mypy's resolved types -> the shared model, so the mypy plugin can run the CLI's own checks.

The scanner must leave names from outside the scanned tree undecided; mypy has resolved them
(installed packages, stubs, aliases, NewTypes). This module turns mypy's `TypeInfo`s and types
into the `TypeRef`/`DataclassInfo`/`EnumInfo` records `codegen.types` reasons about, with the same
reasons wherever the two views agree. What mypy no longer holds (class bodies of modules loaded
from its cache, annotation source text) is read back from the source files with `ast`.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from mypy.messages import format_type_bare
from mypy.nodes import AssignmentStmt, CallExpr, Context, MypyFile, NameExpr, RefExpr, TypeInfo, Var
from mypy.options import Options
from mypy.types import (
    AnyType,
    CallableType,
    Instance,
    LiteralType,
    NoneType,
    Overloaded,
    ParamSpecType,
    ProperType,
    TupleType,
    Type,
    TypeAliasType,
    TypedDictType,
    TypeOfAny,
    TypeType,
    TypeVarTupleType,
    TypeVarType,
    UninhabitedType,
    UnionType,
    get_proper_type,
)

from .model import (
    NO_ANCHOR,
    Anchor,
    ClassDef,
    DataclassInfo,
    EnumInfo,
    LiteralValue,
    ModuleScan,
    StateField,
    TypeRef,
)
from .symbols import KNOWN_MODULES, ClassSym, EnumFlavor, canonical, enum_info
from .typenames import (
    DICTS,
    FIXED_REASONS,
    NOT_DATACLASS,
    PRIMITIVES,
    SEQUENCES,
    external_reason,
)
from .types import MAX_DEPTH, UNION_REASON, unsupported

# The dict-key and literal-merging rules are the CLI's own (private there, shared on purpose).
from .types import _dict_key as dict_key
from .types import _merge_literals as merge_literals

__all__ = ["NotReady", "Sources", "TypeConverter", "type_text"]

TRANSIENT = frozenset({"runtime_stub.transient", "runtime_stub.decorators.transient"})
GENERIC_CLASS = (
    "type arguments on {name} are not supported: generic classes cannot be proven serializable"
)


class NotReady(Exception):
    """A class the state reaches has not been through mypy's dataclass plugin yet: try later."""


class Sources:
    """Source files of the modules mypy read, parsed on demand, for what its trees do not keep."""

    def __init__(self, modules: dict[str, MypyFile]) -> None:
        self.modules = modules
        self._lines: dict[str, list[bytes] | None] = {}
        self._trees: dict[str, ast.Module | None] = {}

    def path(self, module: str) -> str:
        """The file mypy read `module` from ("" when unknown)."""
        found = self.modules.get(module)
        return found.path if found is not None else ""

    def segment(self, module: str, node: Context) -> str | None:
        """The source text of a mypy node (its columns are UTF-8 byte offsets, as in `ast`)."""
        if node.end_line is None or node.end_column is None:
            return None
        return self._slice(module, node.line, node.column, node.end_line, node.end_column)

    def line(self, module: str, number: int) -> str:
        """One source line of `module` ("" when it cannot be read)."""
        lines = self._read(module)
        if lines is None or not 1 <= number <= len(lines):
            return ""
        return lines[number - 1].decode("utf-8", errors="replace")

    def function(self, info: TypeInfo, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The last `def name` written in the body of `info` (the one Python keeps)."""
        body = self._class_body(info)
        found = [
            stmt
            for stmt in body
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and stmt.name == name
        ]
        return found[-1] if found else None

    def annotation_text(self, info: TypeInfo, node: ast.expr | None) -> str | None:
        """The source text of an annotation written in the module of `info`."""
        if node is None or node.end_lineno is None or node.end_col_offset is None:
            return None
        return self._slice(
            info.module_name, node.lineno, node.col_offset, node.end_lineno, node.end_col_offset
        )

    def transient_fields(self, info: TypeInfo) -> frozenset[str]:
        """Names of the fields `info` itself declares with `= transient(...)`."""
        statements = info.defn.defs.body
        if statements:
            return frozenset(
                stmt.lvalues[0].name
                for stmt in statements
                if isinstance(stmt, AssignmentStmt)
                and isinstance(stmt.lvalues[0], NameExpr)
                and isinstance(stmt.rvalue, CallExpr)
                and isinstance(stmt.rvalue.callee, RefExpr)
                and stmt.rvalue.callee.fullname in TRANSIENT
            )
        module = self.modules.get(info.module_name)
        return frozenset(
            stmt.target.id
            for stmt in self._class_body(info)
            if isinstance(stmt, ast.AnnAssign)
            and isinstance(stmt.target, ast.Name)
            and isinstance(stmt.value, ast.Call)
            and module is not None
            and _qualified(stmt.value.func, module) in TRANSIENT
        )

    def _class_body(self, info: TypeInfo) -> list[ast.stmt]:
        """The statements of the class `info` as written (nested classes followed by name)."""
        tree = self._tree(info.module_name)
        prefix = info.module_name + "."
        if tree is None or not info.fullname.startswith(prefix):
            return []
        body: list[ast.stmt] = tree.body
        for part in info.fullname[len(prefix) :].split("."):
            classes = [s for s in body if isinstance(s, ast.ClassDef) and s.name == part]
            if not classes:
                return []
            body = classes[-1].body
        return body

    def _slice(self, module: str, line: int, column: int, end_line: int, end: int) -> str | None:
        lines = self._read(module)
        if lines is None or not 1 <= line <= end_line <= len(lines) or column < 0:
            return None
        if line == end_line:
            chunk = lines[line - 1][column:end]
        else:
            chunk = b"".join(
                [lines[line - 1][column:], *lines[line : end_line - 1], lines[end_line - 1][:end]]
            )
        return chunk.decode("utf-8", errors="replace").strip()

    def _read(self, module: str) -> list[bytes] | None:
        if module not in self._lines:
            try:
                data = Path(self.path(module)).read_bytes()
            except (OSError, ValueError):
                data = None
            self._lines[module] = data.splitlines(keepends=True) if data is not None else None
        return self._lines[module]

    def _tree(self, module: str) -> ast.Module | None:
        if module not in self._trees:
            lines = self._read(module)
            try:
                tree = ast.parse(b"".join(lines)) if lines is not None else None
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                tree = None
            self._trees[module] = tree
        return self._trees[module]


def _qualified(expr: ast.expr, module: MypyFile) -> str:
    """`rs.transient` -> `runtime_stub.transient`, through the module's own symbol table."""
    parts: list[str] = []
    while isinstance(expr, ast.Attribute):
        parts.insert(0, expr.attr)
        expr = expr.value
    if not isinstance(expr, ast.Name) or expr.id not in module.names:
        return ""
    head = module.names[expr.id].fullname or ""
    return ".".join([head, *parts]) if head else ""


def type_text(typ: Type, options: Options) -> str:
    """A type the way mypy prints it in its own messages (for reasons that quote a type)."""
    if isinstance(typ, TypeAliasType) and typ.alias is not None and not typ.args:
        return typ.alias.name
    return format_type_bare(typ, options)


@dataclass(frozen=True, slots=True)
class _Ctx:
    """Aliases being expanded (for cycles) and the nesting depth."""

    aliases: tuple[str, ...] = ()
    depth: int = 0

    def enter(self, alias: str = "") -> _Ctx:
        return _Ctx((*self.aliases, alias) if alias else self.aliases, self.depth + 1)


Handler = Callable[[ProperType, str, _Ctx], TypeRef]
FieldAnchor = Callable[[Var | None, TypeInfo], Anchor]


class TypeConverter:
    """Turns mypy types into TypeRefs, registering every dataclass and enum they reach."""

    def __init__(self, sources: Sources, options: Options, anchor: FieldAnchor) -> None:
        self.sources = sources
        self.options = options
        self.anchor = anchor
        self.dataclasses: dict[str, DataclassInfo] = {}
        self.enums: dict[str, EnumInfo] = {}
        self._enum_infos: dict[str, EnumInfo | str] = {}
        self._pending: deque[TypeInfo] = deque()
        self._done: set[str] = set()
        self._kinds: dict[type, Handler] = {
            NoneType: lambda t, text, ctx: TypeRef("none", text),
            Instance: self._instance,
            TupleType: self._tuple,
            UnionType: self._union,
            LiteralType: self._literal,
            AnyType: self._any,
            TypedDictType: lambda t, text, ctx: self._not_dataclass("typing.TypedDict", t, text),
            CallableType: lambda t, text, ctx: unsupported(text, FIXED_REASONS["typing.Callable"]),
            Overloaded: lambda t, text, ctx: unsupported(text, FIXED_REASONS["typing.Callable"]),
            TypeType: lambda t, text, ctx: unsupported(text, external_reason("builtins.type")),
            UninhabitedType: lambda t, text, ctx: unsupported(text, f"{text} has no values"),
            **dict.fromkeys((TypeVarType, ParamSpecType, TypeVarTupleType), self._type_var),
        }

    def resolve(self, typ: Type) -> TypeRef:
        """The TypeRef of a type; dataclasses it reaches are queued for `drain`."""
        return self._type(typ, _Ctx())

    def state(self, info: TypeInfo) -> DataclassInfo:
        """The resolved view of a dataclass, registered in `dataclasses` (an agent's own state)."""
        self._register(info)
        return self._complete(info)

    def drain(self) -> None:
        """Resolve the fields of every dataclass reached so far, and of those they reach."""
        while self._pending:
            self._complete(self._pending.popleft())

    def _register(self, info: TypeInfo) -> str:
        name = info.fullname
        if name not in self.dataclasses:
            frozen = bool(info.metadata["dataclass"].get("frozen", False))
            self.dataclasses[name] = DataclassInfo(name, info.module_name, info.name, frozen, ())
            self._pending.append(info)
        return name

    def _complete(self, info: TypeInfo) -> DataclassInfo:
        name = info.fullname
        if name not in self._done:
            self._done.add(name)
            fields = tuple(
                self._field(info, attribute)
                for attribute in info.metadata["dataclass"]["attributes"]
                if not attribute.get("is_init_var", False)
            )
            self.dataclasses[name] = replace(self.dataclasses[name], fields=fields)
        return self.dataclasses[name]

    def _field(self, info: TypeInfo, attribute: dict[str, object]) -> StateField:
        """One dataclass attribute, typed and anchored where the nearest class declares it."""
        name = str(attribute["name"])
        owner, var = _declaring(info, name)
        typ = var.type if var is not None and var.type is not None else None
        return StateField(
            name=name,
            type=self.resolve(typ) if typ is not None else unsupported(name, "unannotated"),
            anchor=self.anchor(var, owner),
            path=self.sources.path(owner.module_name),
            init=bool(attribute.get("is_in_init", True)),
            has_default=bool(attribute.get("has_default", False)),
            transient=name in self.sources.transient_fields(owner),
        )

    def _type(self, typ: Type, ctx: _Ctx) -> TypeRef:
        text = type_text(typ, self.options)
        if ctx.depth > MAX_DEPTH:
            return unsupported(text, "the type is nested too deeply to analyze")
        if isinstance(typ, TypeAliasType) and typ.alias is not None:
            name = typ.alias.fullname
            if name in ctx.aliases:
                cycle = [*ctx.aliases[ctx.aliases.index(name) :], name]
                return unsupported(text, "alias cycle: " + " -> ".join(cycle))
            return replace(self._proper(get_proper_type(typ), ctx.enter(name)), text=text)
        return self._proper(get_proper_type(typ), ctx)

    def _proper(self, typ: ProperType, ctx: _Ctx) -> TypeRef:
        text = type_text(typ, self.options)
        handler = self._kinds.get(type(typ))
        if handler is None:
            return unsupported(text, f"{text} is not a type that can be analyzed statically")
        return handler(typ, text, ctx)

    def _args(self, types: list[Type] | tuple[Type, ...], ctx: _Ctx) -> tuple[TypeRef, ...]:
        return tuple(self._type(arg, ctx.enter()) for arg in types)

    def _instance(self, typ: ProperType, text: str, ctx: _Ctx) -> TypeRef:
        assert isinstance(typ, Instance)
        info, name = typ.type, canonical(typ.type.fullname)
        if name in PRIMITIVES:
            return TypeRef(PRIMITIVES[name], text)
        if name in SEQUENCES or name in DICTS or name == "builtins.tuple":
            return self._container(typ, name, text, ctx)
        if info.is_newtype and info.bases:
            return replace(self._type(info.bases[0], ctx.enter()), text=text)
        if name.rpartition(".")[0] in KNOWN_MODULES:
            return unsupported(text, external_reason(name))
        if info.is_enum:
            return self._enum(info, text)
        return self._class(typ, text)

    def _container(self, typ: Instance, name: str, text: str, ctx: _Ctx) -> TypeRef:
        """list/set/frozenset[T], tuple[T, ...], dict[K, V]; bare ones name what they miss."""
        if any(_omitted(arg) for arg in typ.args) or not typ.args:
            return unsupported(text, external_reason(name))
        args = self._args(typ.args, ctx)
        if name in SEQUENCES:
            return TypeRef(SEQUENCES[name], text, args[:1])
        if name == "builtins.tuple":
            return TypeRef("tuple_var", text, args[:1])
        return TypeRef("dict", text, (dict_key(args[0]), args[1]))

    def _class(self, typ: Instance, text: str) -> TypeRef:
        info = typ.type
        if info.typeddict_type is not None:
            return self._not_dataclass("typing.TypedDict", typ, text)
        if info.tuple_type is not None:
            return self._not_dataclass("typing.NamedTuple", typ, text)
        if info.is_protocol:
            return self._not_dataclass("typing.Protocol", typ, text)
        if "dataclass_tag" in info.metadata and "dataclass" not in info.metadata:
            raise NotReady(info.fullname)
        if "dataclass" not in info.metadata:
            return unsupported(text, f"{info.name} is not a dataclass; decorate it with @dataclass")
        if info.type_vars:
            return unsupported(text, GENERIC_CLASS.format(name=info.name))
        return TypeRef("dataclass", text, name=self._register(info))

    def _not_dataclass(self, kind: str, typ: ProperType, text: str) -> TypeRef:
        fallback = typ.partial_fallback if isinstance(typ, TupleType) else typ
        name = fallback.type.name if isinstance(fallback, Instance) else text
        if isinstance(typ, TypedDictType):
            name = typ.fallback.type.name
        return unsupported(text, NOT_DATACLASS[kind].format(name=name))

    def _tuple(self, typ: ProperType, text: str, ctx: _Ctx) -> TypeRef:
        assert isinstance(typ, TupleType)
        if typ.partial_fallback.type.fullname != "builtins.tuple":
            return self._not_dataclass("typing.NamedTuple", typ, text)
        return TypeRef("tuple", text, self._args(typ.items, ctx))

    def _union(self, typ: ProperType, text: str, ctx: _Ctx) -> TypeRef:
        """`X | None` is optional, unions of literals merge; every other union is ambiguous."""
        assert isinstance(typ, UnionType)
        members: list[TypeRef] = []
        has_none = False
        for ref in self._args(typ.items, ctx):
            has_none = has_none or ref.kind in ("none", "optional")
            if ref.kind == "optional":
                members.extend(ref.args[:1])
            elif ref.kind != "none":
                members.append(ref)
        if not members:
            return TypeRef("none", text) if has_none else unsupported(text, UNION_REASON)
        inner = members[0] if len(members) == 1 else merge_literals(members)
        if inner is None:
            return unsupported(text, UNION_REASON)
        return TypeRef("optional", text, (inner,)) if has_none else replace(inner, text=text)

    def _literal(self, typ: ProperType, text: str, ctx: _Ctx) -> TypeRef:
        assert isinstance(typ, LiteralType)
        kind = typ.fallback.type.fullname
        if kind not in ("builtins.str", "builtins.int", "builtins.bool"):
            return unsupported(text, f"Literal values must be str, int or bool; {text} is not")
        value = typ.value
        assert isinstance(value, str | int)
        return TypeRef("literal", text, values=(value,))

    def _any(self, typ: ProperType, text: str, ctx: _Ctx) -> TypeRef:
        assert isinstance(typ, AnyType)
        if typ.missing_import_name:
            return unsupported(
                text, f"{typ.missing_import_name} comes from a module mypy cannot find"
            )
        return unsupported(text, FIXED_REASONS["typing.Any"])

    def _type_var(self, typ: ProperType, text: str, ctx: _Ctx) -> TypeRef:
        return unsupported(
            text, f"{text} is a type variable; generic types cannot be proven serializable"
        )

    def _enum(self, info: TypeInfo, text: str) -> TypeRef:
        name = info.fullname
        if name not in self._enum_infos:
            self._enum_infos[name] = self._enum_info(info)
        found = self._enum_infos[name]
        if isinstance(found, str):
            return unsupported(text, found)
        self.enums.setdefault(name, found)
        return TypeRef("enum", text, name=name)

    def _enum_info(self, info: TypeInfo) -> EnumInfo | str:
        """Members and value kind through the CLI's `enum_info` (auto() values included)."""
        members: list[tuple[str, LiteralValue]] = []
        for member in info.enum_members:
            node = info.names[member].node
            written = _member_value(node.type if isinstance(node, Var) else None)
            if isinstance(written, Type):
                shown = type_text(written, self.options)
                return (
                    f"enum {info.name} member {member} has the value {shown}; use str or int values"
                )
            members.append((member, written))
        cls = ClassDef(
            info.name, info.fullname, (), False, False, (), (), tuple(members), None, NO_ANCHOR
        )
        scan = ModuleScan(
            info.module_name, self.sources.path(info.module_name), (cls,), (), (), False
        )
        return enum_info(ClassSym(scan, cls), _enum_flavor(info))


def _omitted(arg: Type) -> bool:
    """Whether a type argument was left out (`list` rather than `list[T]`)."""
    proper = get_proper_type(arg)
    return isinstance(proper, AnyType) and proper.type_of_any == TypeOfAny.from_omitted_generics


def _declaring(info: TypeInfo, name: str) -> tuple[TypeInfo, Var | None]:
    """The nearest class in the MRO that declares attribute `name`, and its Var."""
    for base in info.mro:
        node = base.names.get(name)
        if node is not None and isinstance(node.node, Var):
            return base, node.node
    return info, None


def _member_value(typ: Type | None) -> LiteralValue | Type:
    """An enum member's value as written: its literal, None for `auto()`, else its type."""
    proper = get_proper_type(typ)
    if isinstance(proper, Instance):
        if proper.last_known_value is not None:
            value = proper.last_known_value.value
            return value if isinstance(value, str | int | float) else proper
        if proper.type.fullname == "enum.auto":
            return None
    return typ if typ is not None else NoneType()


def _enum_flavor(info: TypeInfo) -> EnumFlavor:
    """How `auto()` values come out, the way `SymbolTable.enum_flavor` decides it."""
    names = {base.fullname for base in info.mro}
    if "enum.StrEnum" in names:
        return "str"
    if names & {"enum.Flag", "enum.IntFlag"}:
        return "flag"
    if "builtins.str" in names:
        return "str_mixin"
    if names & {"enum.IntEnum", "builtins.int"}:
        return "int"
    return "plain"

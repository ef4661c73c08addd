"""mypy's resolved types -> the shared model, so the mypy plugin can run the CLI's own checks.

The scanner must leave names from outside the scanned tree undecided; mypy has resolved them
(installed packages, stubs, aliases, NewTypes). This module turns mypy's `TypeInfo`s and types
into the `TypeRef`/`DataclassInfo`/`EnumInfo` records `codegen.resolve.types` reasons about, with the same
reasons wherever the two views agree (the CLI's enum and dict-key rules are reused as they are).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace

from mypy.messages import format_type_bare
from mypy.nodes import TypeInfo, Var
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

from ...model import (
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
from ...resolve.symbols import KNOWN_MODULES, ClassSym, EnumFlavor, canonical, enum_info
from ...resolve.typenames import (
    DICTS,
    FIXED_REASONS,
    NOT_DATACLASS,
    PRIMITIVES,
    SEQUENCES,
    external_reason,
)
from ...resolve.types import MAX_DEPTH, UNION_REASON, unsupported

# The dict-key and literal-merging rules are the CLI's own (private there, shared on purpose).
from ...resolve.types import _dict_key as dict_key
from ...resolve.types import _merge_literals as merge_literals
from .source import Sources

__all__ = ["NotReady", "TypeConverter", "is_dataclass", "type_text"]

GENERIC_CLASS = (
    "type arguments on {name} are not supported: generic classes cannot be proven serializable"
)


class NotReady(Exception):
    """A class the state reaches has not been through mypy's dataclass plugin yet: try later."""


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
        if not is_dataclass(info) and self.sources.installed(info.module_name):
            return unsupported(text, f"{info.fullname} is not a dataclass")
        if not is_dataclass(info):
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
            if not isinstance(node, Var):
                continue  # nested classes and @member functions: the scanner skips them too
            value, problem = self._member_value(info, member, node.type)
            if problem:
                return f"enum {info.name} member {member} {problem}; use str or int values"
            members.append((member, value))
        cls = ClassDef(
            info.name, info.fullname, (), False, False, (), (), tuple(members), None, NO_ANCHOR
        )
        path = self.sources.path(info.module_name)
        scan = ModuleScan(info.module_name, path, (cls,), (), (), False)
        return enum_info(ClassSym(scan, cls), _enum_flavor(info))

    def _member_value(
        self, info: TypeInfo, member: str, typ: Type | None
    ) -> tuple[LiteralValue, str]:
        """`(value, "")` for what the value's kind needs (None for `auto()`), else `(None, problem)`."""
        if typ is None:  # not inferred yet (the module is being analyzed): read what is written
            return self.sources.enum_value(info, member)
        proper = get_proper_type(typ)
        if isinstance(proper, Instance):
            known = proper.last_known_value
            if known is not None and isinstance(known.value, str | int | float):
                return known.value, ""
            computed = {"enum.auto": None, "builtins.str": member, "builtins.int": 0}
            if proper.type.fullname in computed:
                return computed[proper.type.fullname], ""
        return None, f"has a value of type {type_text(typ, self.options)}"


def is_dataclass(info: TypeInfo) -> bool:
    """Whether `@dataclasses.dataclass` made the class (other dataclass_transform classes are not).

    mypy records both in `metadata["dataclass"]`; only the real one types `__dataclass_fields__`
    with `dataclasses.Field`, and the generated snapshot code relies on real dataclasses.
    """
    if "dataclass" not in info.metadata:
        return False
    node = info.names.get("__dataclass_fields__")
    fields = get_proper_type(node.node.type) if node and isinstance(node.node, Var) else None
    if not isinstance(fields, Instance) or len(fields.args) != 2:
        return False
    kind = get_proper_type(fields.args[1])
    return isinstance(kind, Instance) and kind.type.fullname == "dataclasses.Field"


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

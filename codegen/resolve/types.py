"""Is this type serializable, and why not: annotations resolved into TypeRefs across the tree (SPEC §4)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

from ..model import (
    Agent,
    DataclassInfo,
    EnumInfo,
    ModuleScan,
    Project,
    StateField,
    TypeExpr,
    TypeRef,
)
from .symbols import (
    AliasSym,
    ClassKey,
    ClassSym,
    EnumFlavor,
    ExternalSym,
    MissingSym,
    Symbol,
    SymbolTable,
    class_key,
    enum_info,
)
from .typenames import (
    DICTS,
    NOT_DATACLASS,
    PRIMITIVES,
    SEQUENCES,
    TUPLES,
    UNWRAPPED,
    SequenceKind,
    external_ref,
    in_bounds,
    literal_reason,
    newtype_of,
    short_name,
)

MAX_DEPTH = 48
"""Deeper annotations (or alias chains) are reported instead of risking the interpreter's stack."""

DICT_KEY_KINDS = frozenset({"str", "int", "uuid", "enum"})
UNION_REASON = "a union other than X | None cannot be decoded unambiguously"


def unsupported(text: str, reason: str) -> TypeRef:
    """A type that cannot be proven serializable, and why."""
    return TypeRef("unsupported", text, reason=reason)


@dataclass(frozen=True, slots=True)
class _Ctx:
    """Where a resolution is: the aliases being expanded (for cycles) and the nesting depth."""

    home: ModuleScan | None = None
    """The scan the expression was written in (its names are looked up from there)."""
    aliases: tuple[str, ...] = ()
    depth: int = 0

    def enter(self) -> _Ctx:
        return _Ctx(self.home, self.aliases, self.depth + 1)

    def expand(self, alias: AliasSym) -> _Ctx:
        """Into an alias's target, which was written in the alias's own module."""
        return _Ctx(alias.scan, (*self.aliases, alias.alias.qualname), self.depth + 1)


Handler = Callable[[TypeExpr, _Ctx], TypeRef]


class TypeResolver:
    """Turns TypeExprs into TypeRefs, registering every project dataclass and enum they reach."""

    def __init__(self, symbols: SymbolTable) -> None:
        self.symbols = symbols
        self.dataclasses: dict[str, DataclassInfo] = {}
        self.enums: dict[str, EnumInfo] = {}
        self._enum_infos: dict[ClassKey, EnumInfo | str] = {}
        self._pending: deque[ClassSym] = deque()
        self._done: set[ClassKey] = set()
        self._kinds: dict[str, Handler] = {
            "name": self._name,
            "generic": self._generic,
            "union": self._union,
            "none": lambda expr, ctx: TypeRef("none", expr.text),
            "literal": lambda expr, ctx: unsupported(
                expr.text, f"{expr.text} is a value, not a type"
            ),
            "ellipsis": lambda expr, ctx: unsupported(
                expr.text, "`...` is only allowed as in tuple[T, ...]"
            ),
        }
        self._generics: dict[str, Handler] = {
            **{name: partial(self._sequence, kind) for name, kind in SEQUENCES.items()},
            **dict.fromkeys(TUPLES, self._tuple),
            **dict.fromkeys(DICTS, self._dict),
            **dict.fromkeys(UNWRAPPED, self._unwrap),
            "typing.Optional": self._optional,
            "typing.Union": self._union,
            "typing.Literal": self._literal,
        }

    def resolve(self, expr: TypeExpr, home: ModuleScan | None = None) -> TypeRef:
        """The TypeRef of an annotation written in `home`; dataclasses it reaches wait for `drain`."""
        return self._expr(expr, _Ctx(home))

    def state(self, sym: ClassSym) -> DataclassInfo:
        """The resolved view of a dataclass, registered in `dataclasses` (an agent's own state)."""
        self._register(sym)
        return self._complete(sym)

    def drain(self) -> None:
        """Resolve the fields of every dataclass reached so far, and of those they reach in turn."""
        while self._pending:
            self._complete(self._pending.popleft())

    def _register(self, sym: ClassSym) -> str:
        """Reserve the dataclass's slot (in discovery order) before its fields are resolved."""
        name = sym.cls.qualname
        if name not in self.dataclasses:
            self.dataclasses[name] = DataclassInfo(
                name, sym.scan.module, sym.cls.name, sym.cls.frozen, ()
            )
            self._pending.append(sym)
        return name

    def _complete(self, sym: ClassSym) -> DataclassInfo:
        name = sym.cls.qualname
        if class_key(sym) not in self._done:
            self._done.add(class_key(sym))
            fields = tuple(
                StateField(
                    name=field.name,
                    type=self.resolve(field.annotation, scan),
                    anchor=field.anchor,
                    path=scan.path,
                    init=field.init,
                    has_default=field.has_default or field.default_factory,
                    transient=field.transient,
                )
                for scan, field in self.symbols.dataclass_fields(sym)
                if self.symbols.external_name(field.annotation, scan) != "dataclasses.InitVar"
            )
            self.dataclasses[name] = replace(self.dataclasses[name], fields=fields)
        return self.dataclasses[name]

    def _expr(self, expr: TypeExpr, ctx: _Ctx) -> TypeRef:
        if ctx.depth > MAX_DEPTH:
            return unsupported(expr.text, "the type is nested too deeply to analyze")
        handler = self._kinds.get(expr.kind)
        if handler is None:
            return unsupported(
                expr.text, f"{expr.text} is not a type that can be analyzed statically"
            )
        return handler(expr, ctx)

    def _args(self, expr: TypeExpr, ctx: _Ctx) -> tuple[TypeRef, ...]:
        return tuple(self._expr(arg, ctx.enter()) for arg in expr.args)

    def _name(self, expr: TypeExpr, ctx: _Ctx) -> TypeRef:
        return self._symbol(self.symbols.lookup(expr.name, ctx.home), expr, ctx)

    def _symbol(self, symbol: Symbol, expr: TypeExpr, ctx: _Ctx) -> TypeRef:
        match symbol:
            case ClassSym():
                return self._class(symbol, expr.text)
            case AliasSym():
                return self._alias(symbol, expr, ctx)
            case ExternalSym():
                return external_ref(symbol, expr.text)
            case MissingSym():
                return unsupported(expr.text, symbol.reason)
        return unsupported(expr.text, f"{expr.text} cannot be resolved")  # pragma: no cover

    def _alias(self, sym: AliasSym, expr: TypeExpr, ctx: _Ctx) -> TypeRef:
        name = sym.alias.qualname
        if name in ctx.aliases:
            cycle = [*ctx.aliases[ctx.aliases.index(name) :], name]
            return unsupported(expr.text, "alias cycle: " + " -> ".join(cycle))
        target = self._expr(sym.alias.target, ctx.expand(sym))
        return newtype_of(sym.alias, replace(target, text=expr.text))

    def _class(self, sym: ClassSym, text: str) -> TypeRef:
        flavor = self.symbols.enum_flavor(sym)
        if flavor is not None:
            return self._enum(sym, flavor, text)
        if sym.cls.is_dataclass:
            return TypeRef("dataclass", text, name=self._register(sym))
        template = "{name} is not a dataclass; decorate it with @dataclass"
        for base in sorted(self.symbols.external_bases(sym)):
            template = NOT_DATACLASS.get(base, template)
        return unsupported(text, template.format(name=sym.cls.name))

    def _enum(self, sym: ClassSym, flavor: EnumFlavor, text: str) -> TypeRef:
        name, key = sym.cls.qualname, class_key(sym)
        if key not in self._enum_infos:
            self._enum_infos[key] = enum_info(sym, flavor)
        info = self._enum_infos[key]
        if isinstance(info, str):
            return unsupported(text, info)
        self.enums.setdefault(name, info)
        return TypeRef("enum", text, name=name)

    def _generic(self, expr: TypeExpr, ctx: _Ctx) -> TypeRef:
        symbol = self.symbols.lookup(expr.name, ctx.home)
        match symbol:
            case ExternalSym(known=True) if symbol.name in self._generics:
                return self._generics[symbol.name](expr, ctx)
            case ExternalSym(known=True) if symbol.name in PRIMITIVES:
                short = short_name(symbol.name)
                return unsupported(expr.text, f"{short} takes no type arguments")
            case AliasSym():
                return self._generic_alias(symbol, expr, ctx)
            case ClassSym():
                reason = f"type arguments on {symbol.cls.name} are not supported: generic classes cannot be proven serializable"
                return unsupported(expr.text, reason)
        return self._symbol(symbol, expr, ctx)

    def _generic_alias(self, sym: AliasSym, expr: TypeExpr, ctx: _Ctx) -> TypeRef:
        """`L[int]` where `L = list` works; parametrized aliases (`Pair = tuple[T, T]`) do not."""
        name, target = sym.alias.qualname, sym.alias.target
        if name in ctx.aliases:
            return unsupported(expr.text, "alias cycle: " + " -> ".join((*ctx.aliases, name)))
        if target.kind != "name" or sym.alias.is_newtype:
            reason = f"type arguments on the alias {sym.alias.name} are not supported"
            return unsupported(expr.text, reason)
        if ctx.depth > MAX_DEPTH:
            return unsupported(expr.text, "the type is nested too deeply to analyze")
        return self._generic(replace(expr, name=target.name), ctx.expand(sym))

    def _sequence(self, kind: SequenceKind, expr: TypeExpr, ctx: _Ctx) -> TypeRef:
        if len(expr.args) != 1 or expr.args[0].kind == "ellipsis":
            return unsupported(expr.text, f"{kind} takes exactly one type argument: {kind}[T]")
        return TypeRef(kind, expr.text, self._args(expr, ctx))

    def _tuple(self, expr: TypeExpr, ctx: _Ctx) -> TypeRef:
        args = expr.args
        if len(args) == 2 and args[1].kind == "ellipsis" and args[0].kind != "ellipsis":
            return TypeRef("tuple_var", expr.text, (self._expr(args[0], ctx.enter()),))
        if len(args) == 1 and args[0].kind == "invalid" and args[0].text.replace(" ", "") == "()":
            return TypeRef("tuple", expr.text)
        if any(arg.kind == "ellipsis" for arg in args):
            reason = "`...` is only allowed as the second of two arguments: tuple[T, ...]"
            return unsupported(expr.text, reason)
        return TypeRef("tuple", expr.text, self._args(expr, ctx))

    def _dict(self, expr: TypeExpr, ctx: _Ctx) -> TypeRef:
        if len(expr.args) != 2 or any(arg.kind == "ellipsis" for arg in expr.args):
            return unsupported(expr.text, "dict takes two type arguments: dict[K, V]")
        key, value = self._args(expr, ctx)
        return TypeRef("dict", expr.text, (_dict_key(key), value))

    def _unwrap(self, expr: TypeExpr, ctx: _Ctx) -> TypeRef:
        if not expr.args or expr.args[0].kind == "ellipsis":
            return unsupported(expr.text, f"{short_name(expr.name)} needs a type argument")
        return replace(self._expr(expr.args[0], ctx.enter()), text=expr.text)

    def _optional(self, expr: TypeExpr, ctx: _Ctx) -> TypeRef:
        if len(expr.args) != 1:
            return unsupported(expr.text, "Optional takes exactly one type argument: Optional[T]")
        union = TypeExpr("union", expr.text, args=(expr.args[0], TypeExpr("none", "None")))
        return self._union(union, ctx)

    def _union(self, expr: TypeExpr, ctx: _Ctx) -> TypeRef:
        members: list[TypeRef] = []
        has_none = False
        for ref in self._args(expr, ctx):
            has_none = has_none or ref.kind in ("none", "optional")
            if ref.kind == "optional":
                members.extend(ref.args[:1])
            elif ref.kind != "none":
                members.append(ref)
        if not members:
            return TypeRef("none", expr.text) if has_none else unsupported(expr.text, UNION_REASON)
        inner = members[0] if len(members) == 1 else _merge_literals(members)
        if inner is None:
            return unsupported(expr.text, UNION_REASON)
        return (
            TypeRef("optional", expr.text, (inner,)) if has_none else replace(inner, text=expr.text)
        )

    def _literal(self, expr: TypeExpr, ctx: _Ctx) -> TypeRef:
        values: list[str | int | bool] = []
        has_none = False
        for arg in expr.args:
            if arg.kind == "none" or (arg.kind == "literal" and arg.value is None):
                has_none = True
            elif arg.kind == "literal" and isinstance(arg.value, str | int) and in_bounds(arg):
                values.append(arg.value)
            elif (
                arg.kind == "generic"
                and self.symbols.external_name(arg, ctx.home) == "typing.Literal"
            ):
                nested = self._expr(arg, ctx.enter())
                if nested.kind == "unsupported":
                    return replace(nested, text=expr.text)
                has_none = has_none or nested.kind in ("none", "optional")
                values.extend(_literal_values(nested))
            else:
                return unsupported(expr.text, literal_reason(arg))
        if not values and has_none:
            return TypeRef("none", expr.text)
        if not values:
            return unsupported(expr.text, "Literal needs a value")
        literal = TypeRef("literal", expr.text, values=tuple(values))
        return TypeRef("optional", expr.text, (literal,)) if has_none else literal


def _dict_key(key: TypeRef) -> TypeRef:
    """Dict keys become JSON object keys: only str, int, str/int enums and UUIDs round-trip."""
    if key.kind in DICT_KEY_KINDS or key.kind == "unsupported":
        return key
    if key.kind == "literal" and all(not isinstance(v, bool) for v in key.values):
        return key
    reason = f"dict keys must be str, int, a str/int Enum or UUID; {key.text} is not"
    return unsupported(key.text, reason)


def _literal_values(ref: TypeRef) -> tuple[str | int | bool, ...]:
    if ref.kind == "optional" and ref.args:
        return ref.args[0].values
    return ref.values


def _merge_literals(members: list[TypeRef]) -> TypeRef | None:
    """`Literal["a"] | Literal["b"]` decodes as well as `Literal["a", "b"]`; other unions do not."""
    if any(ref.kind != "literal" for ref in members):
        return None
    values = tuple(v for ref in members for v in ref.values)
    return TypeRef("literal", " | ".join(ref.text for ref in members), values=values)


_MAY_FAIL = frozenset({"unsupported", "dataclass", "enum"})
"""The kinds that can be unserializable without arguments."""


def serialization_problems(ref: TypeRef, project: Project, path: str) -> list[tuple[str, str]]:
    """(field path, reason) for every part of `ref` that cannot be serialized; [] if it can.

    Paths: `.field` into dataclasses, `[]` for elements and dict values, `[0]`, `[1]` for fixed
    tuple items, `{key}` for a dict key; Optional is transparent. A recursive dataclass is explored
    once. Example: "items[].owner".
    """
    if not ref.args and ref.kind not in _MAY_FAIL:
        return []  # a plain value type: the common case, kept cheap
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    stack: list[tuple[str, TypeRef]] = [(path, ref)]
    while stack:
        where, current = stack.pop()
        if current.kind == "unsupported":
            problems.append((where, current.reason))
        elif current.kind == "dataclass" and current.name not in seen:
            seen.add(current.name)
            info = project.dataclasses.get(current.name)
            if info is None:
                problems.append((where, f"dataclass {current.name} was not resolved"))
                continue
            fields = [f for f in info.fields if not f.transient]
            stack.extend(
                (f"{where}.{f.name}" if where else f.name, f.type) for f in reversed(fields)
            )
        elif current.kind == "enum" and current.name not in project.enums:
            problems.append((where, f"enum {current.name} was not resolved"))
        else:
            stack.extend(reversed(_children(where, current)))
    return problems


def _children(where: str, ref: TypeRef) -> list[tuple[str, TypeRef]]:
    """The parts of a container type with their paths."""
    if ref.kind in ("list", "set", "frozenset", "tuple_var"):
        return [(f"{where}[]", arg) for arg in ref.args]
    if ref.kind == "tuple":
        return [(f"{where}[{index}]", arg) for index, arg in enumerate(ref.args)]
    if ref.kind == "dict":
        return list(zip((f"{where}{{key}}", f"{where}[]"), ref.args, strict=False))
    if ref.kind == "optional":
        return [(where, arg) for arg in ref.args]
    return []


def state_problems(agent: Agent, project: Project) -> list[tuple[str, str, StateField]]:
    """For each non-transient state field of the agent: (field path, reason, the top-level field)."""
    if agent.state is None:
        return []
    return [
        (where, reason, field)
        for field in agent.state.fields
        if not field.transient
        for where, reason in serialization_problems(field.type, project, field.name)
    ]

"""One top-level class -> ClassDef: agent declaration, dataclass options, fields, enum members, methods."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import libcst as cst

from ..model import (
    AgentDecl,
    CallSite,
    ClassDef,
    EndpointDef,
    FieldDef,
    LiteralValue,
    MethodDef,
    Option,
    ParamDef,
    TypeExpr,
)
from .annotations import TypeReader
from .calls import ATOMICALLY, scan_calls, scan_expression_calls
from .context import Context, literal_value
from .names import dotted_parts

__all__ = ["ClassScanner"]

AGENT = "runtime_stub.agent"
ENDPOINT = "runtime_stub.endpoint"
MIGRATION = "runtime_stub.migration"
TRANSIENT = "runtime_stub.transient"
DATACLASS = "dataclasses.dataclass"
FIELD = "dataclasses.field"
KW_ONLY = "dataclasses.KW_ONLY"
AUTO = "enum.auto"
CLASSVARS = frozenset({"typing.ClassVar", "typing_extensions.ClassVar"})
ENUM_BASES = frozenset(
    {"enum.Enum", "enum.IntEnum", "enum.StrEnum", "enum.Flag", "enum.IntFlag", "enum.ReprEnum"}
)
MethodKind = Literal["instance", "static", "class", "property"]
ParamKind = Literal[
    "positional_only", "positional", "keyword_only", "var_positional", "var_keyword"
]
_KINDS: dict[str, MethodKind] = {
    **dict.fromkeys(("staticmethod", "builtins.staticmethod"), "static"),
    **dict.fromkeys(("classmethod", "builtins.classmethod"), "class"),
    **dict.fromkeys(
        ("property", "builtins.property", "functools.cached_property", "abc.abstractproperty"),
        "property",
    ),
}
_ACCESSORS = ("setter", "getter", "deleter")


def _body(node: cst.ClassDef) -> Sequence[cst.BaseStatement | cst.BaseSmallStatement]:
    """The statements of a class body, also of a one-line body (`class A: x: int`)."""
    return node.body.body


def _small(
    statement: cst.BaseStatement | cst.BaseSmallStatement,
) -> Sequence[cst.BaseSmallStatement]:
    if isinstance(statement, cst.SimpleStatementLine):
        return statement.body
    if isinstance(statement, cst.BaseSmallStatement):
        return (statement,)
    return ()


def _is_true(expr: cst.BaseExpression | None) -> bool:
    return expr is not None and literal_value(expr) == (True, True)


def _keywords(call: cst.Call) -> dict[str, cst.BaseExpression]:
    return {arg.keyword.value: arg.value for arg in call.args if arg.keyword is not None}


class ClassScanner:
    """Scans the top-level classes of one file, in order (enums may derive from earlier enums)."""

    def __init__(self, ctx: Context, types: TypeReader) -> None:
        self.ctx = ctx
        self.types = types
        self.enums: set[str] = set()

    def scan(self, node: cst.ClassDef) -> ClassDef:
        """The ClassDef of a top-level class statement."""
        ctx = self.ctx
        anchor = ctx.record(node.name)
        qualname = f"{ctx.table.module}.{node.name.value}"
        agent: AgentDecl | None = None
        is_dataclass = frozen = kw_only = False
        for decorator in node.decorators:
            expr = decorator.decorator
            callee = ctx.callee(expr)
            if callee == AGENT and agent is None:
                args = expr.args if isinstance(expr, cst.Call) else ()
                agent = AgentDecl(ctx.options(args), ctx.record(expr))
            elif callee == DATACLASS:
                is_dataclass = True
                keywords = _keywords(expr) if isinstance(expr, cst.Call) else {}
                frozen = _is_true(keywords.get("frozen"))
                kw_only = _is_true(keywords.get("kw_only"))
        bases = tuple(
            self._base(arg.value) for arg in node.bases if not arg.keyword and not arg.star
        )
        is_enum = any(base in ENUM_BASES or base in self.enums for base in bases)
        if is_enum:
            self.enums.add(qualname)
        fields, members, methods = self._members(node, kw_only, is_enum, agent is not None)
        return ClassDef(
            name=node.name.value,
            qualname=qualname,
            bases=bases,
            is_dataclass=is_dataclass,
            frozen=frozen,
            fields=fields,
            methods=methods,
            enum_members=members,
            agent=agent,
            anchor=anchor,
        )

    def _base(self, expr: cst.BaseExpression) -> str:
        """A base class as a qualified name (`Generic[T]` -> `typing.Generic`), else its text."""
        target = expr.value if isinstance(expr, cst.Subscript) else expr
        parts = dotted_parts(target)
        return self.ctx.table.qualify(parts) if parts is not None else self.ctx.text(expr)

    def _members(
        self, node: cst.ClassDef, kw_only: bool, is_enum: bool, is_agent: bool
    ) -> tuple[tuple[FieldDef, ...], tuple[tuple[str, LiteralValue], ...], tuple[MethodDef, ...]]:
        fields: list[FieldDef] = []
        members: list[tuple[str, LiteralValue]] = []
        methods: list[MethodDef] = []
        for statement in _body(node):
            if isinstance(statement, cst.FunctionDef):
                methods.append(self._method(statement, is_agent))
                continue
            for small in _small(statement):
                if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                    field = self._field(small, small.target, kw_only)
                    if field is None:
                        kw_only = True  # `_: KW_ONLY`: the fields after it are keyword-only
                    else:
                        fields.append(field)
                elif isinstance(small, cst.Assign) and is_enum:
                    members.extend(self._enum_members(small))
        return tuple(fields), tuple(members), tuple(methods)

    def _field(self, node: cst.AnnAssign, target: cst.Name, kw_only: bool) -> FieldDef | None:
        """A class-level annotated name; None for the `KW_ONLY` sentinel."""
        annotation = self.types.convert(node.annotation.annotation)
        if annotation.kind == "name" and annotation.name == KW_ONLY:
            return None
        classvar = annotation.kind in ("name", "generic") and annotation.name in CLASSVARS
        has_default = node.value is not None
        factory = transient = False
        factory_calls: tuple[CallSite, ...] = ()
        init = True
        value = node.value
        if isinstance(value, cst.Call):
            callee = self.ctx.callee(value)
            if callee in (FIELD, TRANSIENT):
                keywords = _keywords(value)
                factory = "default_factory" in keywords
                if factory:
                    factory_calls = scan_expression_calls(self.ctx, keywords["default_factory"])
                has_default = factory or "default" in keywords
                transient = callee == TRANSIENT
                if "init" in keywords:
                    init = literal_value(keywords["init"]) != (True, False)
                if "kw_only" in keywords:
                    kw_only = _is_true(keywords["kw_only"])
        anchor = self.ctx.record(target)
        return FieldDef(
            target.value,
            annotation,
            anchor,
            has_default,
            factory,
            init,
            kw_only,
            transient,
            classvar,
            factory_calls,
        )

    def _enum_members(self, node: cst.Assign) -> list[tuple[str, LiteralValue]]:
        """`NAME = value`: the literal value; `auto()` -> None; anything else -> its source text."""
        value: LiteralValue
        if isinstance(node.value, cst.Call) and self.ctx.callee(node.value) == AUTO:
            value = None
        else:
            ok, value = literal_value(node.value)
            if not ok or value is None:
                value = self.ctx.text(node.value)
        found = []
        for target in node.targets:
            name = target.target.value if isinstance(target.target, cst.Name) else ""
            if name and not name.startswith("__") and not (name[0] == name[-1] == "_"):
                found.append((name, value))
        return found

    def _method(self, node: cst.FunctionDef, is_agent: bool) -> MethodDef:
        ctx = self.ctx
        anchor = ctx.record(node.name)
        kind: MethodKind = "instance"
        endpoints: list[EndpointDef] = []
        atomic: list[cst.BaseExpression] = []
        migration: tuple[Option, ...] | None = None
        for decorator in node.decorators:
            expr = decorator.decorator
            callee = ctx.callee(expr)
            if callee == ENDPOINT:
                args = expr.args if isinstance(expr, cst.Call) else ()
                endpoints.append(EndpointDef(ctx.options(args), ctx.record(expr)))
            elif callee == MIGRATION:  # it makes the function a staticmethod
                migration = ctx.options(expr.args if isinstance(expr, cst.Call) else ())
                kind = "static"
            elif callee == ATOMICALLY:
                atomic.append(expr)
            elif callee in _KINDS:
                kind = _KINDS[callee]
            elif "." in callee and callee.rpartition(".")[2] in _ACCESSORS:
                kind = "property"
        params = self._params(node.params, skip_first=kind != "static")
        returns = self.types.convert(node.returns.annotation) if node.returns else None
        calls, regions = scan_calls(ctx, node, atomic)  # bases of agents too (GLM030)
        return MethodDef(
            name=node.name.value,
            params=params,
            returns=returns,
            is_async=node.asynchronous is not None,
            kind=kind,
            endpoints=tuple(endpoints),
            calls=calls,
            atomic_regions=regions,
            anchor=anchor,
            migration=migration,
        )

    def _params(self, params: cst.Parameters, skip_first: bool) -> tuple[ParamDef, ...]:
        """Parameters in order, without the first `self`/`cls` of instance and class methods."""
        found: list[ParamDef] = []
        positional: list[tuple[cst.Param, ParamKind]] = [
            *((p, "positional_only") for p in params.posonly_params),
            *((p, "positional") for p in params.params),
        ]
        for param, kind in positional[1:] if skip_first else positional:
            found.append(self._param(param, kind))
        if isinstance(params.star_arg, cst.Param):
            found.append(self._param(params.star_arg, "var_positional"))
        found += [self._param(p, "keyword_only") for p in params.kwonly_params]
        if params.star_kwarg is not None:
            found.append(self._param(params.star_kwarg, "var_keyword"))
        return tuple(found)

    def _param(self, param: cst.Param, kind: ParamKind) -> ParamDef:
        annotation: TypeExpr | None = None
        if param.annotation is not None:
            annotation = self.types.convert(param.annotation.annotation)
        return ParamDef(
            param.name.value,
            annotation,
            kind,
            param.default is not None,
            self.ctx.record(param.name),
        )

"""The mypy plugin's class: GLM001-GLM004 reported during a mypy run, decided with mypy's types.

Each `@agent` class is turned into the model the CLI builds (see `model`) and run
through the CLI's own `check_snapshots`, so codes and messages are those of `golem-codegen check`.
Because mypy has resolved every name, the plugin also decides what the scanner must leave open:
dataclasses, enums, aliases and NewTypes from installed packages or stubs.

Errors carry the mypy error codes `GLM001`..`GLM004` (printed as `[GLM003]`). One is silenced by
`# type: ignore[GLM003]` on the line mypy reports it (the field, the method or parameter, the
`@agent(...)` option, or the `class` line), by the CLI's `# golem: ignore[GLM003]` on that line or
on the `@agent` line, by `select`/`ignore` in `[tool.golem-codegen]`, and for a whole run by mypy's
`disable_error_code = ["GLM003"]`. A problem in a member declared in another module (an inherited
field or method) is reported on the agent's `class` line. The modules an agent's check reads are
declared to mypy (`deps`), so incremental runs and the daemon re-check the agent when they change.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Literal

from mypy.errorcodes import ErrorCode
from mypy.nodes import (
    ARG_STAR,
    ARG_STAR2,
    ArgKind,
    Argument,
    CallExpr,
    Context,
    Decorator,
    Expression,
    FuncDef,
    MypyFile,
    OverloadedFuncDef,
    RefExpr,
    TypeInfo,
)
from mypy.options import Options as MypyOptions
from mypy.plugin import ClassDefContext, Plugin, ReportConfigContext
from mypy.plugins.dataclasses import dataclass_class_maker_callback
from mypy.types import AnyType, CallableType, Instance, NoneType, Type, TypeOfAny, get_proper_type

from ...checks.common import option
from ...checks.rules import RULES
from ...checks.snapshot import check_snapshots
from ...diagnostics import selected, suppressed
from ...discovery import Config, ConfigError, load_config
from ...model import (
    Agent,
    AgentDecl,
    Anchor,
    ClassDef,
    MethodDef,
    ModuleScan,
    Option,
    ParamDef,
    Project,
    TypeExpr,
)
from .deps import DependencyRecord
from .model import NotReady, TypeConverter, is_dataclass, type_text
from .source import Sources, literal_of

__all__ = ["ERROR_CODES", "GolemPlugin"]

AGENT_DECORATORS = frozenset({"runtime_stub.agent", "runtime_stub.decorators.agent"})
DATACLASS_DECORATORS = frozenset({"dataclasses.dataclass"})
ERROR_CODES = {
    code: ErrorCode(code, RULES[code].title, "golem-codegen")
    for code in ("GLM001", "GLM002", "GLM003", "GLM004")
}
MAX_DEFERRALS = 3
"""Class-hook passes an agent may wait for the dataclasses it reaches (mypy allows ~10 in all)."""

ParamKind = Literal[
    "positional_only", "positional", "keyword_only", "var_positional", "var_keyword"
]
MethodKind = Literal["instance", "static", "class", "property"]
_STAR_NAMES = {ARG_STAR: "*", ARG_STAR2: "**"}
_PARAM_KINDS: dict[ArgKind, ParamKind] = {
    ArgKind.ARG_STAR: "var_positional",
    ArgKind.ARG_NAMED: "keyword_only",
    ArgKind.ARG_NAMED_OPT: "keyword_only",
    ArgKind.ARG_STAR2: "var_keyword",
}


class GolemPlugin(Plugin):
    """Checks every `@agent` class once mypy's semantic analysis has settled its types."""

    def __init__(self, options: MypyOptions) -> None:
        super().__init__(options)
        self._deferrals: dict[int, tuple[object, int]] = {}
        self._deps = DependencyRecord(options.cache_dir if options.incremental else None)

    def get_additional_deps(self, file: MypyFile) -> list[tuple[int, str, int]]:
        """The modules the agents of `file` read last time (see `deps`): a change there
        re-checks `file` in an incremental run."""
        return self._deps.additional(file.fullname)

    def get_class_decorator_hook_2(self, fullname: str) -> Callable[[ClassDefContext], bool] | None:
        """The agent check for `@agent`, under both names mypy may resolve it to."""
        return self._check_agent if fullname in AGENT_DECORATORS else None

    def report_config_data(self, ctx: ReportConfigContext) -> list[str]:
        """Another golem-codegen version, or a change in a module an agent's check read, makes
        mypy re-check the modules it has cached."""
        return [_version(), self._deps.digest(ctx.id)]

    def _check_agent(self, ctx: ClassDefContext) -> bool:
        """Report the agent's findings; False asks mypy for another pass while types settle.

        mypy drops repeated identical errors on a line, so a class checked again on a later
        pass (mypy re-runs every class hook while any asks for one) is not reported twice.
        """
        try:
            if not _own_dataclass_done(ctx):
                return self._defer(ctx)
            builder = AgentBuilder(ctx)
            agent, project = builder.build()
            findings = check_snapshots(agent, project, alone=True)
        except NotReady:
            return self._defer(ctx)
        self._deps.declare(ctx.api, project)
        for found in findings:
            context = builder.context(found.anchor)
            if not builder.silenced(found.code, context):
                ctx.api.fail(found.message, context, code=ERROR_CODES[found.code])
        return True

    def _defer(self, ctx: ClassDefContext) -> bool:
        """Wait a few passes for other classes' dataclass hooks, then give up on this agent."""
        key = id(ctx.cls)
        _, count = self._deferrals.get(key, (ctx.cls, 0))
        self._deferrals[key] = (ctx.cls, count + 1)
        return count + 1 > MAX_DEFERRALS


@lru_cache(maxsize=1)
def _version() -> str:
    try:
        return metadata.version("golem-codegen")
    except metadata.PackageNotFoundError:
        return "unknown"


@lru_cache(maxsize=64)
def _config(directory: str) -> Config:
    try:
        return load_config(Path(directory))
    except ConfigError:
        return Config()  # the CLI reports a broken configuration; mypy should still run


def _own_dataclass_done(ctx: ClassDefContext) -> bool:
    """Let mypy's dataclass plugin finish the agent class first when `@dataclass` is below `@agent`.

    Class hooks run in decorator order and a False from ours would hold back the `@dataclass`
    hook too, for ever; so the dataclass transform (idempotent by mypy's design) is applied here.
    """
    info = ctx.cls.info
    if "dataclass_tag" not in info.metadata or "dataclass" in info.metadata:
        return True
    for decorator in ctx.cls.decorators:
        if _callee(decorator) in DATACLASS_DECORATORS:
            return dataclass_class_maker_callback(ClassDefContext(ctx.cls, decorator, ctx.api))
    return True  # a dataclass_transform decorator: not a dataclass for the generator either


def _callee(expr: Expression) -> str:
    target = expr.callee if isinstance(expr, CallExpr) else expr
    return target.fullname if isinstance(target, RefExpr) else ""


class AgentBuilder:
    """One agent class as the CLI's model, with every anchor standing for a mypy node."""

    def __init__(self, ctx: ClassDefContext) -> None:
        self.ctx = ctx
        self.info = ctx.cls.info
        self.module = self.info.module_name
        self.options: MypyOptions = ctx.api.options
        self.sources = Sources(ctx.api.modules)
        self._contexts: list[Context] = []

    def add(self, node: Context | None, owner: TypeInfo | None = None) -> Anchor:
        """An anchor for `node` (declared by `owner`, default the agent's own module).

        An error can only be reported in the module being analyzed: nodes of other modules
        anchor the agent class instead (the message still names the member).
        """
        here = owner is None or owner.module_name == self.module
        usable = node if node is not None and here and node.line > 0 else self.ctx.cls
        self._contexts.append(usable)
        return len(self._contexts) - 1

    def context(self, anchor: Anchor | None) -> Context:
        """The node an anchor stands for."""
        if anchor is None or not 0 <= anchor < len(self._contexts):
            return self.ctx.cls
        return self._contexts[anchor]

    def silenced(self, code: str, context: Context) -> bool:
        """The CLI's suppressions: `# golem: ignore` comments and `[tool.golem-codegen]`."""
        path = self.sources.path(self.module)
        config = _config(str(Path(path).parent)) if path else Config()
        if not selected(code, config.select, config.ignore):
            return True
        lines = {context.line, self.ctx.reason.line}
        return any(suppressed(code, self.sources.line(self.module, line)) for line in lines)

    def build(self) -> tuple[Agent, Project]:
        """The agent and the project of every dataclass and enum its state reaches."""
        info = self.info
        types = TypeConverter(self.sources, self.options, self.add)
        state = types.state(info) if is_dataclass(info) else None
        types.drain()
        options = self._options()
        decl = AgentDecl(options, self.add(self.ctx.reason))
        save, load = (self._method(name) for name in ("save_snapshot", "load_snapshot"))
        cls = ClassDef(
            name=info.name,
            qualname=info.fullname,
            bases=(),
            is_dataclass=state is not None,
            frozen=state is not None and state.frozen,
            fields=(),
            methods=tuple(method for method in (save, load) if method is not None),
            enum_members=(),
            agent=decl,
            anchor=self.add(self.ctx.cls),
        )
        agent = Agent(
            scan=ModuleScan(self.module, self.sources.path(self.module), (cls,), (), (), True),
            cls=cls,
            decl=decl,
            type_name=_str_option(options, "name") or info.name,
            mode=_str_option(options, "mode") or "durable",
            snapshotting=_str_option(options, "snapshotting") or "disabled",
            mount=_str_option(options, "mount"),
            constructor=(),
            methods=(),
            state=state,
            save_snapshot=save,
            load_snapshot=load,
            snapshot_kind="binary" if save or load else "none",
        )
        return agent, Project((agent.scan,), (agent,), types.dataclasses, types.enums)

    def _options(self) -> tuple[Option, ...]:
        """The arguments of `@agent(...)` as written (none for a bare `@agent`)."""
        reason = self.ctx.reason
        if not isinstance(reason, CallExpr):
            return ()
        found = []
        for name, kind, arg in zip(reason.arg_names, reason.arg_kinds, reason.args, strict=True):
            literal, value = (False, None) if kind in _STAR_NAMES else literal_of(arg)
            text = self.sources.segment(self.module, arg)
            if text is None:
                text = repr(value) if literal else ""
            label = name or _STAR_NAMES.get(kind, "")
            found.append(Option(label, value, literal, text, self.add(arg)))
        return tuple(found)

    def _method(self, name: str) -> MethodDef | None:
        """`save_snapshot`/`load_snapshot` as the class (or the nearest base) defines it."""
        found = _find_method(self.info, name)
        if found is None:
            return None
        owner, func = found
        written = self.sources.function(owner, name)
        kind: MethodKind = "static" if func.is_static else "class" if func.is_class else "instance"
        if func.is_property:
            kind = "property"
        returns = self._type_expr(
            owner, _return_type(func), written.returns if written is not None else None
        )
        return MethodDef(
            name=name,
            params=self._params(owner, func, kind, written),
            returns=returns,
            is_async=func.is_coroutine,
            kind=kind,
            endpoints=(),
            calls=(),
            atomic_regions=(),
            anchor=self.add(func, owner),
        )

    def _params(
        self,
        owner: TypeInfo,
        func: FuncDef,
        kind: MethodKind,
        written: ast.FunctionDef | ast.AsyncFunctionDef | None,
    ) -> tuple[ParamDef, ...]:
        """The parameters after `self`/`cls`, with the annotations' source text where readable."""
        signature = func.type if isinstance(func.type, CallableType) else None
        sources = _written_args(written)
        nodes = _arguments(func)
        kinds = func.arg_kinds
        first = 1 if kind != "static" and kinds and kinds[0].is_positional() else 0
        params = []
        for index in range(first, len(kinds)):
            source = sources[index] if index < len(sources) else None
            arg_name = func.arg_names[index]
            typ = signature.arg_types[index] if signature is not None else None
            annotation = source.annotation if source is not None else None
            params.append(
                ParamDef(
                    name=arg_name or (source.arg if source is not None else f"arg{index}"),
                    annotation=self._type_expr(owner, typ, annotation),
                    kind=_PARAM_KINDS.get(
                        kinds[index], "positional" if arg_name else "positional_only"
                    ),
                    has_default=kinds[index].is_optional(),
                    anchor=self.add(nodes[index] if index < len(nodes) else func, owner),
                )
            )
        return tuple(params)

    def _type_expr(
        self, owner: TypeInfo, typ: Type | None, written: ast.expr | None
    ) -> TypeExpr | None:
        """What the snapshot checks read from an annotation: bytes, None, or something else."""
        proper = get_proper_type(typ)
        if typ is None or (
            isinstance(proper, AnyType) and proper.type_of_any == TypeOfAny.unannotated
        ):
            return None
        text = self.sources.annotation_text(owner, written) or type_text(typ, self.options)
        if isinstance(proper, NoneType):
            return TypeExpr("none", text)
        if isinstance(proper, Instance):
            return TypeExpr("name", text, name=proper.type.fullname)
        return TypeExpr("invalid", text)


def _str_option(options: tuple[Option, ...], name: str) -> str | None:
    given = option(options, name)
    return given.value if given is not None and isinstance(given.value, str) else None


def _find_method(info: TypeInfo, name: str) -> tuple[TypeInfo, FuncDef] | None:
    """The definition of `name` Python would use: the class's own, else the nearest base's."""
    for base in info.mro:
        node = base.names.get(name)
        if base.fullname == "builtins.object" or node is None:
            continue
        target = node.node
        if isinstance(target, OverloadedFuncDef):
            target = target.impl or (target.items[0] if target.items else None)
        if isinstance(target, Decorator):
            target = target.func
        return (base, target) if isinstance(target, FuncDef) else None
    return None


def _return_type(func: FuncDef) -> Type | None:
    """The declared return type (mypy wraps an `async def`'s in `Coroutine[Any, Any, T]`)."""
    if not isinstance(func.type, CallableType):
        return None
    returns = func.type.ret_type
    proper = get_proper_type(returns)
    if func.is_coroutine and isinstance(proper, Instance) and len(proper.args) == 3:
        return proper.args[2]
    return returns


def _written_args(written: ast.FunctionDef | ast.AsyncFunctionDef | None) -> list[ast.arg]:
    """The parameters of a `def` in mypy's order: positional, `*args`, keyword-only, `**kwargs`."""
    if written is None:
        return []
    args = written.args
    return [
        *args.posonlyargs,
        *args.args,
        *([args.vararg] if args.vararg else []),
        *args.kwonlyargs,
        *([args.kwarg] if args.kwarg else []),
    ]


def _arguments(func: FuncDef) -> list[Argument]:
    """The parameter nodes (with positions) of a function mypy parsed in this run, else []."""
    try:
        return list(func.arguments)
    except AttributeError:  # a FuncDef loaded from mypy's cache keeps no arguments
        return []

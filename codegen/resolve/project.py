"""From the scans of a tree to the Project: agents with their constructor, methods, state and snapshots."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..model import (
    Agent,
    AgentDecl,
    DataclassInfo,
    EnumInfo,
    Method,
    MethodDef,
    ModuleScan,
    Param,
    ParamDef,
    Project,
    SnapshotKind,
)
from .helpers import Helpers
from .symbols import BrokenModules, ClassSym, ModuleLoader, SymbolTable
from .types import TypeResolver, state_problems

__all__ = ["BrokenModules", "ModuleLoader", "merge", "resolve"]

SNAPSHOT_METHODS = ("save_snapshot", "load_snapshot")


def resolve(
    scans: Sequence[ModuleScan], load: ModuleLoader, broken: BrokenModules = None
) -> Project:
    """Agents of `scans` (in scan order, classes in file order) plus every dataclass/enum they reach;
    names into `broken` modules (that did not scan) say so instead of "not in the tree"."""
    symbols = SymbolTable(scans, load, broken)
    types = TypeResolver(symbols)
    drafts = [
        _agent(ClassSym(scan, cls), cls.agent, symbols, types)
        for scan in scans
        for cls in scan.classes
        if cls.agent is not None
    ]
    types.drain()
    _load_helpers(drafts, symbols)
    reached = Project((), (), types.dataclasses, types.enums)
    agents = tuple(replace(a, snapshot_kind=_snapshot_kind(a, reached)) for a in drafts)
    return Project(symbols.scans, agents, types.dataclasses, types.enums)


def merge(scans: Sequence[ModuleScan], parts: Sequence[Project]) -> Project:
    """The tree's project from projects resolved apart (a directory each): `scans` then every
    module a part loaded, the parts' agents in order, every dataclass and enum a part reached."""
    merged = list(scans)
    known = {(scan.path, scan.module) for scan in scans}
    dataclasses: dict[str, DataclassInfo] = {}
    enums: dict[str, EnumInfo] = {}
    for part in parts:
        for scan in part.scans:
            if (scan.path, scan.module) not in known:
                known.add((scan.path, scan.module))
                merged.append(scan)
        dataclasses.update(part.dataclasses)
        enums.update(part.enums)
    agents = tuple(agent for part in parts for agent in part.agents)
    return Project(tuple(merged), agents, dataclasses, enums)


def _load_helpers(agents: Sequence[Agent], symbols: SymbolTable) -> None:
    """Load the modules of the helpers agent code calls (methods and field factories), so that
    the checks find them among the Project's scans (GLM033 follows them)."""
    helpers = Helpers(symbols.module)
    for agent in agents:
        calls = [call for method in agent.cls.methods for call in method.calls]
        sites = [(calls, agent.scan)]
        for sym in symbols.mro(ClassSym(agent.scan, agent.cls)):
            sites.append(([c for f in sym.cls.fields for c in f.factory_calls], sym.scan))
        for found, home in sites:
            for _ in helpers.reached(found, home):
                pass


def _agent(sym: ClassSym, decl: AgentDecl, symbols: SymbolTable, types: TypeResolver) -> Agent:
    """The agent as declared; `snapshot_kind` is decided once every reached type is resolved."""
    mro = symbols.mro(sym)
    state = types.state(sym) if sym.cls.is_dataclass else None
    save, load = (_find_method(mro, name) for name in SNAPSHOT_METHODS)
    return Agent(
        scan=sym.scan,
        cls=sym.cls,
        decl=decl,
        type_name=_str_option(decl, "name") or sym.cls.name,
        mode=_str_option(decl, "mode") or "durable",
        snapshotting=_str_option(decl, "snapshotting") or "disabled",
        mount=_str_option(decl, "mount"),
        constructor=_constructor(mro, symbols, types),
        methods=_methods(mro, types),
        state=state,
        save_snapshot=save[1] if save else None,
        load_snapshot=load[1] if load else None,
        snapshot_kind="none",
        state_version=_version_option(decl, "state_version"),
    )


def _str_option(decl: AgentDecl, name: str) -> str | None:
    """The literal str value of a keyword option, or None when absent or not a literal str."""
    for option in decl.options:
        if option.name == name and option.literal and isinstance(option.value, str):
            return option.value
    return None


def _version_option(decl: AgentDecl, name: str) -> int:
    """A literal int >= 1 (not a bool); 1 otherwise (GLM005 reports anything else)."""
    for option in reversed(decl.options):
        if option.name == name:
            value = option.value
            return value if option.literal and type(value) is int and value >= 1 else 1
    return 1


def _find_method(mro: Sequence[ClassSym], name: str) -> tuple[ClassSym, MethodDef] | None:
    """The definition of `name` that wins: the class's own, else the nearest project base's."""
    for cls in mro:
        for method in reversed(cls.cls.methods):
            if method.name == name:
                return cls, method
    return None


def _constructor(
    mro: Sequence[ClassSym], symbols: SymbolTable, types: TypeResolver
) -> tuple[Param, ...]:
    """`__init__` written in the class or the nearest base; a dataclass's generated one otherwise."""
    for cls in mro:
        init = next((m for m in reversed(cls.cls.methods) if m.name == "__init__"), None)
        if init is not None:
            return tuple(_param(p, cls.scan, types) for p in init.params)
        if cls.cls.is_dataclass:
            return _dataclass_init(cls, symbols, types)
    return ()


def _dataclass_init(sym: ClassSym, symbols: SymbolTable, types: TypeResolver) -> tuple[Param, ...]:
    return tuple(
        Param(
            name=field.name,
            type=types.resolve(field.annotation, scan),
            kind="keyword_only" if field.kw_only else "positional",
            has_default=field.has_default or field.default_factory,
            anchor=field.anchor,
            path=scan.path,
        )
        for scan, field in symbols.dataclass_fields(sym)
        if field.init and not field.transient
    )


def _param(param: ParamDef, scan: ModuleScan, types: TypeResolver) -> Param:
    annotation = param.annotation
    ref = types.resolve(annotation, scan) if annotation is not None else None
    return Param(param.name, ref, param.kind, param.has_default, param.anchor, scan.path)


def _methods(mro: Sequence[ClassSym], types: TypeResolver) -> tuple[Method, ...]:
    """Public instance methods; bases first in file order, a subclass's definition wins by name."""
    winners: dict[str, tuple[ClassSym, MethodDef]] = {}
    for cls in reversed(mro):
        for method in cls.cls.methods:
            winners[method.name] = (cls, method)
    return tuple(
        _method(method, cls.scan, types)
        for cls, method in winners.values()
        if method.kind == "instance"
        and not method.name.startswith("_")
        and method.name not in SNAPSHOT_METHODS
    )


def _method(method: MethodDef, scan: ModuleScan, types: TypeResolver) -> Method:
    returns = types.resolve(method.returns, scan) if method.returns is not None else None
    return Method(
        name=method.name,
        params=tuple(_param(p, scan, types) for p in method.params),
        returns=returns,
        is_async=method.is_async,
        endpoints=method.endpoints,
        anchor=method.anchor,
        path=scan.path,
    )


def _snapshot_kind(agent: Agent, project: Project) -> SnapshotKind:
    """A custom pair wins; automatic JSON needs an enabled, serializable dataclass state."""
    if agent.save_snapshot is not None or agent.load_snapshot is not None:
        return "binary"
    if agent.state is not None and agent.snapshotting != "disabled":
        return "json" if not state_problems(agent, project) else "none"
    return "none"

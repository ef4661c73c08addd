"""What one generated golem_agents.py holds: imports, snapshot entry points and AgentType records.

`build_module` turns the agents of one directory into a `ModuleModel`; the templates only lay it
out. Everything here is a pure function of the model (no paths beyond file names, no clock).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from runtime_stub.snapshotting import Disabled, Enabled, EveryN, Periodic, parse_snapshotting

from ..model import Agent, DataclassInfo, Method, Param, Project, TypeRef
from ..resolve.types import serialization_problems, state_problems
from ..state.chain import migrations_of
from .codecs import Codecs
from .names import ImportLine, Names
from .pysource import Fragment, Group, call, fits, long_str, py_str, tuple_of
from .records import Constant, Record, Signature

__all__ = ["AgentEntry", "ModuleModel", "build_module", "package_of"]

VERBS = ("get", "post", "put", "delete", "patch")


@dataclass(frozen=True, slots=True)
class AgentEntry:
    """The wiring of one agent: its two snapshot entry points and its AgentType arguments."""

    cls: str
    snapshot: str
    """"json", "binary" or "none" (the docstrings the template writes depend on it)."""
    save: Signature
    load: Signature
    save_body: tuple[Fragment, ...]
    load_body: tuple[Fragment, ...]
    arguments: tuple[tuple[str, Fragment], ...]


@dataclass(frozen=True, slots=True)
class ModuleModel:
    """Everything the template lays out for one directory."""

    sources: tuple[str, ...]
    """The agent modules of the directory (file names), then the other packages' modules it reads."""
    imports: tuple[ImportLine, ...]
    records: tuple[Record, ...]
    agents: tuple[AgentEntry, ...]


def package_of(agent: Agent) -> str:
    """The package the agent's directory is ("" for a directory without __init__.py)."""
    if PurePath(agent.scan.path).name == "__init__.py":
        return agent.scan.module
    return agent.scan.module.rpartition(".")[0]


def build_module(project: Project, agents: Sequence[Agent]) -> ModuleModel:
    """The generated module of the directory holding `agents` (all from one directory)."""
    ordered = sorted(agents, key=lambda a: (a.scan.module, _position(a)))
    names = Names()
    classes = [names.user_class(a.scan.module, a.cls.name) for a in ordered]
    codecs = Codecs(project, names)
    entries = tuple(
        _entry(a, cls, project, codecs, names) for a, cls in zip(ordered, classes, strict=True)
    )
    records = codecs.records()
    signatures = [e.save for e in entries] + [e.load for e in entries]
    signatures += [r.signature for r in records if hasattr(r, "signature")]
    if any(s.needs_any for s in signatures):
        names.stdlib("Any")
    names.keep_stdlib(_annotation_text(signatures, records))
    files = sorted({PurePath(a.scan.path).name for a in ordered})
    package = package_of(ordered[0]) if ordered else ""
    imports = names.imports(package)
    return ModuleModel((*files, *_other_packages(imports, package)), imports, records, entries)


def _other_packages(imports: Sequence[ImportLine], package: str) -> list[str]:
    """The modules of other packages the wiring reads types from (named in the header too, so
    a change there visibly makes this module stale)."""
    found = set()
    for line in imports:
        here = line.module.startswith(".") and "." not in line.module[1:]
        if line.group != "user" or here or (not package and "." not in line.module):
            continue  # a module of this very directory (a package's, or a plain directory's)
        found.add(_absolute(line.module, package))
    return sorted(found)


def _absolute(module: str, package: str) -> str:
    if not module.startswith("."):
        return module
    level = len(module) - len(module.lstrip("."))
    base = package.split(".")[: max(len(package.split(".")) - level + 1, 0)] if package else []
    return ".".join([*base, module.lstrip(".")]) if module.lstrip(".") else ".".join(base)


def _annotation_text(signatures: Sequence[Signature], records: Sequence[Record]) -> str:
    """Every annotation the module writes: the only places standard-library names appear (an
    import of a name they do not mention would be unused, ruff's F401)."""
    texts = [s.text() for s in signatures]
    texts += [r.annotation for r in records if isinstance(r, Constant)]
    return "\n".join(texts)


def _position(agent: Agent) -> int:
    return next(i for i, cls in enumerate(agent.scan.classes) if cls.name == agent.cls.name)


def _entry(agent: Agent, cls: str, project: Project, codecs: Codecs, names: Names) -> AgentEntry:
    save_name = names.claim(f"_save_snapshot_{cls}", "_save_snapshot")
    load_name = names.claim(f"_load_snapshot_{cls}", "_load_snapshot")
    save = Signature(save_name, (f"agent: {cls}",), "_rt.Snapshot")
    load = Signature(load_name, (f"agent: {cls}", "payload: bytes"), "None")
    type_name = py_str(agent.type_name)
    kind, save_body, load_body = _snapshot_bodies(agent, cls, project, codecs, type_name)
    arguments = _arguments(agent, cls, save_name, load_name, _Decoders(project, codecs))
    return AgentEntry(cls, kind, save, load, save_body, load_body, arguments)


def _snapshot_bodies(
    agent: Agent, cls: str, project: Project, codecs: Codecs, type_name: str
) -> tuple[str, tuple[Fragment, ...], tuple[Fragment, ...]]:
    """(snapshot kind, save body, load body) of the agent's two snapshot entry points."""
    if agent.snapshot_kind == "json" and agent.state is not None:
        state_save, state_load = codecs.agent_state(agent.state, cls)
        versions = _versions(agent, cls, codecs)
        save_body = (call("return _sj.save", state_save, "agent", type_name, *versions[:1]),)
        return "json", save_body, _json_load_body(agent.state, (state_load, type_name, *versions))
    if agent.snapshot_kind == "binary":
        save_body = (call("return _sj.save_custom", "agent.save_snapshot", type_name),)
        load_body = (call("_sj.load_custom", "agent.load_snapshot", "payload", type_name),)
        return "binary", save_body, load_body
    reason = long_str(_no_snapshot_reason(agent, project), 8)  # an argument inside a `def`
    refusal = call("raise _sj.unsupported", type_name, reason)
    return "none", (refusal,), (refusal,)


def _versions(agent: Agent, cls: str, codecs: Codecs) -> tuple[Fragment, ...]:
    """The state version and migrations `_sj.save`/`_sj.load` take; () at version 1 (SPEC §10)."""
    migrations = sorted(
        (m.from_version, m.method.name)
        for m in migrations_of(agent)
        if m.from_version is not None and m.from_version < agent.state_version
    )
    if agent.state_version == 1 and not migrations:
        return ()
    if not migrations:
        return (str(agent.state_version),)
    table = codecs.names.claim(f"_MIGRATIONS_{cls}", "_MIGRATIONS")
    entries = tuple(f"{version}: {cls}.{name}" for version, name in migrations)
    codecs.constants.append(Constant(table, Group("", entries, "{}")))
    return (str(agent.state_version), table)


def _json_load_body(state: DataclassInfo, arguments: tuple[Fragment, ...]) -> tuple[Fragment, ...]:
    """Decode everything first (`_sj.load` raises before any assignment), then assign."""
    stored = [f.name for f in state.fields if not f.transient]
    if not stored:
        return (call("_sj.load", "payload", *arguments),)
    assignments: list[Fragment] = []
    for index, name in enumerate(stored):
        if state.frozen:
            assignments.append(call("object.__setattr__", "agent", py_str(name), f"state[{index}]"))
        elif fits(f"agent.{name} = state[{index}]", 4):
            assignments.append(f"agent.{name} = state[{index}]")
        else:  # ruff would wrap a long right-hand side in parentheses; a call stays as written
            assignment = call("object.__setattr__", "agent", py_str(name), f"state[{index}]")
            assignments.append(assignment)
    return (call("state = _sj.load", "payload", *arguments), *assignments)


@dataclass(frozen=True, slots=True)
class _Decoders:
    """The decoders of constructor and method values, generated like the state codecs."""

    project: Project
    codecs: Codecs

    def of(self, ref: TypeRef | None) -> Fragment | None:
        """The decoder of a declared type; None when unannotated, `None` or not serializable."""
        if ref is None or ref.kind == "none" or serialization_problems(ref, self.project, ""):
            return None
        return self.codecs.load_callable(self.codecs.codec(ref))


def _arguments(
    agent: Agent, cls: str, save: str, load: str, decoders: _Decoders
) -> tuple[tuple[str, Fragment], ...]:
    """The AgentType(...) keyword arguments, in the record's field order."""
    formats = {"json": py_str("json"), "binary": py_str("binary")}
    return (
        ("type_name", py_str(agent.type_name)),
        ("agent_class", cls),
        ("constructor", _params(agent.constructor, decoders)),
        ("methods", tuple_of([_method(m, decoders) for m in agent.methods])),
        ("mode", py_str(agent.mode)),
        ("mount", "None" if agent.mount is None else py_str(agent.mount)),
        ("endpoints", tuple_of(_endpoints(agent))),
        ("snapshotting", policy_expression(agent.snapshotting)),
        ("snapshot_format", formats.get(agent.snapshot_kind, "None")),
        ("save_snapshot", save),
        ("load_snapshot", load),
        *((("state_version", str(agent.state_version)),) if agent.state_version != 1 else ()),
    )


def _params(params: Sequence[Param], decoders: _Decoders) -> Fragment:
    return tuple_of([_param(p, decoders.of(p.type)) for p in params])


def _param(param: Param, decoder: Fragment | None) -> Fragment:
    decoded = () if decoder is None else (decoder,)
    return call("_rt.ParamInfo", py_str(param.name), py_str(_text(param)), *decoded)


def _text(param: Param) -> str:
    return param.type.text if param.type is not None else ""


def _method(method: Method, decoders: _Decoders) -> Fragment:
    returns = method.returns.text if method.returns is not None else ""
    decoder = decoders.of(method.returns)
    result = () if decoder is None else (f"decode_result={decoder}",)
    return call(
        "_rt.MethodInfo",
        py_str(method.name),
        _params(method.params, decoders),
        py_str(returns),
        f"is_async={method.is_async}",
        *result,
    )


def _endpoints(agent: Agent) -> list[Fragment]:
    found: list[Fragment] = []
    for method in agent.methods:
        for endpoint in method.endpoints:
            for option in endpoint.options:
                if option.name in VERBS and isinstance(option.value, str):
                    path = full_path(agent.mount or "", option.value)
                    found.append(
                        call(
                            "_rt.EndpointInfo",
                            py_str(option.name),
                            py_str(path),
                            py_str(method.name),
                        )
                    )
    return found


def full_path(mount: str, path: str) -> str:
    """The endpoint path under the agent's mount (`/counters/{name}` + `/increment`)."""
    if not mount or mount == "/":
        return path
    return mount.rstrip("/") + ("" if path == "/" else path)


def policy_expression(snapshotting: str) -> str:
    """The runtime policy object as Python source (`_rt.EveryN(10)`, periodic in nanoseconds)."""
    policy = parse_snapshotting(snapshotting)
    if isinstance(policy, EveryN):
        return f"_rt.EveryN({policy.count})"
    if isinstance(policy, Periodic):
        return f"_rt.Periodic({policy.nanos:_})"
    return "_rt.Enabled()" if isinstance(policy, Enabled) else "_rt.Disabled()"


_BOTH_WAYS = (
    "make the agent a @dataclass whose fields are serializable and enable snapshotting "
    "(automatic JSON snapshots), or define save_snapshot(self) -> bytes and "
    "load_snapshot(self, data: bytes) -> None"
)


def _no_snapshot_reason(agent: Agent, project: Project) -> str:
    """Why an agent has no snapshot support, and the two ways to add it."""
    if agent.state is None:
        return (
            f"it is not a dataclass and defines no save_snapshot/load_snapshot pair; {_BOTH_WAYS}"
        )
    problems = state_problems(agent, project)
    if problems:
        where, why, _ = problems[0]
        return f"state field {where} cannot be serialized ({why}); {_BOTH_WAYS}"
    if isinstance(parse_snapshotting(agent.snapshotting), Disabled):
        return (
            'snapshotting is "disabled"; set @agent(snapshotting="enabled"), "every(N)" or '
            '"periodic(D)" for automatic JSON snapshots, or define save_snapshot/load_snapshot'
        )
    return _BOTH_WAYS  # pragma: no cover - the resolver gives such agents "json"

"""What every check family needs: building findings for an agent, reading options, finding files."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from ..diagnostics import Finding
from ..model import (
    Agent,
    Anchor,
    ClassDef,
    DataclassInfo,
    MethodDef,
    ModuleScan,
    Option,
    Project,
    StateField,
    TypeRef,
)
from ..resolve.types import _MAY_FAIL as MAY_FAIL
from ..resolve.types import _children as children

__all__ = [
    "RESOURCES",
    "Problem",
    "declared_in",
    "describe_type_problems",
    "finding",
    "is_resource",
    "located_problems",
    "merge_repeats",
    "method_file",
    "option",
    "own_and_base_classes",
]


RESOURCES = (
    "threading.",
    "multiprocessing.",
    "asyncio.",
    "socket.",
    "sqlite3.",
    "subprocess.",
    "io.",
    "typing.IO",
    "typing.TextIO",
    "typing.BinaryIO",
    "logging.",
    "concurrent.futures.",
    "http.client.",
    "requests.",
    "httpx.",
    "aiohttp.",
)
"""Prefixes of types that hold a resource (a lock, a connection, a file): not state at all."""


def is_resource(reason: str) -> bool:
    """Whether a serialization problem is about a resource type, best left out with transient()."""
    return reason.startswith(RESOURCES)


def finding(agent: Agent, code: str, message: str, anchor: Anchor, path: str = "") -> Finding:
    """A finding about `agent`, suppressible on its decorator line when it is in the agent's file."""
    where = path or agent.scan.path
    suppress = agent.decl.anchor if where == agent.scan.path else None
    return Finding(code, f"{agent.cls.name}: {message}", where, anchor, suppress_anchor=suppress)


def merge_repeats(findings: list[Finding]) -> list[Finding]:
    """One finding per problem: the same report at the same place for several agents (a base
    class's member they all inherit) becomes one, naming every agent (`A, B: message`)."""
    groups: dict[tuple[str, str, Anchor | None, str], list[Finding]] = {}
    for found in findings:
        rest = found.message.partition(": ")[2]
        groups.setdefault((found.code, found.path, found.anchor, rest), []).append(found)
    merged = []
    for (_, _, _, rest), group in groups.items():
        first = group[0]
        if len(group) == 1 or first.anchor is None:
            merged += group if first.anchor is None else [first]
            continue
        owners = dict.fromkeys(f.message.partition(": ")[0] for f in group)
        related = dict.fromkeys(r for f in group for r in f.related)
        suppress = {f.suppress_anchor for f in group}
        merged.append(
            replace(
                first,
                message=f"{', '.join(owners)}: {rest}",
                related=tuple(related),
                suppress_anchor=first.suppress_anchor if len(suppress) == 1 else None,
            )
        )
    return merged


def option(options: tuple[Option, ...], name: str) -> Option | None:
    """The keyword option `name` as written (the last one wins, as Python would refuse a repeat)."""
    found = None
    for candidate in options:
        if candidate.name == name:
            found = candidate
    return found


def describe_type_problems(ref: TypeRef, project: Project, where: str) -> str:
    """`reason` for a type that fails as a whole, else `at "path": reason; ...` for its parts.
    Problems inside project dataclasses are left out: checks/nested.py reports them once."""
    problems = [p for p in located_problems(ref, project, where) if p.field is None]
    return "; ".join(
        p.reason if p.where == where else f'at "{p.where}": {p.reason}' for p in problems
    )


@dataclass(frozen=True, slots=True)
class Problem:
    """A part of a type that cannot be serialized, and the project dataclass field declaring it
    (None when the annotation being checked holds it itself)."""

    where: str
    reason: str
    owner: DataclassInfo | None = None
    field: StateField | None = None
    inner: str = ""
    """The path below `field` (`[]`, `{key}`) or ""."""


_MEMO: list[tuple[Project, dict[tuple[TypeRef, str], list[Problem]]]] = []
"""The answers for the last project: three checks ask about each annotation."""


def located_problems(ref: TypeRef, project: Project, where: str) -> list[Problem]:
    """`_located_problems`, remembered for the last project."""
    if not ref.args and ref.kind not in MAY_FAIL:
        return []  # a plain value type: the common case, kept cheap
    if not _MEMO or _MEMO[0][0] is not project:
        _MEMO[:] = [(project, {})]
    memo = _MEMO[0][1]
    key = (ref, where)
    if key not in memo:
        memo[key] = _located_problems(ref, project, where)
    return memo[key]


def _located_problems(ref: TypeRef, project: Project, where: str) -> list[Problem]:
    """Like `serialization_problems`, with the innermost dataclass field holding each problem.

    The walk mirrors resolve.types.serialization_problems (paths `.field`, `[]`, `[0]`, `{key}`;
    a recursive dataclass explored once) and keeps the field it entered last.
    """
    problems: list[Problem] = []
    seen: set[str] = set()
    stack: list[tuple[str, TypeRef, Problem]] = [(where, ref, Problem(where, ""))]
    while stack:
        path, current, owner = stack.pop()
        if current.kind == "unsupported":
            inner = path[len(owner.where) :] if owner.field is not None else ""
            problems.append(Problem(path, current.reason, owner.owner, owner.field, inner))
        elif current.kind == "dataclass" and current.name not in seen:
            seen.add(current.name)
            info = project.dataclasses.get(current.name)
            if info is None:
                problems.append(Problem(path, f"dataclass {current.name} was not resolved"))
                continue
            for f in reversed([f for f in info.fields if not f.transient]):
                inner_path = f"{path}.{f.name}" if path else f.name
                stack.append((inner_path, f.type, Problem(inner_path, "", info, f)))
        elif current.kind == "enum" and current.name not in project.enums:
            problems.append(Problem(path, f"enum {current.name} was not resolved"))
        else:
            stack.extend((p, r, owner) for p, r in reversed(children(path, current)))
    return problems


def declared_in(agent: Agent, project: Project, path: str, anchor: Anchor) -> ClassDef | None:
    """The base class declaring a member the agent inherits from another class, else None."""
    for scan, cls in own_and_base_classes(agent, project):
        if cls is agent.cls:
            continue
        anchors = {f.anchor for f in cls.fields} | {m.anchor for m in cls.methods}
        if scan.path == path and anchor in anchors:
            return cls
    return None


def own_and_base_classes(agent: Agent, project: Project) -> Iterator[tuple[ModuleScan, ClassDef]]:
    """The agent class, then its project base classes depth-first (each once)."""
    classes = _index(project)
    pending = [(agent.scan, agent.cls)]
    seen: set[str] = set()
    while pending:
        scan, cls = pending.pop(0)
        if cls.qualname in seen:
            continue
        seen.add(cls.qualname)
        yield scan, cls
        bases = [classes.find(base) for base in cls.bases]
        pending[0:0] = [base for base in bases if base is not None]


_LAST: list[tuple[Project, _ClassIndex]] = []
"""The index of the last project asked about: the checks ask once per agent."""


def _index(project: Project) -> _ClassIndex:
    if not _LAST or _LAST[0][0] is not project:
        _LAST[:] = [(project, _ClassIndex(project))]
    return _LAST[0][1]


class _ClassIndex:
    """Project classes by qualified name, following re-exports (`pkg.Base` -> `pkg.base.Base`)."""

    def __init__(self, project: Project) -> None:
        self._classes = {c.qualname: (scan, c) for scan in project.scans for c in scan.classes}
        self._imports = {scan.module: dict(scan.imports) for scan in project.scans}

    def find(self, qualname: str) -> tuple[ModuleScan, ClassDef] | None:
        for _ in range(8):  # re-export chains are short; this also ends import cycles
            if qualname in self._classes:
                return self._classes[qualname]
            module, _, name = qualname.rpartition(".")
            target = self._imports.get(module, {}).get(name)
            if target is None:
                return None
            qualname = target
        return None


def method_file(agent: Agent, project: Project, method: MethodDef) -> str | None:
    """The file declaring `method` (an inherited snapshot method may live in another module).

    None when the declaring class cannot be found: then the method's anchors index an unknown
    file's nodes, and findings should go to the agent's class name instead.
    """
    classes = list(own_and_base_classes(agent, project))
    for same in (lambda a, b: a is b, lambda a, b: a == b):
        for scan, cls in classes:
            if any(same(candidate, method) for candidate in cls.methods):
                return scan.path
    return None

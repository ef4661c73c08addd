"""What every check family needs: building findings for an agent, reading options, finding files."""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Finding
from ..model import Agent, Anchor, ClassDef, MethodDef, ModuleScan, Option, Project, TypeRef
from ..types import serialization_problems

__all__ = [
    "describe_type_problems",
    "finding",
    "method_def_path",
    "option",
    "own_and_base_classes",
]


def finding(agent: Agent, code: str, message: str, anchor: Anchor, path: str = "") -> Finding:
    """A finding about `agent`, suppressible on its decorator line when it is in the agent's file."""
    where = path or agent.scan.path
    suppress = agent.decl.anchor if where == agent.scan.path else None
    return Finding(code, f"{agent.cls.name}: {message}", where, anchor, suppress_anchor=suppress)


def option(options: tuple[Option, ...], name: str) -> Option | None:
    """The keyword option `name` as written (the last one wins, as Python would refuse a repeat)."""
    found = None
    for candidate in options:
        if candidate.name == name:
            found = candidate
    return found


def describe_type_problems(ref: TypeRef, project: Project, where: str) -> str:
    """`reason` for a type that fails as a whole, else `at "path": reason; ...` for its parts."""
    problems = serialization_problems(ref, project, where)
    return "; ".join(
        reason if path == where else f'at "{path}": {reason}' for path, reason in problems
    )


def own_and_base_classes(agent: Agent, project: Project) -> Iterator[tuple[ModuleScan, ClassDef]]:
    """The agent class, then its project base classes depth-first (each once)."""
    by_qualname = {cls.qualname: (scan, cls) for scan in project.scans for cls in scan.classes}
    pending = [(agent.scan, agent.cls)]
    seen: set[str] = set()
    while pending:
        scan, cls = pending.pop(0)
        if cls.qualname in seen:
            continue
        seen.add(cls.qualname)
        yield scan, cls
        pending[0:0] = [by_qualname[base] for base in cls.bases if base in by_qualname]


def method_def_path(agent: Agent, project: Project, method: MethodDef) -> str:
    """The file declaring `method` (inherited snapshot methods may live in another module)."""
    classes = list(own_and_base_classes(agent, project))
    for same in (lambda a, b: a is b, lambda a, b: a == b):
        for scan, cls in classes:
            if any(same(candidate, method) for candidate in cls.methods):
                return scan.path
    return agent.scan.path

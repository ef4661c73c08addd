"""What every check family needs: building findings for an agent, reading options, finding files."""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Finding
from ..model import Agent, Anchor, ClassDef, MethodDef, ModuleScan, Option, Project, TypeRef
from ..resolve.types import serialization_problems

__all__ = [
    "describe_type_problems",
    "finding",
    "method_file",
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
    classes = _ClassIndex(project)
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

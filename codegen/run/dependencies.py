"""Which source files a directory's generated module depends on (for the render cache)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..model import Agent, Project, TypeRef

__all__ = ["render_inputs"]


def render_inputs(agents: Sequence[Agent], project: Project) -> set[str]:
    """Paths of the agents' modules, of the files declaring their members, and of every
    dataclass and enum their state and signatures reach (transitively)."""
    path_of_module = {scan.module: scan.path for scan in project.scans}
    paths: set[str] = set()
    pending: list[TypeRef] = []
    for agent in agents:
        paths.add(agent.scan.path)
        paths.update(param.path for param in agent.constructor)
        for method in agent.methods:
            paths.update(param.path for param in method.params)
            pending.extend(p.type for p in method.params if p.type is not None)
            pending.extend([method.returns] if method.returns is not None else [])
        pending.extend(p.type for p in agent.constructor if p.type is not None)
        if agent.state is not None:
            paths.update(field.path for field in agent.state.fields)
            pending.extend(field.type for field in agent.state.fields)
    seen: set[str] = set()
    while pending:
        for ref in _walk(pending.pop()):
            if ref.name in seen or ref.kind not in ("dataclass", "enum"):
                continue
            seen.add(ref.name)
            if ref.kind == "enum" and ref.name in project.enums:
                paths.add(path_of_module.get(project.enums[ref.name].module, ""))
            info = project.dataclasses.get(ref.name) if ref.kind == "dataclass" else None
            if info is not None:
                paths.update(field.path for field in info.fields)
                pending.extend(field.type for field in info.fields)
    paths.discard("")
    return paths


def _walk(ref: TypeRef) -> Iterator[TypeRef]:
    yield ref
    for arg in ref.args:
        yield from _walk(arg)

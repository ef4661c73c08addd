"""GLM003/GLM010/GLM011 inside project dataclasses: one report per bad field, where it is written.

A type problem inside a project dataclass (`Item.owner: Owner`) is fixed at that field, whichever
agents reach it. It is reported once, at the field, with each agent state field, constructor or
method parameter and return that reaches it as a related location; the per-agent checks leave it
out. The code is the lowest of the uses (GLM003 for a state, GLM010 for a constructor, GLM011 for
a method), so selecting or ignoring a code behaves as for the agents' own problems.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..diagnostics import Finding, Related
from ..model import Agent, Anchor, Project, TypeRef
from .common import Problem, is_resource, located_problems
from .snapshot import snapshots_automatically

__all__ = ["NestedUse", "check_nested_types", "nested_uses"]


@dataclass(frozen=True, slots=True)
class _Place:
    """An annotation of an agent that the checks hold to the supported types."""

    code: str
    label: str
    ref: TypeRef
    where: str
    path: str
    anchor: Anchor


NestedUse = tuple[_Place, Problem]
"""An agent's annotation reaching a bad field of a project dataclass, and the problem there."""


def nested_uses(project: Project) -> list[NestedUse]:
    """Every use of a bad field of a project dataclass by the project's agents."""
    return [
        (place, problem)
        for agent in project.agents
        for place in _places(agent)
        for problem in located_problems(place.ref, project, place.where)
        if problem.field is not None
    ]


def check_nested_types(uses: Sequence[NestedUse]) -> list[Finding]:
    """One finding per bad field of a project dataclass that some agent reaches."""
    by_field: dict[tuple[str, Anchor], list[NestedUse]] = {}
    for place, problem in uses:
        assert problem.field is not None  # nested_uses keeps field problems only
        by_field.setdefault((problem.field.path, problem.field.anchor), []).append((place, problem))
    return [_finding(group) for group in by_field.values()]


def _places(agent: Agent) -> Iterator[_Place]:
    name = agent.cls.name
    if agent.state is not None and snapshots_automatically(agent):
        for field in agent.state.fields:
            if not field.transient:
                label = f'{name} field "state.{field.name}"'
                yield _Place("GLM003", label, field.type, field.name, field.path, field.anchor)
    for param in agent.constructor:
        if param.type is not None:
            label = f'{name} constructor parameter "{param.name}"'
            yield _Place("GLM010", label, param.type, param.name, param.path, param.anchor)
    for method in agent.methods:
        path = method.path or agent.scan.path
        for param in method.params:
            if param.type is not None:
                label = f'{name}.{method.name} parameter "{param.name}"'
                yield _Place("GLM011", label, param.type, param.name, path, param.anchor)
        if method.returns is not None:
            label = f"{name}.{method.name} return"
            yield _Place("GLM011", label, method.returns, "return", path, method.anchor)


def _finding(group: list[tuple[_Place, Problem]]) -> Finding:
    """The one report of a bad dataclass field: its reasons, its users, the fix where it is."""
    first = group[0][1]
    assert first.owner is not None and first.field is not None  # grouped by field
    field, owner = first.field, first.owner
    reasons = list(dict.fromkeys(_reason(field.name, problem) for _, problem in group))
    paths: dict[str, list[str]] = {}
    for place, problem in group:
        paths.setdefault(place.label, []).append(problem.where)
    users = [f"{label} ({', '.join(dict.fromkeys(where))})" for label, where in paths.items()]
    code = min(place.code for place, _ in group)
    fix = (
        "it holds a resource, not state: mark the field transient() to leave it out"
        if all(is_resource(problem.reason) for _, problem in group)
        else "use a supported type here (or mark the field transient() to leave it out)"
    )
    message = (
        f'{owner.name}.{field.name}: field "{field.name}" of dataclass {owner.name} cannot be '
        f"serialized: {'; '.join(reasons)}; {fix} — it is used by {', '.join(users)}"
    )
    related: dict[tuple[str, Anchor], Related] = {}
    for place, _ in group:
        key = (place.path, place.anchor)
        related.setdefault(key, Related(f"used by {place.label}", place.path, place.anchor))
    return Finding(code, message, field.path, field.anchor, related=tuple(related.values()))


def _reason(name: str, problem: Problem) -> str:
    return f'"{name}{problem.inner}": {problem.reason}' if problem.inner else problem.reason

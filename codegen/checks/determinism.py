"""GLM033: non-deterministic calls in durable agents — in methods, in the helpers they call, and in
the `default_factory` of state fields (the constructor runs again when replay recovers an agent).

Calls inside the arguments of `durable_call(...)` (lambdas included) are the recommended fix and
are not reported; neither is a seeded `random.Random(seed)`. A helper's non-deterministic call is
reported at the agent code's call of the helper (the line that decides whether it is replayed),
with the helper's own call as a related location: the helper may also serve code that is no agent.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from ..diagnostics import Finding, Related
from ..model import Agent, CallSite, FieldDef, MethodDef, ModuleScan, Project
from ..resolve.helpers import HELPER_DEPTH, Helper, Helpers
from .common import finding, own_and_base_classes
from .durability import RANDOM, durable_stand_in

__all__ = ["check_determinism", "non_deterministic"]

SEEDED = "random.Random"
REPLAYED = "replaying the agent after a crash would see another value"


@dataclass(frozen=True, slots=True)
class _Chain:
    """Helpers from an agent's call down to the non-deterministic call one of them makes."""

    helpers: tuple[Helper, ...]
    call: CallSite
    stand_in: str


def non_deterministic(call: CallSite) -> str | None:
    """The durable stand-in for a non-deterministic call, None when the call is deterministic or
    its result is recorded (inside `durable_call(...)`) or seeded (`random.Random(seed)`)."""
    name = call.name.removeprefix("builtins.")
    if call.durable:
        return None
    if name == SEEDED:
        return None if call.args or call.keywords else f"{RANDOM}, or seed it: random.Random(seed)"
    return durable_stand_in(name)


def check_determinism(agent: Agent, project: Project) -> list[Finding]:
    """GLM033 for a durable agent: its methods' calls (migrations aside) and its fields' factories."""
    if agent.mode == "ephemeral":
        return []
    helpers = _helpers(project)
    findings: list[Finding] = []
    for scan, method in _methods(agent, project):
        if method.migration is None:  # GLM052 holds migrations to a stricter rule
            where = f'in method "{method.name}"'
            for call in method.calls:
                findings += _call(agent, scan, call, where, helpers)
    for scan, field in _state_fields(agent, project):
        where = f'in the default_factory of field "state.{field.name}"'
        for call in field.factory_calls:
            findings += _call(agent, scan, call, where, helpers, factory=True)
    return findings


_LAST: list[tuple[Project, Helpers]] = []
"""The helper index of the last project: the check runs once per agent."""


def _helpers(project: Project) -> Helpers:
    if not _LAST or _LAST[0][0] is not project:
        scans: dict[str, ModuleScan] = {}
        for scan in project.scans:
            scans.setdefault(scan.module, scan)
        _LAST[:] = [(project, Helpers(scans.get))]
    return _LAST[0][1]


def _call(
    agent: Agent,
    scan: ModuleScan,
    call: CallSite,
    where: str,
    helpers: Helpers,
    *,
    factory: bool = False,
) -> list[Finding]:
    why = (
        "the constructor runs again when replay recovers the agent after a crash, so the field "
        "would get another value"
        if factory
        else REPLAYED
    )
    stand_in = non_deterministic(call)
    if stand_in is not None:
        name = call.name.removeprefix("builtins.")
        message = (
            f"{name}() {where} is not deterministic: {why}; use the durable stand-in {stand_in}"
        )
        if factory and stand_in.endswith("()"):
            message += f" (a factory too: default_factory={stand_in.removesuffix('()')})"
        return [finding(agent, "GLM033", message, call.anchor, scan.path)]
    if call.durable:
        return []
    chain = _chain(call, scan, helpers, HELPER_DEPTH)
    if chain is None:
        return []
    through = " -> ".join(f"{h.scan.module}.{h.function.name}()" for h in chain.helpers)
    inner = chain.call.name.removeprefix("builtins.")
    message = (
        f"{through} {where} calls {inner}(), which is not deterministic: {why}; call the helper "
        f"through durable_call({call.name.rpartition('.')[2]}, ...) so that replay reads the "
        f"recorded result, or use the durable stand-in {chain.stand_in} inside it"
    )
    last = chain.helpers[-1]
    note = f"{inner}() is called here, in {last.function.name}()"
    related = (Related(note, last.scan.path, anchor=chain.call.anchor),)
    return [replace(finding(agent, "GLM033", message, call.anchor, scan.path), related=related)]


def _chain(call: CallSite, home: ModuleScan, helpers: Helpers, depth: int) -> _Chain | None:
    """The first non-deterministic call reached through the helper `call` leads to, if any."""
    helper = helpers.find(call.name, home) if depth > 0 else None
    if helper is None:
        return None
    for inner in helper.function.calls:
        stand_in = non_deterministic(inner)
        if stand_in is not None:
            return _Chain((helper,), inner, stand_in)
    for inner in helper.function.calls:
        deeper = None if inner.durable else _chain(inner, helper.scan, helpers, depth - 1)
        if deeper is not None:
            return _Chain((helper, *deeper.helpers), deeper.call, deeper.stand_in)
    return None


def _methods(agent: Agent, project: Project) -> Iterator[tuple[ModuleScan, MethodDef]]:
    """The methods the agent runs: its own, then those it inherits (the nearest one wins)."""
    yield from ((agent.scan, method) for method in agent.cls.methods)
    if not agent.cls.bases:
        return
    seen = {method.name for method in agent.cls.methods}
    for scan, cls in own_and_base_classes(agent, project):
        for method in cls.methods if cls is not agent.cls else ():
            if method.name not in seen:
                seen.add(method.name)
                yield scan, method


def _state_fields(agent: Agent, project: Project) -> Iterator[tuple[ModuleScan, FieldDef]]:
    """The declarations of the agent's non-transient state fields (inherited ones included)."""
    if agent.state is None:
        return
    wanted = {(f.path, f.anchor) for f in agent.state.fields if not f.transient}
    own = {(agent.scan.path, f.anchor) for f in agent.cls.fields}
    if wanted <= own and not any(f.factory_calls for f in agent.cls.fields):
        return  # every field is the class's own, and none has a default_factory
    for scan, cls in own_and_base_classes(agent, project):
        for field in cls.fields:
            if (scan.path, field.anchor) in wanted:
                yield scan, field

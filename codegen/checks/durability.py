"""GLM030-GLM032: misuse of the durability controls (GLM033, non-deterministic calls: determinism.py).

Callees are the qualified dotted names the scanner records (`time.time`, `self.items.append`,
`runtime_stub.durable_call`); calls are recorded for the methods of agent classes only, so the
checks look at the agent class's own methods.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

from runtime_stub.durability import idempotence_mode, persistence_level

from ..diagnostics import Finding
from ..model import Agent, AtomicRegion, CallSite, MethodDef, Project
from .common import finding
from .effects import EffectModel

__all__ = ["check_durability", "durable_stand_in"]

NOW, RANDOM, UUID = "runtime_stub.now()", "runtime_stub.random()", "runtime_stub.uuid4()"
_STAND_INS: dict[str, str | None] = {
    **dict.fromkeys(
        (
            "time.time",
            "time.time_ns",
            "time.monotonic",
            "time.monotonic_ns",
            "time.perf_counter",
            "time.perf_counter_ns",
            "time.process_time",
            "time.process_time_ns",
            "datetime.datetime.now",
            "datetime.datetime.utcnow",
            "datetime.datetime.today",
            "datetime.date.today",
        ),
        NOW,
    ),
    "uuid.uuid1": UUID,
    "uuid.uuid4": UUID,
    "os.urandom": "durable_call(os.urandom, n)",
    "os.getrandom": "durable_call(os.getrandom, n)",
    **dict.fromkeys(("random.random", "random.Random", "random.SystemRandom"), RANDOM),
    "secrets.SystemRandom": RANDOM,
    "random.shuffle": f"random.Random({RANDOM}).shuffle(...)",  # in place: nothing to record
    "secrets.compare_digest": None,  # a constant-time comparison: deterministic
}
_RECORDED_MODULES = ("random.", "secrets.")
"""Functions of these modules are recorded as they are: `durable_call(random.randint, 1, 6)`."""


def _first_parameter(control: Callable[..., object]) -> str:
    """The name of a control's first parameter, read from the runtime so the two cannot drift."""
    return next(iter(inspect.signature(control).parameters))


LEVEL = _first_parameter(persistence_level)
"""`persistence_level(level=...)`."""
ENABLED = _first_parameter(idempotence_mode)
"""`idempotence_mode(enabled=...)`."""


def durable_stand_in(callee: str) -> str | None:
    """The durable replacement for a non-deterministic callee, or None if it is deterministic."""
    if callee in _STAND_INS:
        return _STAND_INS[callee]
    return f"durable_call({callee}, ...)" if callee.startswith(_RECORDED_MODULES) else None


def check_durability(agent: Agent, project: Project, golem_version: str = "1.6") -> list[Finding]:
    """GLM030-GLM032 over every method the agent class itself defines (migrations aside)."""
    effects = EffectModel(agent, project)
    findings: list[Finding] = []
    for method in agent.cls.methods:
        if method.migration is not None:
            continue  # migrations run while loading: GLM052 holds them to a stricter rule
        regions = [_region(agent, method, region, effects) for region in method.atomic_regions]
        findings += [f for f in regions if f is not None]
        findings += [
            f for call in method.calls for f in _call(agent, method, call, effects, golem_version)
        ]
    return findings


def _region(
    agent: Agent, method: MethodDef, region: AtomicRegion, effects: EffectModel
) -> Finding | None:
    """GLM030: an atomic region without any call that can have an external effect."""
    if any(effects.external(call) for call in region.calls):
        return None
    message = (
        f'atomically() region in method "{method.name}" contains no call that can have an '
        "external effect (only in-memory updates, which replay rebuilds anyway); remove "
        "atomically(), or move the external calls that must happen together into it"
    )
    return finding(agent, "GLM030", message, region.anchor)


def _call(
    agent: Agent, method: MethodDef, call: CallSite, effects: EffectModel, golem_version: str
) -> list[Finding]:
    """GLM031 / GLM032 for control misuse."""
    name = effects.normalize(call.name)
    where = f'in method "{method.name}"'
    if name == "runtime_stub.persistence_level":
        level = _first(call, LEVEL)
        if golem_version != "1.5":
            shown = level.rpartition(".")[2] or "..."
            message = (
                f"persistence_level({shown}) {where}: Golem 1.6 removed persistence levels; "
                "remove the call (to cut replay cost, set snapshotting on the agent instead), or "
                'target Golem 1.5 with golem-version = "1.5"'
            )
            return [finding(agent, "GLM031", message, call.anchor)]
        if level.endswith("PersistenceLevel.PERSIST_NOTHING"):
            message = (
                f"persistence_level(PersistenceLevel.PERSIST_NOTHING) {where}: the oplog entries "
                "are still written, but replay does not use them, so after a crash those calls run "
                "again (effects may repeat, results may differ); it is a knob for library "
                "authors — to cut replay cost, set snapshotting on the agent instead"
            )
            return [finding(agent, "GLM031", message, call.anchor)]
    if name == "runtime_stub.idempotence_mode" and _first(call, ENABLED) == "True":
        message = (
            f"idempotence_mode(True) {where} changes nothing: it is already the default; remove "
            "it (use idempotence_mode(False) only around calls that must not be retried)"
        )
        return [finding(agent, "GLM032", message, call.anchor)]
    return []  # GLM033: checks/determinism.py


def _first(call: CallSite, keyword: str) -> str:
    """A control's one argument as recorded, passed by position or as `keyword=` ("" if absent)."""
    if call.args:
        return call.args[0]
    return next((value for name, value in call.keywords if name == keyword), "")

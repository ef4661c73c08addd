"""The schema gate (SPEC §10): the code's state schemas against the lock, and the lock to write."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from ..checks.common import finding
from ..diagnostics import Finding
from ..model import Agent, Project, Span
from .chain import check_chain, check_functions, migrations_of
from .diff import Change, compare
from .lock import LOCK_NAME, Gate, Lock, LockedVersion, agent_line
from .schema import Schema, fingerprint, state_schema

__all__ = [
    "Gate",
    "GateResult",
    "Verdict",
    "judge",
    "orphans",
]  # Gate lives in .lock (cheap to import)


@dataclass(frozen=True, slots=True)
class Verdict:
    """One locked agent against the lock: its versions, migrations and classified difference."""

    agent: Agent
    locked: tuple[int, ...]
    changes: tuple[Change, ...]
    status: str
    """`identical`, `compatible`, `incompatible`, `new` (not locked yet), `bumped` or `invalid`."""


@dataclass(frozen=True, slots=True)
class GateResult:
    """GLM050-GLM055 findings, the verdict per agent, and the lock `generate` would write."""

    findings: tuple[Finding, ...]
    verdicts: tuple[Verdict, ...]
    lock: Lock

    def lock_text(self) -> str | None:
        """The new lock's content; None when no agent is locked (no file is needed)."""
        return self.lock.text() if self.lock.agents else None


def judge(project: Project, gate: Gate, *, whole: bool = True) -> GateResult:
    """Every agent's migrations checked, every locked agent compared with its lock entry; with
    `whole` (the project is the whole tree), lock entries of agents that are gone (GLM055)."""
    findings: list[Finding] = []
    verdicts: list[Verdict] = []
    old = dict(gate.lock.agents) if gate.lock is not None else {}
    new = dict(old)
    for agent in project.agents:
        migrations = migrations_of(agent)
        findings += check_functions(agent, migrations)
        if agent.snapshot_kind != "json":
            continue
        versions = old.get(agent.type_name, ())
        locked = [v.version for v in versions]
        chain = check_chain(agent, migrations, locked, history=gate.lock is not None)
        verdict, updated, found = _compare(agent, project, versions, bool(chain), gate)
        findings += chain + found
        verdicts.append(verdict)
        new[agent.type_name] = updated
    if whole:
        findings += orphans({agent.type_name for agent in project.agents}, gate)
    return GateResult(tuple(findings), tuple(verdicts), Lock(dict(sorted(new.items()))))


def _compare(
    agent: Agent,
    project: Project,
    versions: tuple[LockedVersion, ...],
    chain_failed: bool,
    gate: Gate,
) -> tuple[Verdict, tuple[LockedVersion, ...], list[Finding]]:
    schema = state_schema(agent, project)
    current = agent.state_version
    numbers = tuple(v.version for v in versions)
    entry = next((v for v in versions if v.version == current), None)
    if entry is not None:
        changes = tuple(compare(entry.schema, schema))
        bad = [c for c in changes if not c.compatible]
        if bad:
            return (
                Verdict(agent, numbers, changes, "incompatible"),
                versions,
                _incompatible(agent, bad),
            )
        if not changes:
            return Verdict(agent, numbers, (), "identical"), versions, []
        updated = tuple(_locked(current, schema) if v is entry else v for v in versions)
        stale = _stale(agent, gate, "its state changed compatibly: " + _listed(changes))
        return Verdict(agent, numbers, changes, "compatible"), updated, stale
    if chain_failed:
        return Verdict(agent, numbers, (), "invalid"), versions, []
    updated = (*versions, _locked(current, schema))
    if not versions:
        if gate.lock is None and not gate.generated:
            return Verdict(agent, numbers, (), "new"), updated, []
        return (
            Verdict(agent, numbers, (), "new"),
            updated,
            _stale(agent, gate, "it is not locked yet"),
        )
    why = f"state version {current} is not locked yet"
    return Verdict(agent, numbers, (), "bumped"), updated, _stale(agent, gate, why)


def _locked(version: int, schema: Schema) -> LockedVersion:
    return LockedVersion(version, schema, fingerprint(schema))


def _listed(changes: Sequence[Change]) -> str:
    return "; ".join(str(change) for change in changes)


def _stale(agent: Agent, gate: Gate, why: str) -> list[Finding]:
    where = "is missing" if gate.lock is None else "is stale"
    message = (
        f"{gate.lock_path} {where} for agent type {agent.type_name} ({why}); run "
        f"`golem-codegen generate` to update it, and commit it"
    )
    return [finding(agent, "GLM053", message, agent.decl.anchor)]


def _incompatible(agent: Agent, changes: Sequence[Change]) -> list[Finding]:
    version = agent.state_version
    fix = (
        f"bump state_version to {version + 1} and add @migration(from_version={version}) that "
        f"turns a version-{version} state into the new one, or revert the change"
    )
    fields = {f.name: f for f in agent.state.fields} if agent.state is not None else {}
    findings = []
    for change in changes:
        top = change.path.removeprefix("state.").split(".")[0].split("[")[0].split("{")[0]
        field = fields.get(top)
        anchor, path = (field.anchor, field.path) if field is not None else (agent.cls.anchor, "")
        message = (
            f"the state of locked state version {version} changed incompatibly "
            f"(deployed snapshots would no longer load): {change}; {fix}"
        )
        findings.append(finding(agent, "GLM050", message, anchor, path))
    return findings


def orphans(present: Collection[str], gate: Gate) -> list[Finding]:
    """GLM055 for each agent type of the lock whose name is not `present` in the tree."""
    if gate.lock is None or not gate.covers_root:
        return []
    findings = []
    for name in gate.lock.agents:
        if name in present:
            continue
        line = agent_line(gate.lock_text, name)
        message = (
            f'agent type "{name}" is recorded in {LOCK_NAME} but no longer exists (renamed or '
            "removed): deployed agents of that type would be orphaned. If the class was renamed, "
            f'keep its type name with @agent(name="{name}"); if the type is really gone, drop its '
            f"history with `golem-codegen state forget {name}`"
        )
        span = Span(
            line, 1, line, 1 + len(gate.lock_text.splitlines()[line - 1]) if gate.lock_text else 1
        )
        findings.append(Finding("GLM055", message, gate.lock_path, span=span))
    return findings

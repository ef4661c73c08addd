"""What `golem-codegen state` prints: per locked agent, its versions, migrations and lock difference."""

from __future__ import annotations

import json

from ..state.chain import migrations_of
from ..state.gate import GateResult, Verdict

__all__ = ["state_json", "state_text"]

_STATUS = {
    "identical": "matches the lock",
    "compatible": "changed compatibly: `golem-codegen generate` updates the lock",
    "incompatible": "changed incompatibly (GLM050)",
    "new": "not locked yet: `golem-codegen generate` locks it",
    "bumped": "state version not locked yet: `golem-codegen generate` locks it",
    "invalid": "the migration chain is broken (GLM051)",
}


def state_text(judged: GateResult, lock_path: str, diagnostics_text: str = "") -> str:
    """One block per locked agent, then the gate's diagnostics."""
    blocks = [f"state lock: {lock_path}"]
    blocks += [_block(verdict) for verdict in judged.verdicts]
    if not judged.verdicts:
        blocks.append("no agent has automatic JSON snapshots: nothing is locked")
    return "\n".join(blocks) + "\n" + diagnostics_text


def _block(verdict: Verdict) -> str:
    agent = verdict.agent
    locked = ", ".join(map(str, verdict.locked)) or "none"
    lines = [
        f"{agent.type_name} ({agent.scan.path}): state_version {agent.state_version}, "
        f"locked {locked}",
    ]
    steps = _steps(verdict)
    lines.append("  migrations: " + (", ".join(f"{a} -> {b} {n}" for a, b, n in steps) or "none"))
    lines.append(f"  lock: {_STATUS[verdict.status]}")
    lines += [f"    {change}" for change in verdict.changes]
    return "\n".join(lines)


def _steps(verdict: Verdict) -> list[tuple[int, int, str]]:
    return sorted(
        (m.from_version, m.from_version + 1, m.method.name)
        for m in migrations_of(verdict.agent)
        if m.from_version is not None
    )


def state_json(judged: GateResult, lock_path: str) -> str:
    """The same as JSON: `lock`, `agents` (one object each) and `diagnostics`."""
    agents = [
        {
            "type": v.agent.type_name,
            "path": v.agent.scan.path,
            "stateVersion": v.agent.state_version,
            "locked": list(v.locked),
            "migrations": [{"fromVersion": a, "function": n} for a, _, n in _steps(v)],
            "status": v.status,
            "changes": [
                {"path": c.path, "change": c.what, "compatible": c.compatible} for c in v.changes
            ],
        }
        for v in judged.verdicts
    ]
    return json.dumps({"lock": lock_path, "agents": agents}, indent=2, ensure_ascii=False)

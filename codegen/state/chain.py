"""The `@migration` functions of an agent: their form (GLM052, GLM054) and their chain (GLM051)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..checks.common import finding, option
from ..checks.durability import durable_stand_in
from ..diagnostics import Finding
from ..model import Agent, CallSite, MethodDef

__all__ = ["Migration", "check_chain", "check_functions", "migrations_of"]

IO_CALLS = frozenset(
    {"open", "input", "builtins.open", "builtins.input", "io.open", "os.system", "os.popen"}
)
IO_MODULES = (
    "aiohttp.",
    "ftplib.",
    "http.",
    "httpx.",
    "requests.",
    "shutil.",
    "smtplib.",
    "socket.",
    "sqlite3.",
    "subprocess.",
    "urllib.",
)
PURE_OS = ("os.path.", "os.fspath", "os.sep", "os.linesep")


@dataclass(frozen=True, slots=True)
class Migration:
    """A `@migration(from_version=N)` function; `from_version` is None when N is not valid."""

    method: MethodDef
    from_version: int | None


def migrations_of(agent: Agent) -> list[Migration]:
    """The migrations declared in the agent's class body, in source order."""
    found = []
    for method in agent.cls.methods:
        if method.migration is not None:
            given = option(method.migration, "from_version")
            value = given.value if given is not None and given.literal else None
            valid = type(value) is int and value >= 1
            found.append(Migration(method, value if valid and type(value) is int else None))
    return found


def check_functions(agent: Agent, migrations: Sequence[Migration]) -> list[Finding]:
    """GLM054 where migrations cannot apply; else GLM052/GLM005 for each migration's form."""
    if agent.snapshot_kind != "json":
        return _not_json(agent, migrations)
    findings: list[Finding] = []
    for migration in migrations:
        findings += _decorator(agent, migration)
        findings += _signature(agent, migration.method)
        findings += [_impure(agent, migration.method, call) for call in _impure_calls(migration)]
    return findings


def check_chain(
    agent: Agent, migrations: Sequence[Migration], locked: Sequence[int], *, history: bool = True
) -> list[Finding]:
    """GLM051: every locked version below `state_version` migrates, each step one version up.

    Without `history` (no lock yet: a project never generated) only what needs no history is
    checked: duplicate starts, and starts not below `state_version`.
    """
    if not history:
        return _misplaced(agent, migrations, None)
    current, highest = agent.state_version, max(locked, default=0)
    anchor = _version_anchor(agent)
    findings = []
    if locked and current < highest:
        findings.append(
            _chain(
                agent,
                anchor,
                (
                    f"state_version={current} is below the highest locked state version {highest}; "
                    f"set state_version={highest} (versions only go up), or remove the lock entry with "
                    f"`golem-codegen state forget {agent.type_name}` if no deployed agent has it"
                ),
            )
        )
        return findings
    if locked and current > highest + 1:
        findings.append(
            _chain(
                agent,
                anchor,
                (
                    f"state_version={current} skips versions: the highest locked state version is "
                    f"{highest}, so the next is {highest + 1}; set state_version={highest + 1} and add "
                    f"@migration(from_version={highest})"
                ),
            )
        )
    starts = {m.from_version for m in migrations if m.from_version is not None}
    for version in sorted(v for v in locked if v < current and v not in starts):
        findings.append(
            _chain(
                agent,
                anchor,
                (
                    f"locked state version {version} has no migration to version {version + 1}: "
                    f"snapshots of version {version} could not be loaded; add a function decorated "
                    f"@migration(from_version={version}) that turns its state into version {version + 1}'s"
                ),
            )
        )
    findings += _misplaced(agent, migrations, locked)
    return findings


def _misplaced(
    agent: Agent, migrations: Sequence[Migration], locked: Sequence[int] | None
) -> list[Finding]:
    findings, seen = [], set()
    current = agent.state_version
    for migration in migrations:
        start = migration.from_version
        if start is None:
            continue
        name = migration.method.name
        if start in seen:
            problem = f"a second migration from state version {start} ({name}); keep one"
        elif start >= current:
            problem = (
                f"migration {name} starts at state version {start}, which is not below "
                f"state_version={current}; bump state_version to {start + 1} or fix from_version"
            )
        elif locked is not None and start not in locked:
            known = ", ".join(map(str, locked)) or "none"
            problem = (
                f"migration {name} starts at state version {start}, which was never locked "
                f"(locked: {known}); no snapshot of that version can exist: remove it or fix "
                "from_version"
            )
        else:
            problem = ""
        seen.add(start)
        if problem:
            findings.append(_chain(agent, migration.method.anchor, problem))
    return findings


def _chain(agent: Agent, anchor: int, message: str) -> Finding:
    return finding(agent, "GLM051", message, anchor)


def _version_anchor(agent: Agent) -> int:
    given = option(agent.decl.options, "state_version")
    return given.anchor if given is not None else agent.decl.anchor


def _not_json(agent: Agent, migrations: Sequence[Migration]) -> list[Finding]:
    why = (
        "its custom save_snapshot/load_snapshot pair versions its own bytes"
        if agent.snapshot_kind == "binary"
        else "it has no automatic JSON snapshots (a serializable @dataclass state with "
        "snapshotting enabled)"
    )
    findings = []
    given = option(agent.decl.options, "state_version")
    if given is not None:
        message = f"state_version applies to automatic JSON snapshots only, and {why}; remove it"
        findings.append(finding(agent, "GLM054", message, given.anchor))
    for migration in migrations:
        name = migration.method.name
        message = (
            f"@migration {name} applies to automatic JSON snapshots only, and {why}; remove it"
        )
        findings.append(finding(agent, "GLM054", message, migration.method.anchor))
    return findings


def _decorator(agent: Agent, migration: Migration) -> list[Finding]:
    options = migration.method.migration or ()
    given = option(options, "from_version")
    name = migration.method.name
    if given is not None and not given.literal:
        message = (
            f"@migration option from_version={given.text} is not a literal; options are read "
            "without running your code, so write the version in place (e.g. from_version=1)"
        )
        return [finding(agent, "GLM005", message, given.anchor)]
    extra = [o for o in options if o.name != "from_version"]
    if migration.from_version is None or extra:
        found = given.text if given is not None else "nothing"
        message = (
            f"@migration on {name} must be @migration(from_version=N) with an int N >= 1 "
            f"(the state version it migrates from), not {found}"
        )
        anchor = given.anchor if given is not None else migration.method.anchor
        return [finding(agent, "GLM052", message, anchor)]
    return []


def _signature(agent: Agent, method: MethodDef) -> list[Finding]:
    params = method.params
    plain = len(params) == 1 and params[0].kind in ("positional", "positional_only")
    if plain and params[0].name not in ("self", "cls"):
        return []
    shown = ", ".join(p.name for p in params) or "no parameter"
    message = (
        f"migration {method.name}({shown}) must take exactly one parameter, the state object "
        f"(no self: it is a pure function of JSON): def {method.name}(state: dict[str, Any]) "
        "-> dict[str, Any]"
    )
    return [finding(agent, "GLM052", message, method.anchor)]


def _impure_calls(migration: Migration) -> list[CallSite]:
    return [call for call in migration.method.calls if _why_impure(call.name)]


def _why_impure(name: str) -> str:
    if name.startswith("runtime_stub.") or name == "runtime_stub":
        return "calls the Golem runtime"
    if durable_stand_in(name) is not None:
        return "is non-deterministic"
    if name in IO_CALLS or name.startswith(IO_MODULES):
        return "performs I/O"
    if name.startswith("os.") and not name.startswith(PURE_OS):
        return "performs I/O"
    return ""


def _impure(agent: Agent, method: MethodDef, call: CallSite) -> Finding:
    message = (
        f"migration {method.name} {_why_impure(call.name)} ({call.name}); a migration must be "
        "a pure function of the state: Golem loads snapshots read-only, and a load must give "
        "the same state every time. Compute from the state alone"
    )
    return finding(agent, "GLM052", message, call.anchor)

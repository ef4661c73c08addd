"""GLM001-GLM004: the custom snapshot pair, automatic JSON snapshots and the snapshotting value."""

from __future__ import annotations

from dataclasses import replace

from runtime_stub.snapshotting import VALID_FORMS, Disabled, SnapshottingError, parse_snapshotting

from ..diagnostics import Finding, Related
from ..model import Agent, Anchor, MethodDef, Project, StateField, TypeExpr
from .common import declared_in, finding, is_resource, located_problems, method_file, option

__all__ = ["check_snapshots", "snapshots_automatically"]

SAVE_SIGNATURE = "def save_snapshot(self) -> bytes"
LOAD_SIGNATURE = "def load_snapshot(self, data: bytes) -> None"
BOTH_WAYS = (
    "make it serializable (or mark the field transient() to leave it out of the snapshot), "
    "or write save_snapshot/load_snapshot"
)
RESOURCE_FIRST = (
    "it holds a resource, not state: mark the field transient() to leave it out of the snapshot "
    "(it is rebuilt by the default after recovery), or write save_snapshot/load_snapshot"
)


def check_snapshots(agent: Agent, project: Project, *, alone: bool = False) -> list[Finding]:
    """Every snapshot problem of one agent. `alone` (the mypy plugin, which sees one agent class
    and the snapshot codes only) keeps in GLM003 what the CLI reports once elsewhere: problems
    inside project dataclasses (checks/nested.py) and constructor fields (GLM010)."""
    return [
        *_pairing(agent, project),
        *_save_signature(agent, project),
        *_load_signature(agent, project),
        *_snapshotting_value(agent),
        *_state(agent, project, alone),
    ]


def _pairing(agent: Agent, project: Project) -> list[Finding]:
    """GLM001: a custom snapshot is a pair."""
    save, load = agent.save_snapshot, agent.load_snapshot
    present = save if load is None else load if save is None else None
    if present is None:
        return []
    missing, signature = (
        ("load_snapshot", LOAD_SIGNATURE) if load is None else ("save_snapshot", SAVE_SIGNATURE)
    )
    other_way = (
        f", or remove {present.name} to use automatic snapshots"
        if agent.state is not None
        else f" (removing {present.name} would not help: automatic snapshots need a @dataclass agent)"
    )
    message = (
        f"{present.name} is defined but {missing} is not; a custom snapshot needs both: "
        f"add `{signature}`{other_way}"
    )
    return _findings(agent, project, present, "GLM001", [(present.anchor, message)])


def _findings(
    agent: Agent, project: Project, method: MethodDef, code: str, problems: list[tuple[Anchor, str]]
) -> list[Finding]:
    """Findings in the file declaring `method`; at the class name if that file is unknown."""
    path = method_file(agent, project, method)
    if path is None:
        return [finding(agent, code, message, agent.cls.anchor) for _, message in problems]
    return [finding(agent, code, message, anchor, path) for anchor, message in problems]


def _is_bytes(expr: TypeExpr | None) -> bool:
    return expr is not None and expr.kind == "name" and expr.name == "builtins.bytes"


def _shape_problem(method: MethodDef) -> str | None:
    if method.kind != "instance":
        written = {"static": "@staticmethod", "class": "@classmethod"}.get(method.kind, "@property")
        return f"{method.name} must be a plain instance method, not a {written}"
    return None


def _save_signature(agent: Agent, project: Project) -> list[Finding]:
    """GLM002 for save_snapshot: `(self) -> bytes`, sync or async."""
    method = agent.save_snapshot
    if method is None:
        return []
    problems = [(method.anchor, problem) for problem in [_shape_problem(method)] if problem]
    problems += [
        (param.anchor, f'save_snapshot takes no parameter besides self; remove "{param.name}"')
        for param in method.params
    ]
    if not _is_bytes(method.returns):
        written = "no return annotation" if method.returns is None else f"-> {method.returns.text}"
        problems.append((method.anchor, f"save_snapshot must return bytes, not {written}"))
    fix = f"write `{SAVE_SIGNATURE}`"
    return _findings(agent, project, method, "GLM002", [(a, f"{p}; {fix}") for a, p in problems])


def _load_signature(agent: Agent, project: Project) -> list[Finding]:
    """GLM002 for load_snapshot: `(self, data: bytes) -> None`, sync or async."""
    method = agent.load_snapshot
    if method is None:
        return []
    problems = [(method.anchor, problem) for problem in [_shape_problem(method)] if problem]
    params = method.params
    if not params:
        problems.append((method.anchor, "load_snapshot takes the snapshot as one parameter"))
    for index, param in enumerate(params):
        if index > 0 or param.kind not in ("positional", "positional_only"):
            star = {"var_positional": "*", "var_keyword": "**"}.get(param.kind, "")
            problem = (
                f'load_snapshot takes exactly one parameter; "{star}{param.name}" does not fit'
            )
            problems.append((param.anchor, problem))
        elif not _is_bytes(param.annotation):
            written = "unannotated" if param.annotation is None else param.annotation.text
            problems.append(
                (param.anchor, f'parameter "{param.name}" must be bytes, not {written}')
            )
    returns = method.returns
    if returns is None or returns.kind != "none":
        written = "no return annotation" if returns is None else f"-> {returns.text}"
        problems.append((method.anchor, f"load_snapshot must return None, not {written}"))
    fix = f"write `{LOAD_SIGNATURE}` (raise to reject data)"
    return _findings(agent, project, method, "GLM002", [(a, f"{p}; {fix}") for a, p in problems])


def _snapshotting_value(agent: Agent) -> list[Finding]:
    """GLM004: the value must parse with the runtime's own grammar."""
    given = option(agent.decl.options, "snapshotting")
    if given is None or not given.literal:
        return []
    if not isinstance(given.value, str):
        message = f"snapshotting must be a string, not {given.text}; valid: {VALID_FORMS}"
        return [finding(agent, "GLM004", message, given.anchor)]
    try:
        parse_snapshotting(given.value)
    except SnapshottingError as error:
        hint = f'; did you mean "{error.suggestion}"?' if error.suggestion else ""
        message = (
            f'invalid snapshotting value "{given.value}": {error.reason}{hint} '
            f"(valid: {VALID_FORMS})"
        )
        return [finding(agent, "GLM004", message, given.anchor)]
    return []


def snapshots_automatically(agent: Agent) -> bool:
    """Whether the agent asks for automatic snapshots (durable, valid non-disabled value, no pair)."""
    if agent.mode == "ephemeral" or agent.save_snapshot or agent.load_snapshot:
        return False
    given = option(agent.decl.options, "snapshotting")
    if given is None or not given.literal or not isinstance(given.value, str):
        return False
    try:
        return not isinstance(parse_snapshotting(given.value), Disabled)
    except SnapshottingError:
        return False


def _state(agent: Agent, project: Project, alone: bool) -> list[Finding]:
    """GLM003: automatic snapshots need a dataclass whose fields all serialize; one per field."""
    if not snapshots_automatically(agent):
        return []
    value = agent.snapshotting
    if agent.state is None:
        message = (
            f'snapshotting="{value}" but the state cannot be saved automatically: '
            f"{agent.cls.name} is not a dataclass; decorate it with @dataclass (its fields become "
            "the state), or write save_snapshot/load_snapshot"
        )
        return [finding(agent, "GLM003", message, agent.cls.anchor)]
    params = set() if alone else {(p.path, p.anchor) for p in agent.constructor if p.type}
    findings = []
    for field in agent.state.fields:
        if field.transient or (field.path, field.anchor) in params:
            continue  # a constructor parameter: GLM010 reports its type, the one fix of both
        problems = [
            (p.where, p.reason)
            for p in located_problems(field.type, project, field.name)
            if alone or p.field is None  # else checks/nested.py reports it once
        ]
        if problems:
            findings.append(
                _field_finding(agent, project, field, _field_message(value, field, problems))
            )
    return findings


def _field_finding(agent: Agent, project: Project, field: StateField, message: str) -> Finding:
    """At the field; an inherited field at the agent's class name, the base's declaration as a
    related location (the agent is what needs the snapshot, the base may serve other classes)."""
    base = declared_in(agent, project, field.path, field.anchor)
    if base is None:
        return finding(agent, "GLM003", message, field.anchor, field.path)
    note = Related(f'{base.name} declares the field "{field.name}" here', field.path, field.anchor)
    inherited = message.replace(
        f'"state.{field.name}"', f'"state.{field.name}" (inherited from {base.name})', 1
    )
    return replace(finding(agent, "GLM003", inherited, agent.cls.anchor), related=(note,))


def _field_message(value: str, field: StateField, problems: list[tuple[str, str]]) -> str:
    details = "; ".join(
        reason if path == field.name else f'"state.{path}": {reason}' for path, reason in problems
    )
    return (
        f'field "state.{field.name}" cannot be saved in a snapshot (snapshotting="{value}"): '
        f"{details} — {RESOURCE_FIRST if all(is_resource(r) for _, r in problems) else BOTH_WAYS}"
    )

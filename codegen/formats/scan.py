"""The scanned model as plain JSON data (`golem-codegen scan`)."""

from __future__ import annotations

from typing import Any

from runtime_stub.snapshotting import (
    Disabled,
    Enabled,
    EveryN,
    Periodic,
    SnapshottingError,
    parse_snapshotting,
)

from ..model import Agent, EndpointDef, Method, Param, Project, StateField, TypeRef

__all__ = ["project_json"]

_POLICY_NAMES: dict[type, str] = {
    Disabled: "disabled",
    Enabled: "enabled",
    EveryN: "every",
    Periodic: "periodic",
}


def project_json(project: Project) -> dict[str, Any]:
    """Agents in path order, each with what the generator and the executor will see."""
    agents = sorted(project.agents, key=lambda a: (a.scan.path, a.cls.name))
    return {"agents": [_agent(agent) for agent in agents]}


def _agent(agent: Agent) -> dict[str, Any]:
    return {
        "type_name": agent.type_name,
        "class": agent.cls.name,
        "module": agent.scan.module,
        "path": agent.scan.path,
        "mode": agent.mode,
        "mount": agent.mount,
        "snapshotting": _snapshotting(agent.snapshotting),
        "snapshot_format": None if agent.snapshot_kind == "none" else agent.snapshot_kind,
        "state_version": agent.state_version,
        "constructor": [_param(p) for p in agent.constructor],
        "methods": [_method(m) for m in agent.methods],
        "endpoints": [e for m in agent.methods for e in _endpoints(agent, m)],
        "state": None if agent.state is None else [_field(f) for f in agent.state.fields],
    }


def _snapshotting(value: str) -> dict[str, Any]:
    try:
        policy = parse_snapshotting(value)
    except SnapshottingError as error:
        return {"value": value, "error": error.reason}
    data: dict[str, Any] = {"value": value, "policy": _POLICY_NAMES[type(policy)]}
    if isinstance(policy, EveryN):
        data["count"] = policy.count
    elif isinstance(policy, Periodic):
        data["nanos"] = policy.nanos
    return data


def _type(ref: TypeRef | None) -> str | None:
    return None if ref is None else ref.text


def _param(param: Param) -> dict[str, Any]:
    return {"name": param.name, "type": _type(param.type), "kind": param.kind}


def _method(method: Method) -> dict[str, Any]:
    return {
        "name": method.name,
        "async": method.is_async,
        "params": [_param(p) for p in method.params],
        "returns": _type(method.returns),
    }


def _endpoints(agent: Agent, method: Method) -> list[dict[str, Any]]:
    return [_endpoint(agent, method, endpoint) for endpoint in method.endpoints]


def _endpoint(agent: Agent, method: Method, endpoint: EndpointDef) -> dict[str, Any]:
    verbs = [o for o in endpoint.options if o.name and o.literal and isinstance(o.value, str)]
    verb, path = (verbs[0].name, str(verbs[0].value)) if len(verbs) == 1 else (None, None)
    full = None if path is None else (agent.mount or "") + path
    return {"method": method.name, "verb": verb, "path": full}


def _field(field: StateField) -> dict[str, Any]:
    return {"name": field.name, "type": field.type.text, "transient": field.transient}

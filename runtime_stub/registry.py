"""The registry of agent types that generated `golem_agents.py` modules fill (SPEC §7)."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from .snapshotting import SnapshottingPolicy

__all__ = [
    "AgentType",
    "EndpointInfo",
    "MethodInfo",
    "ParamInfo",
    "RegistryWarning",
    "Snapshot",
    "SnapshotError",
    "SnapshotFormat",
    "agent_types",
    "lookup",
    "register",
]

SnapshotFormat = Literal["json", "binary"]


class SnapshotError(Exception):
    """A snapshot cannot be taken or loaded; the message names the field path where it can."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A saved agent state as the platform stores it."""

    payload: bytes
    mime_type: str


@dataclass(frozen=True, slots=True)
class ParamInfo:
    """A constructor or method parameter: its name, its type as written, and its decoder.

    `decode` (generated from the declared type, like the state codecs) turns the JSON the oplog
    records back into the typed value; without it, the executor derives one from the annotation.
    """

    name: str
    type: str
    decode: Callable[[Any], Any] | None = None


@dataclass(frozen=True, slots=True)
class MethodInfo:
    """An agent method callable through the executor."""

    name: str
    params: tuple[ParamInfo, ...]
    returns: str
    is_async: bool
    decode_result: Callable[[Any], Any] | None = None
    """The decoder of the recorded result (see `ParamInfo.decode`)."""


@dataclass(frozen=True, slots=True)
class EndpointInfo:
    """An HTTP endpoint: verb, full path (mount + endpoint path) and the method it calls."""

    verb: str
    path: str
    method: str


@dataclass(frozen=True, slots=True)
class AgentType:
    """Everything the executor needs to drive one agent type."""

    type_name: str
    agent_class: type[Any]
    constructor: tuple[ParamInfo, ...]
    methods: tuple[MethodInfo, ...]
    mode: Literal["durable", "ephemeral"]
    mount: str | None
    endpoints: tuple[EndpointInfo, ...]
    snapshotting: SnapshottingPolicy
    snapshot_format: SnapshotFormat | None
    save_snapshot: Callable[[Any], Snapshot]
    load_snapshot: Callable[[Any, bytes], None]
    state_version: int = 1
    """The version of the state schema of automatic JSON snapshots (SPEC §10)."""


_lock = threading.Lock()
_types: dict[str, AgentType] = {}


class RegistryWarning(UserWarning):
    """A type name registered again for a different class: the newer registration wins."""


def _class_path(cls: type[Any]) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def register(*agent_types: AgentType) -> None:
    """Register agent types; registering the same type again replaces it (module reloads).

    A type name already registered for a class elsewhere (another module or class name) is
    replaced with a `RegistryWarning`: two agent types with one name (GLM012) would otherwise
    silently route invocations of one to the other.
    """
    with _lock:
        for agent_type in agent_types:
            known = _types.get(agent_type.type_name)
            if known is not None and _class_path(known.agent_class) != _class_path(
                agent_type.agent_class
            ):
                warnings.warn(
                    f"agent type {agent_type.type_name!r} was registered for "
                    f"{_class_path(known.agent_class)}; "
                    f"{_class_path(agent_type.agent_class)} now replaces it (give one of them "
                    "another name with @agent(name=...))",
                    RegistryWarning,
                    stacklevel=2,
                )
            _types[agent_type.type_name] = agent_type


def lookup(type_name: str) -> AgentType:
    """The registered agent type of that name; `KeyError` names the registered ones."""
    with _lock:
        found = _types.get(type_name)
        if found is None:
            known = ", ".join(sorted(_types)) or "none"
            raise KeyError(f"no agent type {type_name!r} is registered (registered: {known})")
        return found


def agent_types() -> tuple[AgentType, ...]:
    """All registered agent types, by type name."""
    with _lock:
        return tuple(_types[name] for name in sorted(_types))

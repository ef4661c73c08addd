"""Which `AgentType` drives an agent: by type name, by recorded class, or a class's own pair.

The oplog records both the type name and the class (`module:qualname`), so a later process can
find the exact version that wrote an entry, even after a new version took over the type name.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Iterable
from typing import Any

from ..aio import resolve
from ..errors import RecoveryError
from ..registry import AgentType, Snapshot, agent_types, lookup
from ..snapshot.envelope import load_custom, save_custom

__all__ = ["TypeResolver", "class_path", "import_class"]


def class_path(cls: type[Any]) -> str:
    """`module:qualname`, how the oplog names a class."""
    return f"{cls.__module__}:{cls.__qualname__}"


def import_class(path: str) -> type[Any]:
    """The class a `module:qualname` names; `RecoveryError` when it cannot be imported."""
    module_name, _, qualname = path.partition(":")
    try:
        found: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError) as error:
        raise RecoveryError(f"cannot import the agent class {path}: {error}") from error
    if not isinstance(found, type):
        raise RecoveryError(f"{path} is not a class")
    return found


def _custom_pair_type(cls: type[Any], base: AgentType) -> AgentType:
    """`base` driven by `cls` and its own save_snapshot/load_snapshot pair (sync or async)."""
    if not (
        callable(getattr(cls, "save_snapshot", None))
        and callable(getattr(cls, "load_snapshot", None))
    ):
        raise TypeError(
            f"{class_path(cls)} is neither a registered agent type nor a class with its own "
            "save_snapshot/load_snapshot pair"
        )

    name = cls.__qualname__

    def save(instance: Any) -> Snapshot:
        return save_custom(instance.save_snapshot, name)

    def load(instance: Any, payload: bytes) -> None:
        if payload[:1] == b"{":  # the JSON snapshot of an automatic version: its own format
            resolve(instance.load_snapshot(bytes(payload)))
        else:
            load_custom(instance.load_snapshot, payload, name)

    options = getattr(cls, "__golem_agent__", None)
    policy = options.snapshotting if options is not None else base.snapshotting
    return dataclasses.replace(
        base, agent_class=cls, snapshotting=policy, snapshot_format="binary",
        save_snapshot=save, load_snapshot=load,
    )  # fmt: skip


class TypeResolver:
    """Agent types given to the executor first, then the registry of generated modules."""

    def __init__(self, given: Iterable[AgentType] = ()) -> None:
        self._given = {agent_type.type_name: agent_type for agent_type in given}

    def add(self, agent_type: AgentType) -> None:
        """Make a type known by name (an update's target, for this process)."""
        self._given.setdefault(agent_type.type_name, agent_type)

    def named(self, type_name: str) -> AgentType:
        """The type of that name; `KeyError` names the registered ones."""
        return self._given.get(type_name) or lookup(type_name)

    def _known(self) -> list[AgentType]:
        return [*self._given.values(), *agent_types()]

    def for_class(self, cls: type[Any], base: AgentType) -> AgentType:
        """The registered type of `cls`, or `base` driven by the class's own snapshot pair."""
        for agent_type in self._known():
            if agent_type.agent_class is cls:
                return agent_type
        return _custom_pair_type(cls, base)

    def recorded(self, type_name: str | None, path: str, base: AgentType | None) -> AgentType:
        """The type an oplog entry names: the exact recorded class where possible."""
        by_name: AgentType | None = None
        if type_name is not None:
            try:
                by_name = self.named(type_name)
            except KeyError:
                by_name = None
        if by_name is not None and class_path(by_name.agent_class) == path:
            return by_name
        try:
            cls = import_class(path)
        except RecoveryError:
            if by_name is not None:
                return by_name
            raise
        for agent_type in self._known():
            if agent_type.agent_class is cls:
                return agent_type
        if by_name is not None:
            return dataclasses.replace(by_name, agent_class=cls)
        if base is None:
            raise RecoveryError(
                f"{path} is not a registered agent type (import its golem_agents.py)"
            )
        return _custom_pair_type(cls, base)

    def recorded_name(self, agent_type: AgentType) -> str | None:
        """The type name to record: only if looking it up finds this very type again."""
        try:
            return agent_type.type_name if self.named(agent_type.type_name) is agent_type else None
        except KeyError:
            return None

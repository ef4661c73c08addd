"""`assert_roundtrip`: save through the agent's wiring, load into a fresh instance, compare."""

from __future__ import annotations

import dataclasses
from typing import Any

from ..registry import AgentType, agent_types
from .compare import first_difference, stored_state

__all__ = ["agent_type_of", "assert_roundtrip", "fresh_instance"]


def agent_type_of(cls: type[Any], candidates: tuple[AgentType, ...] | None = None) -> AgentType:
    """The registered AgentType whose class is `cls` (import its golem_agents module first)."""
    for agent_type in candidates if candidates is not None else agent_types():
        if agent_type.agent_class is cls:
            return agent_type
    raise LookupError(
        f"{cls.__module__}.{cls.__qualname__} has no registered agent type: import the "
        "golem_agents module generated next to it (run `golem-codegen generate` first)"
    )


def fresh_instance(agent_type: AgentType, like: object | None = None) -> Any:
    """A new instance to load into: built with `like`'s constructor arguments when they can be
    read back from it, else without running `__init__` (a JSON load assigns every stored field)."""
    cls = agent_type.agent_class
    if like is not None:
        args = [getattr(like, p.name, _MISSING) for p in agent_type.constructor]
        if _MISSING not in args:
            try:
                return cls(*args)
            except Exception:
                pass
    instance = object.__new__(cls)
    if dataclasses.is_dataclass(cls):
        for f in dataclasses.fields(cls):
            default = _default_of(f)
            if default is not _MISSING:
                object.__setattr__(instance, f.name, default)
    return instance


def assert_roundtrip(instance: object, agent_type: AgentType | None = None) -> None:
    """Save `instance`, load the snapshot into a fresh instance, and compare their states.

    Raises AssertionError naming the agent and the first differing field path.
    """
    found = agent_type or agent_type_of(type(instance))
    snapshot = found.save_snapshot(instance)
    loaded = fresh_instance(found, instance)
    found.load_snapshot(loaded, snapshot.payload)
    difference = first_difference(stored_state(instance), stored_state(loaded))
    if difference is not None:
        raise AssertionError(
            f"{found.type_name}: the state does not survive a snapshot round trip "
            f"({snapshot.mime_type}, {len(snapshot.payload)} bytes): {difference}"
        )


_MISSING: Any = object()


def _default_of(field: dataclasses.Field[Any]) -> object:
    if field.default is not dataclasses.MISSING:
        return field.default
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return _MISSING

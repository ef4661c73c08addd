"""The decorators users write on agent classes and methods (SPEC §2); they only attach metadata."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, overload

from .snapshotting import SnapshottingPolicy, parse_snapshotting

__all__ = [
    "TRANSIENT",
    "AgentOptions",
    "BaseAgent",
    "EndpointOptions",
    "Migration",
    "agent",
    "endpoint",
    "migration",
    "transient",
]

T = TypeVar("T")
State = dict[str, Any]
Migration = Callable[[State], State]
"""A state migration: the JSON state object of version N in, that of version N+1 out."""
MIGRATION = "__golem_migration__"
C = TypeVar("C", bound=type)
F = TypeVar("F", bound=Callable[..., Any])

Mode = Literal["durable", "ephemeral"]
HttpVerb = Literal["get", "post", "put", "delete", "patch"]
TRANSIENT = "golem.transient"


class BaseAgent:
    """Optional base class for agents; it carries no behaviour of its own."""


@dataclass(frozen=True, slots=True)
class AgentOptions:
    """What `@agent(...)` declared, attached to the class as `__golem_agent__`."""

    name: str
    mode: Mode
    snapshotting: SnapshottingPolicy
    mount: str | None
    state_version: int = 1


@dataclass(frozen=True, slots=True)
class EndpointOptions:
    """What `@endpoint(...)` declared, attached to the function as `__golem_endpoint__`."""

    verb: HttpVerb
    path: str


@overload
def agent(cls: C, /) -> C: ...


@overload
def agent(
    *,
    name: str | None = None,
    mode: Mode = "durable",
    snapshotting: str = "disabled",
    mount: str | None = None,
    state_version: int = 1,
) -> Callable[[C], C]: ...


def agent(
    cls: C | None = None,
    /,
    *,
    name: str | None = None,
    mode: Mode = "durable",
    snapshotting: str = "disabled",
    mount: str | None = None,
    state_version: int = 1,
) -> C | Callable[[C], C]:
    """Mark a class as a Golem agent type; usable bare (`@agent`) or called (`@agent(...)`).

    `state_version` is the version of the state schema of automatic JSON snapshots (SPEC §10).
    """
    if mode not in ("durable", "ephemeral"):
        raise ValueError(f'invalid agent mode {mode!r}: use "durable" or "ephemeral"')
    _check_version("state_version", state_version)
    policy = parse_snapshotting(snapshotting)

    def mark(target: C) -> C:
        target.__golem_agent__ = AgentOptions(  # type: ignore[attr-defined]
            name or target.__name__, mode, policy, mount, state_version
        )
        return target

    return mark(cls) if cls is not None else mark


def endpoint(
    *,
    get: str | None = None,
    post: str | None = None,
    put: str | None = None,
    delete: str | None = None,
    patch: str | None = None,
) -> Callable[[F], F]:
    """Expose an agent method over HTTP under the agent's mount; exactly one verb."""
    given = [(verb, path) for verb, path in
             (("get", get), ("post", post), ("put", put), ("delete", delete), ("patch", patch))
             if path is not None]  # fmt: skip
    if len(given) != 1:
        raise ValueError("@endpoint takes exactly one of get=, post=, put=, delete=, patch=")
    verb, path = given[0]
    options = EndpointOptions(verb, path)  # type: ignore[arg-type]

    def mark(function: F) -> F:
        function.__golem_endpoint__ = options  # type: ignore[attr-defined]
        return function

    return mark


@overload
def transient(*, default: T) -> T: ...


@overload
def transient(*, default_factory: Callable[[], T]) -> T: ...


def transient(
    *, default: Any = dataclasses.MISSING, default_factory: Any = dataclasses.MISSING
) -> Any:
    """A dataclass field that is not part of the snapshot; it keeps what the constructor gave it."""
    metadata = {TRANSIENT: True}
    if default_factory is not dataclasses.MISSING:
        return dataclasses.field(default_factory=default_factory, metadata=metadata)
    if default is dataclasses.MISSING:
        raise TypeError("transient() needs default= or default_factory=")
    return dataclasses.field(default=default, metadata=metadata)


def migration(*, from_version: int) -> Callable[[Migration], staticmethod[[State], State]]:
    """Declare, in the agent's class body, the migration of its JSON state from `from_version`.

    The function takes the decoded state object of version `from_version` (no `self`) and returns
    that of the next version; it becomes a staticmethod. It must be pure: loading is read-only.
    """
    _check_version("from_version", from_version)

    def mark(function: Migration) -> staticmethod[[State], State]:
        setattr(function, MIGRATION, from_version)
        return staticmethod(function)

    return mark


def _check_version(name: str, value: object) -> None:
    if type(value) is not int or value < 1:
        raise ValueError(f"{name} must be an int >= 1, not {value!r}")

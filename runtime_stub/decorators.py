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
    "agent",
    "endpoint",
    "transient",
]

T = TypeVar("T")
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
) -> Callable[[C], C]: ...


def agent(
    cls: C | None = None,
    /,
    *,
    name: str | None = None,
    mode: Mode = "durable",
    snapshotting: str = "disabled",
    mount: str | None = None,
) -> C | Callable[[C], C]:
    """Mark a class as a Golem agent type; usable bare (`@agent`) or called (`@agent(...)`)."""
    if mode not in ("durable", "ephemeral"):
        raise ValueError(f'invalid agent mode {mode!r}: use "durable" or "ephemeral"')
    policy = parse_snapshotting(snapshotting)

    def mark(target: C) -> C:
        target.__golem_agent__ = AgentOptions(  # type: ignore[attr-defined]
            name or target.__name__, mode, policy, mount
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

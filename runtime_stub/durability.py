"""Durability controls and durable stand-ins for non-deterministic calls (SPEC §2).

Outside an executor they run the code and record nothing; inside one, the executor installs a
`Host` through `current_host` and every call is recorded in (or answered from) the oplog.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import random as _random
import typing
import uuid as _uuid
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any, ParamSpec, Protocol, TypeVar, cast

__all__ = [
    "Host",
    "PersistenceLevel",
    "RetryPolicy",
    "atomically",
    "current_host",
    "durable_call",
    "generate_idempotency_key",
    "idempotence_mode",
    "now",
    "oplog_commit",
    "persistence_level",
    "random",
    "retry_policy",
    "uuid4",
]

T = TypeVar("T")
P = ParamSpec("P")
F = TypeVar("F", bound=Callable[..., Any])


class PersistenceLevel(Enum):
    """How much of an agent's activity is persisted in the oplog (Golem's names)."""

    PERSIST_NOTHING = "persist-nothing"
    PERSIST_REMOTE_SIDE_EFFECTS = "persist-remote-side-effects"
    SMART = "smart"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How `durable_call` retries a failing external call: attempts with exponential back-off."""

    max_attempts: int = 3
    min_delay_seconds: float = 0.1
    max_delay_seconds: float = 5.0
    multiplier: float = 2.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1 (the first attempt counts)")

    def delay_seconds(self, attempt: int) -> float:
        """The pause after failed attempt number `attempt` (1-based): exponential, capped."""
        return min(
            self.max_delay_seconds, self.min_delay_seconds * self.multiplier ** (attempt - 1)
        )


class Host(Protocol):
    """What an executor provides to the controls while an invocation runs."""

    def host_call(
        self,
        name: str,
        call: Callable[[], Any],
        *,
        external: bool = False,
        args: tuple[Any, ...] = (),
        returns: Any = Any,
    ) -> Any:
        """Run `call` and record its result, or answer it from the oplog during replay.

        `external` marks an effect outside the agent (`durable_call`): the retry policy and
        idempotence mode apply to it and the oplog is committed right after it. `args` is only
        shown. The result is recorded as JSON of the `returns` type (plain JSON without one).
        """

    def now(self) -> datetime:
        """The executor's current time (its clock), as an aware UTC datetime."""

    def atomic_region(self) -> contextlib.AbstractContextManager[None]:
        """A region that is re-run as a whole if the agent crashes inside it."""

    def set_persistence_level(self, level: PersistenceLevel) -> PersistenceLevel:
        """Switch the persistence level; returns the previous one."""

    def set_idempotence_mode(self, enabled: bool) -> bool:
        """Switch idempotence mode; returns the previous one."""

    def set_retry_policy(self, policy: RetryPolicy) -> RetryPolicy:
        """Switch the retry policy; returns the previous one."""

    def oplog_commit(self, replicas: int) -> None:
        """Wait until the oplog is committed to `replicas` replicas."""


current_host: ContextVar[Host | None] = ContextVar("golem_current_host", default=None)


def _recorded(
    name: str,
    call: Callable[[], T],
    returns: Any,
    *,
    external: bool = False,
    args: tuple[Any, ...] = (),
) -> T:
    host = current_host.get()
    if host is None:
        return call()
    result: T = host.host_call(name, call, external=external, args=args, returns=returns)
    return result


def now() -> datetime:
    """The current time (UTC), durable: replay sees the time the original run saw.

    Inside an executor it is the executor's clock (`Executor(clock=...)`).
    """
    host = current_host.get()
    if host is None:
        return datetime.now(UTC)
    result: datetime = host.host_call("now", host.now, returns=datetime)
    return result


def random() -> float:
    """A random float in [0, 1), durable."""
    return _recorded("random", _random.random, float)


def uuid4() -> _uuid.UUID:
    """A random UUID, durable."""
    return _recorded("uuid4", _uuid.uuid4, _uuid.UUID)


def generate_idempotency_key() -> _uuid.UUID:
    """A fresh idempotency key for an external call, durable."""
    return _recorded("generate_idempotency_key", _uuid.uuid4, _uuid.UUID)


def _return_type(function: Callable[..., Any]) -> Any:
    """The declared return type of `function` (Any when it has none or it does not resolve)."""
    try:
        return typing.get_type_hints(function, include_extras=True).get("return", Any)
    except Exception:
        return Any


def durable_call(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run an external effect once: its result is recorded and answered from the oplog on replay.

    The result is recorded as JSON: of the function's declared return type when it has one
    (`-> Receipt` for a dataclass), else it must be a plain JSON value (dict, list, str, int,
    float, bool, None), or the call fails saying what cannot be recorded.
    """
    name = getattr(function, "__qualname__", type(function).__qualname__)
    shown = (*args, kwargs) if kwargs else tuple(args)
    return _recorded(
        f"durable_call:{name}",
        lambda: function(*args, **kwargs),
        _return_type(function),
        external=True,
        args=shown,
    )


class _Atomically:
    """The object `atomically()` returns: a context manager (sync and async) and a decorator."""

    def __init__(self) -> None:
        self._regions: list[contextlib.AbstractContextManager[None]] = []

    def __enter__(self) -> None:
        host = current_host.get()
        region: contextlib.AbstractContextManager[None] = (
            contextlib.nullcontext() if host is None else host.atomic_region()
        )
        region.__enter__()
        self._regions.append(region)

    def __exit__(self, *exc: Any) -> bool | None:
        return self._regions.pop().__exit__(*exc)

    async def __aenter__(self) -> None:
        self.__enter__()

    async def __aexit__(self, *exc: Any) -> bool | None:
        return self.__exit__(*exc)

    def __call__(self, function: F) -> F:
        """Decorate a function so each call runs in its own region; coroutines for their whole run."""
        if inspect.iscoroutinefunction(function):

            @functools.wraps(function)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                async with _Atomically():
                    return await function(*args, **kwargs)

            return cast(F, run_async)

        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            with _Atomically():
                return function(*args, **kwargs)

        return cast(F, run)


def atomically() -> _Atomically:
    """An atomic region (context manager or decorator, sync or async): all of it re-runs on recovery."""
    return _Atomically()


@contextlib.contextmanager
def _switch(setter: Callable[[T], T], value: T) -> Iterator[None]:
    previous = setter(value)
    try:
        yield
    finally:
        setter(previous)


def _hosted_switch(name: str, value: T) -> contextlib.AbstractContextManager[None]:
    host = current_host.get()
    if host is None:
        return contextlib.nullcontext()
    setter: Callable[[T], T] = getattr(host, name)
    return _switch(setter, value)


def persistence_level(level: PersistenceLevel) -> contextlib.AbstractContextManager[None]:
    """Run a block at another persistence level (a knob for library authors)."""
    return _hosted_switch("set_persistence_level", level)


def idempotence_mode(enabled: bool) -> contextlib.AbstractContextManager[None]:
    """Run a block with idempotence mode switched (on by default)."""
    return _hosted_switch("set_idempotence_mode", enabled)


def retry_policy(policy: RetryPolicy) -> contextlib.AbstractContextManager[None]:
    """Run a block with another retry policy for `durable_call`."""
    return _hosted_switch("set_retry_policy", policy)


def oplog_commit(replicas: int) -> None:
    """Wait until the oplog is replicated to `replicas` replicas (a no-op outside an executor)."""
    if replicas < 1:
        raise ValueError("replicas must be at least 1")
    host = current_host.get()
    if host is not None:
        host.oplog_commit(replicas)

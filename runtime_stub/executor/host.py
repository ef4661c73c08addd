"""The `Host` the executor installs while agent code runs: durable calls replayed or recorded.

While entries recorded for this invocation remain, every durable call must match the next one and
gets its recorded answer. Past them, an unfinished invocation continues live (calls run and are
recorded); a finished one must not do anything more, or the replay diverged.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn

from ..durability import PersistenceLevel, RetryPolicy
from ..errors import InterruptedCallError, ReplayDivergenceError
from ..oplog.entries import (
    BEGIN_ATOMIC_REGION,
    CHANGE_PERSISTENCE_LEVEL,
    END_ATOMIC_REGION,
    HOST_CALL,
    OplogEntry,
)
from ..registry import SnapshotError
from ..values import ValueType, preview, problem, shown, value_type
from .outcome import error_data, recorded_error
from .recorder import Recorder

__all__ = ["InvocationHost", "ReadOnlyHost", "UnrecordableValueError"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class UnrecordableValueError(TypeError):
    """A host call produced a value the oplog cannot record (not JSON, not its declared type)."""


class InvocationHost:
    """The host of one invocation (or constructor run), replaying `recorded` before going live.

    `complete_at` is the index of the recorded outcome when the invocation finished: then
    nothing may happen past the recorded entries.
    """

    def __init__(
        self,
        recorder: Recorder,
        recorded: Sequence[OplogEntry] = (),
        *,
        complete_at: int | None = None,
        sleep: Callable[[float], None],
        clock: Callable[[], int],
    ) -> None:
        self._recorder = recorder
        self._clock = clock
        self._recorded = recorded
        self._position = 0
        self._complete_at = complete_at
        self._sleep = sleep
        self.level = PersistenceLevel.SMART
        self.idempotent = True
        self.retry = RetryPolicy()
        self.open_regions: list[int] = []
        self.divergence: ReplayDivergenceError | None = None

    def leftover(self) -> OplogEntry | None:
        """The first recorded entry the replay did not reach, if any."""
        if self._position < len(self._recorded):
            return self._recorded[self._position]
        return None

    def _replayed(self, kind: str, action: str, **expected: Any) -> OplogEntry | None:
        """Consume the next recorded entry, which must be `kind` with `expected` data; None when live."""
        if self._position < len(self._recorded):
            entry = self._recorded[self._position]
            if entry.kind != kind or any(entry.data.get(k) != v for k, v in expected.items()):
                raise self._diverged(entry.index, describe(entry), action)
            self._position += 1
            return entry
        if self._complete_at is not None:
            raise self._diverged(self._complete_at, "nothing more before this", action)
        return None

    def _diverged(self, index: int, expected: str, action: str) -> ReplayDivergenceError:
        """Remember the first divergence: agent code catching the exception must not hide it."""
        error = ReplayDivergenceError(self._recorder.agent_id, index, expected, action)
        self.divergence = self.divergence or error
        return error

    def now(self) -> datetime:
        """The executor's clock (`Executor(clock=...)`) as an aware UTC datetime."""
        return _EPOCH + timedelta(microseconds=self._clock() // 1000)

    def host_call(
        self,
        name: str,
        call: Callable[[], Any],
        *,
        external: bool = False,
        args: tuple[Any, ...] = (),
        returns: Any = Any,
    ) -> Any:
        """Answer a durable call from the oplog, or run it (with retries if external) and record it.

        Its value is recorded as JSON of the `returns` type (plain JSON when it has none).
        """
        if self.level is PersistenceLevel.PERSIST_NOTHING:
            value, error, _ = self._attempt(call, external)
            if error is not None:
                raise error
            return value
        action = f"host-call {name}"
        guarded = external and not self.idempotent
        marker = self._replayed(HOST_CALL, action, name=name, pending=True) if guarded else None
        if guarded and marker is None:
            self._recorder.append(
                HOST_CALL, {"name": name, "input": preview(args), "pending": True}
            )
            self._recorder.flush()
        recorded = self._replayed(HOST_CALL, action, name=name, pending=None)
        if recorded is not None:
            if "error" in recorded.data:
                raise recorded_error(recorded.data)
            return self._recorded_value(recorded, name, value_type(returns))
        if marker is not None:
            raise InterruptedCallError(
                f"{name} was running when the agent crashed (#{marker.index:05}) and idempotence "
                "mode is off, so it is not retried: it may or may not have taken effect"
            )
        return self._live_call(name, call, external, args, returns)

    def _recorded_value(self, recorded: OplogEntry, name: str, kind: ValueType) -> Any:
        """The recorded result decoded; one the declared type no longer accepts is a divergence."""
        try:
            return kind.decode(recorded.data["result"])
        except Exception as error:  # decoders of the wiring may raise anything
            subject, reason = problem(error, "it")
            raise self._diverged(
                recorded.index,
                f"host-call {name} returning {shown(recorded.data['result'])}",
                f"{name} expecting a result it cannot decode ({kind.declared}; {subject}: {reason})",
            ) from None

    def _live_call(
        self, name: str, call: Callable[[], Any], external: bool, args: tuple[Any, ...],
        returns: Any,
    ) -> Any:  # fmt: skip
        value, error, attempts = self._attempt(call, external)
        data: dict[str, Any] = {"name": name, "input": preview(args), "attempts": attempts}
        if error is None:
            kind = value_type(returns)
            try:
                data["result"], value = kind.record(value)
            except Exception as refused:  # decoders of the wiring may raise anything
                error = _unrecordable(name, kind.declared, refused)
        if error is not None:
            data.update(error_data(error))
        self._recorder.append(HOST_CALL, data)
        if external:
            self._recorder.flush()
        if error is not None:
            raise error
        return value

    def _attempt(
        self, call: Callable[[], Any], external: bool
    ) -> tuple[Any, Exception | None, int]:
        """Run `call`; an external one is retried by the retry policy. Returns (value, error, attempts)."""
        attempt = 1
        while True:
            try:
                return call(), None, attempt
            except Exception as error:
                if not external or attempt >= self.retry.max_attempts:
                    return None, error, attempt
                self._sleep(self.retry.delay_seconds(attempt))
                attempt += 1

    @contextlib.contextmanager
    def atomic_region(self) -> Iterator[None]:
        """A region recorded between begin and end entries; a crash inside it re-runs all of it."""
        begin = self._replayed(BEGIN_ATOMIC_REGION, "begin-atomic-region")
        index = begin.index if begin else self._recorder.append(BEGIN_ATOMIC_REGION, {}).index
        self.open_regions.append(index)
        crashed = True
        try:
            yield
            crashed = False
        except Exception:
            crashed = False
            raise
        finally:
            self.open_regions.pop()
            if not crashed:
                self._end_region(index)

    def _end_region(self, begin_index: int) -> None:
        if self._replayed(END_ATOMIC_REGION, "end-atomic-region", begin_index=begin_index) is None:
            self._recorder.append(END_ATOMIC_REGION, {"begin_index": begin_index})
            self._recorder.flush()

    def set_persistence_level(self, level: PersistenceLevel) -> PersistenceLevel:
        """Switch the level; the change itself is recorded (and checked on replay)."""
        previous = self.level
        if level is not previous:
            action = f"change-persistence-level {level.value}"
            if self._replayed(CHANGE_PERSISTENCE_LEVEL, action, level=level.value) is None:
                self._recorder.append(CHANGE_PERSISTENCE_LEVEL, {"level": level.value})
        self.level = level
        return previous

    def set_idempotence_mode(self, enabled: bool) -> bool:
        """Switch idempotence mode for external calls; returns the previous mode."""
        previous, self.idempotent = self.idempotent, enabled
        return previous

    def set_retry_policy(self, policy: RetryPolicy) -> RetryPolicy:
        """Switch the retry policy of external calls; returns the previous one."""
        previous, self.retry = self.retry, policy
        return previous

    def oplog_commit(self, replicas: int) -> None:
        """Commit what is buffered; a local store is its only replica."""
        self._recorder.flush()


def _unrecordable(name: str, declared: str, error: Exception) -> UnrecordableValueError:
    subject, reason = problem(error, f"the result of {name}")
    return UnrecordableValueError(
        f"{subject} cannot be recorded in the oplog ({declared}): {reason}"
    )


class ReadOnlyHost:
    """The host while a snapshot loads: loading is read-only (Golem 1.6), so every durable call
    or control fails the load; the first refusal is kept even if the agent code catches it."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.refusal: SnapshotError | None = None

    def _refuse(self, action: str) -> NoReturn:
        error = SnapshotError(
            f"{self.what} called {action} while loading a snapshot: loading is read-only (no "
            "durable host calls or durability controls); move it out of load_snapshot"
        )
        self.refusal = self.refusal or error
        raise error

    def now(self) -> datetime:
        """Refused: loading is read-only."""
        self._refuse("now()")

    def host_call(self, name: str, call: Callable[[], Any], **options: Any) -> Any:
        """Refused: loading is read-only."""
        self._refuse(f"{name.partition(':')[0]}()")

    def atomic_region(self) -> contextlib.AbstractContextManager[None]:
        """Refused: loading is read-only."""
        self._refuse("atomically()")

    def set_persistence_level(self, level: PersistenceLevel) -> PersistenceLevel:
        """Refused: loading is read-only."""
        self._refuse("persistence_level()")

    def set_idempotence_mode(self, enabled: bool) -> bool:
        """Refused: loading is read-only."""
        self._refuse("idempotence_mode()")

    def set_retry_policy(self, policy: RetryPolicy) -> RetryPolicy:
        """Refused: loading is read-only."""
        self._refuse("retry_policy()")

    def oplog_commit(self, replicas: int) -> None:
        """Refused: loading is read-only."""
        self._refuse("oplog_commit()")


def describe(entry: OplogEntry) -> str:
    """An entry in a few words, for divergence messages."""
    if entry.kind == HOST_CALL:
        return f"host-call {entry.data['name']}"
    if entry.kind == CHANGE_PERSISTENCE_LEVEL:
        return f"change-persistence-level {entry.data['level']}"
    return entry.kind

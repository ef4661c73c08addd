"""What an invocation produced, how the oplog records it, and the check that a replay matches."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..aio import resolve
from ..durability import Host, current_host
from ..errors import ReplayDivergenceError
from ..oplog.entries import ERROR, INVOCATION_FINISHED, OplogEntry
from ..values import same_value, store_value

__all__ = [
    "Outcome",
    "UnrecordableResultError",
    "call_in_host",
    "check_outcome",
    "error_data",
    "outcome_entry",
    "recorded_error",
    "recorded_outcome",
]


class UnrecordableResultError(TypeError):
    """A method returned a value the oplog cannot keep (it does not pickle)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """A returned value, or the exception raised instead."""

    value: Any = None
    error: Exception | None = None

    def unwrap(self) -> Any:
        """The value, or raise the error."""
        if self.error is not None:
            raise self.error
        return self.value


def call_in_host(host: Host | None, function: Callable[..., Any], *args: Any) -> Outcome:
    """Run agent code with `host` installed, awaiting it if it is async; exceptions become outcomes.

    Only `Exception`s are caught: a `SimulatedCrash` (a `BaseException`) goes to the executor.
    """
    token = current_host.set(host)
    try:
        return Outcome(resolve(function(*args)))
    except Exception as error:
        return Outcome(error=error)
    finally:
        current_host.reset(token)


def _qualified(error: BaseException) -> str:
    return f"{type(error).__module__}.{type(error).__qualname__}"


def error_data(error: Exception) -> dict[str, Any]:
    """How the oplog records an exception: its text, its type, and itself when it pickles."""
    try:
        exception = store_value(error, "the exception")
    except TypeError:
        exception = None
    return {
        "error": f"{type(error).__qualname__}: {error}",
        "error_type": _qualified(error),
        "exception": exception,
    }


def recorded_error(data: Mapping[str, Any]) -> Exception:
    """The exception an entry recorded (a `RuntimeError` with its text if it cannot be rebuilt)."""
    stored = data.get("exception")
    if stored is not None:
        try:
            error = stored.load()
        except Exception:
            error = None
        if isinstance(error, Exception):
            return error
    return RuntimeError(data["error"])


def outcome_entry(outcome: Outcome, method: str) -> tuple[Outcome, str, dict[str, Any]]:
    """The entry kind and data that record `outcome`; a result that cannot be kept becomes an error."""
    if outcome.error is None:
        try:
            return outcome, INVOCATION_FINISHED, {"result": store_value(outcome.value)}
        except TypeError as error:
            unrecordable = UnrecordableResultError(f"the result of {method}: {error}")
            outcome = Outcome(error=unrecordable)
    assert outcome.error is not None
    return outcome, ERROR, error_data(outcome.error)


def recorded_outcome(entry: OplogEntry) -> Outcome:
    """The outcome a finished or error entry recorded."""
    if entry.kind == INVOCATION_FINISHED:
        return Outcome(entry.data["result"].load())
    return Outcome(error=recorded_error(entry.data))


def check_outcome(agent_id: str, recorded: OplogEntry, replayed: Outcome, method: str) -> None:
    """Raise `ReplayDivergenceError` unless a replayed invocation ended as the oplog says."""
    if (
        recorded.kind == INVOCATION_FINISHED
        and replayed.error is None
        and same_value(recorded.data["result"].load(), replayed.value)
    ):
        return  # the common case, without recording the replayed result again
    replayed, kind, data = outcome_entry(replayed, method)
    if recorded.kind == INVOCATION_FINISHED and kind == INVOCATION_FINISHED:
        expected = recorded.data["result"]
        if not same_value(expected.load(), replayed.value):
            raise ReplayDivergenceError(
                agent_id, recorded.index, f"{method} returning {expected.preview}",
                f"{method} returning {data['result'].preview}",
            )  # fmt: skip
        return
    if recorded.kind == ERROR and kind == ERROR:
        if recorded.data["error_type"] != data["error_type"]:
            raise ReplayDivergenceError(
                agent_id, recorded.index, f"{method} raising {recorded.data['error']}",
                f"{method} raising {data['error']}",
            )  # fmt: skip
        return
    expected_text = _describe(recorded.kind, recorded.data, method)
    raise ReplayDivergenceError(
        agent_id, recorded.index, expected_text, _describe(kind, data, method)
    )


def _describe(kind: str, data: Mapping[str, Any], method: str) -> str:
    if kind == INVOCATION_FINISHED:
        return f"{method} returning {data['result'].preview}"
    return f"{method} raising {data['error']}"

"""What an invocation produced, how the oplog records it, and the check that a replay matches."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..aio import resolve
from ..durability import Host, current_host
from ..errors import ReplayDivergenceError
from ..oplog.entries import ERROR, INVOCATION_FINISHED, OplogEntry
from ..values import ANY, FieldError, ValueType, encode_json, problem, shown

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
    """A method returned a value the oplog cannot keep (not of its declared type, or not JSON)."""


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
    """How the oplog records an exception: its text, its type and its arguments when they are JSON."""
    try:
        args: list[Any] | None = [encode_json(arg) for arg in error.args]
    except (FieldError, RecursionError):
        args = None
    return {"error": f"{type(error).__qualname__}: {error}", "error_type": _qualified(error),
            "error_args": args}  # fmt: skip


def recorded_error(data: Mapping[str, Any]) -> Exception:
    """The exception an entry recorded, rebuilt from its type and arguments when that type is
    already loaded (nothing is imported); a `RuntimeError` with its text otherwise."""
    module, _, qualname = str(data.get("error_type", "")).rpartition(".")
    found: Any = sys.modules.get(module)
    for part in qualname.split(".") if found is not None else ():
        found = getattr(found, part, None)
    args = data.get("error_args")
    if isinstance(found, type) and issubclass(found, Exception) and isinstance(args, list):
        try:
            return found(*args)
        except Exception:
            pass
    return RuntimeError(data["error"])


def outcome_entry(
    outcome: Outcome, method: str, result: ValueType = ANY
) -> tuple[Outcome, str, dict[str, Any]]:
    """The entry kind and data that record `outcome`; a result that cannot be kept becomes an error.

    A recorded result is the value as decoded from its JSON, so the caller gets exactly what an
    idempotent repeat (or a replay) would.
    """
    if outcome.error is None:
        try:
            tree, value = result.record(outcome.value)
            return Outcome(value), INVOCATION_FINISHED, {"result": tree}
        except Exception as error:  # decoders of the wiring may raise anything
            unrecordable = UnrecordableResultError(_unrecordable(method, result, error))
            outcome = Outcome(error=unrecordable)
    assert outcome.error is not None
    return outcome, ERROR, error_data(outcome.error)


def _unrecordable(method: str, result: ValueType, error: Exception) -> str:
    subject, reason = problem(error, f"the result of {method}")
    return f"{subject} cannot be recorded in the oplog ({result.declared}): {reason}"


def recorded_outcome(entry: OplogEntry, result: ValueType = ANY) -> Outcome:
    """The outcome a finished or error entry recorded."""
    if entry.kind == INVOCATION_FINISHED:
        return Outcome(result.decode(entry.data["result"]))
    return Outcome(error=recorded_error(entry.data))


def check_outcome(
    agent_id: str, recorded: OplogEntry, replayed: Outcome, method: str, result: ValueType = ANY
) -> None:
    """Raise `ReplayDivergenceError` unless a replayed invocation ended as the oplog says."""
    replayed, kind, data = outcome_entry(replayed, method, result)
    if recorded.kind == INVOCATION_FINISHED and kind == INVOCATION_FINISHED:
        if recorded.data["result"] != data["result"]:
            raise ReplayDivergenceError(
                agent_id, recorded.index, _describe(recorded.kind, recorded.data, method),
                _describe(kind, data, method),
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
        return f"{method} returning {shown(data['result'])}"
    return f"{method} raising {data['error']}"

"""Oplog entries with Golem's kind names, and their text form, laid out like `golem agent oplog`.

What `OplogEntry.data` holds, per kind. Recorded values are typed JSON (`runtime_stub.values`):
the JSON tree of the value under its declared type, never a pickle, so anyone can read an oplog.

| kind | data |
|---|---|
| `create` | `type_name`, `class` (`module:qualname`), `args` (list of JSON values), `init_calls` (host calls of the constructor, recorded right after it) |
| `agent-invocation-started` | `method`, `args` (list of JSON values), `idempotency_key` |
| `agent-invocation-finished` | `result` (JSON value) |
| `error` | `error` (`Type: message`), `error_type` (`module.qualname`), `error_args` (the exception's arguments as JSON, or None): the method raised; with `snapshot` (`"save"` or `"load"`, and `snapshot_index` for a load) it is a snapshot that failed instead, not an invocation's outcome |
| `host-call` | `name`, `input` (text preview), then `result` (JSON value) or `error`/`error_type`/`error_args`; `attempts`; `pending: True` marks a non-idempotent call about to run |
| `begin-atomic-region` | nothing |
| `end-atomic-region` | `begin_index` |
| `change-persistence-level` | `level` (Golem's name) |
| `snapshot` | `payload` (bytes; base64 text in SQLite), `mime_type` |
| `pending-update` | `target`, `mode`, `payload` (bytes or None), `mime_type` |
| `successful-update` | `target`, `type_name` (None for a plain class), `class`, `pending_index` |
| `failed-update` | `target`, `error` |
| `jump` | `from`, `to`: entries replay skips (an atomic region a crash interrupted, re-run after it) |
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Literal, get_args

from ..values import shown

__all__ = [
    "BEGIN_ATOMIC_REGION",
    "CHANGE_PERSISTENCE_LEVEL",
    "CREATE",
    "END_ATOMIC_REGION",
    "ERROR",
    "FAILED_UPDATE",
    "HOST_CALL",
    "INVOCATION_FINISHED",
    "INVOCATION_STARTED",
    "JUMP",
    "KINDS",
    "PENDING_UPDATE",
    "SNAPSHOT",
    "SUCCESSFUL_UPDATE",
    "EntryKind",
    "OplogEntry",
    "format_at",
    "format_entry",
    "format_oplog",
    "is_snapshot_error",
]

EntryKind = Literal[
    "create",
    "agent-invocation-started",
    "agent-invocation-finished",
    "error",
    "host-call",
    "begin-atomic-region",
    "end-atomic-region",
    "change-persistence-level",
    "snapshot",
    "pending-update",
    "successful-update",
    "failed-update",
    "jump",
]

CREATE: Final = "create"
INVOCATION_STARTED: Final = "agent-invocation-started"
INVOCATION_FINISHED: Final = "agent-invocation-finished"
ERROR: Final = "error"
HOST_CALL: Final = "host-call"
BEGIN_ATOMIC_REGION: Final = "begin-atomic-region"
END_ATOMIC_REGION: Final = "end-atomic-region"
CHANGE_PERSISTENCE_LEVEL: Final = "change-persistence-level"
SNAPSHOT: Final = "snapshot"
PENDING_UPDATE: Final = "pending-update"
SUCCESSFUL_UPDATE: Final = "successful-update"
FAILED_UPDATE: Final = "failed-update"
JUMP: Final = "jump"
KINDS: Final[tuple[str, ...]] = get_args(EntryKind)


@dataclass(frozen=True, slots=True)
class OplogEntry:
    """One oplog entry: 1-based index, kind, time (ns since the epoch) and kind-specific data."""

    index: int
    kind: str
    at: int
    data: Mapping[str, Any]


def is_snapshot_error(entry: OplogEntry) -> bool:
    """Whether an `error` entry records a failed snapshot (not the outcome of an invocation)."""
    return entry.kind == ERROR and "snapshot" in entry.data


PAD = " " * 10
_VALUE_COLUMN = len(PAD) + 19


def _field(label: str, value: object) -> str:
    return f"{PAD}{label + ':':<19}{value}"


def format_at(nanos: int) -> str:
    """An entry time as ISO 8601 UTC with milliseconds, like Golem's timestamps."""
    seconds, rest = divmod(nanos, 1_000_000_000)
    stamp = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{stamp}.{rest // 1_000_000:03d}Z"


def _shown(value: Any) -> str:
    return shown(value)


def _payload_lines(payload: bytes | None, mime_type: str | None) -> list[str]:
    if payload is None:
        return [_field("data", "(none)")]
    lines = [_field("mime type", mime_type)]
    if mime_type == "application/json":
        try:
            pretty = json.dumps(json.loads(payload), indent=2, ensure_ascii=False)
        except ValueError:
            return [*lines, _field("data", f"({len(payload)} bytes, not valid JSON)")]
        first, *rest = pretty.splitlines()
        return [*lines, _field("data", first), *(" " * _VALUE_COLUMN + line for line in rest)]
    return [*lines, _field("data", f"({len(payload)} bytes)")]


def _create(data: Mapping[str, Any]) -> list[str]:
    return ["CREATE", _field("agent type", data["type_name"]), _field("class", data["class"]),
            _field("constructor args", _shown(data["args"]))]  # fmt: skip


def _started(data: Mapping[str, Any]) -> list[str]:
    return [f"INVOKE {data['method']}", _field("idempotency key", data["idempotency_key"]),
            f"{PAD}input:", f"{PAD}  {_shown(data['args'])}"]  # fmt: skip


def _finished(data: Mapping[str, Any]) -> list[str]:
    return ["INVOKE COMPLETED (method)", f"{PAD}output:", f"{PAD}  {_shown(data['result'])}"]


def _error(data: Mapping[str, Any]) -> list[str]:
    lines = ["ERROR", _field("error", data["error"])]
    if "snapshot_index" in data:
        lines.append(_field("snapshot", f"#{data['snapshot_index']:05}"))
    return lines


def _host_call(data: Mapping[str, Any]) -> list[str]:
    lines = [f"CALL {data['name']}", _field("input", data.get("input", "[]"))]
    if data.get("pending"):
        return [*lines, _field("result", "(started; idempotence mode off)")]
    if "error" in data:
        lines.append(_field("error", data["error"]))
    else:
        lines.append(_field("result", _shown(data["result"])))
    attempts = data.get("attempts", 1)
    return lines if attempts == 1 else [*lines, _field("attempts", attempts)]


def _begin_region(data: Mapping[str, Any]) -> list[str]:
    return ["BEGIN ATOMIC REGION"]


def _end_region(data: Mapping[str, Any]) -> list[str]:
    return ["END ATOMIC REGION", _field("begin index", data["begin_index"])]


def _persistence(data: Mapping[str, Any]) -> list[str]:
    return ["CHANGE PERSISTENCE LEVEL", _field("level", data["level"])]


def _snapshot(data: Mapping[str, Any]) -> list[str]:
    return ["SNAPSHOT", *_payload_lines(data["payload"], data["mime_type"])]


def _pending_update(data: Mapping[str, Any]) -> list[str]:
    return ["ENQUEUED UPDATE", _field("target", data["target"]),
            _field("type", "snapshot based"), *_payload_lines(data["payload"], data["mime_type"])]  # fmt: skip


def _successful_update(data: Mapping[str, Any]) -> list[str]:
    return ["SUCCESSFUL UPDATE", _field("target", data["target"]), _field("class", data["class"])]


def _failed_update(data: Mapping[str, Any]) -> list[str]:
    return ["FAILED UPDATE", _field("target", data["target"]), _field("error", data["error"])]


def _jump(data: Mapping[str, Any]) -> list[str]:
    return ["JUMP", _field("from", data["from"]), _field("to", data["to"])]


_RENDER: dict[str, Callable[[Mapping[str, Any]], list[str]]] = {
    CREATE: _create,
    INVOCATION_STARTED: _started,
    INVOCATION_FINISHED: _finished,
    ERROR: _error,
    HOST_CALL: _host_call,
    BEGIN_ATOMIC_REGION: _begin_region,
    END_ATOMIC_REGION: _end_region,
    CHANGE_PERSISTENCE_LEVEL: _persistence,
    SNAPSHOT: _snapshot,
    PENDING_UPDATE: _pending_update,
    SUCCESSFUL_UPDATE: _successful_update,
    FAILED_UPDATE: _failed_update,
    JUMP: _jump,
}


def format_entry(entry: OplogEntry) -> str:
    """One entry as `golem agent oplog` prints it: `#00021:`, a headline, then indented fields."""
    render = _RENDER.get(entry.kind)
    body = render(entry.data) if render else [entry.kind.upper()]
    headline, *fields = (_contained(line) for line in body)
    return "\n".join([f"#{entry.index:05}:", headline, _field("at", format_at(entry.at)), *fields])


_CONTROLS = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F) if code != 0x09}
"""C0 controls (tab aside) and DEL, shown escaped: a value must not move the terminal's cursor."""


def _contained(line: str) -> str:
    """One rendered line whose value may span lines (an error message, a method name): its
    continuation lines are indented under the value column and control characters escaped, so
    that no line of a value can pass for an entry header (`#00007:`) or a field."""
    first, *rest = line.splitlines() or [""]
    parts = [first, *(" " * _VALUE_COLUMN + part for part in rest)]
    return "\n".join(part.translate(_CONTROLS) for part in parts)


def format_oplog(entries: Iterable[OplogEntry]) -> str:
    """A whole oplog as text, one block per entry, ending with a newline."""
    return "".join(format_entry(entry) + "\n" for entry in entries)

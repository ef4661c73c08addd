"""Snapshot-based update: save with the old version, construct the new one and load into it.

The oplog gets `pending-update` (with the payload) and then `successful-update` or
`failed-update`; only a committed `successful-update` switches versions, also for recovery.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import UpdateError
from ..oplog.entries import FAILED_UPDATE, PENDING_UPDATE, SUCCESSFUL_UPDATE
from ..registry import AgentType
from .engine import Engine, LiveAgent
from .resolve import class_path

__all__ = ["apply_update"]


def _target(new: AgentType, type_name: str | None) -> str:
    return type_name if type_name is not None else class_path(new.agent_class)


def _fail(live: LiveAgent, target: str, reason: str) -> UpdateError:
    live.recorder.append(FAILED_UPDATE, {"target": target, "error": reason})
    live.recorder.flush()
    return UpdateError(f"update of {live.agent_id} to {target} failed: {reason}; it keeps running "
                       f"{class_path(live.agent_type.agent_class)}")  # fmt: skip


def apply_update(engine: Engine, live: LiveAgent, new: AgentType) -> None:
    """Move `live` to `new` through a snapshot; raises `UpdateError` (recorded) on failure."""
    type_name = engine.resolver.recorded_name(new)
    target = _target(new, type_name)
    try:
        snapshot = live.agent_type.save_snapshot(live.instance)
    except Exception as error:
        live.recorder.append(PENDING_UPDATE, {"target": target, "mode": "snapshot", "payload": None,
                                              "mime_type": None})  # fmt: skip
        raise _fail(live, target, f"the old version could not save a snapshot: {error}") from error
    pending = live.recorder.append(PENDING_UPDATE, {"target": target, "mode": "snapshot",
                                   "payload": bytes(snapshot.payload), "mime_type": snapshot.mime_type})  # fmt: skip
    live.recorder.flush()
    try:
        instance = _load(engine, new, live.constructor_args, pending.data["payload"])
    except Exception as error:
        reason = f"the new version could not load the snapshot: {type(error).__name__}: {error}"
        raise _fail(live, target, reason) from error
    data: dict[str, Any] = {"target": target, "type_name": type_name,
                            "class": class_path(new.agent_class), "pending_index": pending.index}  # fmt: skip
    done = live.recorder.append(SUCCESSFUL_UPDATE, data)
    live.recorder.flush()
    engine.resolver.add(new)
    live.agent_type, live.instance = new, instance
    live.schedule = engine.schedule(new, done.at)


def _load(engine: Engine, new: AgentType, args: Sequence[Any], payload: bytes) -> Any:
    instance = engine.construct(new, args, None)
    engine.load(new, instance, payload)
    return instance

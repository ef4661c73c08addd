"""State versions of JSON snapshots (SPEC §10): read `stateVersion`, run the migration chain."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..registry import SnapshotError
from .values import describe, reason_of

__all__ = ["STATE_VERSION_KEY", "Migrations", "migrate", "migrated_by", "state_version_of"]

STATE_VERSION_KEY = "stateVersion"
Migrations = Mapping[int, Callable[[dict[str, Any]], dict[str, Any]]]
"""Migration functions by the state version they start from."""


def state_version_of(document: dict[str, Any], type_name: str) -> int:
    """The state version an envelope records; a payload without `stateVersion` is version 1."""
    found = document.get(STATE_VERSION_KEY, 1)
    if type(found) is not int or found < 1:
        raise SnapshotError(
            f"cannot load the JSON snapshot of {type_name}: "
            f'"{STATE_VERSION_KEY}" must be an integer >= 1, not {describe(found)}'
        )
    return found


def migrate(
    state: object, found: int, current: int, migrations: Migrations, type_name: str
) -> object:
    """The state of version `found` carried to `current` through each migration in turn."""
    prefix = f"cannot load the JSON snapshot of {type_name}"
    if found > current:
        raise SnapshotError(f"{prefix}: state version {found} is newer than this code's {current}")
    for version in range(found, current):
        step = migrations.get(version)
        if step is None:
            raise SnapshotError(
                f"{prefix}: state version {version} has no migration (this code reads "
                f"version {current}); add @migration(from_version={version}) to the agent class"
            )
        state = _apply(step, state, version, f"{prefix}: migration {_name(step)}")
    return state


def _apply(step: Callable[[dict[str, Any]], Any], state: object, version: int, who: str) -> object:
    if type(state) is not dict:
        raise SnapshotError(
            f"{who} needs a state object of version {version}, got {describe(state)}"
        )
    try:
        result = step(state)
    except SnapshotError as error:
        raise SnapshotError(f"{who} (from state version {version}) failed: {error}") from error
    except Exception as error:
        reason = reason_of(error)
        raise SnapshotError(f"{who} (from state version {version}) failed: {reason}") from error
    if type(result) is not dict:
        raise SnapshotError(
            f"{who} (from state version {version}) returned {describe(result)}, not a state object"
        )
    return result


def _name(step: Callable[..., Any]) -> str:
    return str(getattr(step, "__qualname__", getattr(step, "__name__", repr(step))))


def migrated_by(found: int, current: int, migrations: Migrations) -> str:
    """Which migrations produced a state, for the error of a state that does not decode."""
    names = [_name(migrations[v]) for v in range(found, current) if v in migrations]
    return f"the state migrated from version {found} by {', '.join(names)} is invalid"

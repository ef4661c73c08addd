"""What `golem-codegen oplog` prints: an agent's oplog read from a local SQLite store."""

from __future__ import annotations

import os

from .entries import format_oplog
from .store import SqliteOplogStore

__all__ = ["print_oplog"]


def print_oplog(store_path: str | os.PathLike[str], agent_id: str) -> str | None:
    """The agent's oplog as text, like `golem agent oplog`; None when the store has no such agent.

    Nothing is unpickled: recorded values show as their JSON previews, so the agents' code need
    not be importable.
    """
    with SqliteOplogStore(store_path) as store:
        entries = store.read(agent_id)
    return format_oplog(entries) if entries else None

"""What `golem-codegen oplog` prints: an agent's oplog read from a local SQLite store.

Nothing in a store is code: recorded values are JSON, so the agents' code need not be importable.
An id that is not in the store gets suggestions: `PaymentAgent(acc-1)` is `PaymentAgent("acc-1")`.
"""

from __future__ import annotations

import difflib
import os
import re

from .entries import format_oplog
from .store import SqliteOplogStore

__all__ = ["list_agents", "print_oplog", "suggest_ids"]


def print_oplog(store_path: str | os.PathLike[str], agent_id: str) -> str | None:
    """The agent's oplog as text, like `golem agent oplog`; None when the store has no such agent."""
    with SqliteOplogStore(store_path) as store:
        entries = store.read(agent_id)
    return format_oplog(entries) if entries else None


def list_agents(store_path: str | os.PathLike[str]) -> list[str]:
    """The ids of every agent with an oplog in the store, sorted."""
    with SqliteOplogStore(store_path) as store:
        return store.agent_ids()


_LOOSE = re.compile(r"[\s\"']")


def suggest_ids(known: list[str], agent_id: str) -> list[str]:
    """Ids of `known` that `agent_id` probably meant: the same without quotes or spaces first
    (`PaymentAgent(acc-1)`), then close spellings."""
    loose = _LOOSE.sub("", agent_id)
    same = [candidate for candidate in known if _LOOSE.sub("", candidate) == loose]
    close = difflib.get_close_matches(agent_id, known, n=3, cutoff=0.6)
    return list(dict.fromkeys([*same, *close]))[:3]

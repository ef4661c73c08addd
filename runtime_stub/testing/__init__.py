"""Verifying users' agents (SPEC §11): round trips, recovery equivalence, stored snapshots.

Standard library only at import time; hypothesis is imported when a strategy is asked for
(`state_strategy`, `call_strategy`). `assert_roundtrip` saves through the agent's wiring and loads
into a fresh instance; `assert_recovery_equivalent` crashes at every point and compares;
`samples` reads and writes the stored snapshots every later version must load.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .compare import first_difference, stored_state
from .recovery import Call, assert_recovery_equivalent
from .roundtrip import agent_type_of, assert_roundtrip, fresh_instance

if TYPE_CHECKING:
    from .strategies import call_strategy, state_strategy

__all__ = [
    "Call",
    "agent_type_of",
    "assert_recovery_equivalent",
    "assert_roundtrip",
    "call_strategy",
    "first_difference",
    "fresh_instance",
    "state_strategy",
    "stored_state",
]


def __getattr__(name: str) -> Any:
    """The strategies load hypothesis, so they load on first use."""
    if name in ("state_strategy", "call_strategy"):
        from . import strategies

        return getattr(strategies, name)
    raise AttributeError(f"module 'runtime_stub.testing' has no attribute {name!r}")

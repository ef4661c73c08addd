"""The Golem agent runtime for Python: decorators, durability controls, registry, local executor.

Agent code and generated modules import this package; it imports only the standard library.
Its rooms: `snapshot/` (what generated snapshot code calls), `oplog/` (entries, their text, stores)
and `executor/` (running, recording and recovering agents), each loaded on first use.
"""

import importlib
from typing import TYPE_CHECKING, Any

from .decorators import BaseAgent, agent, endpoint, migration, transient
from .durability import (
    PersistenceLevel,
    RetryPolicy,
    atomically,
    durable_call,
    generate_idempotency_key,
    idempotence_mode,
    now,
    oplog_commit,
    persistence_level,
    random,
    retry_policy,
    uuid4,
)
from .errors import (
    InterruptedCallError,
    RecoveryError,
    ReplayDivergenceError,
    SimulatedCrash,
    UpdateError,
    crash_after,
)
from .registry import (
    AgentType,
    EndpointInfo,
    MethodInfo,
    ParamInfo,
    RegistryWarning,
    Snapshot,
    SnapshotError,
)
from .snapshotting import (
    Disabled,
    Enabled,
    EveryN,
    Periodic,
    SnapshottingError,
    SnapshottingPolicy,
    parse_snapshotting,
)

if TYPE_CHECKING:
    from .executor import ArgumentError, Executor, RecoveryStats, UnknownMethodError
    from .oplog import InMemoryOplogStore, OplogEntry, OplogStore, SqliteOplogStore, format_oplog

_LAZY = {
    "ArgumentError": ".executor",
    "UnknownMethodError": ".executor",
    "Executor": ".executor",
    "OplogEntry": ".oplog",
    "format_oplog": ".oplog",
    "RecoveryStats": ".executor",
    "InMemoryOplogStore": ".oplog",
    "OplogStore": ".oplog",
    "SqliteOplogStore": ".oplog",
}
"""The executor and its stores load on first use: agent code and the checks never pay for them."""


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'runtime_stub' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "AgentType",
    "ArgumentError",
    "BaseAgent",
    "Disabled",
    "Enabled",
    "EndpointInfo",
    "EveryN",
    "Executor",
    "InMemoryOplogStore",
    "InterruptedCallError",
    "MethodInfo",
    "OplogEntry",
    "OplogStore",
    "ParamInfo",
    "Periodic",
    "PersistenceLevel",
    "RecoveryError",
    "RecoveryStats",
    "RegistryWarning",
    "ReplayDivergenceError",
    "RetryPolicy",
    "SimulatedCrash",
    "Snapshot",
    "SnapshotError",
    "SnapshottingError",
    "SnapshottingPolicy",
    "SqliteOplogStore",
    "UnknownMethodError",
    "UpdateError",
    "agent",
    "atomically",
    "crash_after",
    "durable_call",
    "endpoint",
    "format_oplog",
    "generate_idempotency_key",
    "idempotence_mode",
    "migration",
    "now",
    "oplog_commit",
    "parse_snapshotting",
    "persistence_level",
    "random",
    "retry_policy",
    "transient",
    "uuid4",
]

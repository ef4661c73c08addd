"""The Golem agent runtime for Python: decorators, durability controls, registry, local executor."""

from .decorators import BaseAgent, agent, endpoint, transient
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
from .executor import Executor
from .oplog import OplogEntry, format_oplog
from .registry import AgentType, EndpointInfo, MethodInfo, ParamInfo, Snapshot, SnapshotError
from .replay import RecoveryStats
from .snapshotting import (
    Disabled,
    Enabled,
    EveryN,
    Periodic,
    SnapshottingError,
    SnapshottingPolicy,
    parse_snapshotting,
)
from .store import InMemoryOplogStore, OplogStore, SqliteOplogStore

__all__ = [
    "AgentType",
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
    "ReplayDivergenceError",
    "RetryPolicy",
    "SimulatedCrash",
    "Snapshot",
    "SnapshotError",
    "SnapshottingError",
    "SnapshottingPolicy",
    "SqliteOplogStore",
    "UpdateError",
    "agent",
    "atomically",
    "crash_after",
    "durable_call",
    "endpoint",
    "format_oplog",
    "generate_idempotency_key",
    "idempotence_mode",
    "now",
    "oplog_commit",
    "parse_snapshotting",
    "persistence_level",
    "random",
    "retry_policy",
    "transient",
    "uuid4",
]

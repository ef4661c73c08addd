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
from .registry import AgentType, EndpointInfo, MethodInfo, ParamInfo, Snapshot, SnapshotError
from .snapshotting import (
    Disabled,
    Enabled,
    EveryN,
    Periodic,
    SnapshottingError,
    SnapshottingPolicy,
    parse_snapshotting,
)

__all__ = [
    "AgentType",
    "BaseAgent",
    "Disabled",
    "Enabled",
    "EndpointInfo",
    "EveryN",
    "MethodInfo",
    "ParamInfo",
    "Periodic",
    "PersistenceLevel",
    "RetryPolicy",
    "Snapshot",
    "SnapshotError",
    "SnapshottingError",
    "SnapshottingPolicy",
    "agent",
    "atomically",
    "durable_call",
    "endpoint",
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

"""The local durable executor (SPEC §8): run agents, record their oplog, recover and update them.

`local` is the `Executor`; `engine` runs invocations, `host` answers durable calls, `recorder`
writes the oplog, `replay` recovers, `update` moves an agent to a new class, `schedule` decides
when snapshots are due, `outcome` compares a replay with what was recorded, `resolve` finds
types, `signature` checks and decodes arguments.
"""

from .local import Executor
from .replay import RecoveryStats
from .signature import ArgumentError, UnknownMethodError

__all__ = ["ArgumentError", "Executor", "RecoveryStats", "UnknownMethodError"]

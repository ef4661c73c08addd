"""Why the local executor stopped: simulated crashes, replay divergence, interrupted calls, updates."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .oplog.entries import OplogEntry

__all__ = [
    "FaultHook",
    "InterruptedCallError",
    "RecoveryError",
    "ReplayDivergenceError",
    "SimulatedCrash",
    "UpdateError",
    "crash_after",
]


class SimulatedCrash(BaseException):
    """A crash of the executor's process, for tests; raise it once from an agent or a fault hook.

    It derives from `BaseException` so agent code catching `Exception` does not swallow it. The
    executor drops the agent's live instance and its uncommitted oplog entries, as a real crash
    would; the next call recovers the agent and finishes the interrupted invocation if any of it
    was committed.
    """


class ReplayDivergenceError(RuntimeError):
    """Replaying the oplog did something other than what it recorded; state would silently change."""

    def __init__(self, agent_id: str, index: int, expected: str, actual: str) -> None:
        self.agent_id = agent_id
        self.index = index
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"replay of {agent_id} diverged from its oplog at #{index:05}: the oplog has "
            f"{expected}, but the code now does {actual}; the agent's code changed "
            "incompatibly or is not deterministic (use the durable stand-ins now(), random(), "
            "uuid4() and durable_call(), or update the agent through a snapshot)"
        )


class InterruptedCallError(RuntimeError):
    """An external call made with idempotence mode off was cut by a crash; it is not retried."""


class RecoveryError(RuntimeError):
    """An agent cannot be recovered from its oplog at all (its class is gone, an update won't load)."""


class UpdateError(RuntimeError):
    """A snapshot-based update failed; `failed-update` is recorded and the old version keeps running."""


FaultHook = Callable[[str, "OplogEntry"], None]
"""Called with (agent id, entry) right after each entry is committed; may raise `SimulatedCrash`."""


def crash_after(kind: str, *, nth: int = 1, agent_id: str | None = None) -> FaultHook:
    """A one-shot fault hook: crash right after the commit that holds the `nth` entry of `kind`.

    The executor buffers entries and commits them in batches, one transaction each: at the end
    of every invocation (started, its host calls, finished or error, a snapshot), right after
    every external call (`durable_call`, and before one when idempotence mode is off), at an
    atomic region's end and on `oplog_commit()`. Fault hooks run after a batch is committed, for
    each of its entries in order, so the crash happens after the whole batch: e.g.
    `crash_after("agent-invocation-started")` on an invocation without external calls crashes
    after it finished (and recovery has nothing to resume), while on one with a `durable_call`
    it crashes after that call, leaving the invocation unfinished. Entries of the batch after
    `kind` are committed too; nothing after the batch is.
    """
    seen = 0
    fired = False

    def hook(entry_agent: str, entry: OplogEntry) -> None:
        nonlocal seen, fired
        if fired or entry.kind != kind or agent_id not in (None, entry_agent):
            return
        seen += 1
        if seen == nth:
            fired = True
            raise SimulatedCrash(
                f"simulated crash after #{entry.index:05} ({kind}) of {entry_agent}"
            )

    return hook

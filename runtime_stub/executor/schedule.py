"""When an agent's next snapshot is due under its snapshotting policy (SPEC §3)."""

from __future__ import annotations

from ..snapshotting import Disabled, Enabled, EveryN, Periodic, SnapshottingPolicy

__all__ = ["SnapshotSchedule", "effective_policy"]


def effective_policy(policy: SnapshottingPolicy, default: SnapshottingPolicy) -> SnapshottingPolicy:
    """The policy that applies: `enabled` defers to the executor's default policy."""
    if isinstance(policy, Enabled):
        return Disabled() if isinstance(default, Enabled) else default
    return policy


class SnapshotSchedule:
    """Counts successfully completed invocations and time since the last snapshot.

    `every(N)` is due after N successful invocations; `periodic(D)` when D nanoseconds of the
    executor's clock have passed since the last snapshot (or the agent's creation).
    """

    def __init__(self, policy: SnapshottingPolicy, last_at: int, completed: int = 0) -> None:
        self.policy = policy
        self.last_at = last_at
        self.completed = completed
        self.supported = not isinstance(policy, Disabled)

    def record(self, success: bool) -> None:
        """Note a completed invocation; only successful ones count towards `every(N)`."""
        if success:
            self.completed += 1

    def due(self, now: int) -> bool:
        """Whether a snapshot should be taken now."""
        if not self.supported:
            return False
        if isinstance(self.policy, EveryN):
            return self.completed >= self.policy.count
        if isinstance(self.policy, Periodic):
            return now - self.last_at >= self.policy.nanos
        return False

    def taken(self, at: int) -> None:
        """Start counting again from a snapshot taken at `at`."""
        self.last_at = at
        self.completed = 0

"""`assert_recovery_equivalent`: crash at every point, recover, and find the same agent again.

The calls run twice without crashes (the durable stand-ins draw seeded values): the two runs must
agree, else the agent depends on something replay cannot reproduce. Then, for each crash point
(after each invocation, and right after each atomic region begins) and each way to recover (from
snapshots, and by full replay), a fresh run crashes there and recovers: the recovered state must
be the state the agent had at the crash, and every later result what the crash-free run returned.
A crashed invocation is retried with its idempotency key, as Golem retries it.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import SimulatedCrash, crash_after
from ..registry import AgentType
from ..snapshotting import Disabled, EveryN
from .compare import first_difference, stored_state
from .roundtrip import agent_type_of
from .seeded import Seeded, seeded

__all__ = ["Call", "assert_recovery_equivalent"]

BEGIN_ATOMIC = "begin-atomic-region"
Point = tuple[str, int]


@dataclass(frozen=True, slots=True)
class Call:
    """One invocation: a method name and its arguments."""

    method: str
    args: tuple[Any, ...] = ()

    def __str__(self) -> str:
        return f"{self.method}({', '.join(map(repr, self.args))})"


@dataclass
class _Run:
    results: list[tuple[str, Any]] = field(default_factory=list)
    regions: int = 0
    state: dict[str, Any] = field(default_factory=dict)


def assert_recovery_equivalent(
    agent_class: type[Any] | AgentType,
    constructor_args: Sequence[Any],
    calls: Iterable[Call | tuple[str, Sequence[Any]] | str],
) -> None:
    """Raise AssertionError naming the first call whose result or state differs after a crash."""
    base = agent_class if isinstance(agent_class, AgentType) else agent_type_of(agent_class)
    todo = [_call(c) for c in calls]
    if base.mode == "ephemeral" or not todo:
        return  # never recovered, or nothing ran: nothing to compare
    args = tuple(constructor_args)
    with seeded() as source:
        verifier = _Verifier(base, args, todo, source)
        expected = verifier.run(base, None)
        verifier.reproducible(expected, verifier.run(base, None))
        variants = {"full replay": dataclasses.replace(base, snapshotting=Disabled())}
        if base.snapshot_format is not None:
            variants["snapshots"] = dataclasses.replace(base, snapshotting=EveryN(1))
        points = [("after", i) for i in range(len(todo))]
        points += [("atomic", k) for k in range(1, expected.regions + 1)]
        for how, variant in sorted(variants.items()):
            for point in points:
                verifier.compare(expected, verifier.run(variant, point, how), how, point)


def _call(call: Call | tuple[str, Sequence[Any]] | str) -> Call:
    if isinstance(call, Call):
        return call
    if isinstance(call, str):
        return Call(call)
    method, arguments = call
    return Call(method, tuple(arguments))


@dataclass
class _Verifier:
    agent_type: AgentType
    args: tuple[Any, ...]
    calls: list[Call]
    source: Seeded

    def run(self, variant: AgentType, point: Point | None, how: str = "") -> _Run:
        from ..executor import Executor

        hook = crash_after(BEGIN_ATOMIC, nth=point[1]) if point and point[0] == "atomic" else None
        executor = Executor(agent_types=[variant], fault_hook=hook, clock=_clock())
        the_id = executor.agent_id(variant.type_name, self.args)
        run = _Run()
        try:
            for index, call in enumerate(self.calls):
                run.results.append(self._invoke(executor, variant, index, point, how))
                if point == ("after", index):
                    self._crash_and_recover(executor, the_id, f"after call {index + 1} {call}", how)
            if point is not None and point[0] == "atomic":
                self._crash_and_recover(executor, the_id, f"inside atomic region {point[1]}", how)
            run.state = copy.deepcopy(stored_state(executor.instance(the_id)))
            run.regions = sum(e.kind == BEGIN_ATOMIC for e in executor.oplog(the_id))
        finally:
            executor.close()
        return run

    def _invoke(
        self, executor: Any, variant: AgentType, index: int, point: Point | None, how: str
    ) -> tuple[str, Any]:
        call = self.calls[index]
        key = f"golem-verify-{index}"

        def attempt() -> Any:
            self.source.reseed(index)
            return executor.invoke(
                variant.type_name, self.args, call.method, call.args, idempotency_key=key
            )

        try:
            try:
                value = attempt()
            except SimulatedCrash:
                value = attempt()  # the crash inside this call: retried, recovery finishes it
        except Exception as error:
            if point is not None and _is_recovery_error(error):
                raise AssertionError(
                    self._name(f"recovering for call {index + 1} {call}", how, error)
                ) from error
            return ("error", f"{type(error).__name__}: {error}")
        return ("ok", copy.deepcopy(value))

    def _crash_and_recover(self, executor: Any, the_id: str, where: str, how: str) -> None:
        before = copy.deepcopy(stored_state(executor.instance(the_id)))
        executor.crash()
        try:
            after = stored_state(executor.instance(the_id))
        except Exception as error:
            raise AssertionError(self._name(f"recovering {where}", how, error)) from error
        difference = first_difference(before, after)
        if difference is not None:
            raise AssertionError(
                f"{self.agent_type.type_name}: recovering {where} by {how} gives another state "
                f"than the agent had (replay is not deterministic): {difference}"
            )

    def _name(self, what: str, how: str, error: BaseException) -> str:
        return (
            f"{self.agent_type.type_name}: {what} by {how} failed: {type(error).__name__}: {error}"
        )

    def reproducible(self, first: _Run, second: _Run) -> None:
        for index, (a, b) in enumerate(zip(first.results, second.results, strict=True)):
            difference = first_difference(a, b, "result")
            if difference is not None:
                raise AssertionError(
                    f"{self.agent_type.type_name}: call {index + 1} {self.calls[index]} returns "
                    f"something else in two identical runs ({difference}): it depends on "
                    "something the oplog does not record (time, randomness or state outside the "
                    "agent), so replay cannot reproduce it; use the durable stand-ins or "
                    "durable_call"
                )
        difference = first_difference(first.state, second.state)
        if difference is not None:
            raise AssertionError(
                f"{self.agent_type.type_name}: two identical runs end in different states "
                f"({difference}): the agent depends on something the oplog does not record"
            )

    def compare(self, expected: _Run, actual: _Run, how: str, point: Point) -> None:
        if point[0] != "after":
            return  # a retried atomic region may draw new values: checked by recovery alone
        hint = "" if how != "snapshots" else _SNAPSHOT_HINT
        for index in range(point[1] + 1, len(self.calls)):
            difference = first_difference(expected.results[index], actual.results[index], "result")
            if difference is not None:
                raise AssertionError(
                    f"{self.agent_type.type_name}: call {index + 1} {self.calls[index]} differs "
                    f"after a crash after call {point[1] + 1}, recovered by {how}: {difference}"
                    f"{hint}"
                )
        difference = first_difference(expected.state, actual.state)
        if difference is not None:
            raise AssertionError(
                f"{self.agent_type.type_name}: the final state differs after a crash after call "
                f"{point[1] + 1}, recovered by {how}: {difference}"
            )


_SNAPSHOT_HINT = (
    " (only recovery from a snapshot changes it: the agent depends on something its snapshot "
    "does not keep; automatic JSON snapshots store dict keys and sets sorted, not in insertion "
    "order)"
)


def _is_recovery_error(error: BaseException) -> bool:
    from ..errors import RecoveryError, ReplayDivergenceError

    return isinstance(error, RecoveryError | ReplayDivergenceError)


def _clock() -> Any:
    ticks = iter(range(1_893_456_000_000_000_000, 2**63, 1_000_000))
    return lambda: next(ticks)

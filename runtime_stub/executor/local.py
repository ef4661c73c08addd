"""The local durable executor (SPEC §8): run agents, record their oplog, recover them after crashes.

```python
ex = Executor(store=SqliteOplogStore(".golem/oplog.db"))   # Executor() keeps oplogs in memory
ex.invoke("CounterAgent", ["c1"], "increment")             # -> 1
ex.crash()                                                  # drop every live instance
ex.invoke("CounterAgent", ["c1"], "increment")             # -> 2, after recovery
```

Agent ids read like Golem's: the type name and the constructor arguments as JSON,
`CounterAgent("c1")`, `Shop("u-1", 3)`. An executor is meant for one thread, and an agent's oplog
for one executor at a time.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal

from ..errors import FaultHook
from ..oplog.entries import (
    CREATE,
    ERROR,
    INVOCATION_FINISHED,
    INVOCATION_STARTED,
    OplogEntry,
    format_oplog,
    is_snapshot_error,
)
from ..oplog.store import InMemoryOplogStore, OplogStore
from ..registry import AgentType
from ..snapshotting import Disabled, Enabled, SnapshottingPolicy
from ..values import ValueType, to_jsonable
from .engine import Engine, LiveAgent
from .outcome import Outcome, call_in_host, outcome_entry, recorded_outcome
from .recorder import HeldRecorder
from .replay import RecoveryStats, recover
from .resolve import TypeResolver, class_path
from .signature import check_sequence
from .update import apply_update

__all__ = ["Executor", "agent_id"]

_DISABLED = Disabled()
GOLEM_VERSIONS = ("1.5", "1.6")


def agent_id(type_name: str, constructor_args: Sequence[Any]) -> str:
    """`TypeName(arg, ...)` with each argument as JSON: deterministic and readable."""
    listed = ", ".join(json.dumps(to_jsonable(arg), ensure_ascii=False) for arg in constructor_args)
    return f"{type_name}({listed})"


class Executor:
    """Runs agents durably on this machine; see the module docstring."""

    def __init__(
        self,
        store: OplogStore | None = None,
        *,
        agent_types: Iterable[AgentType] = (),
        clock: Callable[[], int] = time.time_ns,
        default_policy: SnapshottingPolicy = _DISABLED,
        sleep: Callable[[float], None] = time.sleep,
        fault_hook: FaultHook | None = None,
        golem_version: str = "1.6",
    ) -> None:
        """`golem_version`: the Golem release whose semantics to follow (SPEC §12); "1.5" runs
        an ephemeral agent with snapshotting (which 1.6 refuses) and ignores the snapshotting."""
        if golem_version not in GOLEM_VERSIONS:
            raise ValueError(f"golem_version must be one of {', '.join(GOLEM_VERSIONS)}")
        self.golem_version = golem_version
        if isinstance(default_policy, Enabled):
            raise ValueError("default_policy must say when: disabled, every(N) or periodic(D)")
        self.store: OplogStore = store if store is not None else InMemoryOplogStore()
        self._engine = Engine(self.store, TypeResolver(agent_types), clock, sleep, default_policy)
        self.fault_hook = fault_hook
        self._live: dict[str, LiveAgent] = {}
        self._stats: dict[str, RecoveryStats] = {}

    @property
    def fault_hook(self) -> FaultHook | None:
        """Called after each committed entry (tests raise `SimulatedCrash` from it)."""
        return self._engine.fault_hooks[0] if self._engine.fault_hooks else None

    @fault_hook.setter
    def fault_hook(self, hook: FaultHook | None) -> None:
        self._engine.fault_hooks[:] = [hook] if hook is not None else []

    def agent_id(self, agent_type: str, constructor_args: Sequence[Any]) -> str:
        """The id of the agent of that type and constructor arguments (see `agent_id`)."""
        args = check_sequence(constructor_args, agent_type)
        try:
            atype = self._engine.resolver.named(agent_type)
        except KeyError:  # not known here: the arguments as given
            return agent_id(agent_type, args)
        return agent_id(
            agent_type, self._engine.signatures.constructor(atype).bind(args, canonical=True)[0]
        )

    def invoke(
        self,
        agent_type: str,
        constructor_args: Sequence[Any],
        method: str,
        args: Sequence[Any] = (),
        *,
        idempotency_key: str | uuid.UUID | None = None,
    ) -> Any:
        """Call `method` on the agent (created or recovered as needed) and return its result.

        Arguments are checked and decoded against the declared types the way Golem does (an
        enum from its value, a dataclass from an object of its fields): a wrong count or type is
        an `ArgumentError` naming the parameter, an unknown method an `UnknownMethodError` (an
        `AttributeError`) with a did-you-mean; nothing is recorded then. The method's own
        exception is recorded and re-raised. With a known `idempotency_key` the recorded result
        comes back without running anything again.
        """
        engine = self._engine
        atype = engine.resolver.named(agent_type)
        ctor_args = check_sequence(constructor_args, agent_type)
        ctor_trees = engine.signatures.constructor(atype).bind(ctor_args, canonical=True)[0]
        the_id = agent_id(agent_type, ctor_trees)
        key = str(idempotency_key) if idempotency_key is not None else None
        if atype.mode == "ephemeral":
            self._refuse_snapshotting(atype)
            return self._invoke_ephemeral(atype, the_id, ctor_trees, method, args, key)
        live = self._live.get(the_id)
        if live is None:
            if self.store.last_index(the_id) == 0:  # a new agent: refuse before creating it
                engine.signatures.method(atype, method).bind(args)
            live = self._activate(the_id, atype, ctor_trees)
        signature = engine.signatures.method(live.agent_type, method)
        trees = signature.bind(args)[0]
        if key is not None and (done := self._recorded(the_id, key, signature.result)) is not None:
            return done.unwrap()
        started = live.recorder.append(INVOCATION_STARTED, _started(method, trees, key))
        try:
            outcome = self._engine.run(live, started)
        except BaseException:
            live.recorder.discard()
            self._live.pop(the_id, None)
            raise
        return outcome.unwrap()

    def instance(self, agent_id: str) -> Any:
        """The live instance of a durable agent, recovering it first: to inspect, not to mutate."""
        return self._require_live(agent_id).instance

    def oplog(self, agent_id: str) -> list[OplogEntry]:
        """The agent's whole oplog."""
        return self.store.read(agent_id)

    def format_oplog(self, agent_id: str) -> str:
        """The agent's oplog as text, like `golem agent oplog`."""
        return format_oplog(self.store.read(agent_id))

    def crash(self) -> None:
        """Drop every live instance, as if the process died; the next call recovers them."""
        self._live.clear()

    def recovery_stats(self, agent_id: str) -> RecoveryStats | None:
        """How the agent was last recovered by this executor; None if it never was."""
        return self._stats.get(agent_id)

    def update(
        self,
        agent_id: str,
        new_agent_class: type[Any] | AgentType,
        mode: Literal["snapshot"] = "snapshot",
    ) -> None:
        """Update a durable agent to a new version through a snapshot.

        `new_agent_class` is an `AgentType`, a registered agent class, or a class with its own
        save_snapshot/load_snapshot pair. On failure `failed-update` is recorded, the old version
        keeps running and `UpdateError` is raised.
        """
        if mode != "snapshot":
            raise ValueError(f"unsupported update mode {mode!r}: only 'snapshot' is available")
        live = self._require_live(agent_id)
        new = (
            new_agent_class
            if isinstance(new_agent_class, AgentType)
            else self._engine.resolver.for_class(new_agent_class, live.agent_type)
        )
        try:
            apply_update(self._engine, live, new)
        except BaseException:
            live.recorder.discard()
            raise

    def close(self) -> None:
        """Close the store."""
        self.store.close()

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _require_live(self, agent_id: str) -> LiveAgent:
        live = self._live.get(agent_id)
        if live is not None:
            return live
        create = self.store.read(agent_id, 1, 2)
        if not create:
            raise KeyError(f"no agent {agent_id} in the oplog store")
        atype = self._engine.resolver.recorded(
            create[0].data["type_name"], create[0].data["class"], None
        )
        if atype.mode == "ephemeral":
            raise ValueError(f"{agent_id} is ephemeral: it has no instance between invocations")
        return self._activate(agent_id, atype, create[0].data["args"])

    def _activate(self, the_id: str, atype: AgentType, args: Sequence[Any]) -> LiveAgent:
        if self.store.last_index(the_id) == 0:
            live = self._create(the_id, atype, args)
        else:
            live, stats = recover(self._engine, the_id)
            self._stats[the_id] = stats
        self._live[the_id] = live
        return live

    def _create(self, the_id: str, atype: AgentType, args: Sequence[Any]) -> LiveAgent:
        """Construct a new agent; `create` and the constructor's host calls commit together."""
        engine = self._engine
        held = HeldRecorder(self.store, the_id, 2, engine.clock)
        instance = engine.construct(atype, args, engine.host(held))
        recorder = engine.recorder(the_id, 1)
        create = recorder.append(CREATE, self._create_data(atype, args, len(held.buffer)))
        recorder.adopt(held.buffer)
        recorder.flush()
        schedule = engine.schedule(atype, create.at)
        return LiveAgent(the_id, atype, list(args), instance, recorder, schedule)

    def _create_data(
        self, atype: AgentType, args: Sequence[Any], init_calls: int
    ) -> dict[str, Any]:
        return {
            "type_name": self._engine.resolver.recorded_name(atype) or atype.type_name,
            "class": class_path(atype.agent_class),
            "args": list(args),
            "init_calls": init_calls,
        }

    def _recorded(self, the_id: str, key: str, result: ValueType) -> Outcome | None:
        started = self.store.find_started(the_id, key)
        if started is None:
            return None
        end = self.store.following(the_id, started.index, (INVOCATION_FINISHED, ERROR))
        while end is not None and is_snapshot_error(end):
            end = self.store.following(the_id, end.index, (INVOCATION_FINISHED, ERROR))
        return recorded_outcome(end, result) if end is not None else None

    def _refuse_snapshotting(self, atype: AgentType) -> None:
        """Golem 1.6 refuses an ephemeral agent type with snapshotting (GLM007 says so too)."""
        if self.golem_version != "1.5" and not isinstance(atype.snapshotting, Disabled):
            raise ValueError(
                f"{atype.type_name} is ephemeral with snapshotting enabled: Golem 1.6 refuses such "
                'an agent type (GLM007); set snapshotting="disabled", or pass '
                'golem_version="1.5" to run it as Golem 1.5 does (the snapshotting is ignored)'
            )

    def _invoke_ephemeral(
        self, atype: AgentType, the_id: str, ctor_args: Sequence[Any], method: str,
        args: Sequence[Any], key: str | None,
    ) -> Any:  # fmt: skip
        """A fresh instance per invocation; the oplog is recorded but never replayed."""
        engine = self._engine
        signature = engine.signatures.method(atype, method)
        trees, values = signature.bind(args)
        if key is not None and (done := self._recorded(the_id, key, signature.result)) is not None:
            return done.unwrap()
        recorder = engine.recorder(the_id, self.store.last_index(the_id) + 1)
        if recorder.next_index == 1:
            recorder.append(CREATE, self._create_data(atype, ctor_args, 0))
        recorder.append(INVOCATION_STARTED, _started(method, trees, key))
        host = engine.host(recorder)
        ctor_values = engine.signatures.constructor(atype).load(ctor_args)

        def call() -> Any:
            return getattr(atype.agent_class(*ctor_values), method)(*values)

        try:
            outcome, kind, data = outcome_entry(call_in_host(host, call), method, signature.result)
            recorder.append(kind, data)
            recorder.flush()
        except BaseException:
            recorder.discard()
            raise
        return outcome.unwrap()


def _started(method: str, trees: list[Any], key: str | None) -> dict[str, Any]:
    return {
        "method": method,
        "args": trees,
        "idempotency_key": key if key is not None else str(uuid.uuid4()),
    }

"""An agent's oplog writer: numbers and buffers entries, commits them to the store in batches."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..errors import FaultHook
from ..oplog.entries import OplogEntry
from ..oplog.store import OplogStore

__all__ = ["Recorder"]


class Recorder:
    """Appends entries for one agent; `flush` commits what is buffered as one store transaction.

    Entries still buffered when the process crashes are lost, as uncommitted entries would be;
    the executor commits after every external effect and at the end of every invocation.
    """

    def __init__(
        self,
        store: OplogStore,
        agent_id: str,
        next_index: int,
        clock: Callable[[], int],
        fault_hook: FaultHook | None = None,
    ) -> None:
        self.store = store
        self.agent_id = agent_id
        self.next_index = next_index
        self.clock = clock
        self.fault_hook = fault_hook
        self.buffer: list[OplogEntry] = []

    def append(self, kind: str, data: Mapping[str, Any]) -> OplogEntry:
        """Buffer a new entry after the last one and return it."""
        entry = OplogEntry(self.next_index, kind, self.clock(), data)
        self.next_index += 1
        self.buffer.append(entry)
        return entry

    def adopt(self, entries: Sequence[OplogEntry]) -> None:
        """Buffer entries numbered elsewhere (the constructor's host calls, after `create`)."""
        for offset, entry in enumerate(entries):
            if entry.index != self.next_index + offset:
                raise ValueError(f"entry #{entry.index} does not follow #{self.next_index - 1}")
        self.buffer.extend(entries)
        self.next_index += len(entries)

    def flush(self) -> None:
        """Commit the buffered entries in one transaction, then tell the fault hook about each."""
        if not self.buffer:
            return
        batch, self.buffer = self.buffer, []
        self.store.append(self.agent_id, batch)
        if self.fault_hook is not None:
            for entry in batch:
                self.fault_hook(self.agent_id, entry)

    def discard(self) -> None:
        """Forget what is not committed, as a crash would."""
        self.next_index -= len(self.buffer)
        self.buffer = []


class HeldRecorder(Recorder):
    """A recorder that never commits: it collects what a constructor does before `create` exists."""

    def flush(self) -> None:
        """Keep everything buffered; the creator commits it together with `create`."""

"""Scanning many files in worker processes, this process taking its share (`sharing`)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from .cache import CacheEntry
from .sharing import map_shared

__all__ = ["Counter", "Job", "gc_paused", "scan_entry", "scan_in_parallel"]

Job = tuple[bytes, str, str]
"""(file bytes, display path, module name)."""
CHUNKS_PER_PROCESS = 64
"""Small enough that the processes end together (a worker holds at most two chunks when this
process stops taking chunks back), large enough to pay for pickling a chunk."""


def scan_in_parallel(work: Sequence[Job], jobs: int, done: Callable[[], None]) -> list[CacheEntry]:
    """The entries of `work` in order, scanned by `jobs` processes; `done()` after each file."""
    import codegen.scan.module  # noqa: F401 — loaded before the fork, so workers inherit it

    size = max(1, len(work) // (jobs * CHUNKS_PER_PROCESS))
    chunks = [work[start : start + size] for start in range(0, len(work), size)]

    def chunk_done(entries: list[CacheEntry]) -> None:
        for _ in entries:
            done()

    from concurrent.futures import ProcessPoolExecutor  # ~10 ms: only runs that use workers

    with ProcessPoolExecutor(max_workers=jobs - 1, initializer=gc.disable) as pool:
        scanned = map_shared(pool, _scan_chunk, chunks, chunk_done)
    return [entry for entries in scanned for entry in entries]


def _scan_chunk(chunk: Sequence[Job]) -> list[CacheEntry]:
    return [scan_entry(job) for job in chunk]


def scan_entry(job: Job) -> CacheEntry:
    """Scan one file; only the picklable result leaves the process that scanned it."""
    from ..scan.module import ScanFailure, scan_source

    outcome = scan_source(*job)
    if isinstance(outcome, ScanFailure):
        return CacheEntry(None, outcome.finding)
    return CacheEntry(outcome.scan, None)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Scanning allocates millions of acyclic CST objects: collecting meanwhile is pure cost."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Counter:
    """Reports progress, one file at a time."""

    def __init__(self, total: int, progress: Callable[[int, int], None] | None) -> None:
        self.total = total
        self.count = 0
        self.progress = progress

    def done(self) -> None:
        self.count += 1
        if self.progress is not None:
            self.progress(self.count, self.total)

"""Scanning many files in worker processes, this process taking its share (`sharing`)."""

from __future__ import annotations

import gc
import os
import pickle
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


def scan_aside(
    work: Sequence[Job], meanwhile: Sequence[Callable[[], object]]
) -> list[CacheEntry] | None:
    """The entries of `work`, scanned by a forked child while this process imports the stages
    that follow scanning and does the `meanwhile` work: after a small edit, importing libcst
    (about 0.12 s) and parsing take place on the other CPU. None when there is no fork or the
    child failed (then scan here)."""
    if not hasattr(os, "fork"):
        return None
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's coverage is not collected
        os.close(reading)
        status = 1
        try:
            from ..scan.parse import unvalidated

            with unvalidated():
                entries = [scan_entry(job) for job in work]
            with os.fdopen(writing, "wb") as out:
                pickle.dump(entries, out, protocol=pickle.HIGHEST_PROTOCOL)
            status = 0
        finally:
            os._exit(status)
    os.close(writing)
    try:
        _import_later_stages()
        for task in meanwhile:
            task()
    finally:
        with os.fdopen(reading, "rb") as source:
            data = source.read()
        _, status = os.waitpid(child, 0)
    return pickle.loads(data) if status == 0 and data else None


def _import_later_stages() -> None:
    """What a run that scanned something goes on to import: resolution, checks, the gate, and
    the wiring model (rendering text needs jinja2, which is not imported here)."""
    from ..checks import check_agents  # noqa: F401
    from ..generate.wiring import build_module  # noqa: F401
    from ..resolve.project import resolve  # noqa: F401
    from ..state.gate import judge  # noqa: F401


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

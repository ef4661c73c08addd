"""Scanning many files in worker processes, this process taking its share.

The files are cut into chunks queued for `jobs - 1` workers, while this process scans chunks from
the far end of the queue (a chunk is taken back from the pool as long as no worker has started
it). Every process scans all the time, and a third of the results never has to be pickled.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from .cache import CacheEntry

__all__ = ["Job", "scan_entry", "scan_in_parallel"]

Job = tuple[bytes, str, str]
"""(file bytes, display path, module name)."""
CHUNKS_PER_PROCESS = 16
"""Small enough to balance the processes' ends, large enough to pay for pickling a chunk."""


def scan_in_parallel(work: Sequence[Job], jobs: int, done: Callable[[], None]) -> list[CacheEntry]:
    """The entries of `work` in order, scanned by `jobs` processes; `done()` after each file."""
    import codegen.scanner  # noqa: F401 — loaded before the fork, so workers inherit it

    size = max(1, len(work) // (jobs * CHUNKS_PER_PROCESS))
    chunks = [work[start : start + size] for start in range(0, len(work), size)]
    with ProcessPoolExecutor(max_workers=jobs - 1, initializer=gc.disable) as pool:
        futures = [pool.submit(_scan_chunk, chunk) for chunk in chunks]
        here = dict(_take_back(futures, chunks, done))
        results: list[CacheEntry] = []
        for index, future in enumerate(futures):
            if index in here:
                results += here[index]
                continue
            entries = future.result()
            for _ in entries:
                done()
            results += entries
    return results


def _take_back(
    futures: list[Future[list[CacheEntry]]], chunks: list[Sequence[Job]], done: Callable[[], None]
) -> Iterator[tuple[int, list[CacheEntry]]]:
    """Scan here the chunks no worker has started yet, from the last one back."""
    for index in reversed(range(len(futures))):
        if not futures[index].cancel():
            return
        entries = []
        for job in chunks[index]:
            entries.append(scan_entry(job))
            done()
        yield index, entries


def _scan_chunk(chunk: Sequence[Job]) -> list[CacheEntry]:
    return [scan_entry(job) for job in chunk]


def scan_entry(job: Job) -> CacheEntry:
    """Scan one file; only the picklable result leaves the process that scanned it."""
    from .scanner import ScanFailure, scan_source

    outcome = scan_source(*job)
    if isinstance(outcome, ScanFailure):
        return CacheEntry(None, outcome.finding)
    return CacheEntry(outcome.scan, None)

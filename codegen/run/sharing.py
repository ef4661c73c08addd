"""A process pool whose caller works too: items are done by the workers from the front of the
queue and by this process from the back, taking back every item no worker has started.

With `jobs` processes wanted, the pool gets `jobs - 1` workers: every process computes all the
time, and the results this process computes never have to be pickled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Executor  # logging and more: only runs that fork import it

__all__ = ["map_shared"]

Item = TypeVar("Item")
Result = TypeVar("Result")


def map_shared(
    pool: Executor,
    function: Callable[[Item], Result],
    items: Sequence[Item],
    done: Callable[[Result], None] = lambda _: None,
) -> list[Result]:
    """`[function(item) for item in items]`, shared between `pool` and this process; `done` is
    called with each result as it becomes available here."""
    futures = [pool.submit(function, item) for item in items]
    here: dict[int, Result] = {}
    for index in reversed(range(len(items))):
        if not futures[index].cancel():  # a worker has it (workers hold at most two ahead)
            break
        here[index] = function(items[index])
        done(here[index])
    results = []
    for index, future in enumerate(futures):
        if index not in here:
            here[index] = future.result()
            done(here[index])
        results.append(here[index])
    return results

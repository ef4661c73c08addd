"""map_shared: the pool and this process split the items; every item is computed exactly once."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from hypothesis import given, settings
from hypothesis import strategies as st

from codegen.run.sharing import map_shared


def square(value: int) -> int:
    return value * value


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(-1000, 1000), max_size=40), st.integers(1, 3))
def test_results_are_in_order_and_each_item_is_computed_once(
    items: list[int], workers: int
) -> None:
    seen: list[int] = []
    lock = threading.Lock()

    def record(index: int) -> int:
        time.sleep(0.0005)
        with lock:
            seen.append(index)
        return square(items[index])

    done: list[int] = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = map_shared(pool, record, range(len(items)), done.append)
    assert results == [square(item) for item in items]
    assert sorted(seen) == list(range(len(items)))
    assert sorted(done) == sorted(results)


def test_this_process_takes_its_share() -> None:
    caller = threading.get_ident()
    where: list[bool] = []

    def slow(value: int) -> int:
        where.append(threading.get_ident() == caller)
        time.sleep(0.01)
        return value

    with ThreadPoolExecutor(max_workers=1) as pool:
        assert map_shared(pool, slow, range(20)) == list(range(20))
    assert any(where) and not all(where)


def test_worker_processes_and_this_one_agree() -> None:
    with ProcessPoolExecutor(max_workers=1) as pool:
        assert map_shared(pool, square, range(50)) == [square(n) for n in range(50)]

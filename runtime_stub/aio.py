"""Run async agent code to completion from the executor's synchronous calls."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import inspect
from collections.abc import Awaitable, Coroutine
from typing import Any, TypeVar

__all__ = ["resolve"]

T = TypeVar("T")


async def _await(awaitable: Awaitable[T]) -> T:
    return await awaitable


def _run(awaitable: Awaitable[T]) -> T:
    coroutine: Coroutine[Any, Any, T] = (
        awaitable if inspect.iscoroutine(awaitable) else _await(awaitable)
    )
    return asyncio.run(coroutine)


def resolve(value: Any) -> Any:
    """`value` itself, or the result of awaiting it when it is awaitable.

    The awaitable runs in the current context (so it sees the executor's host); from inside a
    running event loop it runs on a worker thread with a copy of that context.
    """
    if not inspect.isawaitable(value):
        return value
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _run(value)
    context = contextvars.copy_context()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(context.run, _run, value).result()

"""Rendering many directories' wiring in forked worker processes.

The workers are forked after the project is resolved, so they inherit it: only a directory's index
goes out and its rendered text comes back. Where fork is unavailable, nothing is rendered ahead.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .model import Agent, Project

__all__ = ["PARALLEL_AGENTS", "prerender"]

PARALLEL_AGENTS = 64
"""Below this many agents, rendering in this process is cheaper than forking workers."""

_inherited: tuple[Project, list[list[Agent]]] | None = None


def prerender(
    project: Project, jobs: int, *, skip: Callable[[Sequence[Agent]], bool]
) -> Callable[[Sequence[Agent]], str | None]:
    """Render the directories of `project` that `skip` does not exclude ahead, in parallel;
    returns a lookup by the directory's agents."""
    global _inherited
    groups: dict[Path, list[Agent]] = {}
    for agent in project.agents:
        groups.setdefault(Path(agent.scan.path).parent, []).append(agent)
    ordered = [group for group in groups.values() if not skip(group)]
    if (
        jobs < 2
        or len(ordered) < 2
        or sum(map(len, ordered)) < PARALLEL_AGENTS
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return lambda agents: None
    _inherited = (project, ordered)
    try:
        context = multiprocessing.get_context("fork")
        gc.freeze()  # the forked workers then never scan (and so never copy) the inherited heap
        with ProcessPoolExecutor(
            max_workers=jobs, mp_context=context, initializer=gc.disable
        ) as pool:
            texts = list(pool.map(_render_group, range(len(ordered))))
    finally:
        _inherited = None
        gc.unfreeze()
    ready = {_names(group): text for group, text in zip(ordered, texts, strict=True)}
    return lambda agents: ready.get(_names(agents))


def _names(agents: Sequence[Agent]) -> tuple[str, ...]:
    return tuple(f"{a.scan.path}:{a.cls.qualname}" for a in agents)


def _render_group(index: int) -> str:
    from .render import render_module
    from .wiring import build_module

    assert _inherited is not None, "prerender workers are forked with the project"
    project, groups = _inherited
    return render_module(build_module(project, groups[index]))

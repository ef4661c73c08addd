"""Rendering many directories' wiring in forked worker processes.

The workers are forked after the project is resolved, so they inherit it: only a directory's index
goes out and its rendering comes back (a text, or None when the module on disk is current). Where
fork is unavailable, nothing is rendered ahead.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor

from ..generate.plan import Rendering, directories
from ..model import Agent, Project
from .cache import group_names
from .sharing import map_shared

__all__ = ["PARALLEL_AGENTS", "prerender"]

PARALLEL_AGENTS = 64
"""Below this many agents, rendering in this process is cheaper than forking workers."""

_inherited: tuple[Project, list[list[Agent]]] | None = None


def prerender(
    project: Project, jobs: int, *, skip: Callable[[Sequence[Agent]], bool]
) -> Mapping[tuple[str, ...], Rendering]:
    """Render the directories of `project` that `skip` does not exclude ahead, in parallel;
    returns the renderings by `group_names` (empty when parallel rendering does not pay)."""
    global _inherited
    ordered = [group for group in directories(project) if not skip(group)]
    if (
        jobs < 2
        or len(ordered) < 2
        or sum(map(len, ordered)) < PARALLEL_AGENTS
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return {}
    _inherited = (project, ordered)
    try:
        context = multiprocessing.get_context("fork")
        gc.freeze()  # the forked workers then never scan (and so never copy) the inherited heap
        with ProcessPoolExecutor(
            max_workers=jobs - 1, mp_context=context, initializer=gc.disable
        ) as pool:
            texts = map_shared(pool, _render_group, range(len(ordered)))
    finally:
        _inherited = None
        gc.unfreeze()
    return {group_names(group): text for group, text in zip(ordered, texts, strict=True)}


def _render_group(index: int) -> Rendering:
    from ..generate.plan import produce, recorded_hash

    assert _inherited is not None, "prerender workers are forked with the project"
    project, groups = _inherited
    return produce(project, groups[index], recorded_hash(groups[index]))

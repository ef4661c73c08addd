"""Planning the generated modules of a run: which directories render, and what changes.

A directory with errors is not rendered (its agents may be invalid): its generated module is
neither reported stale nor deleted, but a foreign or hand-edited one is still reported. Errors
that make an agent unrenderable count even when suppressed or ignored.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic, Finding, Severity
from ..model import Agent, Project
from ..state.lock import LOCK_NAME
from .cache import CacheEntry, RenderCache
from .grouping import directory_key
from .pipeline import Run

if TYPE_CHECKING:
    from ..generate.plan import FileChange

__all__ = [
    "GENERATOR_CODES",
    "broken_directories",
    "generated_findings",
    "plan_changes",
]

GENERATOR_CODES = frozenset({"GLM040", "GLM041", "GLM053"})
"""Codes `generate` itself repairs, so they do not stop it from writing."""
RENDER_BLOCKERS = frozenset(
    {"GLM001", "GLM002", "GLM004", "GLM005", "GLM006", "GLM012", "GLM900", "GLM901"}
)
"""Errors after which an agent's wiring cannot be rendered, suppressed or not."""
MAX_DIGESTS = 256
"""Code digests of generated modules kept between runs (the most recent ones)."""


def broken_directories(found: Sequence[Diagnostic], findings: Sequence[Finding]) -> set[str]:
    """The directories (`directory_key`) that have errors, or a finding that blocks rendering."""
    broken = {
        directory_key(d.path)
        for d in found
        if d.severity is Severity.ERROR and d.code not in GENERATOR_CODES
    }
    return broken | {directory_key(f.path) for f in findings if f.code in RENDER_BLOCKERS}


def plan_changes(
    run: Run, project: Project, existing: Sequence[Path], broken: set[str]
) -> tuple[FileChange, ...]:
    """The changes to the generated modules of the project's directories and of `existing`
    ones; `broken` directories are not rendered."""
    from ..generate.plan import plan_generation
    from .dependencies import render_inputs
    from .prerender import prerender

    healthy = tuple(a for a in project.agents if directory_key(a.scan.path) not in broken)
    renderable = replace(project, agents=healthy)
    inputs = partial(render_inputs, project=project)
    cache = RenderCache(run.cache, inputs, run.content_key)
    with _known_digests(run):
        cache.ahead(prerender(renderable, run.jobs, skip=partial(_held, cache)))
        changes = plan_generation(renderable, existing, cache=cache)
    return tuple(
        change
        for change in changes
        if directory_key(str(change.path)) not in broken or change.action in ("foreign", "edited")
    )


def generated_findings(changes: Sequence[FileChange]) -> list[Finding]:
    """GLM040-042 for existing golem_agents.py files.

    A module not generated yet is not a diagnostic: `check` lints what is there, and
    `generate --check` (the CI step) fails on a missing module.
    """
    from ..generate.findings import generated_findings as findings_of

    generated = [c for c in changes if c.action != "create" and c.path.name != LOCK_NAME]
    return findings_of(generated)


def _held(cache: RenderCache, agents: Sequence[Agent]) -> bool:
    """Whether the render cache answers for the directory of `agents` (no rendering ahead)."""
    from ..generate.plan import recorded_hash

    return cache.holds(agents, recorded_hash(agents))


@contextmanager
def _known_digests(run: Run) -> Iterator[None]:
    """Code digests of generated modules from the last runs (a module laid out by the team's
    formatter is then verified without parsing it), and the new ones stored after planning."""
    from ..generate import fingerprint

    key = run.cache.key(b"", "fingerprints", "")
    entry = run.cache.get(key) if key else None
    stored = getattr(entry, "digests", None) or {}
    fingerprint.learn(stored)
    yield
    current = fingerprint.known()
    if key and current != stored:
        recent = dict(list(current.items())[-MAX_DIGESTS:])
        run.cache.put(key, CacheEntry(None, None, digests=recent))

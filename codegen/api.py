"""The pipeline as functions: check, scan, generate. Pure results; never prints, never exits.

bytes -> (scanner) ModuleScan -> (resolve) Project -> (checks) Finding -> (locate) Diagnostic.
Heavy modules (libcst, jinja2) are imported only when a file actually needs parsing or rendering.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic, Finding, Severity, sort_key
from .discovery import Config
from .model import Project
from .run.pipeline import DEFAULT_OPTIONS, Options, Run

if TYPE_CHECKING:
    from .generate.plan import FileChange

__all__ = ["CheckResult", "GenerateResult", "Options", "ScanResult", "check", "generate", "scan"]

PathLike = str | os.PathLike[str]
GENERATOR_CODES = frozenset({"GLM040", "GLM041"})
"""Codes `generate` itself repairs, so they do not stop it from writing."""
RENDER_BLOCKERS = frozenset(
    {"GLM001", "GLM002", "GLM004", "GLM005", "GLM006", "GLM012", "GLM900", "GLM901"}
)
"""Errors after which an agent's wiring cannot be rendered, suppressed or not."""
MAX_DIGESTS = 256
"""Code digests of generated modules kept between runs (the most recent ones)."""


@dataclass(frozen=True, slots=True)
class CheckResult:
    """Diagnostics of a `check` run, sorted by path, line, column, code."""

    diagnostics: tuple[Diagnostic, ...]
    files: int

    def failed(self, *, strict: bool = False) -> bool:
        """Whether the run fails: any error, or any warning too when strict."""
        return any(strict or d.severity is Severity.ERROR for d in self.diagnostics)


@dataclass(frozen=True, slots=True)
class ScanResult:
    """The resolved model of the tree and the diagnostics found on the way."""

    project: Project
    diagnostics: tuple[Diagnostic, ...]


@dataclass(frozen=True, slots=True)
class GenerateResult:
    """What `generate` planned, what it wrote, and why it refused to write, if it did."""

    changes: tuple[FileChange, ...]
    written: tuple[FileChange, ...]
    diagnostics: tuple[Diagnostic, ...]
    refused: bool

    @property
    def pending(self) -> tuple[FileChange, ...]:
        """Changes that would modify the code in the tree (a refresh only records a hash)."""
        return tuple(c for c in self.changes if c.action not in ("unchanged", "refresh"))


def check(
    paths: Sequence[PathLike] = (".",),
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    config: Config | None = None,
    options: Options = DEFAULT_OPTIONS,
) -> CheckResult:
    """Scan `paths`, run every check (generated files included), and return located diagnostics.

    With the cache on, a run over unchanged files returns the stored result of the last one.
    Raises ValueError for a selector that selects nothing.
    """
    if select or ignore:  # the code table loads only when there is something to check in it
        from .checks.rules import check_selectors

        check_selectors((*select, *ignore))
    run = Run(paths, config, options)
    key = run.run_key("check", *select, "\0", *ignore)
    stored = run.cached_result(key)
    if stored is not None:
        return CheckResult(stored.diagnostics, stored.files)
    project = run.project()
    findings = [*run.failures, *_run_checks(project)]
    found = run.diagnostics(findings, select, ignore)
    if project.agents or run.tree.generated:
        changes = _plan(run, project, found, findings)
        found += run.diagnostics(_generated_findings(changes), select, ignore)
    diagnostics = tuple(sorted(found, key=sort_key))
    run.store_result(key, diagnostics)
    return CheckResult(diagnostics, len(run.tree.sources))


def scan(
    paths: Sequence[PathLike] = (".",),
    *,
    config: Config | None = None,
    options: Options = DEFAULT_OPTIONS,
) -> ScanResult:
    """Scan and resolve `paths` without running the checks."""
    run = Run(paths, config, options)
    project = run.project()
    return ScanResult(project, run.diagnostics(run.failures, (), ()))


def generate(
    paths: Sequence[PathLike] = (".",),
    *,
    check_only: bool = False,
    force: bool = False,
    config: Config | None = None,
    options: Options = DEFAULT_OPTIONS,
) -> GenerateResult:
    """Write or refresh every golem_agents.py; refuses (writes nothing) while the tree has errors.

    Like `check`, a run over an unchanged tree returns the stored result of the last one (when
    that run had nothing to write), without scanning: the pre-commit hook's common case.
    """
    run = Run(paths, config, options)
    key = run.run_key("generate", "check" if check_only else "", "force" if force else "")
    stored = run.cached_result(key)
    if stored is not None:
        return _settled(run, stored.diagnostics)
    project = run.project()
    findings = [*run.failures, *_run_checks(project)]
    found = run.diagnostics(findings, (), ())
    changes = _plan(run, project, found, findings)
    diagnostics = tuple(
        sorted(found + run.diagnostics(_generated_findings(changes), (), ()), key=sort_key)
    )
    blocking = _blocking(diagnostics)
    if blocking or all(change.action == "unchanged" for change in changes):
        run.store_result(key, diagnostics)  # nothing to write: the next run can skip the scan
    if blocking or check_only:
        return GenerateResult(changes, (), diagnostics, bool(blocking))
    from .generate.plan import apply_changes

    written = apply_changes(changes, force=force)
    return GenerateResult(changes, written, diagnostics, False)


def _settled(run: Run, diagnostics: tuple[Diagnostic, ...]) -> GenerateResult:
    """The result of a `generate` whose stored run had nothing to write (or refused to)."""
    from .generate.plan import FileChange

    blocking = _blocking(diagnostics)
    changes = (
        ()
        if blocking
        else tuple(FileChange(p, "unchanged", None, None) for p in run.tree.generated)
    )
    return GenerateResult(changes, (), diagnostics, bool(blocking))


def _blocking(diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    """Errors that stop `generate` from writing (those it repairs itself aside)."""
    return [
        d for d in diagnostics if d.severity is Severity.ERROR and d.code not in GENERATOR_CODES
    ]


def _run_checks(project: Project) -> list[Finding]:
    if not project.agents:
        return []
    from .checks import run_checks

    return run_checks(project)


def _plan(
    run: Run, project: Project, found: Sequence[Diagnostic], findings: Sequence[Finding]
) -> tuple[FileChange, ...]:
    """Plan the wiring of every directory whose agents have no errors.

    A directory with errors is not rendered (its agents may be invalid): its generated module is
    neither reported stale nor deleted, but a foreign or hand-edited one is still reported.
    Errors that make an agent unrenderable count even when suppressed or ignored.
    """
    from .generate.plan import plan_generation
    from .run.cache import RenderCache
    from .run.dependencies import render_inputs
    from .run.prerender import prerender

    broken = {Path(d.path).resolve().parent for d in found if d.severity is Severity.ERROR}
    broken |= {Path(f.path).resolve().parent for f in findings if f.code in RENDER_BLOCKERS}
    healthy = tuple(a for a in project.agents if Path(a.scan.path).resolve().parent not in broken)
    renderable = replace(project, agents=healthy)
    inputs = partial(render_inputs, project=project)
    cache = RenderCache(run.cache, inputs, run.content_key)
    with _known_digests(run):
        cache.ahead(prerender(renderable, run.jobs, skip=cache.holds))
        changes = plan_generation(renderable, run.tree.generated, cache=cache)
    return tuple(
        change
        for change in changes
        if change.path.resolve().parent not in broken or change.action in ("foreign", "edited")
    )


@contextmanager
def _known_digests(run: Run) -> Iterator[None]:
    """Code digests of generated modules from the last runs (a module laid out by the team's
    formatter is then verified without parsing it), and the new ones stored after planning."""
    from .generate import fingerprint
    from .run.cache import CacheEntry

    key = run.cache.key(b"", "fingerprints", "")
    entry = run.cache.get(key) if key else None
    stored = getattr(entry, "digests", None) or {}
    fingerprint.learn(stored)
    yield
    current = fingerprint.known()
    if key and current != stored:
        recent = dict(list(current.items())[-MAX_DIGESTS:])
        run.cache.put(key, CacheEntry(None, None, digests=recent))


def _generated_findings(changes: Sequence[FileChange]) -> list[Finding]:
    """GLM040-042 for existing golem_agents.py files.

    A module not generated yet is not a diagnostic: `check` lints what is there, and
    `generate --check` (the CI step) fails on a missing module.
    """
    from .generate.findings import generated_findings

    return generated_findings([change for change in changes if change.action != "create"])

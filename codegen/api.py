"""The pipeline as functions: check, scan, generate. Pure results; never prints, never exits.

bytes -> (scanner) ModuleScan -> (resolve) Project -> (checks) Finding -> (locate) Diagnostic.
Heavy modules (libcst, jinja2) are imported only when a file actually needs parsing or rendering.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic, Finding, Severity
from .discovery import Config, Tree
from .model import Project
from .pipeline import DEFAULT_OPTIONS, Options, Run

if TYPE_CHECKING:
    from .generate import FileChange

__all__ = ["CheckResult", "GenerateResult", "Options", "ScanResult", "check", "generate", "scan"]

PathLike = str | os.PathLike[str]
GENERATOR_CODES = frozenset({"GLM040", "GLM041"})
"""Codes `generate` itself repairs, so they do not stop it from writing."""


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
        """Changes that would modify the tree (everything but unchanged files)."""
        return tuple(change for change in self.changes if change.action != "unchanged")


def check(
    paths: Sequence[PathLike] = (".",),
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    config: Config | None = None,
    options: Options = DEFAULT_OPTIONS,
) -> CheckResult:
    """Scan `paths`, run every check (generated files included), and return located diagnostics."""
    run = Run(paths, config, options)
    project = run.project()
    findings = [*run.failures, *_run_checks(project)]
    if project.agents or run.tree.generated:
        findings += _generated_findings(_plan(project, run.tree))
    return CheckResult(run.diagnostics(findings, select, ignore), len(run.tree.sources))


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
    """Write or refresh every golem_agents.py; refuses (writes nothing) while the tree has errors."""
    run = Run(paths, config, options)
    project = run.project()
    changes = _plan(project, run.tree)
    findings = [*run.failures, *_run_checks(project), *_generated_findings(changes)]
    diagnostics = run.diagnostics(findings, (), ())
    blocking = [
        d for d in diagnostics if d.severity is Severity.ERROR and d.code not in GENERATOR_CODES
    ]
    if blocking or check_only:
        return GenerateResult(changes, (), diagnostics, bool(blocking))
    from .generate import apply_changes

    written = apply_changes(changes, force=force)
    return GenerateResult(changes, written, diagnostics, False)


def _run_checks(project: Project) -> list[Finding]:
    if not project.agents:
        return []
    from .checks import run_checks

    return run_checks(project)


def _plan(project: Project, tree: Tree) -> tuple[FileChange, ...]:
    from .generate import plan_generation

    return plan_generation(project, tree.generated)


def _generated_findings(changes: Sequence[FileChange]) -> list[Finding]:
    from .checks.generated import generated_findings

    return generated_findings(changes)

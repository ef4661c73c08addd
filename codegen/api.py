"""The pipeline as functions: check, scan, generate. Pure results; never prints, never exits.

bytes -> (scanner) ModuleScan -> (resolve) Project -> (checks) Finding -> (locate) Diagnostic.
Heavy modules (libcst, jinja2) are imported only when a file actually needs parsing or rendering.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic, Finding, Fix, Severity, sort_key
from .discovery import Config
from .evolution import (
    StateResult,
    forget,
    lock_change,
    lock_path,
    read_gate,
    state,
)
from .model import Project
from .run.pipeline import DEFAULT_OPTIONS, Options, Run
from .run.planning import (
    GENERATOR_CODES,
    broken_directories,
    plan_changes,
)
from .run.runkey import Inputs, run_inputs

if TYPE_CHECKING:
    from .fix import FixedFile
    from .generate.plan import Action, FileChange
    from .run.grouping import UnitRecord
    from .run.units import Units
    from .state.lock import Gate

__all__ = [
    "CheckResult",
    "FixResult",
    "GenerateResult",
    "Options",
    "ScanResult",
    "StateResult",
    "check",
    "fix",
    "forget",
    "generate",
    "scan",
    "state",
]

PathLike = str | os.PathLike[str]
FIX_ROUNDS = 25
"""Rounds of fix-and-recheck before `fix` gives up on fixes that keep overlapping (like ruff)."""


@dataclass(frozen=True, slots=True)
class CheckResult:
    """Diagnostics of a `check` run, sorted by path, line, column, code."""

    diagnostics: tuple[Diagnostic, ...]
    files: int
    inputs: Inputs | None = None
    """What the answer depends on (for replaying it), when the run used the cache."""

    def failed(self, *, strict: bool = False) -> bool:
        """Whether the run fails: any error, or any warning too when strict."""
        return any(strict or d.severity is Severity.ERROR for d in self.diagnostics)


@dataclass(frozen=True, slots=True)
class FixResult:
    """What `fix` changed (each file's bytes before and after) and the check of the result."""

    files: tuple[FixedFile, ...]
    remaining: CheckResult
    written: bool

    @property
    def fixed(self) -> int:
        """How many fixes were applied, over every round."""
        return sum(f.fixes for f in self.files)


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
    inputs: Inputs | None = None
    """What the answer depends on (for replaying it), when it had nothing to write."""

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
    return _check(Run(paths, config, options), select, ignore)


def _check(run: Run, select: Sequence[str], ignore: Sequence[str]) -> CheckResult:
    gate = read_gate(run)
    key = run.run_key("check", *select, "\0", *ignore, "\0", gate.lock_text)
    stored = run.cache.result(key) if key else None
    if stored is not None:
        read = _inputs(run, [path for path, _ in stored.extra])
        return CheckResult(stored.diagnostics, stored.files, read)
    units, records = _units_of(run, gate, key)
    findings = [*run.failures, *_tree_findings(records, gate)]
    found = run.diagnostics(findings, select, ignore)
    if records or run.tree.generated:
        planner = partial(plan_changes, run)
        _, generated = units.plan(broken_directories(found, findings), planner)
        found += run.diagnostics(generated, select, ignore)
    found += run.diagnostics(run.unused_suppressions(select, ignore), select, ignore)
    diagnostics = tuple(sorted(found, key=sort_key))
    if any(code in _fixable_codes() for code in {d.code for d in diagnostics}):
        from .fix import attach_fixes  # libcst: only when something may be fixed

        diagnostics = attach_fixes(diagnostics, run.sources)
    inputs: Inputs | None = None
    if key:
        extra = run.store_result(key, diagnostics)
        units.save()
        inputs = _inputs(run, extra)
    return CheckResult(diagnostics, len(run.tree.sources), inputs)


def _units_of(run: Run, gate: Gate, key: str) -> tuple[Units, list[UnitRecord]]:
    """The run's directories, checked or reused (`key`: the run is cached)."""
    from .run.units import Units

    units = Units(run, gate, _units_salt(run, gate) if key else "")
    run.meanwhile.append(gate.validate)  # parsing a large lock overlaps parsing the sources
    records = units.check(run.batch())
    gate.validate()  # a broken lock fails every run, however much of it is reused
    return units, records


def _new_lock(gate: Gate, units: Units) -> str | None:
    """The lock `generate` writes: every locked type, each agent's entry as judged now."""
    from .state.lock import Lock

    entries = dict(gate.lock.agents) if gate.lock is not None else {}
    entries.update(units.lock_entries())
    lock = Lock(dict(sorted(entries.items())))
    return lock.text() if lock.agents else None


def _inputs(run: Run, extra: Sequence[str]) -> Inputs:
    """What the run's answer depends on (for replaying it)."""
    return run_inputs(run.tree, run.sources, run.walked, lock_path(run), extra)


def _units_salt(run: Run, gate: Gate) -> str:
    """What the units' records depend on beyond the files they read: the gate's judgements
    depend on the lock and on whether the tree holds generated modules yet."""
    config = run.config
    lock = hashlib.sha256(gate.lock_text.encode()).hexdigest() if gate.found else ""
    where = (gate.covers_root, gate.generated)
    return repr((str(config.root), config.golem_version, lock, where))


def _tree_findings(records: Sequence[UnitRecord], gate: Gate) -> list[Finding]:
    """The checks' and the gate's findings of every directory, and those across the tree."""
    if not records and gate.lock is None:
        return []
    from .checks import check_tree
    from .state.gate import orphans

    findings = check_tree([record.checks for record in records])
    findings += [found for record in records for found in record.gate]
    names = {named.name for record in records for named in record.checks.names}
    return findings + orphans(names, gate)


def fix(
    paths: Sequence[PathLike] = (".",),
    *,
    unsafe: bool = False,
    write: bool = True,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    config: Config | None = None,
    options: Options = DEFAULT_OPTIONS,
) -> FixResult:
    """Apply the safe fixes (`unsafe`: all of them), re-check, repeat until nothing changes.

    Each round applies the fixes of a file that do not overlap and re-checks the whole tree in
    memory; files are written (atomically) once, at the end, and only with `write`. A file with
    GLM900/GLM901 is never changed. `remaining` is the check of the result.
    """
    from .checks.rules import check_selectors
    from .fix import fixed_source

    check_selectors((*select, *ignore))
    overlay: dict[str, bytes] = {}
    originals: dict[str, bytes] = {}
    counts: dict[str, int] = {}
    for _ in range(FIX_ROUNDS):
        run = Run(paths, config, options, overlay=overlay)
        result = _check(run, select, ignore)
        checked = {source.display for source in run.tree.sources}
        rounds = [
            fixed_source(path, run.sources[path], fixes)
            for path, fixes in _applicable(result.diagnostics, unsafe).items()
            if path in checked and path in run.sources
        ]
        done = [f for f in rounds if f is not None]
        if not done:
            break
        for fixed in done:
            originals.setdefault(fixed.path, fixed.before)
            overlay[fixed.path] = fixed.after
            counts[fixed.path] = counts.get(fixed.path, 0) + fixed.fixes
    else:
        result = _check(Run(paths, config, options, overlay=overlay), select, ignore)
    files = _fixed_files(originals, overlay, counts)
    if write:
        files = _write(run, files)
    return FixResult(files, result, write)


def _fixable_codes() -> frozenset[str]:
    """The codes whose rules declare a fix (each has a fixer: the tests hold the two together)."""
    from .checks.rules import RULES

    return frozenset(code for code, rule in RULES.items() if rule.autofix is not None)


def _applicable(diagnostics: Sequence[Diagnostic], unsafe: bool) -> dict[str, list[Fix]]:
    by_path: dict[str, list[Fix]] = {}
    for d in diagnostics:
        if d.fix is not None and (unsafe or d.fix.applicability == "safe"):
            by_path.setdefault(d.path, []).append(d.fix)
    return by_path


def _fixed_files(
    originals: dict[str, bytes], overlay: dict[str, bytes], counts: dict[str, int]
) -> tuple[FixedFile, ...]:
    from .fix import FixedFile

    return tuple(
        FixedFile(path, originals[path], overlay[path], counts[path])
        for path in sorted(originals)
        if overlay[path] != originals[path]
    )


def _write(run: Run, files: Sequence[FixedFile]) -> tuple[FixedFile, ...]:
    """Write each fixed file atomically, unless it changed since it was read (an editor saved
    it meanwhile: its new content is never overwritten). Returns the files written."""
    from .generate.plan import write_atomic

    where = {source.display: source.path for source in run.tree.sources}
    written = []
    for fixed in files:
        try:
            current = where[fixed.path].read_bytes()
        except OSError:
            continue
        if current == fixed.before and write_atomic(where[fixed.path], fixed.after):
            written.append(fixed)
    return tuple(written)


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
    gate = read_gate(run)
    mode = ("check" if check_only else "", "force" if force else "")
    key = run.run_key("generate", *mode, "\0", gate.lock_text)
    stored = run.cache.result(key) if key else None
    if stored is not None:
        read = _inputs(run, [path for path, _ in stored.extra])
        return _settled(stored.diagnostics, stored.changes, read)
    units, records = _units_of(run, gate, key)
    findings = [*run.failures, *_tree_findings(records, gate)]
    found = run.diagnostics(findings, (), ())
    broken = broken_directories(found, findings)
    planned, generated = units.plan(broken, partial(plan_changes, run), texts=True)
    lock = _new_lock(gate, units) if records or gate.lock is not None else None
    changes = tuple(sorted(planned, key=lambda change: change.path.as_posix()))
    changes += lock_change(run, gate, lock)
    diagnostics = tuple(sorted(found + run.diagnostics(generated, (), ()), key=sort_key))
    if key:
        units.save()
    blocking = _blocking(diagnostics)
    inputs: Inputs | None = None
    if key and (blocking or all(change.action == "unchanged" for change in changes)):
        pairs = tuple((change.path.as_posix(), change.action) for change in changes)
        extra = run.store_result(key, diagnostics, pairs)  # nothing to write: the next skips
        inputs = _inputs(run, extra)
    if blocking or check_only:
        return GenerateResult(changes, (), diagnostics, bool(blocking), inputs)
    from .generate.plan import apply_changes

    written = apply_changes(changes, force=force)
    return GenerateResult(changes, written, diagnostics, False, None if written else inputs)


def _settled(
    diagnostics: tuple[Diagnostic, ...], changes: Sequence[tuple[str, Action]], inputs: Inputs
) -> GenerateResult:
    """The result of a `generate` whose stored run had nothing to write (or refused to)."""
    from .generate.plan import FileChange

    planned = tuple(FileChange(Path(path), action, None, None) for path, action in changes)
    return GenerateResult(planned, (), diagnostics, bool(_blocking(diagnostics)), inputs)


def _blocking(diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    """Errors that stop `generate` from writing (those it repairs itself aside)."""
    return [
        d for d in diagnostics if d.severity is Severity.ERROR and d.code not in GENERATOR_CODES
    ]

"""Checking a tree directory by directory, and reusing what an unchanged directory found.

A unit is a directory holding agents (one generated module). Its agents are resolved from its own
modules (other modules load on demand) and checked; what that found is stored with the digest of
every file the resolution read and every module name it looked up in vain. The next run reuses a
unit whose files all have the same digests and whose missing modules are still missing, so after a
one-file change only the directories that read that file are resolved and checked again. The
checks across the tree (unique type names, nested fields, merged repeats, the lock's orphans) run
over every unit's stored part each time, so the result is the one of checking everything.

How a directory's generated module was judged (GLM040-042) is stored too, with the module's
digest and whether the directory had errors (then it is not rendered): either changing re-plans.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from ..checks import check_agents
from ..diagnostics import Finding
from ..model import ModuleScan, Project
from ..state.lock import Gate
from .cache import CacheEntry
from .grouping import Planned, Resolved, UnitRecord, directory_key, units_of
from .pipeline import Run

__all__ = ["Units"]

GENERATED_NAME = "golem_agents.py"

Planner = Callable[[Project, Sequence[Path], set[str]], Sequence[tuple[Path, Sequence[Finding]]]]
"""Plans the generated modules of the project's directories and of `existing` modules, given the
directories with errors; returns each planned module's path with its GLM040-042 findings."""


class Units:
    """The units of one run: reused from the last run's records, or resolved and checked."""

    def __init__(self, run: Run, gate: Gate, salt: str) -> None:
        """`salt`: everything else the records depend on (configuration, lock); "" stores
        nothing (a run without cache or with an overlay)."""
        self._run = run
        self._gate = gate
        self._key = run.cache.key(salt.encode(), "units", "") if salt else ""
        entry = run.cache.get(self._key) if self._key else None
        self._previous = (entry.units if entry is not None else None) or {}
        self._records: dict[str, UnitRecord] = {}
        self._scans: dict[str, list[ModuleScan]] = {}
        self._resolved: dict[str, Resolved] = {}
        self.reused = 0
        """How many directories were taken from the last run (for tests and benchmarks)."""

    def check(self, scans: Sequence[ModuleScan]) -> list[UnitRecord]:
        """Every directory's record, in tree order."""
        for unit in units_of(scans):
            directory = directory_key(unit[0].path)
            self._scans[directory] = unit
            old = self._previous.get(directory)
            if old is not None and self._current(old, unit):
                self._records[directory] = old
                self._run.remember((path, module) for path, module, _ in old.reads)
                self.reused += 1
            else:
                self._records[directory] = self._compute(directory, unit)
        return list(self._records.values())

    def plan(self, broken: set[str], planner: Planner) -> list[Finding]:
        """GLM040-042 of every generated module: stored for directories whose judgement still
        holds, planned for the others and for generated modules without agents."""
        digests = {d: self._module_digest(d) for d in self._records}
        again = [
            d
            for d, record in self._records.items()
            if record.planned is None
            or record.planned.broken != (d in broken)
            or record.planned.module != digests[d]
        ]
        existing = [
            path
            for path in self._run.tree.generated
            if directory_key(str(path)) not in self._records or directory_key(str(path)) in again
        ]
        findings: list[Finding] = []
        if again or existing:
            from ..resolve.project import merge

            project = merge((), [self._resolve(d).project for d in again])
            by_directory: dict[str, list[Finding]] = {}
            for path, found in planner(project, existing, broken):
                by_directory.setdefault(directory_key(str(path)), []).extend(found)
            for d in again:
                planned = Planned(d in broken, digests[d], tuple(by_directory.pop(d, ())))
                self._records[d] = replace(self._records[d], planned=planned)
            findings += [f for found in by_directory.values() for f in found]  # no agents there
        for record in self._records.values():
            assert record.planned is not None
            findings += record.planned.findings
        return findings

    def save(self) -> None:
        """Store this run's records for the next run."""
        if self._key and self._records != self._previous:
            self._run.cache.put(self._key, CacheEntry(None, None, units=self._records))

    def project(self) -> Project:
        """The resolved agents of every directory (resolving those taken from the last run)."""
        from ..resolve.project import merge

        scans = [scan for unit in self._scans.values() for scan in unit]
        return merge(scans, [self._resolve(d).project for d in self._records])

    def _current(self, record: UnitRecord, unit: Sequence[ModuleScan]) -> bool:
        run = self._run
        return (
            record.modules == tuple(scan.path for scan in unit)
            and all(run.digest_of(path) == digest for path, _, digest in record.reads)
            and not any(run.exists(module) for module in record.absent)
        )

    def _compute(self, directory: str, unit: Sequence[ModuleScan]) -> UnitRecord:
        from ..state.gate import judge

        resolved = self._resolve(directory)
        project = resolved.project
        checks = check_agents(project, self._run.config.golem_version)
        gate = judge(project, self._gate, whole=False).findings
        files = resolved.files
        reads = tuple(sorted((path, files[path], self._run.digest_of(path)) for path in files))
        modules = tuple(scan.path for scan in unit)
        return UnitRecord(modules, reads, tuple(sorted(resolved.absent)), checks, gate)

    def _resolve(self, directory: str) -> Resolved:
        if directory not in self._resolved:
            self._resolved[directory] = self._run.resolve_unit(self._scans[directory])
        return self._resolved[directory]

    def _module_digest(self, directory: str) -> str:
        return self._run.digest_of(
            str(Path(self._scans[directory][0].path).parent / GENERATED_NAME)
        )

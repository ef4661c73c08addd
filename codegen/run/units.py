"""Checking a tree directory by directory, and reusing what an unchanged directory found.

A unit is a directory holding agents (one generated module). Its agents are resolved from its own
modules (other modules load on demand) and checked; what that found is stored with the digest of
every file the resolution read and every module name it looked up in vain. The next run reuses a
unit whose files all have the same digests and whose missing modules are still missing, so after a
one-file change only the directories that read that file are resolved and checked again. The
checks across the tree (unique type names, nested fields, merged repeats, the lock's orphans) run
over every unit's stored part each time, so the result is the one of checking everything.

How a directory's generated module was judged (GLM040-042, and what `generate` would do to it) is
stored too, with the module's digest and whether the directory had errors (then it is not
rendered): either changing re-plans. So are the lock entries `generate` would change, so that
`generate` reuses directories as `check` does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..checks import check_agents
from ..diagnostics import Finding
from ..discovery import GENERATED_NAME
from ..model import Project
from ..state.lock import Gate, LockedVersion
from .cache import CacheEntry, file_digest
from .grouping import (
    FileFacts,
    Planned,
    Resolved,
    UnitRecord,
    UnitsState,
    directory_key,
    holds_agents,
)
from .pipeline import Run
from .planning import generated_findings
from .pool import Job
from .runkey import read_or_empty

if TYPE_CHECKING:
    from ..generate.plan import FileChange

    Planner = Callable[[Project, Sequence[Path], set[str]], Sequence[FileChange]]
    """Plans the generated modules of the project's directories and of `existing` modules, given
    the directories with errors (`planning.plan_changes`)."""

__all__ = ["Units"]


class Units:
    """The units of one run: reused from the last run's records, or resolved and checked."""

    def __init__(self, run: Run, gate: Gate, salt: str) -> None:
        """`salt`: everything else the records depend on (configuration, lock); "" stores
        nothing (a run without cache or with an overlay)."""
        self._run = run
        self._gate = gate
        self._key = run.cache.key(salt.encode(), "units", "") if salt else ""
        entry = run.cache.get(self._key) if self._key else None
        previous = entry.units if entry is not None else None
        self._previous = previous if previous is not None else UnitsState({}, {})
        self._records: dict[str, UnitRecord] = {}
        self._facts: dict[str, FileFacts] = {}
        self._jobs: dict[str, list[Job]] = {}
        self._resolved: dict[str, Resolved] = {}
        self._digests: dict[str, str] = {}

    def check(self, batch: Sequence[Job]) -> list[UnitRecord]:
        """Every directory's record, in tree order. A file whose facts (agents or not, scan
        failure) are recorded under its content key is not even loaded from the scan cache."""
        facts = self._file_facts(batch)
        for job, fact in zip(batch, facts, strict=True):
            if fact.agents:
                self._jobs.setdefault(directory_key(job[1]), []).append(job)
        for directory, jobs in self._jobs.items():
            old = self._previous.records.get(directory)
            if old is not None and self._current(old, jobs):
                self._records[directory] = old
                self._run.remember((path, module) for path, module, _ in old.reads)
            else:
                self._records[directory] = self._compute(directory, jobs)
        return list(self._records.values())

    def plan(
        self, broken: set[str], planner: Planner, *, texts: bool = False
    ) -> tuple[list[FileChange], list[Finding]]:
        """The change of every generated module, and their GLM040-042 findings: as recorded for
        directories whose judgement still holds (with `texts`, only unchanged modules: a change
        to write needs its text), planned again for the others and for generated modules
        without agents. Recorded changes carry no text."""
        from ..generate.plan import FileChange

        again = [d for d, record in self._records.items() if not self._holds(d, broken, texts)]
        existing = [
            path
            for path in self._run.tree.generated
            if directory_key(str(path)) not in self._records or directory_key(str(path)) in again
        ]
        changes: list[FileChange] = []
        if again or existing:
            from ..resolve.project import merge

            project = merge((), [self._resolve(d).project for d in again])
            changes += planner(project, existing, broken)
            by_directory = {directory_key(str(change.path)): change for change in changes}
            for d in again:
                change = by_directory.get(d)
                found = tuple(generated_findings([change])) if change is not None else ()
                action = change.action if change is not None else "unchanged"
                judged = Planned(d in broken, self._module_digest(d), found, action)
                self._records[d] = replace(self._records[d], planned=judged)
        findings = generated_findings(changes)
        for d, record in self._records.items():
            kept = record.planned
            if d in again or kept is None:
                continue
            findings += kept.findings
            if not kept.broken or kept.action in ("foreign", "edited"):  # as planning keeps
                path = Path(self._jobs[d][0][1]).parent / GENERATED_NAME
                changes.append(FileChange(path, kept.action, None, None))
        return changes, findings

    def _holds(self, directory: str, broken: set[str], texts: bool) -> bool:
        planned = self._records[directory].planned
        return (
            planned is not None
            and planned.broken == (directory in broken)
            and planned.module == self._module_digest(directory)
            and (not texts or planned.action == "unchanged")
        )

    def lock_entries(self) -> dict[str, tuple[LockedVersion, ...]]:
        """The lock entries of the directories' agents that `generate` would change."""
        return {name: versions for r in self._records.values() for name, versions in r.locked}

    def save(self) -> None:
        """Store this run's records for the next run."""
        state = UnitsState(self._records, self._facts)
        if self._key and state != self._previous:
            self._run.cache.put(self._key, CacheEntry(None, None, units=state))

    def _file_facts(self, batch: Sequence[Job]) -> list[FileFacts]:
        run = self._run
        keys = [run.cache.key(*job) for job in batch]
        known = self._previous.facts
        missing = [job for job, key in zip(batch, keys, strict=True) if key not in known]
        run.scan_files(missing, report=True)
        facts = []
        for (_, display, module), key in zip(batch, keys, strict=True):
            fact = known.get(key)
            if fact is None:
                fact = _facts_of(run.entry(display))
            elif fact.failure is not None:
                run.failed(fact.failure, module)
            if key:
                self._facts[key] = fact
            facts.append(fact)
        return facts

    def _current(self, record: UnitRecord, jobs: Sequence[Job]) -> bool:
        run = self._run
        return (
            record.modules == tuple(display for _, display, _ in jobs)
            and all(self._digest_of(path) == digest for path, _, digest in record.reads)
            and not any(run.exists(module) for module in record.absent)
        )

    def _compute(self, directory: str, jobs: Sequence[Job]) -> UnitRecord:
        from ..state.gate import judge

        resolved = self._resolve(directory)
        project = resolved.project
        checks = check_agents(project, self._run.config.golem_version)
        judged = judge(project, self._gate, whole=False)
        old = self._gate.lock.agents if self._gate.lock is not None else {}
        names = dict.fromkeys(verdict.agent.type_name for verdict in judged.verdicts)
        new = judged.lock.agents
        locked = tuple((name, new[name]) for name in names if old.get(name) != new[name])
        files = resolved.files
        reads = tuple(sorted((path, files[path], self._digest_of(path)) for path in files))
        modules = tuple(display for _, display, _ in jobs)
        absent = tuple(sorted(resolved.absent))
        return UnitRecord(modules, reads, absent, checks, judged.findings, locked)

    def _resolve(self, directory: str) -> Resolved:
        if directory not in self._resolved:
            scans = self._run.scan_files(self._jobs[directory])
            self._resolved[directory] = self._run.resolve_unit(scans)
        return self._resolved[directory]

    def _digest_of(self, display: str) -> str:
        """The digest of a file as this run reads it ("" when it cannot be read)."""
        if display not in self._digests:
            data = self._run.sources.get(display)
            if data is None:
                data = read_or_empty(Path(display))
            self._digests[display] = file_digest(data) if data else ""
        return self._digests[display]

    def _module_digest(self, directory: str) -> str:
        first = self._jobs[directory][0][1]
        return self._digest_of(str(Path(first).parent / GENERATED_NAME))


def _facts_of(entry: CacheEntry | None) -> FileFacts:
    if entry is None:
        return FileFacts(False, None)
    return FileFacts(holds_agents(entry.scan), entry.failure)

"""A run's agents by directory: each directory is resolved and checked as one unit, and what
that found is recorded (`units` reuses the records of directories whose files are unchanged)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from ..diagnostics import Finding
from ..model import ModuleScan, Project

if TYPE_CHECKING:
    from ..checks import AgentChecks
    from ..generate.plan import Action
    from ..state.lock import LockedVersion

__all__ = [
    "FileFacts",
    "Planned",
    "Resolved",
    "UnitRecord",
    "UnitsState",
    "directory_key",
    "holds_agents",
    "units_of",
]


@dataclass(frozen=True, slots=True)
class Resolved:
    """One directory's agents resolved, and everything that was read to resolve them."""

    project: Project
    files: dict[str, str]
    """Display path -> module of the files read: the directory's modules and every one loaded."""
    absent: frozenset[str]
    """Module names looked up that are no file of the tree (a new file may change the result)."""


def units_of(scans: Sequence[ModuleScan]) -> list[list[ModuleScan]]:
    """The scans holding agents, grouped by directory (one generated module each), in tree order."""
    by_directory: dict[str, list[ModuleScan]] = {}
    for scan in scans:
        if holds_agents(scan):
            by_directory.setdefault(directory_key(scan.path), []).append(scan)
    return list(by_directory.values())


def holds_agents(scan: ModuleScan | None) -> bool:
    """Whether a scanned file declares an agent (its directory is then a unit)."""
    return scan is not None and any(cls.agent is not None for cls in scan.classes)


def directory_key(path: str) -> str:
    """One spelling of the directory holding `path` (`./a/b.py`, `a/b.py` agree)."""
    return os.path.normcase(os.path.abspath(os.path.dirname(path) or "."))


@dataclass(frozen=True, slots=True)
class Planned:
    """How a directory's generated module was judged."""

    broken: bool
    """Whether the directory had errors (its module was then not rendered)."""
    module: str
    """The digest of the generated module as it was read ("" when there was none)."""
    findings: tuple[Finding, ...]
    action: Action = "unchanged"
    """What `generate` would do to the module (`FileChange.action`)."""


@dataclass(frozen=True, slots=True)
class UnitRecord:
    """What checking one directory's agents found, and everything it read."""

    modules: tuple[str, ...]
    """The directory's agent modules (display paths)."""
    reads: tuple[tuple[str, str, str], ...]
    """(display path, module, digest) of every file read to resolve the directory's agents."""
    absent: tuple[str, ...]
    """Module names looked up that were no file of the tree."""
    checks: AgentChecks
    gate: tuple[Finding, ...]
    """GLM050-GLM054 of the directory's agents."""
    locked: tuple[tuple[str, tuple[LockedVersion, ...]], ...]
    """The lock entries of the directory's agents that `generate` would change (those the lock
    already holds are not kept: the records stay small, and the lock text is in their key)."""
    planned: Planned | None = None


class FileFacts(NamedTuple):
    """What a run needs to know of a file it does not resolve: whether it holds agents, and
    whether it failed to scan. (A tuple: a slotted dataclass pickles 50x slower.)"""

    agents: bool
    failure: Finding | None


@dataclass(frozen=True, slots=True)
class UnitsState:
    """What a check run leaves for the next: each directory's record, and the facts of each
    scanned file by its content key."""

    records: dict[str, UnitRecord]
    facts: dict[str, FileFacts]

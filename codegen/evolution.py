"""The state lock's side of the API (SPEC §10): read a run's lock, judge it, plan its change.

`state` and `forget` are the `golem-codegen state` command; `check` and `generate` in `api` call
`read_gate` and `lock_change`. Pure results; never prints, never exits.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic
from .discovery import Config, display_path
from .model import Project
from .run.pipeline import DEFAULT_OPTIONS, Options, Run
from .state.lock import LOCK_NAME

if TYPE_CHECKING:
    from .generate.plan import FileChange
    from .state.gate import GateResult
    from .state.lock import Gate

__all__ = [
    "StateResult",
    "forget",
    "judge_gate",
    "lock_change",
    "read_gate",
    "state",
]

PathLike = str | os.PathLike[str]


def state(
    paths: Sequence[PathLike] = (".",),
    *,
    config: Config | None = None,
    options: Options = DEFAULT_OPTIONS,
) -> StateResult:
    """The state versions, migrations and lock difference of every locked agent (SPEC §10)."""
    run = Run(paths, config, options)
    gate = read_gate(run)
    project = run.project()
    judged = judge_gate(project, gate)
    diagnostics = run.diagnostics([*run.failures, *judged.findings], (), ())
    return StateResult(judged, diagnostics, gate.lock_path)


def forget(type_name: str, paths: Sequence[PathLike] = (".",)) -> Path:
    """Drop `type_name`'s history from the lock (`state forget`); returns the lock's path.

    Raises LockError when there is no lock or it does not record `type_name`.
    """
    from .discovery import load_config
    from .generate.plan import write_atomic
    from .state.lock import Lock, LockError, read_lock

    given = [Path(p) for p in paths] or [Path(".")]
    path = lock_file(given, load_config(given[0]))  # no tree walk: only the lock is read
    found = read_lock(path)
    lock = found[0] if found is not None else None
    if lock is None or type_name not in lock.agents:
        known = ", ".join(lock.agents) if lock is not None else ""
        where = f"records only: {known}" if known else "records no agent type"
        raise LockError(f"{display_path(path)}: agent type {type_name!r} is not locked ({where})")
    remaining = {name: v for name, v in lock.agents.items() if name != type_name}
    write_atomic(path, Lock(remaining).text().encode("utf-8"))
    return path


@dataclass(frozen=True, slots=True)
class StateResult:
    """What `state` reports: the gate's verdicts and findings, and where the lock is."""

    judged: GateResult
    diagnostics: tuple[Diagnostic, ...]
    lock_path: str


def lock_path(run: Run) -> Path:
    """Where the run's project keeps its lock."""
    return lock_file(run.given, run.config)


def lock_file(given: Sequence[Path], config: Config) -> Path:
    """The lock at the project root: the configuration's directory, else the first path given."""
    first = given[0].resolve()
    root = config.root or (first if first.is_dir() else first.parent)
    return root / LOCK_NAME


def read_gate(run: Run) -> Gate:
    """The lock of the run's project and where the run stands (the lock is parsed on first use:
    a broken one raises LockError then)."""
    from .state.lock import Gate, read_lock_text

    path = lock_path(run)
    text = read_lock_text(path)
    root = path.parent
    covers = any(root == p.resolve() or root.is_relative_to(p.resolve()) for p in run.given)
    generated = bool(run.tree.generated)
    return Gate(text or "", display_path(path), covers, generated, found=text is not None)


def judge_gate(project: Project, gate: Gate) -> GateResult:
    from .state.gate import judge

    return judge(project, gate)


def lock_change(run: Run, gate: Gate, new: str | None) -> tuple[FileChange, ...]:
    """The lock (`new`: its text, None for no lock) as a planned file change: created,
    updated, or left as it is."""
    from .generate.plan import FileChange

    old = gate.lock_text if gate.lock is not None else None
    if new is None or new == old:
        return ()
    path = lock_path(run)
    return (FileChange(path, "create" if old is None else "update", old, new),)

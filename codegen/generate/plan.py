"""Plan, apply and show the golem_agents.py changes of a project (SPEC §6 `generate`, §7).

`plan_generation` compares what the model renders with what is on disk and classifies each file;
`apply_changes` writes atomically and never touches foreign files, nor hand-edited ones unless
forced; `unified_diff` shows one change. Nothing here prints.
"""

from __future__ import annotations

import contextlib
import difflib
import glob
import os
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Literal, Protocol

from ..model import Agent, Project
from .render import read_header, refreshed, same_module

__all__ = [
    "GENERATED_NAME",
    "FileChange",
    "Rendering",
    "apply_changes",
    "directories",
    "plan_generation",
    "produce",
    "recorded_hash",
    "unified_diff",
]

GENERATED_NAME = "golem_agents.py"
Action = Literal["create", "update", "refresh", "delete", "unchanged", "foreign", "edited"]
"""`refresh`: the text is current, but its model hash was recorded by another golem-codegen
release; writing the current one lets later runs skip rendering it."""


@dataclass(frozen=True, slots=True)
class FileChange:
    """What generation does (or would do) to one golem_agents.py."""

    path: Path
    """Where golem_agents.py is or will be."""
    action: Action
    old: str | None
    """Current content on disk (None if absent or unreadable)."""
    new: str | None
    """Rendered content (None for delete/foreign; for edited, None means it would be deleted)."""
    sources: tuple[Path, ...] = ()
    """The agent modules of the directory (where findings about a missing file point)."""


@dataclass(frozen=True, slots=True)
class Rendering:
    """A directory's wiring: its model hash, and its text unless the module on disk records
    that hash (then nothing was rendered: the module is current)."""

    model_hash: str
    text: str | None


class RenderCache(Protocol):
    """Renderings of an earlier run from the same inputs (`run.cache` keeps them on disk)."""

    def render(
        self, agents: Sequence[Agent], recorded: str | None, produce: Callable[[], Rendering]
    ) -> str | None:
        """The text for `agents` (None: the module recording `recorded` is current), from a
        stored rendering when it answers that, else from `produce`."""
        ...


def plan_generation(
    project: Project, existing: Sequence[Path], *, cache: RenderCache | None = None
) -> tuple[FileChange, ...]:
    """One change per directory holding agents, plus one per generated file left without agents.

    `existing` is every golem_agents.py found in the walked tree. A golem_agents.py without our
    header is "foreign" (never touched); a generated one whose hash does not match is "edited".
    `cache` reuses texts rendered by an earlier run from the same inputs.
    """
    changes: list[FileChange] = []
    planned: set[str] = set()
    for agents in directories(project):
        path = Path(agents[0].scan.path).parent / GENERATED_NAME
        sources = tuple(sorted({Path(a.scan.path) for a in agents}, key=lambda p: p.name))
        old, readable = _read(path)
        recorded = read_header(old).model_hash if old is not None else None
        rendered = partial(produce, project, agents, recorded)
        text = rendered().text if cache is None else cache.render(agents, recorded, rendered)
        changes.append(_classify(path, old, readable, text, sources))
        planned.add(_key(path))
    for path in existing:
        if _key(path) not in planned:
            planned.add(_key(path))
            orphan = _classify(path, *_read(path), None, ())
            if orphan.action != "foreign":
                changes.append(orphan)
    return tuple(sorted(changes, key=lambda change: change.path.as_posix()))


def directories(project: Project) -> list[list[Agent]]:
    """The agents of the project grouped by directory (one generated module each)."""
    by_directory: dict[str, list[Agent]] = {}
    for agent in project.agents:
        by_directory.setdefault(_key(Path(agent.scan.path).parent), []).append(agent)
    return list(by_directory.values())


def produce(project: Project, agents: Sequence[Agent], recorded: str | None) -> Rendering:
    """The wiring of the directory holding `agents`; its text is not rendered when `recorded`
    (the model hash its module on disk records) is the current one."""
    from .render import model_hash, render_module
    from .wiring import build_module

    model = build_module(project, agents)
    digest = model_hash(model)
    return Rendering(digest, None if recorded == digest else render_module(model, digest))


def recorded_hash(agents: Sequence[Agent]) -> str | None:
    """The model hash the module of the directory holding `agents` records, if it is intact."""
    old, _ = _read(Path(agents[0].scan.path).parent / GENERATED_NAME)
    return read_header(old).model_hash if old is not None else None


def _key(path: Path) -> str:
    """One spelling per file (`./a/b.py`, `a/b.py` and absolute paths agree)."""
    return os.path.normcase(os.path.abspath(path))


def _read(path: Path) -> tuple[str | None, bool]:
    """(text with LF line ends, readable); a missing file is readable and has no text."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, True
    except OSError:
        return None, False
    try:
        return data.decode("utf-8").replace("\r\n", "\n"), True
    except UnicodeDecodeError:
        return None, False


def _classify(
    path: Path, old: str | None, readable: bool, new: str | None, sources: tuple[Path, ...]
) -> FileChange:
    """What to do with `path` holding `old`, given the rendered `new` (None: no agents there,
    or for an existing module, that it records the current model hash)."""
    if old is None:
        action: Action = (
            "foreign" if not readable else ("create" if new is not None else "unchanged")
        )
        return FileChange(path, action, None, None if action == "foreign" else new, sources)
    header = read_header(old)
    if not header.generated:
        return FileChange(path, "foreign", old, None, sources)
    if not header.intact:
        return FileChange(path, "edited", old, new, sources)
    if not sources:
        return FileChange(path, "delete", old, None, sources)
    if new is None or new == old or header.model_hash == read_header(new).model_hash:
        # the same model hash: the code is what rendering gives (the layout may be the team's)
        return FileChange(path, "unchanged", old, old, sources)
    if same_module(old, new):
        return FileChange(path, "refresh", old, refreshed(old, new), sources)
    return FileChange(path, "update", old, new, sources)


def apply_changes(changes: Sequence[FileChange], *, force: bool) -> tuple[FileChange, ...]:
    """Write atomically, delete orphans, skip byte-identical files; returns what changed.

    Foreign files are never touched; hand-edited generated files only with `force`.
    """
    done: list[FileChange] = []
    for change in changes:
        sweep_temporaries(change.path)
        if change.action in ("unchanged", "foreign") or (change.action == "edited" and not force):
            continue
        if change.new is None:
            if _delete(change.path):
                done.append(change)
        elif write_atomic(change.path, change.new.encode("utf-8")):
            done.append(change)
    return tuple(done)


def _delete(path: Path) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def write_atomic(path: Path, data: bytes) -> bool:
    """Replace `path` with `data` through a temporary file in the same directory.

    Returns False (and leaves the file alone, mtime included) when it already holds `data`. On
    any failure the old file is intact and the temporary file is removed.
    """
    sweep_temporaries(path)
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(6)}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return True


def sweep_temporaries(path: Path) -> None:
    """Remove the temporary files of `path` that a killed writer left (its process is gone);
    a live writer's, another run's at the same time, are left to it."""
    try:
        strays = list(path.parent.glob(f".{glob.escape(path.name)}.*.tmp"))
    except OSError:
        return
    for stray in strays:
        writer = stray.name.removeprefix(f".{path.name}.").partition("-")[0]
        if writer.isdigit() and not _alive(int(writer)):
            with contextlib.suppress(OSError):
                stray.unlink()


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # this process has no write in flight while it sweeps
    if os.name == "nt":
        return True  # os.kill(pid, 0) would terminate it there
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def unified_diff(change: FileChange) -> str:
    """The unified diff of one change ("" when nothing would change or the file is foreign)."""
    if change.action in ("unchanged", "foreign"):
        return ""
    name = change.path.as_posix()
    old, new = change.old or "", change.new or ""
    lines = difflib.unified_diff(
        _lines(old),
        _lines(new),
        fromfile="/dev/null" if change.old is None else f"a/{name}",
        tofile="/dev/null" if change.new is None else f"b/{name}",
    )
    return "".join(_terminated(line) for line in lines)


def _lines(text: str) -> list[str]:
    """Lines as Python sees them (only LF ends a line; U+2028 and form feeds do not)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    return [*lines, parts[-1]] if parts[-1] else lines


def _terminated(line: str) -> str:
    return line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"

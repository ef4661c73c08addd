"""An on-disk cache of per-file scan results, keyed by file content, tool version and configuration.

One pickle per entry in a directory per project under the user's cache directory (never inside the
project: `check` writes nothing into the tree). Writes go through a temporary file and an atomic
rename, so concurrent runs at worst both compute an entry, and a reader never sees half an entry.
Anything unreadable is a miss.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .runkey import CACHE_ENV, cache_base, read_or_empty, tool_version

if TYPE_CHECKING:
    from ..diagnostics import Diagnostic, Finding
    from ..generate.plan import Action, Rendering
    from ..model import Agent, ModuleScan, Span
    from .grouping import UnitsState

__all__ = [
    "CACHE_ENV",
    "CacheEntry",
    "PlannedChanges",
    "RenderCache",
    "RunResult",
    "ScanCache",
    "cache_directory",
    "file_digest",
    "group_names",
    "read_or_empty",
]

FORMAT = "4"
PICKLE_PROTOCOL = 5


@dataclass(slots=True)
class CacheEntry:
    """What scanning one file produced: its scan or its failure, and spans once they were needed."""

    scan: ModuleScan | None
    failure: Finding | None
    spans: dict[int, Span] | None = field(default=None)
    rendered: Rendering | None = field(default=None)
    """For render entries: the directory's wiring (its text only if it was rendered)."""
    result: RunResult | None = field(default=None)
    """For run entries: the diagnostics of a whole `check` run."""
    digests: dict[str, str] | None = field(default=None)
    """For the project's fingerprint entry: code digests of generated modules (`fingerprint`)."""
    units: UnitsState | None = field(default=None)
    """For the project's units entry: what each directory's check found, by directory."""


PlannedChanges = tuple[tuple[str, "Action"], ...]
"""(path, action) of each generated module a `generate` planned."""


@dataclass(frozen=True, slots=True)
class RunResult:
    """A whole `check` run, valid while its inputs and the extra files it read are unchanged."""

    diagnostics: tuple[Diagnostic, ...]
    files: int
    extra: tuple[tuple[str, str], ...]
    """(path, sha256) of files read beyond the discovered ones (modules loaded on demand)."""
    changes: PlannedChanges = ()
    """For `generate`: (path, action) of each generated module it planned (none to write)."""


class ScanCache:
    """A content-addressed store of `CacheEntry`s; `directory=None` disables it."""

    def __init__(self, directory: Path | None, salt: str = "") -> None:
        self.directory = directory
        self._run_salt = salt
        self._salt: bytes | None = None
        if directory is not None:
            _mark_used(directory)

    def key(self, data: bytes, display: str, module: str) -> str:
        """The entry's name: everything the scan result depends on ("" when disabled)."""
        if self.directory is None:
            return ""
        if self._salt is None:
            version = f"{FORMAT}\0{tool_version()}\0{sys.version_info[:2]}"
            self._salt = f"{version}\0{self._run_salt}".encode()
        digest = hashlib.sha256(self._salt)
        digest.update(f"\0{display}\0{module}\0".encode())
        digest.update(data)
        return digest.hexdigest()

    def get(self, key: str) -> CacheEntry | None:
        """The entry, or None when absent, unreadable or written by another format."""
        if self.directory is None:
            return None
        try:
            with open(self._path(key), "rb") as handle:
                entry = pickle.load(handle)
        except Exception:  # a corrupt or foreign entry is a miss, never an error
            return None
        return entry if isinstance(entry, CacheEntry) else None

    def result(self, key: str) -> RunResult | None:
        """The stored result of a whole run, if the extra files it read are unchanged."""
        entry = self.get(key)
        result = entry.result if entry is not None else None
        if result is None:
            return None
        for path, expected in result.extra:
            if file_digest(read_or_empty(Path(path))) != expected:
                return None
        return result

    def put(self, key: str, entry: CacheEntry) -> None:
        """Store atomically; a cache that cannot be written is silently skipped."""
        if self.directory is None:
            return
        target = self._path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(entry, handle, protocol=PICKLE_PROTOCOL)
            os.replace(temporary, target)
        except OSError:
            return

    def _path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / key[:2] / f"{key[2:]}.pickle"


class RenderCache:
    """Renderings of a directory's wiring keyed by everything the rendering reads.

    `inputs(agents)` names the files a directory's rendering depends on (its agent modules, the
    modules of inherited fields, and of every dataclass and enum its agents reach); `content_key`
    gives each file's content key. Editing one agent module re-renders only what depends on it.
    A rendering whose module on disk was current is stored too (its model hash, without text):
    an unchanged tree is then verified without building a single wiring model.
    """

    def __init__(
        self,
        store: ScanCache,
        inputs: Callable[[Sequence[Agent]], Iterable[str]],
        content_key: Callable[[str], str],
    ) -> None:
        self._store = store
        self._inputs = inputs
        self._content_key = content_key
        self._ahead: Mapping[tuple[str, ...], Rendering] = {}

    def ahead(self, ready: Mapping[tuple[str, ...], Rendering]) -> None:
        """Use renderings done ahead (in parallel), by `group_names`, for what is not stored."""
        self._ahead = ready

    def holds(self, agents: Sequence[Agent], recorded: str | None) -> bool:
        """Whether the stored rendering answers for `agents` (so rendering ahead is wasted)."""
        if self._store.directory is None:
            return False
        return _answers(self._stored(self._key(agents)), recorded)

    def render(
        self, agents: Sequence[Agent], recorded: str | None, produce: Callable[[], Rendering]
    ) -> str | None:
        """The text for `agents`, None when the module recording `recorded` is current: from
        the stored rendering, else the one rendered ahead, else `produce`'s."""
        key = self._key(agents) if self._store.directory is not None else None
        stored = self._stored(key) if key is not None else None
        if stored is not None and _answers(stored, recorded):
            return None if stored.model_hash == recorded else stored.text
        names = group_names(agents)
        rendering = self._ahead[names] if names in self._ahead else produce()
        if key is not None:
            self._store.put(key, CacheEntry(None, None, rendered=rendering))
        return rendering.text

    def _key(self, agents: Sequence[Agent]) -> str:
        digest = hashlib.sha256()
        for path in sorted(set(self._inputs(agents))):
            digest.update(f"{path}\0{self._content_key(path)}\0".encode())
        return self._store.key(digest.digest(), "render", "\0".join(group_names(agents)))

    def _stored(self, key: str) -> Rendering | None:
        entry = self._store.get(key)
        return entry.rendered if entry is not None else None


def _answers(stored: Rendering | None, recorded: str | None) -> bool:
    """Whether `stored` gives the text for a module recording `recorded` without rendering."""
    return stored is not None and (stored.model_hash == recorded or stored.text is not None)


def group_names(agents: Sequence[Agent]) -> tuple[str, ...]:
    """Names a directory's group of agents (the same in every process of a run)."""
    return tuple(f"{a.scan.path}:{a.cls.qualname}" for a in agents)


def file_digest(data: bytes) -> str:
    """The digest a run records for a file it read."""
    return hashlib.sha256(data).hexdigest()


def cache_directory(root: Path) -> Path | None:
    """The cache of the project whose root is `root`: one directory per project, named by a
    digest of its resolved path, under `$GOLEM_CODEGEN_CACHE_DIR` or the user's cache directory
    (None, no cache, when there is no home directory to put it in)."""
    base = cache_base()
    if base is None:
        return None
    parent = Path(base)
    digest = hashlib.sha256(os.fsencode(root.resolve())).hexdigest()
    return parent / digest[:24]


USED_MARK = ".last-used"
PRUNED_MARK = ".last-pruned"
KEEP_UNUSED = 30 * 24 * 3600
"""Seconds a project's cache is kept after its last run (caches live outside projects, so a
deleted project would otherwise leave its cache behind for ever)."""
PRUNE_EVERY = 24 * 3600


def _mark_used(directory: Path) -> None:
    """Touch the project's marker and, at most daily, drop caches of projects not run lately."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / USED_MARK).touch()
        pruned = directory.parent / PRUNED_MARK
        now = time.time()
        if pruned.exists() and now - pruned.stat().st_mtime < PRUNE_EVERY:
            return
        pruned.touch()
        for project in directory.parent.iterdir():
            marker = project / USED_MARK
            if marker.exists() and now - marker.stat().st_mtime > KEEP_UNUSED:
                shutil.rmtree(project, ignore_errors=True)
    except OSError:
        return  # a cache that cannot be maintained is only a slower cache

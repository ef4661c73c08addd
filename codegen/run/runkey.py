"""The key of a whole run's result: the bytes of every file of the tree, and how it is checked.

Light on purpose (hashlib and the discovered tree only): a replayed `check` answer computes it
before anything heavier is imported.
"""

from __future__ import annotations

import hashlib
import os
import sys

TYPE_CHECKING = False  # not typing's: a replayed `check` (cli/replay.py) imports this module
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence
    from pathlib import Path

    from ..discovery import Config, Tree, Walked

__all__ = [
    "CACHE_ENV",
    "Inputs",
    "cache_base",
    "read_or_empty",
    "run_digest",
    "run_inputs",
    "tool_version",
]

CACHE_ENV = "GOLEM_CODEGEN_CACHE_DIR"
"""Where the caches of all projects go, instead of the user's cache directory."""


class Inputs:
    """What a run's answer depends on, for replaying it (`cli/replay.py`): absolute paths.
    (A plain class: this module must not import typing or dataclasses.)"""

    __slots__ = ("directories", "files", "links", "read")

    def __init__(
        self,
        files: tuple[str, ...],
        directories: tuple[str, ...],
        read: dict[str, bytes],
        links: bool,
    ) -> None:
        self.files = files
        """Every file read: sources, generated modules, the lock, modules loaded from elsewhere."""
        self.directories = directories
        """Every directory the walk listed or looked into."""
        self.read = read
        """The bytes of the files as the run read them (a stored answer is of those bytes)."""
        self.links = links
        """Whether the walk met a symlink (its answer is then not stored)."""


def run_inputs(
    tree: Tree, sources: Mapping[str, bytes], walked: Walked, lock: Path, extra: Iterable[str]
) -> Inputs:
    """What a run's answer depends on: the tree's files as the run read them (`sources`, by
    display path), its generated modules, the lock, and the `extra` files it read beyond."""
    found = {os.path.abspath(s.path): sources.get(s.display) for s in tree.sources}
    found |= {os.path.abspath(display): sources.get(display) for display in extra}
    generated = [os.path.abspath(path) for path in (*tree.generated, lock)]
    read = {path: data for path, data in found.items() if data is not None}
    return Inputs((*found, *generated), tuple(walked.directories), read, walked.links)


def run_digest(
    config: Config, tree: Tree, read: Callable[[Path, str], bytes | None], salt: Sequence[str]
) -> bytes:
    """A digest of every discovered file's bytes (as `read` gives them), the generated modules'
    bytes, the configuration and `salt` (command and options)."""
    digest = hashlib.sha256("\0".join(salt).encode())
    settings = (config.exclude, config.select, config.ignore, config.per_file_ignores)
    digest.update(repr(settings).encode())
    digest.update(f"\0golem-version={config.golem_version}".encode())
    for source in tree.sources:
        data = read(source.path, source.display)
        digest.update(f"\0{source.display}\0{source.module}\0".encode())
        digest.update(b"\1" if data is None else data)
    for path in tree.generated:
        digest.update(f"\0{path.as_posix()}\0".encode())
        digest.update(read_or_empty(path))
    return digest.digest()


def read_or_empty(path: Path) -> bytes:
    """The bytes of `path`, or none when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError:
        return b""


def cache_base() -> str | None:
    """The directory of golem-codegen's caches: `$GOLEM_CODEGEN_CACHE_DIR`, else the user's cache
    directory (None when there is no home directory to put it in)."""
    base = os.environ.get(CACHE_ENV)
    if base:
        return base
    home = os.path.expanduser("~")
    if home == "~":  # no HOME and no passwd entry
        return None
    if sys.platform == "win32":
        return os.path.join(os.environ.get("LOCALAPPDATA") or home, "golem-codegen")
    if sys.platform == "darwin":
        return os.path.join(home, "Library", "Caches", "golem-codegen")
    return os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(home, ".cache"), "golem-codegen"
    )


_VERSION: list[str] = []


def tool_version() -> str:
    """A fingerprint of the package's files (and runtime_stub's, which the checks use): another
    release, or an edit in an editable install, changes it (the installed version is not read:
    importlib.metadata costs ~20 ms to import). The templates count too: a changed template
    renders other modules."""
    if not _VERSION:
        digest = hashlib.sha256(b"golem-codegen")
        package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        runtime = os.path.join(os.path.dirname(package), "runtime_stub")  # GLM004 parses with it
        found = [
            os.path.join(directory, name)
            for top in (package, runtime)
            for directory, _, names in os.walk(top)
            for name in names
            if name.endswith((".py", ".j2"))
        ]
        for path in sorted(found):
            stat = os.stat(path)
            name = os.path.basename(path)
            digest.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
        _VERSION.append(digest.hexdigest())
    return _VERSION[0]

"""Replaying a `check` whose answer is stored: the same command, on the same files, prints the same.

A `check` of a tree that has not changed since the last identical command needs none of the linter
(nor does a `generate` that had nothing to write): its output is stored (stdout, stderr, exit
status) under the command line, the working directory and the tool's version, with what the answer
depends on: the bytes of every file the run read (sources, generated modules, the lock, modules
loaded from elsewhere), the modification times of every directory the walk listed or looked into (a
file added, removed or renamed there changes them), and for every directory above the checked paths
the configuration, ignore and package files that discovery looks for there. The replay checks all
of it before printing anything; on any difference, or anything it does not handle, the full command
runs (and stores a new answer).

Only the plain forms are replayed: `check` with paths and output options (no `--fix` or `--diff`),
`generate` that wrote nothing, neither with `--config` or `--no-cache`, output not to a terminal
(a terminal gets a progress bar), not while debugging. Walks that meet a symlink are not stored.
This module imports nothing heavy: a replay costs about what starting Python does.
"""

from __future__ import annotations

import codecs
import hashlib
import marshal
import os
import sys
import time

from ..run.runkey import cache_base, tool_version

TYPE_CHECKING = False  # not typing's: importing typing costs a third of Python's start-up
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import TextIO

    from ..run.runkey import Inputs

__all__ = ["Capture", "pending", "record", "replay", "replayable"]

FORMAT = 1
VALUED = {
    "check": frozenset({"--format", "--select", "--extend-select", "--ignore", "--golem-version"}),
    "generate": frozenset({"--golem-version"}),
}
FLAGS = {
    "check": frozenset({"--strict", "--exit-zero", "--statistics", "--quiet", "-q"}),
    "generate": frozenset({"--check", "--diff", "--force", "--exit-non-zero-on-fix"}),
}
JOBS = frozenset({"--jobs", "-j"})
LOOKED_FOR = ("pyproject.toml", "__init__.py", ".gitignore", ".git", ".git/info/exclude")
"""What discovery reads in the directories above the checked paths (configuration, packages,
ignore files): their bytes (or absence) are part of what a stored answer depends on."""
ABSENT = b"\0absent"
KEEP_UNUSED = 30 * 24 * 3600
PRUNE_EVERY = 24 * 3600

pending: list[Inputs] = []
"""What the `check` or `generate` of this process read (set by the command, stored by `record`)."""


def replayable(argv: Sequence[str]) -> list[str] | None:
    """The paths of a plain `check` or `generate` command line (None when it is not one)."""
    if not argv or argv[0] not in VALUED or os.environ.get("GOLEM_CODEGEN_DEBUG"):
        return None
    if sys.stdout.isatty() or sys.stderr.isatty():
        return None
    valued, flags = VALUED[argv[0]] | JOBS, FLAGS[argv[0]]
    paths: list[str] = []
    arguments = iter(argv[1:])
    for argument in arguments:
        name = argument.partition("=")[0]
        if name in valued and "=" in argument:
            continue
        if name in valued:
            if next(arguments, None) is None:
                return None
        elif argument not in flags:
            if argument.startswith("-"):
                return None
            paths.append(argument)
    return paths or ["."]


def replay(argv: Sequence[str]) -> int | None:
    """Print the stored answer of this command and return its exit status, if it still holds."""
    paths = replayable(argv)
    where = _where(argv) if paths is not None else None
    stored = _load(where) if where is not None else None
    if stored is None or paths is None:
        return None
    files, directories, digest, printed, status = stored
    if _digest(files, directories, paths, {}) != digest:
        return None
    _touch(where)  # a replayed answer is in use: pruning keeps it
    streams = (sys.stdout, sys.stderr)
    try:
        for which, text in printed:
            streams[which].write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # `golem-codegen check | head`: the reader has gone, quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return status


def record(argv: Sequence[str], printed: Sequence[tuple[int, str]], status: int) -> None:
    """Store the answer of a plain command that read `pending`: what it `printed` ((stream, text)
    in order, 0 for stdout) and its exit status; never fails. The digest is of the bytes the
    run read, so a file edited while it ran makes the stored answer miss, never lie."""
    paths = replayable(argv)
    if paths is None or len(pending) != 1 or status not in (0, 1) or pending[0].links:
        return
    files, directories = list(pending[0].files), list(pending[0].directories)
    digest = _digest(files, directories, paths, pending[0].read)
    _store(argv, (files, directories, digest, [list(p) for p in printed], status))


def _digest(
    files: Sequence[str], directories: Sequence[str], paths: Sequence[str], read: dict[str, bytes]
) -> bytes:
    """The digest of what an answer depends on (files as `read`, else as they are now)."""
    digest = hashlib.sha256()
    for path in files:
        data = read.get(path)
        digest.update(f"\0{path}\0".encode())
        digest.update(_bytes(path) if data is None else data)
    for directory in directories:
        digest.update(f"\0{directory}\0{_mtime(directory)}".encode())
    for above in _above(paths):
        for name in LOOKED_FOR:
            path = os.path.join(above, name)
            digest.update(f"\0{path}\0".encode())
            digest.update(b"dir" if os.path.isdir(path) else _bytes(path))
    return digest.digest()


def _above(paths: Sequence[str]) -> list[str]:
    """Every directory holding a checked path, up to the filesystem's root."""
    found: dict[str, None] = {}
    for path in paths:
        directory = os.path.realpath(path)
        directory = directory if os.path.isdir(directory) else os.path.dirname(directory)
        while directory not in found:
            found[directory] = None
            directory = os.path.dirname(directory)
    return list(found)


def _bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return ABSENT


def _mtime(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return -1


def _where(argv: Sequence[str]) -> str | None:
    base = cache_base()
    if base is None:
        return None
    streams = (_encoding(sys.stdout), _encoding(sys.stderr), sys.version_info[:2])
    key = repr((FORMAT, tool_version(), os.getcwd(), list(argv), streams)).encode()
    name = hashlib.sha256(key).hexdigest()
    return os.path.join(base, "replay", name[:2], name[2:])


def _touch(where: str | None) -> None:
    try:
        os.utime(where or "")
    except OSError:
        return


def _encoding(stream: TextIO) -> str:
    try:
        return codecs.lookup(stream.encoding).name
    except (AttributeError, LookupError, TypeError):
        return ""


def _load(
    where: str,
) -> tuple[list[str], list[str], bytes, list[tuple[int, str]], int] | None:
    try:
        with open(where, "rb") as handle:
            files, directories, digest, printed, status = marshal.load(handle)
        return files, directories, digest, [(int(w), str(t)) for w, t in printed], int(status)
    except (OSError, EOFError, ValueError, TypeError):
        return None


def _store(
    argv: Sequence[str], stored: tuple[list[str], list[str], bytes, list[list[object]], int]
) -> None:
    where = _where(argv)
    if where is None:
        return
    temporary = f"{where}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(where), exist_ok=True)
        with open(temporary, "wb") as handle:
            marshal.dump(stored, handle)
        os.replace(temporary, where)
        _prune(os.path.dirname(os.path.dirname(where)))
    except OSError:
        return


def _prune(directory: str) -> None:
    """At most daily, drop the answers not stored or replayed for KEEP_UNUSED seconds (each
    pre-commit run names other files: their answers would pile up)."""
    marker = os.path.join(directory, ".last-pruned")
    now = time.time()
    if os.path.exists(marker) and now - os.stat(marker).st_mtime < PRUNE_EVERY:
        return
    with open(marker, "wb"):
        pass
    for parent, _, names in os.walk(directory):
        for name in names:
            path = os.path.join(parent, name)
            if name != ".last-pruned" and now - os.stat(path).st_mtime > KEEP_UNUSED:
                os.unlink(path)


class Capture:
    """A text stream that passes everything on and logs a copy: (stream number, text) in the
    order the command printed them, shared by stdout's and stderr's captures."""

    def __init__(self, stream: TextIO, number: int, log: list[tuple[int, str]]) -> None:
        self.stream = stream
        self._number = number
        self._log = log

    def write(self, text: str) -> int:
        if not isinstance(text, str):  # click asks whether the stream takes bytes: it does not
            raise TypeError("a text stream")
        self._log.append((self._number, text))
        return self.stream.write(text)

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)

"""The key of a whole run's result: the bytes of every file of the tree, and how it is checked.

Light on purpose (hashlib and the discovered tree only): a replayed `check` answer computes it
before anything heavier is imported.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..discovery import Config, Tree

__all__ = ["read_or_empty", "run_digest"]


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

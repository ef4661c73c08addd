"""One round of fixes on one file's bytes: applied, checked to still parse and compile, encoded back."""

from __future__ import annotations

import io
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass

import libcst as cst

from ..diagnostics import Fix
from ..scan.parse import parse
from .edits import apply_fixes
from .imports import prune_imports

__all__ = ["FixedFile", "fixed_source"]


@dataclass(frozen=True, slots=True)
class FixedFile:
    """A file's bytes before and after fixing, and how many fixes made the difference."""

    path: str
    before: bytes
    after: bytes
    fixes: int


def fixed_source(path: str, data: bytes, fixes: Iterable[Fix]) -> FixedFile | None:
    """`data` with the fixes that do not overlap applied, or None when none applies.

    The result always parses and compiles: a round that would break the file is dropped whole
    (a fixer bug must not cost the user their file). Parsing goes through the scanner's guards,
    as the file may be one the scanner never parsed (a suppression in any module).
    """
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError, SyntaxError):
        return None
    new_text, count = apply_fixes(text, fixes)
    if not count or new_text == text:
        return None
    try:
        after = new_text.encode(encoding)
    except UnicodeEncodeError:
        return None
    if not _parses(path, after) or not _compiles(path, after):
        return None
    if _parses(path, data):
        pruned = prune_imports(text, new_text).encode(encoding)
        after = pruned if pruned != after and _compiles(path, pruned) else after
    return FixedFile(path, data, after, count)


def _parses(path: str, data: bytes) -> bool:
    return isinstance(parse(data, path), cst.Module)


def _compiles(path: str, data: bytes) -> bool:
    try:
        compile(data, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True

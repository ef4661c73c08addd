"""One round of fixes on one file's bytes: applied, checked to still parse and compile, encoded back."""

from __future__ import annotations

import io
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass

import libcst as cst

from ..diagnostics import Fix
from .edits import apply_fixes
from .imports import prune_imports

__all__ = ["FixedFile", "decoded", "fixed_source"]


@dataclass(frozen=True, slots=True)
class FixedFile:
    """A file's bytes before and after fixing, and how many fixes made the difference."""

    path: str
    before: bytes
    after: bytes
    fixes: int


def decoded(data: bytes) -> str:
    """A file's text as Python decodes it (for diffs); undecodable bytes are replaced."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding, errors="replace")
    except (LookupError, SyntaxError):
        return data.decode("utf-8", errors="replace")


def fixed_source(path: str, data: bytes, fixes: Iterable[Fix]) -> FixedFile | None:
    """`data` with the fixes that do not overlap applied, or None when none applies.

    The result is never one that does not parse or compile while `data` did: such a round is
    dropped whole (a fixer bug must not cost the user their file).
    """
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError, SyntaxError):
        return None
    new_text, count = apply_fixes(text, fixes)
    if count and new_text != text:
        new_text = _pruned(text, new_text)
    if not count or new_text == text or not _still_valid(path, text, new_text):
        return None
    try:
        after = new_text.encode(encoding)
    except UnicodeEncodeError:
        return None
    return FixedFile(path, data, after, count)


def _pruned(text: str, new_text: str) -> str:
    """Imports the fixes left unused go too (unchanged when the new text does not parse)."""
    try:
        return prune_imports(text, new_text)
    except cst.ParserSyntaxError:
        return new_text


def _still_valid(path: str, old: str, new: str) -> bool:
    try:
        cst.parse_module(new)
    except cst.ParserSyntaxError:
        return False
    return _compiles(path, new) or not _compiles(path, old)


def _compiles(path: str, text: str) -> bool:
    try:
        compile(text, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True

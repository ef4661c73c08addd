"""What `check --fix` prints besides diagnostics: diffs, and how many problems were or can be fixed."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic

if TYPE_CHECKING:
    from ..fix import FixedFile

__all__ = ["fixable_summary", "fixed_summary", "unified_diff"]


def unified_diff(fixed: FixedFile) -> bytes:
    """The unified diff of one fixed file, `a/PATH` -> `b/PATH`, in the file's own bytes (its
    encoding and line breaks), so that `patch -p1` gives exactly the `--fix` result."""
    path = fixed.path.encode()
    lines = difflib.diff_bytes(
        difflib.unified_diff,
        _lines(fixed.before),
        _lines(fixed.after),
        fromfile=b"a/" + path,
        tofile=b"b/" + path,
    )
    return b"".join(
        line if line.endswith(b"\n") else line + b"\n\\ No newline at end of file\n"
        for line in lines
    )


def _lines(data: bytes) -> list[bytes]:
    """Lines ending at LF only (a CR of a CRLF file stays on its line, as `patch` expects)."""
    parts = data.split(b"\n")
    lines = [part + b"\n" for part in parts[:-1]]
    return [*lines, parts[-1]] if parts[-1] else lines


def fixable_summary(diagnostics: Sequence[Diagnostic], unsafe: bool) -> str | None:
    """`[*] N fixable with `--fix`.` and how many more `--unsafe-fixes` would fix; None if none."""
    fixes = [d.fix for d in diagnostics if d.fix is not None]
    ready = sum(unsafe or fix.applicability == "safe" for fix in fixes)
    hidden = len(fixes) - ready
    parts = [f"[*] {ready} fixable with `--fix`."] if ready else []
    if hidden:
        parts.append(f"{hidden} more fixable with `--fix --unsafe-fixes`.")
    return " ".join(parts) or None


def fixed_summary(files: Sequence[FixedFile], *, written: bool) -> str:
    """`Fixed N problem(s) in M file(s).` (or `Would fix ...` when nothing was written)."""
    count = sum(f.fixes for f in files)
    noun = "file" if len(files) == 1 else "files"
    verb = "Fixed" if written else "Would fix"
    return f"{verb} {count} problem(s) in {len(files)} {noun}."

"""Text: `path:line:column: CODE message`, the format people read (SPEC §6)."""

from __future__ import annotations

from collections.abc import Iterable

from ..diagnostics import Diagnostic, sorted_diagnostics

__all__ = ["format_text"]


def format_text(diagnostics: Iterable[Diagnostic]) -> str:
    """`path:line:column: CODE message`, one per line, sorted, each followed by its `note:` lines;
    "" when there is nothing."""
    return "".join(
        f"{d.path}:{d.line}:{d.column}: {d.code} {_one_line(d.message)}\n" + _notes(d)
        for d in sorted_diagnostics(diagnostics)
    )


def _notes(d: Diagnostic) -> str:
    """One `path:line:column: note: ...` line per related location, after its diagnostic."""
    return "".join(
        f"{r.path}:{r.line}:{r.column}: note: {_one_line(r.message)}\n" for r in d.related
    )


def _one_line(message: str) -> str:
    return " ".join(message.splitlines())

"""Text: `path:line:column: CODE message`, the format people read (SPEC §6)."""

from __future__ import annotations

from collections.abc import Iterable

from ..diagnostics import Diagnostic, sorted_diagnostics

__all__ = ["format_text"]


def format_text(diagnostics: Iterable[Diagnostic]) -> str:
    """`path:line:column: CODE message`, one per line, sorted; "" when there is nothing."""
    return "".join(
        f"{d.path}:{d.line}:{d.column}: {d.code} {_one_line(d.message)}\n"
        for d in sorted_diagnostics(diagnostics)
    )


def _one_line(message: str) -> str:
    return " ".join(message.splitlines())

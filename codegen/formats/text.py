"""Text: `path:line:column: CODE message`, the format people read (SPEC §6)."""

from __future__ import annotations

from collections.abc import Iterable

from ..diagnostics import Diagnostic, sorted_diagnostics

__all__ = ["FIXABLE", "format_text"]


FIXABLE = "[*]"
"""After the code of a diagnostic that `--fix` fixes, as ruff marks them."""


def format_text(diagnostics: Iterable[Diagnostic]) -> str:
    """`path:line:column: CODE [*] message`, one per line, sorted; "" when there is nothing.

    The `[*]` marker is there when the diagnostic carries a fix.
    """
    return "".join(
        f"{d.path}:{d.line}:{d.column}: {d.code}{_marker(d)} {_one_line(d.message)}\n"
        for d in sorted_diagnostics(diagnostics)
    )


def _marker(d: Diagnostic) -> str:
    return f" {FIXABLE}" if d.fix is not None else ""


def _one_line(message: str) -> str:
    return " ".join(message.splitlines())

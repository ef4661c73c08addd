"""Text: `path:line:column: CODE [*] [severity] message`, the format people read (SPEC §6)."""

from __future__ import annotations

from collections.abc import Iterable

from ..diagnostics import Diagnostic, sorted_diagnostics

__all__ = ["FIXABLE", "format_statistics", "format_text"]


FIXABLE = "[*]"
"""After the code of a diagnostic that `--fix` fixes, as ruff marks them."""


def format_text(diagnostics: Iterable[Diagnostic]) -> str:
    """`path:line:column: CODE [*] [severity] message`, one per line, sorted, each followed by its
    `note:` lines; "" when there is nothing. `[*]` marks a diagnostic that carries a fix."""
    return "".join(
        f"{d.path}:{d.line}:{d.column}: {d.code}{_marker(d)} [{d.severity.value}] "
        f"{_one_line(d.message)}\n" + _notes(d)
        for d in sorted_diagnostics(diagnostics)
    )


def _marker(d: Diagnostic) -> str:
    return f" {FIXABLE}" if d.fix is not None else ""


def _notes(d: Diagnostic) -> str:
    """One `path:line:column: note: ...` line per related location, after its diagnostic."""
    return "".join(
        f"{r.path}:{r.line}:{r.column}: note: {_one_line(r.message)}\n" for r in d.related
    )


def _one_line(message: str) -> str:
    return " ".join(message.splitlines())


def format_statistics(diagnostics: Iterable[Diagnostic]) -> str:
    """A count per code, like `ruff check --statistics`: `3  GLM003  error`, most frequent first."""
    counts: dict[tuple[str, str], int] = {}
    for d in diagnostics:
        key = (d.code, d.severity.value)
        counts[key] = counts.get(key, 0) + 1
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    width = max((len(str(n)) for _, n in ordered), default=1)
    return "".join(f"{n:>{width}}  {code}  {severity}\n" for (code, severity), n in ordered)

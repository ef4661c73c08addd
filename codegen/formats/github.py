"""GitHub Actions workflow commands, which GitHub shows as annotations on the diff."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath

from ..diagnostics import TOOL_NAME, Diagnostic, sorted_diagnostics

__all__ = ["format_github"]


def format_github(diagnostics: Iterable[Diagnostic]) -> str:
    """GitHub Actions workflow commands: `::error file=...,line=...::message`, one per line; a
    diagnostic with a fix says so, and how."""
    lines = []
    for d in sorted_diagnostics(diagnostics):
        properties = ",".join(
            f"{key}={_github_property(str(value))}"
            for key, value in (
                ("file", PurePath(d.path).as_posix()),
                ("line", d.line),
                ("col", d.column),
                ("endLine", d.end_line),
                ("endColumn", d.end_column),
                ("title", f"{TOOL_NAME} ({d.code})"),
            )
        )
        message = d.message + _fixable(d)
        lines.append(f"::{d.severity.value} {properties}::{_github_data(message)}\n")
    return "".join(lines)


def _fixable(d: Diagnostic) -> str:
    """The text format's `[*]`, with the command that fixes it (an annotation has no legend)."""
    if d.fix is None:
        return ""
    unsafe = " --unsafe-fixes" if d.fix.applicability == "unsafe" else ""
    return f" [*] fixable with `golem-codegen check --fix{unsafe}`"


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")

"""GitHub Actions workflow commands, which GitHub shows as annotations on the diff."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath

from ..diagnostics import TOOL_NAME, Diagnostic, sorted_diagnostics

__all__ = ["format_github"]


def format_github(diagnostics: Iterable[Diagnostic]) -> str:
    """GitHub Actions workflow commands: `::error file=...,line=...::message`, one per line."""
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
        lines.append(f"::{d.severity.value} {properties}::{_github_data(d.message)}\n")
    return "".join(lines)


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")

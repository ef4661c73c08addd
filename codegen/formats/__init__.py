"""Formats: Diagnostics (or the scanned model) -> the text a user or a tool reads.

`text`, `json`, `sarif` and `github` print diagnostics (SPEC §6); `scan` prints the scanned model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..diagnostics import Diagnostic
from .github import format_github
from .json import as_record, format_json
from .sarif import format_sarif
from .text import format_text

__all__ = ["FORMATTERS", "as_record", "format_github", "format_json", "format_sarif", "format_text"]

FORMATTERS: dict[str, Callable[[Sequence[Diagnostic]], str]] = {
    "text": format_text,
    "json": format_json,
    "sarif": format_sarif,
    "github": format_github,
}
"""`--format` names -> formatters."""

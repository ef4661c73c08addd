"""Diagnostics: what a check found, where, and how it is printed."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .model import Anchor, Span


class Severity(Enum):
    """How bad a diagnostic is; `--strict` makes warnings fail too."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem a check found, anchored to a recorded node; `locate()` turns it into a Diagnostic.

    `anchor` indexes the nodes the scanner recorded for `path`. Findings that already know their
    position (parse errors, generated-file checks) carry `span` and no anchor.
    """

    code: str
    message: str
    path: str
    anchor: Anchor | None = None
    span: Span | None = None
    suppress_anchor: Anchor | None = None
    """The agent's decorator: a `# golem: ignore` on that line suppresses the finding too."""


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """A located problem, ordered by path, line, column, code."""

    path: str
    line: int
    column: int
    code: str
    end_line: int
    end_column: int
    severity: Severity
    message: str

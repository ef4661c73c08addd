"""Locating findings after a run: re-scanning a file for its anchors, placing related locations."""

from __future__ import annotations

import re
import tokenize
from collections.abc import Iterable
from io import BytesIO
from typing import TYPE_CHECKING

from ..diagnostics import Finding, RelatedLocation
from ..model import Span

if TYPE_CHECKING:
    from ..scan.module import ScannedFile

__all__ = ["START", "anchors_by_path", "related_locations", "rescan", "source_lines"]

START = Span(1, 1, 1, 1)
"""Where a finding goes whose anchor is unknown."""
LINE_BREAK = re.compile(r"\r\n|\r|\n")
"""Python's own line breaks (str.splitlines also splits on form feeds and U+2028)."""


def source_lines(data: bytes | None) -> list[str]:
    """The lines of a file's bytes, decoded as Python would (none when it was not read)."""
    if data is None:
        return []
    try:
        encoding, _ = tokenize.detect_encoding(BytesIO(data).readline)
        text = data.decode(encoding, errors="replace")
    except (SyntaxError, LookupError):
        text = data.decode("utf-8", errors="replace")
    return LINE_BREAK.split(text)


def anchors_by_path(findings: Iterable[Finding]) -> dict[str, set[int]]:
    """The recorded anchors each file's findings point at (their own, their decorator's, and
    their related locations')."""
    wanted: dict[str, set[int]] = {}
    for finding in findings:
        for anchor in (finding.anchor, finding.suppress_anchor):
            if anchor is not None and anchor >= 0:
                wanted.setdefault(finding.path, set()).add(anchor)
        for other in finding.related:
            if other.anchor is not None and other.anchor >= 0:
                wanted.setdefault(other.path, set()).add(other.anchor)
    return wanted


def related_locations(
    finding: Finding, spans: dict[tuple[str, int | None], Span]
) -> tuple[RelatedLocation, ...]:
    """The finding's secondary locations, located like its own (unknown anchors: line 1)."""
    located = []
    for other in finding.related:
        span = other.span or spans.get((other.path, other.anchor), START)
        where = (span.line, span.column, span.end_line, span.end_column)
        located.append(RelatedLocation(other.path, *where, other.message))
    return tuple(located)


def rescan(data: bytes, display: str, module: str) -> ScannedFile | None:
    from ..scan.module import ScannedFile, scan_source

    outcome = scan_source(data, display, module)
    return outcome if isinstance(outcome, ScannedFile) else None

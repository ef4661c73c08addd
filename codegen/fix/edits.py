"""Applying fixes to a file's text: whole fixes only, never two that touch the same text.

Like ruff, a round applies the fixes that do not overlap an earlier one (in source order) and
leaves the others for the next round, which re-checks the file first. An edit equal to one
already applied (the same import added by two fixes) counts as applied.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..diagnostics import Edit, Fix
from .tree import SourceText

__all__ = ["apply_fixes"]

Range = tuple[int, int]


def apply_fixes(text: str, fixes: Iterable[Fix]) -> tuple[str, int]:
    """`text` with every fix applied that overlaps no fix applied before it; and how many were."""
    source = SourceText(text)
    taken: dict[Range, str] = {}
    count = 0
    for fix in sorted(fixes, key=lambda fix: _order(source, fix)):
        edits = {_range(source, edit): edit.content for edit in fix.edits}
        fresh = {where: content for where, content in edits.items() if taken.get(where) != content}
        if any(_overlaps(where, other) for where in fresh for other in taken):
            continue
        if any(_overlaps(a, b) for a in fresh for b in fresh if a != b):
            continue
        taken.update(fresh)
        count += 1
    result = text
    for (start, end), content in sorted(taken.items(), reverse=True):
        result = result[:start] + content + result[end:]
    return result, count


def _order(source: SourceText, fix: Fix) -> tuple[int, int]:
    """Fixes apply in the order of their first edit in the file."""
    return min((_range(source, edit) for edit in fix.edits), default=(0, 0))


def _range(source: SourceText, edit: Edit) -> Range:
    span = edit.span
    return source.offset(span.line, span.column), source.offset(span.end_line, span.end_column)


def _overlaps(first: Range, second: Range) -> bool:
    """Whether two edits touch the same text; two insertions at one point overlap too."""
    if first == second:
        return True
    (a, b), (c, d) = first, second
    if a == b or c == d:  # an insertion overlaps what it is inside of, or one at the same point
        return c < a < d or a < c < b or a == c
    return a < d and c < b

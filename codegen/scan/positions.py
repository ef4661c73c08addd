"""Anchors -> source spans, computed only for files that have diagnostics (positions cost a parse)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from ..model import Anchor, Span
from .module import ScannedFile
from .parse import on_big_stack

__all__ = ["locate"]

START = Span(1, 1, 1, 1)


def locate(scanned: ScannedFile, anchors: Iterable[Anchor]) -> dict[Anchor, Span]:
    """Resolve anchors to 1-based spans (end column exclusive, columns counted in characters).

    An anchor that does not index a recorded node (or a tree too deep to walk) gets 1:1, so one
    unlocatable finding never hides the others.
    """
    wanted = list(anchors)
    try:
        wrapper = MetadataWrapper(scanned.tree, unsafe_skip_copy=True)
        ranges: Mapping[cst.CSTNode, CodeRange] = on_big_stack(
            lambda: wrapper.resolve(PositionProvider)
        )
    except (RecursionError, MemoryError):
        ranges = {}
    spans: dict[Anchor, Span] = {}
    for anchor in wanted:
        node = scanned.nodes[anchor] if 0 <= anchor < len(scanned.nodes) else None
        found = ranges.get(node) if node is not None else None
        spans[anchor] = START if found is None else _span(found)
    return spans


def _span(found: CodeRange) -> Span:
    """libcst lines are 1-based and columns 0-based; spans are 1-based throughout."""
    start, end = found.start, found.end
    return Span(start.line, start.column + 1, end.line, end.column + 1)

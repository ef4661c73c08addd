"""One file as the fixers see it: its text, its libcst tree, node positions, parents and names."""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_right
from collections.abc import Mapping
from functools import cached_property
from typing import TypeVar

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider, Scope, ScopeProvider

from ..diagnostics import Edit
from ..model import Span

__all__ = ["LINE_BREAK", "SourceText"]

LINE_BREAK = re.compile(r"\r\n|\r|\n")
"""Line breaks as Python and libcst count lines."""
N = TypeVar("N", bound=cst.CSTNode)


class SourceText:
    """The text of one file and, parsed on first use, its tree with the metadata fixes need.

    Spans are 1-based with exclusive end columns counted in characters, as diagnostics carry
    them; they come from the same parser, so a diagnostic's span names its node exactly.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts = [0, *(match.end() for match in LINE_BREAK.finditer(text))]

    # ----------------------------------------------------------------------- text

    @property
    def lines(self) -> int:
        """How many lines the text has (a final line break starts an empty last line)."""
        return len(self._starts)

    def offset(self, line: int, column: int) -> int:
        """The character offset of a 1-based line and column."""
        return self._starts[line - 1] + column - 1

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column of a character offset."""
        index = bisect_right(self._starts, offset) - 1
        return index + 1, offset - self._starts[index] + 1

    def line(self, number: int) -> str:
        """The text of a 1-based line without its line break ("" past the end)."""
        if not 0 < number <= len(self._starts):
            return ""
        end = self._starts[number] if number < len(self._starts) else len(self.text)
        return self.text[self._starts[number - 1] : end].rstrip("\r\n")

    def edit(self, start: int, end: int, content: str) -> Edit:
        """An edit replacing the characters `start:end` (offsets) with `content`."""
        first, last = self.position(start), self.position(end)
        return Edit(Span(first[0], first[1], last[0], last[1]), content)

    def edit_to(self, new_text: str) -> Edit:
        """The one edit that turns this text into `new_text`: their differing middle."""
        old = self.text
        prefix = _common_length(old, new_text, reverse=False)
        limit = min(len(old), len(new_text)) - prefix
        suffix = min(_common_length(old, new_text, reverse=True), limit)
        return self.edit(prefix, len(old) - suffix, new_text[prefix : len(new_text) - suffix])

    # ----------------------------------------------------------------------- tree

    @cached_property
    def module(self) -> cst.Module:
        """The parsed tree (raises libcst.ParserSyntaxError for a file that does not parse)."""
        return self._wrapper.module

    @cached_property
    def _wrapper(self) -> MetadataWrapper:
        return MetadataWrapper(cst.parse_module(self.text), unsafe_skip_copy=True)

    @cached_property
    def ranges(self) -> Mapping[cst.CSTNode, CodeRange]:
        """Where each node is (parentheses around an expression excluded)."""
        return self._wrapper.resolve(PositionProvider)

    @cached_property
    def parents(self) -> Mapping[cst.CSTNode, cst.CSTNode]:
        """Each node's parent, read from the node fields (libcst's provider rebuilds the tree)."""
        found: dict[cst.CSTNode, cst.CSTNode] = {}
        stack: list[cst.CSTNode] = [self.module]
        while stack:
            node = stack.pop()
            for child in _children(node):
                found[child] = node
                stack.append(child)
        return found

    @cached_property
    def scopes(self) -> Mapping[cst.CSTNode, Scope | None]:
        """The scope each node is in: for qualified names and the names a rewrite introduces
        (resolved only for the fixers that need them: it costs several parses)."""
        return self._wrapper.resolve(ScopeProvider)

    @cached_property
    def _by_span(self) -> dict[Span, list[cst.CSTNode]]:
        found: dict[Span, list[cst.CSTNode]] = {}
        for node, where in self.ranges.items():
            span = Span(
                where.start.line, where.start.column + 1, where.end.line, where.end.column + 1
            )
            found.setdefault(span, []).append(node)
        return found

    def node_at(self, span: Span, kind: type[N]) -> N | None:
        """The node of type `kind` that spans exactly `span`, or None."""
        return next((n for n in self._by_span.get(span, ()) if isinstance(n, kind)), None)

    def qualified_names(self, node: cst.CSTNode) -> set[str]:
        """The qualified names `node` may refer to, through the file's imports."""
        scope = self.scopes.get(node)
        if scope is None:
            return set()
        return {name.name for name in scope.get_qualified_names_for(node)}

    def span_edit(self, node: cst.CSTNode, replacement: str) -> Edit:
        """Replace the text of `node` (not its parentheses) with `replacement`."""
        where = self.ranges[node]
        start = self.offset(where.start.line, where.start.column + 1)
        end = self.offset(where.end.line, where.end.column + 1)
        return self.edit(start, end, replacement)

    def replaced(self, old: cst.CSTNode, new: cst.CSTNode) -> Edit:
        """The edit that replaces `old` with `new` in the tree, libcst laying out the result."""
        changed = self.module.deep_replace(old, new)
        assert isinstance(changed, cst.Module)
        return self.edit_to(changed.code)

    def code(self, node: cst.CSTNode) -> str:
        """The source of a (new) node as this file would write it."""
        return self.module.code_for_node(node)


_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {}


def _children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The nodes directly below `node`, from its dataclass fields."""
    kind = type(node)
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind))
    children: list[cst.CSTNode] = []
    for name in names:
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            children.append(value)
        elif isinstance(value, tuple | list):
            children += [item for item in value if isinstance(item, cst.CSTNode)]
    return children


def _common_length(first: str, second: str, *, reverse: bool) -> int:
    """The length of the common prefix (or suffix) of two strings, by halving slices."""
    low, high = 0, min(len(first), len(second))
    while low < high:
        middle = (low + high + 1) // 2
        if reverse:
            same = first[len(first) - middle :] == second[len(second) - middle :]
        else:
            same = first[:middle] == second[:middle]
        low, high = (middle, high) if same else (low, middle - 1)
    return low

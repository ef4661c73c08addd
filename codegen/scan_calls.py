"""Calls and `atomically()` regions in the methods of agent classes (the durability checks' input).

The walk is iterative and reads node fields directly: libcst's visitors rebuild every node they
pass, which would cost as much as the parse itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import libcst as cst

from .model import AtomicRegion, CallSite
from .scan_context import Context
from .scan_names import canonical, dotted_parts, import_bindings

__all__ = ["ATOMICALLY", "scan_calls"]

ATOMICALLY = "runtime_stub.atomically"
_SKIPPED = frozenset(
    {
        "asname",
        "asynchronous",
        "attr",
        "colon",
        "comma",
        "comment",
        "conversion",
        "default_indent",
        "default_newline",
        "dot",
        "empty_lines",
        "encoding",
        "end",
        "equal",
        "first_colon",
        "footer",
        "has_trailing_newline",
        "header",
        "indent",
        "keyword",
        "lbrace",
        "lbracket",
        "leading_lines",
        "leading_whitespace",
        "lines_after_decorators",
        "lpar",
        "name",
        "newline",
        "operator",
        "posonly_ind",
        "rbrace",
        "rbracket",
        "relative",
        "rpar",
        "second_colon",
        "semicolon",
        "separator",
        "star",
        "start",
        "trailing_comma",
        "trailing_whitespace",
    }
)
"""Fields that never hold a call (names, punctuation, whitespace)."""
_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {}
_NODE_TYPES: dict[type, bool] = {}
_LITERALS = (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.ConcatenatedString)


def _fields(cls: type[cst.CSTNode]) -> tuple[str, ...]:
    """The fields of a node type that may hold expressions or statements, in source order."""
    names = _FIELDS.get(cls)
    if names is None:
        names = tuple(
            f.name
            for f in dataclasses.fields(cls)
            if f.name not in _SKIPPED and not f.name.startswith("whitespace")
        )
        _FIELDS[cls] = names
    return names


@dataclasses.dataclass(slots=True)
class _Open:
    """Marks where the body of a `with atomically():` block starts (its regions become active)."""

    regions: list[list[CallSite]]


@dataclasses.dataclass(slots=True)
class _Close:
    """Marks where the body of a `with atomically():` block ends."""

    count: int


class _Walker:
    """Collects the calls of one method body, and which open atomic regions each belongs to."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.local: dict[str, str] = {}
        self.calls: list[CallSite] = []
        self.active: list[list[CallSite]] = []
        self.regions: list[tuple[list[CallSite], int]] = []

    def walk(self, root: cst.CSTNode) -> None:
        stack: list[cst.CSTNode | _Open | _Close] = [root]
        while stack:
            node = stack.pop()
            kind = type(node)
            if kind is _Open:
                self.active.extend(node.regions)  # type: ignore[union-attr]
            elif kind is _Close:
                del self.active[len(self.active) - node.count :]  # type: ignore[union-attr]
            elif kind is cst.Import or kind is cst.ImportFrom:
                self._import(node)  # type: ignore[arg-type]
            elif kind is cst.With and self._with(node, stack):  # type: ignore[arg-type]
                continue
            else:
                if kind is cst.Call:
                    self._call(node)  # type: ignore[arg-type]
                stack.extend(_children(node))  # type: ignore[arg-type]

    def _call(self, node: cst.Call) -> None:
        parts = dotted_parts(node.func)
        name = self.ctx.table.callee(parts, self.local) if parts else ""
        args = tuple(self._arg(a.value) for a in node.args if a.keyword is None and not a.star)
        site = CallSite(name, args, self.ctx.record(node))
        self.calls.append(site)
        for region in self.active:
            region.append(site)

    def _arg(self, value: cst.BaseExpression) -> str:
        """A positional argument: qualified dotted name, literal source text, or ""."""
        parts = dotted_parts(value)
        if parts is not None:
            return self.ctx.table.callee(parts, self.local)
        if isinstance(value, _LITERALS) or (
            isinstance(value, cst.UnaryOperation) and isinstance(value.expression, _LITERALS)
        ):
            return self.ctx.text(value)
        return ""

    def _with(self, node: cst.With, stack: list[cst.CSTNode | _Open | _Close]) -> bool:
        """Open a region for every `atomically()` item (the items themselves stay outside it)."""
        opened: list[list[CallSite]] = []
        for item in node.items:
            call = item.item
            if isinstance(call, cst.Call) and self.callee(call.func) == ATOMICALLY:
                opened.append([])
                self.regions.append((opened[-1], self.ctx.record(call)))
        if not opened:
            return False
        stack += (_Close(len(opened)), node.body, _Open(opened))
        stack.extend(reversed(node.items))
        return True

    def callee(self, expr: cst.BaseExpression) -> str:
        """The qualified name of a callee or decorator, through local imports too."""
        if isinstance(expr, cst.Call):
            expr = expr.func
        parts = dotted_parts(expr)
        return self.ctx.table.callee(parts, self.local) if parts else ""

    def _import(self, node: cst.Import | cst.ImportFrom) -> None:
        table = self.ctx.table
        for local, qualified in import_bindings(node, table.module, table.is_package):
            self.local[local] = canonical(qualified)


def _is_node(kind: type) -> bool:
    known = _NODE_TYPES.get(kind)
    if known is None:
        known = _NODE_TYPES[kind] = issubclass(kind, cst.CSTNode)
    return known


def _children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """Child nodes in reverse source order (for a stack), skipping punctuation and whitespace.

    Type checks go through a cache: `isinstance(x, CSTNode)` is an ABC check, slow in this loop.
    """
    found: list[cst.CSTNode] = []
    for name in _fields(type(node)):
        value = getattr(node, name)
        kind = type(value)
        if kind is tuple or kind is list:
            found.extend(v for v in value if _is_node(type(v)))
        elif _is_node(kind):
            found.append(value)
    found.reverse()
    return found


def scan_calls(
    ctx: Context, node: cst.FunctionDef, atomic_decorators: Sequence[cst.BaseExpression]
) -> tuple[tuple[CallSite, ...], tuple[AtomicRegion, ...]]:
    """Every call in the method body, and its atomic regions (decorated methods: the whole body)."""
    walker = _Walker(ctx)
    for decorator in atomic_decorators:
        region: list[CallSite] = []
        walker.regions.append((region, ctx.record(decorator)))
        walker.active.append(region)
    walker.walk(node.body)
    regions = tuple(AtomicRegion(tuple(calls), anchor) for calls, anchor in walker.regions)
    return tuple(walker.calls), regions

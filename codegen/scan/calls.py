"""Calls and `atomically()` regions in the methods of agent classes (the durability checks' input).

The walk is iterative and reads node fields directly: libcst's visitors rebuild every node they
pass, which would cost as much as the parse itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any

import libcst as cst

from ..model import AtomicRegion, CallSite
from .context import Context
from .names import canonical, dotted_parts, import_bindings

__all__ = ["ATOMICALLY", "scan_body_calls", "scan_calls", "scan_expression_calls"]

ATOMICALLY = "runtime_stub.atomically"
DURABLE_CALL = "runtime_stub.durable_call"
_DURABLE_CALLS = frozenset({DURABLE_CALL, "runtime_stub.durability.durable_call"})
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
_GETTERS: dict[type[cst.CSTNode], Callable[[cst.CSTNode], tuple[Any, ...]]] = {}
_INNER: dict[type, bool] = {}
"""Whether a field value of this type is a node that may hold other nodes."""
_LITERALS = (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.ConcatenatedString)
_LEAVES = (cst.Name, cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.Ellipsis)
"""Nodes without child nodes (names are a third of what method bodies hold)."""


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
class _Marker:
    """Where the body of a `with atomically():` block starts (`opens`) or ends (`closes`), or
    where the arguments of a `durable_call(...)` start (`shield` 1) or end (`shield` -1)."""

    opens: list[list[CallSite]]
    closes: int = 0
    shield: int = 0


Stack = list[cst.CSTNode | _Marker]


class _Walker:
    """Collects the calls of one method body, and which open atomic regions each belongs to."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.local: dict[str, str] = {}
        self.calls: list[CallSite] = []
        self.active: list[list[CallSite]] = []
        self.regions: list[tuple[list[CallSite], int]] = []
        self.shield = 0
        """How many `durable_call(...)` argument lists the walk is inside."""
        self._visits: dict[type, Callable[[Any, Stack], bool]] = {
            cst.Call: self._call,
            cst.With: self._with,
            cst.Import: self._import,
            cst.ImportFrom: self._import,
            cst.Attribute: _holds_calls,
        }

    def walk(self, root: cst.CSTNode) -> None:
        """Visit `root` and everything below it in source order (iteratively: no depth limit)."""
        stack: Stack = [root]
        while stack:
            node = stack.pop()
            if isinstance(node, _Marker):  # a plain class: no slow ABC check
                self.active.extend(node.opens)
                del self.active[len(self.active) - node.closes :]
                self.shield += node.shield
                continue
            visit = self._visits.get(type(node))
            if visit is None or visit(node, stack):
                _push_children(node, stack)

    def _call(self, node: cst.Call, stack: Stack) -> bool:
        parts = dotted_parts(node.func)
        name = self.ctx.table.callee(parts, self.local) if parts else ""
        args: list[str] = []
        keywords: list[tuple[str, str]] = []
        for arg in node.args:
            if arg.star:
                continue
            if arg.keyword is None:
                args.append(self._arg(arg.value))
            else:
                keywords.append((arg.keyword.value, self._arg(arg.value)))
        anchor = self.ctx.record(node)
        site = CallSite(name, tuple(args), anchor, tuple(keywords), durable=self.shield > 0)
        self.calls.append(site)
        for region in self.active:
            region.append(site)
        if name not in _DURABLE_CALLS:
            return True
        stack.append(_Marker([], shield=-1))  # its arguments run once; replay reads the result
        _push_children(node, stack)
        stack.append(_Marker([], shield=1))
        return False

    def _arg(self, value: cst.BaseExpression) -> str:
        """An argument's value: qualified dotted name, literal source text, or ""."""
        parts = dotted_parts(value)
        if parts is not None:
            return self.ctx.table.callee(parts, self.local)
        if isinstance(value, _LITERALS) or (
            isinstance(value, cst.UnaryOperation) and isinstance(value.expression, _LITERALS)
        ):
            return self.ctx.text(value)
        return ""

    def _with(self, node: cst.With, stack: Stack) -> bool:
        """Open a region for every `atomically()` item (the items themselves stay outside it)."""
        opened: list[list[CallSite]] = []
        for item in node.items:
            call = item.item
            if isinstance(call, cst.Call) and self.callee(call.func) == ATOMICALLY:
                opened.append([])
                self.regions.append((opened[-1], self.ctx.record(call)))
        if not opened:
            return True
        stack += (_Marker([], closes=len(opened)), node.body, _Marker(opened))
        stack.extend(reversed(node.items))
        return False

    def callee(self, expr: cst.BaseExpression) -> str:
        """The qualified name of a callee or decorator, through local imports too."""
        if isinstance(expr, cst.Call):
            expr = expr.func
        parts = dotted_parts(expr)
        return self.ctx.table.callee(parts, self.local) if parts else ""

    def _import(self, node: cst.Import | cst.ImportFrom, stack: Stack) -> bool:
        """A function-level import binds names for the calls after it."""
        table = self.ctx.table
        for local, qualified in import_bindings(node, table.module, table.is_package):
            self.local[local] = canonical(qualified)
        return False


def _holds_calls(node: cst.Attribute, _stack: Stack) -> bool:
    """Whether to walk into `a.b.c`: only when it is not a plain dotted name (`f().x` is not)."""
    value = node.value
    while type(value) is cst.Attribute:
        value = value.value
    return type(value) is not cst.Name


def _getter(cls: type[cst.CSTNode]) -> Callable[[cst.CSTNode], tuple[Any, ...]]:
    """Reads the fields of `_fields(cls)` in reverse source order, in one call."""
    getter = _GETTERS.get(cls)
    if getter is None:
        names = tuple(reversed(_fields(cls)))
        if not names:
            getter = _no_fields
        elif len(names) == 1:
            getter = _single(names[0])
        else:
            getter = attrgetter(*names)
        _GETTERS[cls] = getter
    return getter


def _no_fields(_node: cst.CSTNode) -> tuple[Any, ...]:
    return ()


def _single(name: str) -> Callable[[cst.CSTNode], tuple[Any, ...]]:
    """Like `attrgetter(name)`, but a tuple like attrgetter of several names gives."""
    read = attrgetter(name)

    def getter(node: cst.CSTNode) -> tuple[Any, ...]:
        return (read(node),)

    return getter


def _push_children(node: cst.CSTNode, stack: Stack) -> None:
    """Push the child nodes of `node` so that they pop in source order, skipping punctuation,
    whitespace and leaves. Sequence fields hold nodes only; other values are checked through a
    type cache (`isinstance(x, CSTNode)` is an ABC check, slow in this loop)."""
    for value in _getter(type(node))(node):
        kind = type(value)
        if kind is tuple or kind is list:
            stack.extend(reversed(value))
            continue
        inner = _INNER.get(kind)
        if inner is None:
            inner = _INNER[kind] = issubclass(kind, cst.CSTNode) and not issubclass(kind, _LEAVES)
        if inner:
            stack.append(value)


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


def scan_body_calls(ctx: Context, node: cst.FunctionDef) -> tuple[CallSite, ...]:
    """Every call in the body of a module-level function (a helper agent methods may call)."""
    walker = _Walker(ctx)
    walker.walk(node.body)
    return tuple(walker.calls)


def scan_expression_calls(ctx: Context, expr: cst.BaseExpression) -> tuple[CallSite, ...]:
    """What evaluating `expr()` calls: `expr` itself when it is a dotted name (a bare callable,
    anchored at the name), else the calls inside it (a lambda's body)."""
    parts = dotted_parts(expr)
    if parts is not None:
        return (CallSite(ctx.table.callee(parts), (), ctx.record(expr)),)
    walker = _Walker(ctx)
    walker.walk(expr)
    return tuple(walker.calls)

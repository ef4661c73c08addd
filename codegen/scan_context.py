"""What every part of one file's scan shares: the tree, the import table and the recorded anchors."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from .model import Anchor, LiteralValue, Option
from .scan_names import ImportTable, dotted_parts

__all__ = ["Context", "literal_value"]

_NOT_LITERAL: tuple[bool, LiteralValue] = (False, None)
_CONSTANTS: dict[str, LiteralValue] = {"True": True, "False": False, "None": None}


def literal_value(expr: cst.BaseExpression) -> tuple[bool, LiteralValue]:
    """`(True, value)` for a str/int/float/bool/None literal (also `-1` and implicit concatenation)."""
    try:
        return _literal(expr)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return _NOT_LITERAL  # e.g. an integer beyond int()'s digit limit, a bad escape


def _literal(expr: cst.BaseExpression) -> tuple[bool, LiteralValue]:
    if isinstance(expr, cst.Name):
        return (True, _CONSTANTS[expr.value]) if expr.value in _CONSTANTS else _NOT_LITERAL
    if isinstance(expr, cst.Integer | cst.Float):
        return True, expr.evaluated_value
    if isinstance(expr, cst.SimpleString | cst.ConcatenatedString):
        value = expr.evaluated_value
        return (True, value) if isinstance(value, str) else _NOT_LITERAL
    if isinstance(expr, cst.UnaryOperation) and isinstance(
        expr.expression, cst.Integer | cst.Float
    ):
        number = expr.expression.evaluated_value
        if isinstance(expr.operator, cst.Minus):
            return True, -number
        if isinstance(expr.operator, cst.Plus):
            return True, number
    return _NOT_LITERAL


class Context:
    """One file's scan in progress: records anchors in a deterministic order."""

    def __init__(self, tree: cst.Module, table: ImportTable) -> None:
        self.tree = tree
        self.table = table
        self.nodes: list[cst.CSTNode] = []

    def record(self, node: cst.CSTNode) -> Anchor:
        """Remember `node`; its index is the anchor `locate()` resolves later."""
        self.nodes.append(node)
        return len(self.nodes) - 1

    def text(self, node: cst.CSTNode) -> str:
        """The source text of `node` (cheap paths for names and simple literals)."""
        if (
            isinstance(node, cst.Name | cst.Integer | cst.Float | cst.SimpleString)
            and not node.lpar
        ):
            return node.value
        if isinstance(node, cst.Attribute) and not node.lpar:
            parts = dotted_parts(node)
            if parts is not None:
                return ".".join(parts)
        return self.tree.code_for_node(node).strip()

    def callee(self, expr: cst.BaseExpression) -> str:
        """The qualified name of a decorator or callee (`@rs.agent(...)` -> `runtime_stub.agent`)."""
        if isinstance(expr, cst.Call):
            expr = expr.func
        parts = dotted_parts(expr)
        return "" if parts is None else self.table.callee(parts)

    def options(self, args: Sequence[cst.Arg]) -> tuple[Option, ...]:
        """The arguments of `@agent(...)`/`@endpoint(...)` as Options (positional: name "")."""
        found = []
        for arg in args:
            name = arg.keyword.value if arg.keyword is not None else ""
            if arg.star:
                name = arg.star
            literal, value = literal_value(arg.value) if not arg.star else _NOT_LITERAL
            text = self.text(arg.value)
            found.append(Option(name, value, literal, text, self.record(arg.value)))
        return tuple(found)

"""What every part of one file's scan shares: the tree, the import table and the recorded anchors."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from ..model import Anchor, LiteralValue, Option
from .names import ImportTable, dotted_parts

__all__ = ["Context", "literal_value"]

_NOT_LITERAL: tuple[bool, LiteralValue] = (False, None)
_CONSTANTS: dict[str, LiteralValue] = {"True": True, "False": False, "None": None}


def literal_value(expr: cst.BaseExpression) -> tuple[bool, LiteralValue]:
    """`(True, value)` for a str/int/float/bool/None literal (also `-1` and implicit concatenation)."""
    try:
        return _literal(expr)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return _NOT_LITERAL  # e.g. an integer beyond int()'s digit limit, a bad escape


def _plain_text(node: cst.CSTNode) -> str | None:
    """The source text of a name, literal, dotted name, `X | Y` or `X[A, B]` written the usual
    way (no parentheses, standard spacing); None for anything else (libcst prints it).

    Exact type checks: a failed isinstance against a libcst node class (an ABC) is slow.
    """
    if type(node) is cst.Name or type(node) is cst.SimpleString:
        return None if node.lpar else node.value
    if type(node) is cst.Integer or type(node) is cst.Float:
        return None if node.lpar else node.value
    if type(node) is cst.Attribute:
        parts = None if node.lpar else dotted_parts(node)
        return ".".join(parts) if parts is not None else None
    if type(node) is cst.Subscript:
        return _plain_subscript(node)
    if type(node) is cst.BinaryOperation:
        return _plain_union(node)
    return None


def _plain_subscript(node: cst.Subscript) -> str | None:
    if node.lpar or not (
        _empty(node.lbracket.whitespace_after) and _empty(node.rbracket.whitespace_before)
    ):
        return None
    items = [_plain_text(node.value)]
    for element in node.slice:
        index, comma = element.slice, element.comma
        if type(index) is not cst.Index or index.star is not None:
            return None
        if type(comma) is cst.Comma and not (
            _empty(comma.whitespace_before) and _one_space(comma.whitespace_after)
        ):
            return None
        items.append(_plain_text(index.value))
    if type(node.slice[-1].comma) is cst.Comma:
        return None  # a trailing comma: printed by libcst as written
    texts = [item for item in items if item is not None]
    return f"{texts[0]}[{', '.join(texts[1:])}]" if len(texts) == len(items) else None


def _plain_union(node: cst.BinaryOperation) -> str | None:
    operator = node.operator
    if node.lpar or type(operator) is not cst.BitOr:
        return None
    if not (_one_space(operator.whitespace_before) and _one_space(operator.whitespace_after)):
        return None
    left, right = _plain_text(node.left), _plain_text(node.right)
    return None if left is None or right is None else f"{left} | {right}"


def _empty(whitespace: cst.BaseParenthesizableWhitespace) -> bool:
    return type(whitespace) is cst.SimpleWhitespace and whitespace.value == ""


def _one_space(whitespace: cst.BaseParenthesizableWhitespace) -> bool:
    return type(whitespace) is cst.SimpleWhitespace and whitespace.value == " "


def _literal(expr: cst.BaseExpression) -> tuple[bool, LiteralValue]:
    if type(expr) is cst.SimpleString:
        raw = expr.value
        if raw[0] in "\"'" and "\\" not in raw and "\r" not in raw:  # nothing to unescape
            quote = 3 if raw[:3] in ('"""', "'''") else 1
            return True, raw[quote:-quote]
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
        """The source text of `node` (cheap paths for names, literals and plain annotations)."""
        plain = _plain_text(node)
        return plain if plain is not None else self.tree.code_for_node(node).strip()

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

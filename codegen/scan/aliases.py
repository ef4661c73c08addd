"""Module-level type aliases and NewTypes: `X = list[int]`, `X: TypeAlias = ...`, `type X = ...`."""

from __future__ import annotations

import libcst as cst

from ..model import AliasDef, TypeExpr
from .annotations import TypeReader
from .context import Context
from .names import BUILTIN_TYPES, dotted_parts

__all__ = ["AliasScanner"]

TYPE_ALIAS = frozenset({"typing.TypeAlias", "typing_extensions.TypeAlias"})
NEW_TYPE = frozenset({"typing.NewType", "typing_extensions.NewType"})
TYPE_MODULES = ("typing.", "typing_extensions.", "collections.abc.", "collections.")
_ELEMENTS = (
    cst.Name,
    cst.Attribute,
    cst.Subscript,
    cst.SimpleString,
    cst.ConcatenatedString,
    cst.Ellipsis,
    cst.Integer,
    cst.List,
    cst.Tuple,
    cst.BinaryOperation,
    cst.UnaryOperation,
)
"""What may appear inside the brackets of a type expression (`Callable[[int], str]`, `Literal[-1]`)."""


class AliasScanner:
    """Recognizes alias statements; only right-hand sides that are clearly types count."""

    def __init__(self, ctx: Context, types: TypeReader) -> None:
        self.ctx = ctx
        self.types = types
        self.aliases: set[str] = set()

    def assignment(self, node: cst.Assign | cst.AnnAssign) -> AliasDef | None:
        """The alias an assignment statement defines, if any."""
        if isinstance(node, cst.AnnAssign):
            return self._annotated(node)
        value = node.value
        if len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
            return None
        target = node.targets[0].target
        if isinstance(value, cst.Call) and self.ctx.callee(value) in NEW_TYPE:
            positional = [arg.value for arg in value.args if arg.keyword is None and not arg.star]
            if len(positional) != 2:
                return None
            return self._alias(target, self.types.convert(positional[1]), newtype=True)
        if self._is_type(value):
            return self._alias(target, self.types.convert(value))
        return None

    def _annotated(self, node: cst.AnnAssign) -> AliasDef | None:
        """`X: TypeAlias = ...`."""
        if node.value is None or not isinstance(node.target, cst.Name):
            return None
        annotation = self.types.convert(node.annotation.annotation)
        if annotation.kind != "name" or annotation.name not in TYPE_ALIAS:
            return None
        return self._alias(node.target, self.types.convert(node.value))

    def type_statement(self, node: cst.TypeAlias) -> AliasDef:
        """`type X = ...` (Python 3.12 syntax, which libcst parses on any version)."""
        return self._alias(node.name, self.types.convert(node.value))

    def _alias(self, target: cst.Name, expr: TypeExpr, *, newtype: bool = False) -> AliasDef:
        name = target.value
        self.aliases.add(name)
        qualname = f"{self.ctx.table.module}.{name}"
        return AliasDef(name, qualname, expr, newtype, self.ctx.record(target))

    def _is_type(self, value: cst.BaseExpression) -> bool:
        """`list[int]`, `A | None`, `int`, an imported or defined class: clearly a type."""
        if isinstance(value, cst.Subscript):
            return self._is_type_name(value.value) and all(
                isinstance(e.slice, cst.Index) and isinstance(e.slice.value, _ELEMENTS)
                for e in value.slice
            )
        if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.BitOr):
            leaves = _bitor_leaves(value)
            is_none = [isinstance(leaf, cst.Name) and leaf.value == "None" for leaf in leaves]
            return not all(is_none) and all(
                none or self._is_type(leaf) for leaf, none in zip(leaves, is_none, strict=True)
            )
        return self._is_type_name(value)

    def _is_type_name(self, expr: cst.BaseExpression) -> bool:
        parts = dotted_parts(expr)
        if parts is None:
            return False
        table = self.ctx.table
        if len(parts) == 1 and (parts[0] in table.classes or parts[0] in self.aliases):
            return True
        qualified = table.qualify(parts)
        return (
            qualified in BUILTIN_TYPES
            or qualified.startswith(TYPE_MODULES)
            or table.is_imported(parts)
        )


def _bitor_leaves(expr: cst.BinaryOperation) -> list[cst.BaseExpression]:
    leaves: list[cst.BaseExpression] = []
    node: cst.BaseExpression = expr
    while isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        leaves.append(node.right)
        node = node.left
    leaves.append(node)
    leaves.reverse()
    return leaves

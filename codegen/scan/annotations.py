"""Annotations as written -> TypeExpr, names qualified through the file's import table."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import libcst as cst

from ..model import TypeExpr
from .context import Context, literal_value
from .names import dotted_parts

__all__ = ["TypeReader", "bracket_depth"]

MAX_STRING_ANNOTATION = 2000
"""Longer string annotations are not parsed (libcst's parser is slow on huge expressions)."""
MAX_BRACKET_DEPTH = 200
"""CPython's own limit on nested brackets; libcst crashes far beyond it."""


def bracket_depth(text: str) -> int:
    """The deepest bracket nesting of `text`, not minding strings (an upper bound for code)."""
    depth = deepest = 0
    for char in text:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth = max(0, depth - 1)
    return deepest


def _special(name: str) -> str:
    """`typing_extensions.X` behaves as `typing.X` for the special forms below."""
    return "typing." + name[18:] if name.startswith("typing_extensions.") else name


class TypeReader:
    """Converts annotation expressions of one file; text comes from the file's own source."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._forms: dict[str, Callable[[cst.Subscript, str, list[cst.BaseExpression]], TypeExpr]]
        self._forms = {
            "typing.Optional": self._optional,
            "typing.Union": self._union_form,
            "typing.Literal": self._literal_form,
            "typing.Annotated": self._annotated,
        }

    def convert(self, expr: cst.BaseExpression) -> TypeExpr:
        """The TypeExpr of an annotation (`invalid` for anything that is not a type expression)."""
        if isinstance(expr, cst.Name):
            return self._name(expr)
        if isinstance(expr, cst.Attribute):
            parts = dotted_parts(expr)
            if parts is not None:
                return TypeExpr("name", self.ctx.text(expr), name=self.ctx.table.qualify(parts))
        elif isinstance(expr, cst.Subscript):
            return self._subscript(expr)
        elif isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
            return self._union(self.ctx.text(expr), self._bitor_members(expr))
        elif isinstance(expr, cst.SimpleString | cst.ConcatenatedString):
            return self._string(expr)
        elif isinstance(expr, cst.Ellipsis):
            return TypeExpr("ellipsis", "...")
        return self.invalid(expr)

    def invalid(self, expr: cst.BaseExpression) -> TypeExpr:
        """An expression that is not a type; kept as text for messages."""
        return TypeExpr("invalid", self.ctx.text(expr))

    def _name(self, expr: cst.Name) -> TypeExpr:
        value = expr.value
        if value == "None":
            return TypeExpr("none", "None")
        if value in ("True", "False"):
            return TypeExpr("invalid", value)
        return TypeExpr("name", self.ctx.text(expr), name=self.ctx.table.qualify([value]))

    def _bitor_members(self, expr: cst.BinaryOperation) -> list[TypeExpr]:
        """`A | B | C` parses as `(A | B) | C`: walk the left spine without recursing."""
        rights: list[cst.BaseExpression] = []
        left: cst.BaseExpression = expr
        while isinstance(left, cst.BinaryOperation) and isinstance(left.operator, cst.BitOr):
            rights.append(left.right)
            left = left.left
        return [self.convert(e) for e in [left, *reversed(rights)]]

    @staticmethod
    def _union(text: str, members: Sequence[TypeExpr]) -> TypeExpr:
        flat: list[TypeExpr] = []
        for member in members:
            flat.extend(member.args if member.kind == "union" else (member,))
        return TypeExpr("union", text, args=tuple(flat))

    def _string(self, expr: cst.SimpleString | cst.ConcatenatedString) -> TypeExpr:
        """A forward reference: parse the string's content and convert that."""
        ok, value = literal_value(expr)
        if not ok or not isinstance(value, str):
            return self.invalid(expr)
        source = value.strip()
        if len(source) > MAX_STRING_ANNOTATION or bracket_depth(source) > MAX_BRACKET_DEPTH:
            return self.invalid(expr)
        try:
            parsed = cst.parse_expression(source)
        except BaseException as error:  # any parser failure (even a Rust panic): not a type
            if isinstance(error, KeyboardInterrupt | SystemExit):
                raise
            return self.invalid(expr)
        return self.convert(parsed)

    def _subscript(self, expr: cst.Subscript) -> TypeExpr:
        parts = dotted_parts(expr.value)
        if parts is None:
            return self.invalid(expr)
        origin = self.ctx.table.qualify(parts)
        items: list[cst.BaseExpression] = []
        for element in expr.slice:
            if not isinstance(element.slice, cst.Index) or element.slice.star is not None:
                return self.invalid(expr)
            items.append(element.slice.value)
        form = self._forms.get(_special(origin))
        if form is not None:
            return form(expr, origin, items)
        args = tuple(self.convert(item) for item in items)
        return TypeExpr("generic", self.ctx.text(expr), name=origin, args=args)

    def _optional(
        self, expr: cst.Subscript, origin: str, items: list[cst.BaseExpression]
    ) -> TypeExpr:
        members = [self.convert(item) for item in items]
        return self._union(self.ctx.text(expr), [*members, TypeExpr("none", "None")])

    def _union_form(
        self, expr: cst.Subscript, origin: str, items: list[cst.BaseExpression]
    ) -> TypeExpr:
        return self._union(self.ctx.text(expr), [self.convert(item) for item in items])

    def _literal_form(
        self, expr: cst.Subscript, origin: str, items: list[cst.BaseExpression]
    ) -> TypeExpr:
        args = tuple(self._literal_arg(item) for item in items)
        return TypeExpr("generic", self.ctx.text(expr), name=origin, args=args)

    def _annotated(
        self, expr: cst.Subscript, origin: str, items: list[cst.BaseExpression]
    ) -> TypeExpr:
        first = [self.convert(item) for item in items[:1]]
        metadata = [self._metadata(item) for item in items[1:]]
        return TypeExpr("generic", self.ctx.text(expr), name=origin, args=(*first, *metadata))

    def _literal_arg(self, item: cst.BaseExpression) -> TypeExpr:
        """A value inside `Literal[...]`; a nested `Literal[...]` stays a type expression."""
        if isinstance(item, cst.Subscript):
            return self.convert(item)
        return self._metadata(item)

    def _metadata(self, item: cst.BaseExpression) -> TypeExpr:
        """A value, not a type: a literal when it is one (strings are not forward references)."""
        ok, value = literal_value(item)
        if ok:
            return TypeExpr("literal", self.ctx.text(item), value=value)
        return self.invalid(item)

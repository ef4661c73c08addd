"""Removing a durability control around code: `with control():` unwrapped, `@control()` dropped.

The control is the call a diagnostic points at; what is removed depends on where it stands:

* the one item of a `with` statement: the block's statements take the statement's place;
* one item of several: that item goes, the `with` stays;
* a statement of its own (a call that was never entered): the statement goes (`pass` if the
  block would be empty);
* a decorator: the decorator goes.

Comments move with the code they stood by: the ones above the `with` and on its line go above
the first statement of the block. Anything else (`x = control()`) has no fix.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from ..diagnostics import Edit
from .tree import SourceText

__all__ = ["remove_wrapper"]

Block = cst.IndentedBlock | cst.Module


def remove_wrapper(source: SourceText, call: cst.Call) -> Edit | None:
    """The edit that removes the control `call`, or None where that has no one right form."""
    parent = source.parents.get(call)
    if isinstance(parent, cst.WithItem) and parent.asname is None:
        statement = source.parents.get(parent)
        if isinstance(statement, cst.With):
            if len(statement.items) > 1:
                return source.replaced(statement, _without_item(statement, parent))
            return _unwrap(source, statement)
    if isinstance(parent, cst.Expr):
        return _remove_statement(source, parent)
    if isinstance(parent, cst.Decorator):
        return _remove_decorator(source, parent)
    return None


def _without_item(statement: cst.With, item: cst.WithItem) -> cst.With:
    items = list(statement.items)
    index = next(i for i, candidate in enumerate(items) if candidate is item)
    del items[index]
    if index == len(items):  # the last item went: the new last one ends as it did
        items[-1] = items[-1].with_changes(comma=item.comma)
    return statement.with_changes(items=items)


def _unwrap(source: SourceText, statement: cst.With) -> Edit | None:
    block = source.parents.get(statement)
    if not isinstance(block, Block):
        return None
    body = statement.body
    footer: Sequence[cst.EmptyLine] = ()
    if isinstance(body, cst.SimpleStatementSuite):
        inner: list[cst.BaseStatement] = [
            cst.SimpleStatementLine(body.body, trailing_whitespace=body.trailing_whitespace)
        ]
        carried = [*statement.leading_lines]
    elif isinstance(body, cst.IndentedBlock):
        inner = list(body.body)
        footer = body.footer
        carried = [*statement.leading_lines, *_comment_line(body.header)]
    else:
        return None
    inner[0] = _with_lines_before(inner[0], carried)
    return source.replaced(block, _splice(block, statement, inner, footer))


def _remove_statement(source: SourceText, expression: cst.Expr) -> Edit | None:
    line = source.parents.get(expression)
    if not isinstance(line, cst.SimpleStatementLine | cst.SimpleStatementSuite):
        return None
    if len(line.body) > 1:
        body = [small for small in line.body if small is not expression]
        if line.body[-1] is expression:
            body[-1] = body[-1].with_changes(semicolon=expression.semicolon)
        return source.replaced(line, line.with_changes(body=body))
    if isinstance(line, cst.SimpleStatementSuite):
        return source.replaced(line, line.with_changes(body=[cst.Pass()]))
    block = source.parents.get(line)
    if not isinstance(block, Block):
        return None
    kept = [*line.leading_lines, *_comment_line(line.trailing_whitespace)]
    return source.replaced(block, _splice(block, line, [], kept))


def _remove_decorator(source: SourceText, decorator: cst.Decorator) -> Edit | None:
    owner = source.parents.get(decorator)
    if not isinstance(owner, cst.FunctionDef | cst.ClassDef):
        return None
    decorators = list(owner.decorators)
    index = next(i for i, candidate in enumerate(decorators) if candidate is decorator)
    carried = [*decorator.leading_lines, *_comment_line(decorator.trailing_whitespace)]
    del decorators[index]
    if index < len(decorators):
        following = decorators[index]
        decorators[index] = following.with_changes(
            leading_lines=[*carried, *following.leading_lines]
        )
        return source.replaced(owner, owner.with_changes(decorators=decorators))
    after = [*carried, *owner.lines_after_decorators]
    changed = owner.with_changes(decorators=decorators, lines_after_decorators=after)
    return source.replaced(owner, changed)


def _splice(
    block: Block,
    old: cst.BaseStatement | cst.BaseSmallStatement,
    new: Sequence[cst.BaseStatement],
    trailing: Sequence[cst.EmptyLine],
) -> Block:
    """`block` with `old` replaced by `new`; `trailing` lines go before what follows.

    A block left empty gets `pass`, so that it stays a block.
    """
    statements = list(block.body)
    index = next(i for i, candidate in enumerate(statements) if candidate is old)
    statements[index : index + 1] = new
    after = index + len(new)
    footer = list(block.footer)
    if trailing and after < len(statements):
        statements[after] = _with_lines_before(statements[after], trailing)
    elif trailing:
        footer = [*trailing, *footer]
    if not statements and isinstance(block, cst.IndentedBlock):
        statements = [cst.SimpleStatementLine([cst.Pass()], leading_lines=footer)]
        footer = []
    return block.with_changes(body=statements, footer=footer)


def _with_lines_before(
    statement: cst.BaseStatement, lines: Sequence[cst.EmptyLine]
) -> cst.BaseStatement:
    if not lines:
        return statement
    leading: Sequence[cst.EmptyLine] = getattr(statement, "leading_lines", ())
    return statement.with_changes(leading_lines=[*lines, *leading])


def _comment_line(whitespace: cst.TrailingWhitespace) -> list[cst.EmptyLine]:
    """A comment at the end of a line, as a comment line of its own (none if there is none)."""
    if whitespace.comment is None:
        return []
    return [cst.EmptyLine(comment=whitespace.comment)]

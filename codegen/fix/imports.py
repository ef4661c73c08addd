"""Imports around a rewrite: the runtime names it needs, and the imports it leaves unused.

A runtime name reuses an import, extends `from runtime_stub import ...`, or gets a new import line.
When the name is bound already (`import random` and the durable `random`), the stand-in takes the
binding's place if that import serves only the calls being replaced (`taken_over`), else it is
imported under an alias (`durable_random`); when that is taken too there is no fix. After a round
of fixes, `prune_imports` drops the imports of the runtime and of the replaced standard-library
modules that the fixes left unused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeGuard

import libcst as cst
from libcst.metadata import GlobalScope, ImportAssignment

from ..diagnostics import Edit, suppressed
from .tree import SourceText

__all__ = ["RUNTIME", "Imported", "prune_imports", "removed_import", "runtime_name", "taken_over"]

RUNTIME = "runtime_stub"
STAND_IN_CODE = "GLM033"
"""Calls a `# golem: ignore[GLM033]` keeps are never replaced along with the others."""


@dataclass(frozen=True, slots=True)
class Imported:
    """The local name to write for a runtime name, and the edit that imports it (None if bound)."""

    local: str
    edit: Edit | None


def runtime_name(source: SourceText, name: str, where: cst.CSTNode) -> Imported | None:
    """How code at `where` can call `runtime_stub.<name>`; None when no name is free."""
    scope = source.scopes.get(where)
    if scope is None:
        return None
    for local in (name, f"durable_{name}"):
        bindings = list(scope[local]) if local in scope else []
        if not bindings:
            return Imported(local, _import_edit(source, name, local))
        imports = [b for b in bindings if isinstance(b, ImportAssignment)]
        if len(imports) == len(bindings) and all(
            _imports_runtime(b, name) and not _conditional(source, b.node) for b in imports
        ):
            return Imported(local, None)
    return None


def _conditional(source: SourceText, node: cst.CSTNode) -> bool:
    """Whether an import sits under an `if` or `try` (`if TYPE_CHECKING:` binds nothing at run time)."""
    parent = source.parents.get(node)
    while parent is not None and not isinstance(parent, cst.Module | cst.FunctionDef):
        if isinstance(parent, cst.If | cst.Try | cst.TryStar):
            return True
        parent = source.parents.get(parent)
    return False


def taken_over(
    source: SourceText, name: str, callee: str, where: cst.CSTNode
) -> tuple[list[cst.Call], Imported] | None:
    """`import random` used only as `random.random()`: every such call, and the import of the
    durable `random` that replaces the module's import; None when `name` has other uses."""
    scope = source.scopes.get(where)
    bindings = list(scope[name]) if scope is not None and name in scope else []
    calls: list[cst.Call] = []
    for binding in bindings:
        if not (
            isinstance(binding, ImportAssignment)
            and isinstance(binding.scope, GlobalScope)
            and _prunable(binding.node)
        ):
            return None
        for access in binding.references:
            call = _call_of(source, access.node)
            if call is None or call.args or callee not in source.qualified_names(call.func):
                return None
            if call is not where and suppressed(STAND_IN_CODE, source.line(_line(source, call))):
                return None  # the user kept this one on purpose
            calls.append(call)
    if not calls:
        return None
    edit = _import_edit(source, name, name)
    return calls, Imported(name, edit)


def removed_import(source: SourceText, name: str) -> list[Edit]:
    """The edits that remove the module-level imports binding `name` (whole lines if alone)."""
    edits = []
    for statement in source.module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            trimmed = _trimmed(small, {name})
            if trimmed is small:
                continue
            if trimmed is None and len(statement.body) == 1:
                where = source.ranges[statement]
                end = where.end.line + 1
                stop = source.offset(end, 1) if end <= source.lines else len(source.text)
                edits.append(source.edit(source.offset(where.start.line, 1), stop, ""))
            elif trimmed is not None:
                edits.append(source.span_edit(small, source.code(trimmed)))
            else:
                return []  # `import random; x = 1`: not worth a rewrite
    return edits


def _line(source: SourceText, node: cst.CSTNode) -> int:
    return source.ranges[node].start.line


def _call_of(source: SourceText, node: cst.CSTNode) -> cst.Call | None:
    """The call whose callee `node` is (`random()`) or starts (`random.random()`)."""
    parent = source.parents.get(node)
    if isinstance(parent, cst.Attribute) and parent.value is node:
        node, parent = parent, source.parents.get(parent)
    return parent if isinstance(parent, cst.Call) and parent.func is node else None


def _imports_runtime(binding: object, name: str) -> bool:
    """Whether a binding is `from runtime_stub import <name>` (or `runtime_stub.durability`)."""
    if not isinstance(binding, ImportAssignment) or not isinstance(binding.node, cst.ImportFrom):
        return False
    node = binding.node
    if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
        return False
    if cst.Module([]).code_for_node(node.module) not in (RUNTIME, f"{RUNTIME}.durability"):
        return False
    return any(
        isinstance(alias.name, cst.Name)
        and alias.name.value == name
        and (alias.evaluated_alias or name) == binding.name
        for alias in node.names
    )


def _import_edit(source: SourceText, name: str, local: str) -> Edit:
    alias = cst.ImportAlias(
        cst.Name(name), asname=None if local == name else cst.AsName(cst.Name(local))
    )
    existing = _runtime_import(source.module)
    if existing is not None:
        return source.span_edit(existing, source.code(_extended(existing, alias)))
    statement = cst.SimpleStatementLine([cst.ImportFrom(cst.Name(RUNTIME), [alias])])
    line = _insertion_line(source)
    text = source.code(statement)
    if line <= source.lines:
        offset = source.offset(line, 1)
    else:  # after the last line, which has no line break
        offset, text = len(source.text), source.module.default_newline + text
    return source.edit(offset, offset, text)


def _runtime_import(module: cst.Module) -> cst.ImportFrom | None:
    """The top-level `from runtime_stub import a, b` to extend: the first without aliases, else
    the first (never a star import)."""
    found: list[cst.ImportFrom] = []
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            found += [small for small in statement.body if _runtime_from(small)]
    plain = [node for node in found if _without_aliases(node)]
    return plain[0] if plain else found[0] if found else None


def _runtime_from(small: cst.BaseSmallStatement) -> TypeGuard[cst.ImportFrom]:
    return (
        isinstance(small, cst.ImportFrom)
        and not small.relative
        and isinstance(small.module, cst.Name)
        and small.module.value == RUNTIME
        and not isinstance(small.names, cst.ImportStar)
    )


def _without_aliases(node: cst.ImportFrom) -> bool:
    return not isinstance(node.names, cst.ImportStar) and all(a.asname is None for a in node.names)


def _extended(node: cst.ImportFrom, alias: cst.ImportAlias) -> cst.ImportFrom:
    """`node` with `alias` appended, in the style of its list (one line, or one per line)."""
    assert not isinstance(node.names, cst.ImportStar)
    names = list(node.names)
    last = names[-1]
    between = _separator(node)
    if isinstance(last.comma, cst.Comma):  # a trailing comma: the new name ends the same way
        return node.with_changes(
            names=[
                *names[:-1],
                last.with_changes(comma=between),
                alias.with_changes(comma=last.comma),
            ]
        )
    return node.with_changes(names=[*names[:-1], last.with_changes(comma=between), alias])


def _separator(node: cst.ImportFrom) -> cst.Comma:
    """The comma between two names of this import: as between its first two, or as after `(`."""
    assert not isinstance(node.names, cst.ImportStar)
    if len(node.names) > 1 and isinstance(node.names[0].comma, cst.Comma):
        return node.names[0].comma
    if node.lpar is not None and isinstance(
        node.lpar.whitespace_after, cst.ParenthesizedWhitespace
    ):
        return cst.Comma(whitespace_after=node.lpar.whitespace_after)
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def _insertion_line(source: SourceText) -> int:
    """The line after the leading docstring and imports of the module (1-based)."""
    line = 1
    for statement in source.module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            break
        if not all(_leading(small) for small in statement.body):
            break
        line = source.ranges[statement].end.line + 1
    return line


def _leading(small: cst.BaseSmallStatement) -> bool:
    if isinstance(small, cst.Import | cst.ImportFrom):
        return True
    return isinstance(small, cst.Expr) and isinstance(small.value, cst.SimpleString)


PRUNED_MODULES = frozenset({RUNTIME, "datetime", "os", "random", "secrets", "time", "uuid"})
"""Modules whose imports a fix may leave unused: the runtime's controls, the non-deterministic
standard-library modules GLM033 replaces (importing them has no side effect to keep)."""


def prune_imports(before: str, after: str) -> str:
    """`after` without the module-level imports that `before` used and `after` no longer does.

    Only imports of `PRUNED_MODULES` go: the names the fixes stopped using, nothing the user
    had left unused on purpose.
    """
    old, new = SourceText(before), SourceText(after)
    was_used = {name for name, used in _imported_names(old).items() if used}
    unused = {name for name, used in _imported_names(new).items() if not used} & was_used
    if not unused:
        return after
    return _without_names(new, unused)


def _imported_names(source: SourceText) -> dict[str, bool]:
    """Each name bound by a module-level import of `PRUNED_MODULES`: whether anything uses it."""
    scope = source.scopes.get(source.module)
    if scope is None:
        return {}
    found: dict[str, bool] = {}
    for assignment in scope.assignments:
        if isinstance(assignment, ImportAssignment) and _prunable(assignment.node):
            found[assignment.name] = found.get(assignment.name, False) or bool(
                assignment.references
            )
    return found


def _prunable(node: cst.CSTNode) -> bool:
    if isinstance(node, cst.Import):
        return all(_root(alias.name) in PRUNED_MODULES for alias in node.names)
    if isinstance(node, cst.ImportFrom) and not node.relative and node.module is not None:
        return _root(node.module) in PRUNED_MODULES and not isinstance(node.names, cst.ImportStar)
    return False


def _root(name: cst.Attribute | cst.Name) -> str:
    return cst.Module([]).code_for_node(name).split(".")[0]


def _without_names(source: SourceText, names: set[str]) -> str:
    """The module with the import aliases binding `names` removed (whole statements if empty);
    the blank and comment lines above a removed statement stay, above what follows it."""
    body: list[cst.BaseStatement] = []
    carried: list[cst.EmptyLine] = []
    for statement in source.module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            kept = [_trimmed(small, names) for small in statement.body]
            smalls = [small for small in kept if small is not None]
            if not smalls:
                carried += statement.leading_lines
                continue
            if any(a is not b for a, b in zip(kept, statement.body, strict=True)):
                smalls[-1] = smalls[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
                statement = statement.with_changes(body=smalls)
        if carried:
            statement = statement.with_changes(leading_lines=_joined(carried, statement))
            carried = []
        body.append(statement)
    footer = [*carried, *source.module.footer]
    return source.module.with_changes(body=body, footer=footer).code


def _joined(carried: list[cst.EmptyLine], statement: cst.BaseStatement) -> list[cst.EmptyLine]:
    """The lines above a statement after the statement above it went: its comments always, its
    blank lines only where the statement had none (never more blank lines than before)."""
    own: list[cst.EmptyLine] = list(getattr(statement, "leading_lines", ()))
    if own and not any(line.comment for line in carried):
        return own
    return [*carried, *own]


def _trimmed(small: cst.BaseSmallStatement, names: set[str]) -> cst.BaseSmallStatement | None:
    if not isinstance(small, cst.Import | cst.ImportFrom) or not _prunable(small):
        return small
    assert not isinstance(small.names, cst.ImportStar)
    aliases = [alias for alias in small.names if _bound(alias) not in names]
    if len(aliases) == len(small.names):
        return small
    if not aliases:
        return None
    aliases[-1] = aliases[-1].with_changes(comma=small.names[-1].comma)
    return small.with_changes(names=aliases)


def _bound(alias: cst.ImportAlias) -> str:
    """The name an import alias binds (`import a.b` binds `a`)."""
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return _root(alias.name)

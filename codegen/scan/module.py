"""File bytes -> ModuleScan, statically: what one module says about agents, dataclasses and types.

Only what the later stages need is walked: module-level statements (classes also inside top-level
`if`/`try` blocks), class bodies, and the method bodies of agent classes (for calls). Names are
qualified with the file's own import table, and every located element records its CST node; its
index in `ScannedFile.nodes` is its `Anchor`, which `positions.locate()` resolves for the files that
end up with diagnostics.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import libcst as cst

from ..diagnostics import Finding
from ..model import AliasDef, ClassDef, FunctionDef, ModuleScan
from .aliases import AliasScanner
from .annotations import TypeReader
from .calls import scan_body_calls
from .classes import ClassScanner
from .context import Context, literal_value
from .names import ImportTable
from .parse import NESTING, START, on_big_stack, parse

__all__ = ["ScanFailure", "ScannedFile", "scan_source"]

RUNTIME_MARK = b"runtime_stub"
_PASSTHROUGH = (KeyboardInterrupt, SystemExit, GeneratorExit)

Block = Sequence[cst.BaseStatement | cst.BaseSmallStatement]


@dataclass(frozen=True, slots=True)
class ScannedFile:
    """A successful scan plus the CST it came from (kept only to locate anchors)."""

    scan: ModuleScan
    tree: cst.Module
    nodes: tuple[cst.CSTNode, ...]
    """`nodes[anchor]` is the node an Anchor refers to."""


@dataclass(frozen=True, slots=True)
class ScanFailure:
    """A file that could not be scanned: GLM900 (parse) or GLM901 (decode), with its span."""

    finding: Finding


def scan_source(source: bytes, path: str, module: str) -> ScannedFile | ScanFailure:
    """Scan one file's bytes; never raises, and the same bytes always give the same anchors."""
    try:
        return on_big_stack(lambda: _parse_and_scan(source, path, module))
    except (RecursionError, MemoryError):
        message = f"{NESTING}; simplify the expression"
        return ScanFailure(Finding("GLM900", message, path, span=START))
    except BaseException as error:  # one bad file must never stop a run
        if isinstance(error, _PASSTHROUGH):
            raise
        message = (
            f"internal scanner error: {type(error).__name__}: {error}; "
            "please report this with the file that triggers it"
        )
        return ScanFailure(Finding("GLM900", message, path, span=START))


def _parse_and_scan(source: bytes, path: str, module: str) -> ScannedFile | ScanFailure:
    parsed = parse(source, path)
    if isinstance(parsed, Finding):
        return ScanFailure(parsed)
    return _scan(parsed, source, path, module)


def _scan(tree: cst.Module, source: bytes, path: str, module: str) -> ScannedFile:
    table = ImportTable(module, path)
    _bind(tree.body, table, override=True)
    ctx = Context(tree, table)
    statements = _Statements(ctx, tree.body)
    statements.walk(tree.body, conditional=False)
    scan = ModuleScan(
        module=module,
        path=path,
        classes=tuple(statements.classes),
        aliases=tuple(statements.aliases),
        imports=tuple(table.imported.items()),
        mentions_runtime=RUNTIME_MARK in source,
        stars=tuple(table.stars),
        exports=statements.exports,
        functions=tuple(statements.functions),
    )
    return ScannedFile(scan, tree, tuple(ctx.nodes))


class _Statements:
    """Reads the module-level statements later stages need, in source order (anchors follow it).

    Classes are also read inside top-level `if`/`try` blocks, nested ones too (`if TYPE_CHECKING:`,
    `try: ... except ImportError:`, version checks), because fields and agents use them like any
    other class. Such a *conditional* class is scanned unless another definition of its name wins,
    so that a name always leads to one class:

    * an unconditional top-level class of that name (it exists whichever branch runs);
    * an import of that name (the import table binds the name to it, so the module's own
      annotations mean the import: `try: from enum import StrEnum / except ImportError: class ...`);
    * an earlier conditional class: when several branches define the name, the first definition
      in source order wins (`if sys.version_info >= (3, 11): ... else: ...` keeps the first).

    Aliases and `__all__` are read at the top level only.
    """

    def __init__(self, ctx: Context, body: Block) -> None:
        types = TypeReader(ctx)
        self.table = ctx.table
        self.ctx = ctx
        self.class_scanner = ClassScanner(ctx, types)
        self.alias_scanner = AliasScanner(ctx, types)
        self.classes: list[ClassDef] = []
        self.aliases: list[AliasDef] = []
        self.functions: list[FunctionDef] = []
        self.exports: tuple[str, ...] | None = None
        """The literal `__all__` so far; None when absent or computed."""
        self._unconditional = {s.name.value for s in body if type(s) is cst.ClassDef}
        self._defined: set[str] = set()
        self._statements: dict[type, Callable[[Any, bool], None]] = {
            cst.ClassDef: self._class,
            cst.FunctionDef: self._function,
            cst.SimpleStatementLine: self._line,
            cst.If: self._branches,
            cst.Try: self._branches,
            cst.TryStar: self._branches,
        }
        self._smalls: dict[type, Callable[[Any], None]] = {
            cst.Assign: self._assign,
            cst.AnnAssign: self._annotated,
            cst.AugAssign: self._augmented,
            cst.TypeAlias: self._type_alias,
            cst.Expr: self._expression,
        }

    def walk(self, block: Block, *, conditional: bool) -> None:
        """Read `block`; `conditional` inside a top-level `if`/`try`."""
        statements = self._statements
        for statement in block:
            visit = statements.get(type(statement))
            if visit is not None:
                visit(statement, conditional)

    def _branches(self, statement: cst.If | cst.Try | cst.TryStar, _conditional: bool) -> None:
        for block in _blocks(statement):
            self.walk(block, conditional=True)

    def _class(self, node: cst.ClassDef, conditional: bool) -> None:
        name = node.name.value
        if conditional and (
            name in self._unconditional or name in self._defined or name in self.table.imported
        ):
            return
        self._defined.add(name)
        self.classes.append(self.class_scanner.scan(node))

    def _function(self, node: cst.FunctionDef, conditional: bool) -> None:
        """A top-level function: its calls, in case an agent method calls it (GLM033)."""
        if not conditional:
            calls = scan_body_calls(self.ctx, node)
            self.functions.append(FunctionDef(node.name.value, calls, self.ctx.record(node.name)))

    def _line(self, statement: cst.SimpleStatementLine, conditional: bool) -> None:
        if conditional:
            return
        smalls = self._smalls
        for small in statement.body:
            visit = smalls.get(type(small))
            if visit is not None:
                visit(small)

    def _alias(self, alias: AliasDef | None) -> None:
        if alias is not None:
            self.aliases.append(alias)

    def _assign(self, node: cst.Assign) -> None:
        self._alias(self.alias_scanner.assignment(node))
        if any(_is_all(target.target) for target in node.targets):
            self.exports = _strings(node.value)

    def _annotated(self, node: cst.AnnAssign) -> None:
        self._alias(self.alias_scanner.assignment(node))
        if _is_all(node.target) and node.value is not None:
            self.exports = _strings(node.value)

    def _augmented(self, node: cst.AugAssign) -> None:
        """`__all__ += [...]` extends a literal `__all__`; any other update makes it unknown."""
        if _is_all(node.target):
            added = _strings(node.value) if type(node.operator) is cst.AddAssign else None
            old = self.exports
            self.exports = None if old is None or added is None else (*old, *added)

    def _type_alias(self, node: cst.TypeAlias) -> None:
        self._alias(self.alias_scanner.type_statement(node))

    def _expression(self, node: cst.Expr) -> None:
        """`__all__.extend(...)` and the like: what `__all__` holds is no longer known."""
        call = node.value
        if type(call) is cst.Call and type(call.func) is cst.Attribute and _is_all(call.func.value):
            self.exports = None


def _is_all(target: cst.BaseExpression) -> bool:
    return type(target) is cst.Name and target.value == "__all__"


def _strings(value: cst.BaseExpression) -> tuple[str, ...] | None:
    """The strings of a literal list or tuple of strings, else None."""
    if type(value) is not cst.List and type(value) is not cst.Tuple:
        return None
    names: list[str] = []
    for element in value.elements:
        name = _string(element.value) if type(element) is cst.Element else None
        if name is None:
            return None
        names.append(name)
    return tuple(names)


def _string(expr: cst.BaseExpression) -> str | None:
    """A string literal's value; plain `"name"` without prefix or escape is read directly, since
    libcst's `evaluated_value` compiles every string (and an `__all__` may hold hundreds)."""
    if type(expr) is cst.SimpleString and not expr.lpar:
        text = expr.value
        quotes = 3 if text[:3] in ('"""', "'''") else 1
        if text[0] in "\"'" and "\\" not in text:
            return text[quotes:-quotes]
    ok, value = literal_value(expr)
    return value if ok and isinstance(value, str) else None


def _bind(block: Block, table: ImportTable, *, override: bool) -> None:
    """Record every module-level binding, in order; inside `if`/`try` imports bind, others fill gaps."""
    for statement in block:
        if isinstance(statement, cst.SimpleStatementLine):
            _bind(statement.body, table, override=override)
        elif isinstance(statement, cst.Import | cst.ImportFrom):
            table.bind_import(statement)
        elif isinstance(statement, cst.Assign):
            for target in statement.targets:
                _define_target(target.target, table, override)
        elif isinstance(statement, cst.AnnAssign | cst.AugAssign):
            _define_target(statement.target, table, override)
        elif isinstance(statement, cst.ClassDef):
            table.define(statement.name.value, override=override)
            table.classes.add(statement.name.value)
        elif isinstance(statement, cst.FunctionDef | cst.TypeAlias):
            table.define(statement.name.value, override=override)
        else:
            for inner in _blocks(statement):
                _bind(inner, table, override=False)


def _define_target(target: cst.BaseExpression, table: ImportTable, override: bool) -> None:
    if isinstance(target, cst.Name):
        table.define(target.value, override=override)
    elif isinstance(target, cst.Tuple | cst.List):
        for element in target.elements:
            _define_target(element.value, table, override)


def _blocks(statement: cst.BaseStatement | cst.BaseSmallStatement) -> list[Block]:
    """The blocks of a top-level `if`/`try`, where conditional imports and classes live."""
    blocks: list[Block] = []
    if isinstance(statement, cst.If):
        blocks.append(statement.body.body)
        orelse = statement.orelse
        while isinstance(orelse, cst.If):
            blocks.append(orelse.body.body)
            orelse = orelse.orelse
        if orelse is not None:
            blocks.append(orelse.body.body)
    elif isinstance(statement, cst.Try | cst.TryStar):
        blocks.append(statement.body.body)
        blocks.extend(handler.body.body for handler in statement.handlers)
        blocks.extend(part.body.body for part in (statement.orelse, statement.finalbody) if part)
    return blocks

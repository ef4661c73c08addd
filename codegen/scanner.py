"""File bytes -> ModuleScan, statically: what one module says about agents, dataclasses and types.

Only what the later stages need is walked: module-level statements, class bodies, and the method
bodies of agent classes (for calls). Names are qualified with the file's own import table, and every
located element records its CST node; its index in `ScannedFile.nodes` is its `Anchor`, which
`positions.locate()` resolves for the files that end up with diagnostics.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from .diagnostics import Finding
from .model import AliasDef, ClassDef, ModuleScan
from .scan_aliases import AliasScanner
from .scan_classes import ClassScanner
from .scan_context import Context
from .scan_names import ImportTable
from .scan_parse import NESTING, START, parse
from .scan_types import TypeReader

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
        parsed = parse(source, path)
        if isinstance(parsed, Finding):
            return ScanFailure(parsed)
        return _scan(parsed, source, path, module)
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


def _scan(tree: cst.Module, source: bytes, path: str, module: str) -> ScannedFile:
    table = ImportTable(module, path)
    _bind(tree.body, table, override=True)
    ctx = Context(tree, table)
    types = TypeReader(ctx)
    class_scanner = ClassScanner(ctx, types)
    alias_scanner = AliasScanner(ctx, types)
    classes: list[ClassDef] = []
    aliases: list[AliasDef] = []
    for statement in tree.body:
        if isinstance(statement, cst.ClassDef):
            classes.append(class_scanner.scan(statement))
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                alias = None
                if isinstance(small, cst.Assign | cst.AnnAssign):
                    alias = alias_scanner.assignment(small)
                elif isinstance(small, cst.TypeAlias):
                    alias = alias_scanner.type_statement(small)
                if alias is not None:
                    aliases.append(alias)
    scan = ModuleScan(
        module=module,
        path=path,
        classes=tuple(classes),
        aliases=tuple(aliases),
        imports=tuple(table.imported.items()),
        mentions_runtime=RUNTIME_MARK in source,
    )
    return ScannedFile(scan, tree, tuple(ctx.nodes))


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
    """The statement blocks of a top-level `if`/`try` (where conditional imports live)."""
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

"""Diagnostics -> the same diagnostics, each with the fix it has (`Diagnostic.fix`), if any.

A fixer is looked up by code and finds its node by the diagnostic's span (both come from the
same parser). A file that does not decode or parse gets no fix at all.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Final

import libcst as cst

from runtime_stub.snapshotting import SnapshottingError, parse_snapshotting

from ..diagnostics import Applicability, Diagnostic, Fix
from ..model import Span
from ..scan.text import decode
from .calls import durable_stand_in_fix
from .suppressions import remove_suppression
from .tree import SourceText
from .wrappers import remove_wrapper

__all__ = ["FIXERS", "attach_fixes"]

UNFIXABLE_FILE: Final = frozenset({"GLM900", "GLM901"})
IDEMPOTENCE: Final = ("runtime_stub.idempotence_mode", "runtime_stub.durability.idempotence_mode")

Fixer = Callable[[SourceText, Diagnostic], Fix | None]


def attach_fixes(
    diagnostics: Iterable[Diagnostic], sources: Mapping[str, bytes]
) -> tuple[Diagnostic, ...]:
    """Every diagnostic, with its fix where its code has a fixer and its node has one form."""
    items = tuple(diagnostics)
    broken = {d.path for d in items if d.code in UNFIXABLE_FILE}
    files: dict[str, SourceText | None] = {}
    result = []
    for diagnostic in items:
        fixer = FIXERS.get(diagnostic.code)
        data = sources.get(diagnostic.path)
        if fixer is None or data is None or diagnostic.path in broken:
            result.append(diagnostic)
            continue
        if diagnostic.path not in files:
            files[diagnostic.path] = _source(data)
        source = files[diagnostic.path]
        fix = _fix(fixer, source, diagnostic) if source is not None else None
        result.append(replace(diagnostic, fix=fix) if fix is not None else diagnostic)
    return tuple(result)


def _source(data: bytes) -> SourceText | None:
    try:
        return SourceText(decode(data))
    except (UnicodeDecodeError, LookupError, SyntaxError):
        return None


def _fix(fixer: Fixer, source: SourceText, diagnostic: Diagnostic) -> Fix | None:
    """A fixer's answer; a file the fixer cannot handle gets no fix rather than a failed run."""
    try:
        return fixer(source, diagnostic)
    except (cst.ParserSyntaxError, RecursionError, MemoryError):
        return None
    except Exception:
        if os.environ.get("GOLEM_CODEGEN_DEBUG"):
            raise
        return None


def _snapshotting_value(source: SourceText, diagnostic: Diagnostic) -> Fix | None:
    """GLM004: the string becomes the one value the check suggested."""
    node = source.node_at(_span(diagnostic), cst.SimpleString)
    if node is None or not isinstance(value := node.evaluated_value, str):
        return None
    try:
        parse_snapshotting(value)
    except SnapshottingError as error:
        if error.suggestion:
            quoted = f"{node.prefix}{node.quote}{error.suggestion}{node.quote}"
            edit = source.span_edit(node, quoted)
            return Fix("safe", f"replace with {quoted}", (edit,))
    return None


def _control(applicability: Applicability, what: str) -> Fixer:
    """GLM030-GLM032: the control around the code goes, the code stays."""

    def fixer(source: SourceText, diagnostic: Diagnostic) -> Fix | None:
        call = source.node_at(_span(diagnostic), cst.Call)
        edit = remove_wrapper(source, call) if call is not None else None
        if call is None or edit is None:
            return None
        safety = applicability
        if diagnostic.code == "GLM032" and _inside_idempotence_switch(source, call):
            safety = "unsafe"  # it restores the default inside idempotence_mode(False)
        return Fix(safety, f"remove {what}", (edit,))

    return fixer


def _inside_idempotence_switch(source: SourceText, call: cst.Call) -> bool:
    node: cst.CSTNode | None = source.parents.get(call)
    while node is not None and not isinstance(node, cst.FunctionDef):
        if isinstance(node, cst.With):
            calls = [
                i.item for i in node.items if isinstance(i.item, cst.Call) and i.item is not call
            ]
            if any(source.qualified_names(c.func) & set(IDEMPOTENCE) for c in calls):
                return True
        node = source.parents.get(node)
    return False


def _stand_in(source: SourceText, diagnostic: Diagnostic) -> Fix | None:
    call = source.node_at(_span(diagnostic), cst.Call)
    return durable_stand_in_fix(source, call) if call is not None else None


def _span(diagnostic: Diagnostic) -> Span:
    return Span(diagnostic.line, diagnostic.column, diagnostic.end_line, diagnostic.end_column)


FIXERS: Final[Mapping[str, Fixer]] = {
    "GLM004": _snapshotting_value,
    "GLM030": _control("unsafe", "atomically()"),
    "GLM031": _control("unsafe", "persistence_level(...)"),
    "GLM032": _control("safe", "idempotence_mode(True)"),
    "GLM033": _stand_in,
    "GLM902": remove_suppression,
}
"""The fixer of each fixable code."""

"""What mypy's trees no longer hold, read back from the source files of the modules mypy analyzed.

mypy drops the class bodies of modules it loads from its cache (and of modules analyzed before
the current one), infers enum member values only once it type-checks, and keeps no source text
of annotations. The plugin needs which fields are `transient()`, the values of enum members and
annotations as written (for messages); `ast` and mypy's own tree, where it still has it, suffice.
"""

from __future__ import annotations

import ast
from pathlib import Path

from mypy.nodes import (
    AssignmentStmt,
    CallExpr,
    Context,
    Expression,
    FloatExpr,
    IntExpr,
    MypyFile,
    NameExpr,
    RefExpr,
    StrExpr,
    TypeInfo,
    UnaryExpr,
)

from ...model import LiteralValue

__all__ = ["Sources", "literal_of"]

_CONSTANTS: dict[str, LiteralValue] = {"True": True, "False": False, "None": None}
TRANSIENT = frozenset({"runtime_stub.transient", "runtime_stub.decorators.transient"})


class Sources:
    """Source files of the modules mypy read, parsed on demand, for what its trees do not keep."""

    def __init__(self, modules: dict[str, MypyFile]) -> None:
        self.modules = modules
        self._lines: dict[str, list[bytes] | None] = {}
        self._trees: dict[str, ast.Module | None] = {}
        self._transient: dict[str, frozenset[str]] = {}

    def path(self, module: str) -> str:
        """The file mypy read `module` from ("" when unknown)."""
        found = self.modules.get(module)
        return found.path if found is not None else ""

    def installed(self, module: str) -> bool:
        """Whether `module` comes from a stub or an installed package (not the user's own code)."""
        found = self.modules.get(module)
        if found is None:
            return True
        parts = Path(found.path).parts
        return found.is_stub or "site-packages" in parts or "dist-packages" in parts

    def segment(self, module: str, node: Context) -> str | None:
        """The source text of a mypy node (its columns are UTF-8 byte offsets, as in `ast`)."""
        if node.end_line is None or node.end_column is None:
            return None
        return self._slice(module, node.line, node.column, node.end_line, node.end_column)

    def line(self, module: str, number: int) -> str:
        """One source line of `module` ("" when it cannot be read)."""
        lines = self._read(module)
        if lines is None or not 1 <= number <= len(lines):
            return ""
        return lines[number - 1].decode("utf-8", errors="replace")

    def function(self, info: TypeInfo, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The last `def name` written in the body of `info` (the one Python keeps)."""
        body = self._class_body(info)
        found = [
            stmt
            for stmt in body
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and stmt.name == name
        ]
        return found[-1] if found else None

    def annotation_text(self, info: TypeInfo, node: ast.expr | None) -> str | None:
        """The source text of an annotation written in the module of `info`."""
        if node is None or node.end_lineno is None or node.end_col_offset is None:
            return None
        return self._slice(
            info.module_name, node.lineno, node.col_offset, node.end_lineno, node.end_col_offset
        )

    def transient_fields(self, info: TypeInfo) -> frozenset[str]:
        """Names of the fields `info` itself declares with `= transient(...)`."""
        if info.fullname not in self._transient:
            self._transient[info.fullname] = self._transient_fields(info)
        return self._transient[info.fullname]

    def _transient_fields(self, info: TypeInfo) -> frozenset[str]:
        """From mypy's tree when it still holds the class body, else from the source."""
        statements = info.defn.defs.body
        if statements:
            return frozenset(
                stmt.lvalues[0].name
                for stmt in statements
                if isinstance(stmt, AssignmentStmt)
                and isinstance(stmt.lvalues[0], NameExpr)
                and isinstance(stmt.rvalue, CallExpr)
                and isinstance(stmt.rvalue.callee, RefExpr)
                and stmt.rvalue.callee.fullname in TRANSIENT
            )
        module = self.modules.get(info.module_name)
        return frozenset(
            stmt.target.id
            for stmt in self._class_body(info)
            if isinstance(stmt, ast.AnnAssign)
            and isinstance(stmt.target, ast.Name)
            and isinstance(stmt.value, ast.Call)
            and module is not None
            and _qualified(stmt.value.func, module) in TRANSIENT
        )

    def enum_value(self, info: TypeInfo, member: str) -> tuple[LiteralValue, str]:
        """An enum member's value as the scanner reads it: literal, None for `auto()`, else text."""
        for stmt in info.defn.defs.body:
            if not isinstance(stmt, AssignmentStmt) or not any(
                isinstance(target, NameExpr) and target.name == member for target in stmt.lvalues
            ):
                continue
            value = stmt.rvalue
            callee = value.callee if isinstance(value, CallExpr) else None
            if isinstance(callee, RefExpr) and callee.fullname == "enum.auto":
                return None, ""
            literal, written = literal_of(value)
            if literal and written is not None:
                return written, ""
            return self.segment(info.module_name, value) or member, ""
        return None, "has a value that cannot be read statically"

    def _class_body(self, info: TypeInfo) -> list[ast.stmt]:
        """The statements of the class `info` as written (nested classes followed by name)."""
        tree = self._tree(info.module_name)
        prefix = info.module_name + "."
        if tree is None or not info.fullname.startswith(prefix):
            return []
        body: list[ast.stmt] = tree.body
        for part in info.fullname[len(prefix) :].split("."):
            classes = [s for s in body if isinstance(s, ast.ClassDef) and s.name == part]
            if not classes:
                return []
            body = classes[-1].body
        return body

    def _slice(self, module: str, line: int, column: int, end_line: int, end: int) -> str | None:
        lines = self._read(module)
        if lines is None or not 1 <= line <= end_line <= len(lines) or column < 0:
            return None
        if line == end_line:
            chunk = lines[line - 1][column:end]
        else:
            chunk = b"".join(
                [lines[line - 1][column:], *lines[line : end_line - 1], lines[end_line - 1][:end]]
            )
        return chunk.decode("utf-8", errors="replace").strip()

    def _read(self, module: str) -> list[bytes] | None:
        if module not in self._lines:
            try:
                data = Path(self.path(module)).read_bytes()
            except (OSError, ValueError):
                data = None
            self._lines[module] = data.splitlines(keepends=True) if data is not None else None
        return self._lines[module]

    def _tree(self, module: str) -> ast.Module | None:
        if module not in self._trees:
            lines = self._read(module)
            try:
                tree = ast.parse(b"".join(lines)) if lines is not None else None
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                tree = None
            self._trees[module] = tree
        return self._trees[module]


def _qualified(expr: ast.expr, module: MypyFile) -> str:
    """`rs.transient` -> `runtime_stub.transient`, through the module's own symbol table."""
    parts: list[str] = []
    while isinstance(expr, ast.Attribute):
        parts.insert(0, expr.attr)
        expr = expr.value
    if not isinstance(expr, ast.Name) or expr.id not in module.names:
        return ""
    head = module.names[expr.id].fullname or ""
    return ".".join([head, *parts]) if head else ""


def literal_of(expr: Expression) -> tuple[bool, LiteralValue]:
    """`(True, value)` for a str/int/float/bool/None literal (also `-1`), as the scanner reads it."""
    if isinstance(expr, StrExpr | IntExpr | FloatExpr):
        return True, expr.value
    if isinstance(expr, NameExpr) and expr.name in _CONSTANTS:
        return True, _CONSTANTS[expr.name]
    if isinstance(expr, UnaryExpr) and expr.op in ("+", "-"):
        inner = expr.expr
        if isinstance(inner, IntExpr | FloatExpr):
            return True, -inner.value if expr.op == "-" else inner.value
    return False, None

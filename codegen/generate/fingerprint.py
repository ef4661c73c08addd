"""What "edited by hand" means for a generated module: a digest of its code, not of its bytes.

A team's formatter and linter may rewrite a generated module without changing what it does:
`ruff format` with other quotes, line length or magic trailing commas, `ruff check --fix`
regrouping or splitting imports (isort's sections and `force-single-line` vary by project),
re-indented docstrings. None of that is a hand edit, so the content hash covers the syntax tree
(as a stable text that does not depend on the Python version) with the imports as a set, the
header lines and the docstrings with their whitespace collapsed — never comments, parentheses,
quotes or line breaks. Any change to what the module executes or declares is still an edit.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterator

__all__ = ["code_digest", "known", "learn"]

_SKIPPED_FIELDS = frozenset({"kind", "type_comment", "ctx"})
"""Fields that say nothing about behaviour (`u""` prefixes, `# type:` comments, load/store)."""


_KNOWN: dict[str, str] = {}
"""Code digests already computed, by a digest of their input: this process's, and those a run
loaded from its cache (`known`/`learn`), so a module laid out by the team's formatter is parsed
once, not on every run."""


def code_digest(header: list[str], text: str) -> str:
    """The sha256 of `header` (comment lines, stripped) and of the code of `text`.

    Raises SyntaxError (or ValueError for NUL bytes) when `text` is not Python.
    """
    source = "\n".join(line.strip() for line in header) + "\0" + text
    key = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()
    known = _KNOWN.get(key)
    if known is not None:
        return known
    digest = hashlib.sha256()
    for line in header:
        digest.update(line.strip().encode("utf-8") + b"\n")
    tree = ast.parse(text)
    for part in _module(tree):
        digest.update(part.encode("utf-8", "surrogatepass"))
    _KNOWN[key] = digest.hexdigest()
    return _KNOWN[key]


def known() -> dict[str, str]:
    """The digests computed or learned so far (for a run to store)."""
    return dict(_KNOWN)


def learn(digests: dict[str, str]) -> None:
    """Digests a previous run computed (from its cache)."""
    _KNOWN.update(digests)


def _module(tree: ast.Module) -> Iterator[str]:
    """Imports first, as a sorted set of single names; then every other statement in order."""
    imports: set[str] = set()
    others: list[ast.stmt] = []
    for statement in _without_docstring(tree.body):
        if isinstance(statement, ast.Import):
            imports.update(f"import {_alias(a)}" for a in statement.names)
        elif isinstance(statement, ast.ImportFrom):
            source = "." * statement.level + (statement.module or "")
            imports.update(f"from {source} import {_alias(a)}" for a in statement.names)
        else:
            others.append(statement)
    yield _docstring(tree.body)
    yield from (line + "\n" for line in sorted(imports))
    for statement in others:
        out: list[str] = []
        _emit(statement, out)
        yield "".join(out)
        yield "\n"


def _alias(alias: ast.alias) -> str:
    return alias.name if alias.asname is None else f"{alias.name} as {alias.asname}"


def _docstring(body: list[ast.stmt]) -> str:
    """A docstring with its whitespace collapsed (formatters re-indent and re-wrap them)."""
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        value = body[0].value.value
        if isinstance(value, str):
            return "doc:" + " ".join(value.split()) + "\n"
    return ""


def _without_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    return body[1:] if _docstring(body) else body


_FIELDS: dict[type, tuple[str, ...]] = {}
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _emit(node: object, out: list[str]) -> None:
    """A stable text of a node: type and non-empty fields, no positions, none of `_SKIPPED_FIELDS`
    (empty fields are left out, so fields added by later Python versions change nothing); the
    docstrings of functions and classes with their whitespace collapsed."""
    if type(node) is list:
        out.append("[")
        for index, item in enumerate(node):
            if index:
                out.append(",")
            _emit(item, out)
        out.append("]")
        return
    if not isinstance(node, ast.AST):
        out.append(f"{type(node).__name__}:{node!r}")
        return
    kind = type(node)
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(n for n in kind._fields if n not in _SKIPPED_FIELDS)
    scope = isinstance(node, _SCOPES)
    out.append(kind.__name__ + "(")
    first = True
    for name in names:
        if scope and name == "body":
            continue
        value = getattr(node, name, None)
        if value is None or value == []:
            continue
        out.append(name + "=" if first else "," + name + "=")
        first = False
        _emit(value, out)
    out.append(")")
    if scope:
        body: list[ast.stmt] = node.body  # type: ignore[attr-defined]
        out.append("{" + _docstring(body))
        for statement in _without_docstring(body):
            out.append(",")
            _emit(statement, out)
        out.append("}")

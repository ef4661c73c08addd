"""How deep libcst's tree of a file would be, bounded, without asking libcst (which may crash or hang).

libcst's native parser overflows its stack on chains a few thousand terms long (`elif`, `or`,
`lambda`) and slows down polynomially on long postfix chains inside brackets (`a[0][0]...`). Its tree
is at most a constant deeper than CPython's AST except where the AST is flat and libcst's is not
(`a or b or ...`, `import a.b.c...`), so CPython's parser measures the depth. That costs about a
tenth of a libcst parse, so it runs only for files where a cheap byte pass finds a logical line
(a statement, with its bracketed and backslash continuations) long enough to hold a deep expression,
or many `elif`s: a statement of `LONG_STATEMENT` bytes cannot nest more than `MAX_DEPTH` deep.
"""

from __future__ import annotations

import ast

__all__ = ["LONG_STATEMENT", "MAX_BRACKETS", "MAX_DEPTH", "MAX_ELIFS", "too_deep"]

MAX_BRACKETS = 200
"""CPython's tokenizer refuses more nested brackets ("too many nested parentheses")."""
MAX_DEPTH = 500
"""Deepest tree (as CPython parses it, chains of `or`/`and` and dotted imports unrolled) that libcst
is asked to parse: deeper chains cost libcst seconds (postfix chains in brackets grow cubically)."""
LONG_STATEMENT = 1000
"""Bytes: a shorter statement cannot nest MAX_DEPTH deep (every level costs at least two bytes)."""
MAX_ELIFS = MAX_DEPTH // 2
"""More `elif` in a file than this could be one chain deeper than MAX_DEPTH."""
_AS_PARENS = bytes.maketrans(b"[{]}", b"(())")
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b"([{)]}\n\\")


def too_deep(source: bytes, text: str) -> str:
    """Why libcst must not parse this file (nesting beyond what it handles safely), or ""."""
    if not _worth_measuring(source):
        return ""
    try:
        tree = compile(text, "<scan>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except (RecursionError, MemoryError):
        return "CPython's parser gives up on it too"
    except (SyntaxError, ValueError):
        return ""  # newer syntax, or a real error libcst will report (syntax errors stop early)
    depth = deepest(tree, MAX_DEPTH)
    if depth > MAX_DEPTH:
        return f"an expression or statement chain more than {MAX_DEPTH} levels deep"
    return ""


def _worth_measuring(source: bytes) -> bool:
    """Whether a statement might be LONG_STATEMENT bytes long, or an `elif` chain MAX_ELIFS long.

    Linear, and nearly all at C speed: brackets, newlines and backslashes are kept, every
    physical line is then a short bytes object (usually empty). Brackets inside strings and
    comments count too, so the answer errs on the side of measuring.
    """
    if len(source) <= LONG_STATEMENT:
        return False
    if source.count(b"elif") > MAX_ELIFS:
        return True
    lengths = list(map(len, source.split(b"\n")))
    if max(lengths) > LONG_STATEMENT:
        return True
    structure = source.translate(_AS_PARENS, _NOT_STRUCTURE).split(b"\n")
    open_brackets = 0
    statement = 0
    for marks, length in zip(structure, lengths, strict=True):
        statement += length + 1
        if marks:
            open_brackets += marks.count(b"(") - marks.count(b")")
        if open_brackets == 0 and not marks.endswith(b"\\"):
            statement = 0
        elif statement > LONG_STATEMENT:
            return True
    return False


def deepest(tree: ast.AST, limit: int) -> int:
    """The depth of `tree` as libcst would nest it, iteratively; stops counting past `limit`."""
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    deepest_seen = 0
    while stack:
        node, depth = stack.pop()
        depth += _flat_chain(node)
        if depth > deepest_seen:
            deepest_seen = depth
            if depth > limit:
                return depth
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest_seen


def _flat_chain(node: ast.AST) -> int:
    """Levels libcst nests where CPython's AST keeps a flat list."""
    if isinstance(node, ast.BoolOp):
        return len(node.values) - 1
    if isinstance(node, ast.alias):
        return node.name.count(".")
    return 0

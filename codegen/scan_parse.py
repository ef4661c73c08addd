"""File bytes -> libcst Module, or the GLM900/GLM901 finding that says why not; never raises.

libcst's native parser crashes the process (stack overflow) on brackets nested a few thousand
deep and slows down quadratically on very deep expressions, so files that could be that deep are
checked first: brackets with a C-speed byte count, long lines with CPython's own parser.
"""

from __future__ import annotations

import io
import re
import tokenize
from itertools import accumulate

import libcst as cst

from .diagnostics import Finding
from .model import Span

__all__ = ["NESTING", "parse"]

MAX_BRACKETS = 200
"""CPython's tokenizer refuses more nested brackets ("too many nested parentheses")."""
MAX_DEPTH = 500
"""Deepest expression tree (as CPython parses it) that libcst is asked to parse."""
LONG_LINE = 1000
"""Only files with a line this long (bytes) can hold an expression deep enough to matter."""
NESTING = "cannot parse: nesting too deep for the parser"
START = Span(1, 1, 1, 1)
_SIGNS = bytes.maketrans(b"([{)]}", b"\x01\x01\x01\xff\xff\xff")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"([{)]}")
_WHERE = re.compile(r"^(?:parser|tokenizer) error: (?:error at (\d+):(\d+): )?")
_PASSTHROUGH = (KeyboardInterrupt, SystemExit, GeneratorExit)


def parse(source: bytes, path: str) -> cst.Module | Finding:
    """Decode (PEP 263) and parse `source`; a failure becomes a finding, never an exception."""
    try:
        text = _decode(source)
    except (UnicodeDecodeError, LookupError, SyntaxError) as error:
        return _undecodable(source, path, error)
    too_deep = _too_deep(source, text)
    if too_deep:
        return Finding(
            "GLM900", f"{NESTING} ({too_deep}); simplify the expression", path, span=START
        )
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        return _syntax_error(error, path)
    except (RecursionError, MemoryError):
        return Finding("GLM900", f"{NESTING}; simplify the expression", path, span=START)
    except BaseException as error:  # the native parser may raise a Rust panic (BaseException)
        if isinstance(error, _PASSTHROUGH):
            raise
        message = f"cannot parse: {type(error).__name__}: {error}; fix the syntax error"
        return Finding("GLM900", message, path, span=START)


def _decode(source: bytes) -> str:
    encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
    return source.decode(encoding)


def _undecodable(source: bytes, path: str, error: Exception) -> Finding:
    span = START
    if isinstance(error, SyntaxError) and "encoding" in str(error):
        try:  # detect_encoding found bytes that are not UTF-8 in the first lines: say where
            source.decode("utf-8")
        except UnicodeDecodeError as where:
            error = where
    if isinstance(error, UnicodeDecodeError):
        before = source[: error.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")) + 1
        span = Span(line, column, line, column + 1)
        reason = f"byte 0x{source[error.start]:02x} is not valid {error.encoding} ({error.reason})"
    else:
        reason = getattr(error, "msg", None) or str(error)
    message = (
        f"cannot decode {path}: {reason}; save the file as UTF-8 "
        "(or declare its encoding with a `# -*- coding: ... -*-` line)"
    )
    return Finding("GLM901", message, path, span=span)


def _syntax_error(error: cst.ParserSyntaxError, path: str) -> Finding:
    line, column = error.raw_line, error.raw_column + 1
    where = _WHERE.match(error.message)
    if where is not None and where.group(1):
        line, column = int(where.group(1)), int(where.group(2)) + 1
    reason = error.message[where.end() :] if where is not None else error.message
    span = Span(line, column, line, column)
    return Finding("GLM900", f"syntax error: {reason}; fix the syntax error", path, span=span)


def _too_deep(source: bytes, text: str) -> str:
    """Why libcst must not parse this file (nesting beyond CPython's limits), or ""."""
    brackets = source.translate(_SIGNS, _NOT_BRACKETS)
    if (
        len(brackets) > MAX_BRACKETS
        and _rise(brackets) > MAX_BRACKETS
        and _exact_brackets(text) > MAX_BRACKETS
    ):
        return f"more than {MAX_BRACKETS} nested brackets"
    if len(source) > LONG_LINE and max(map(len, source.splitlines())) > LONG_LINE:
        return _ast_depth(text)
    return ""


def _rise(signs: bytes) -> int:
    """Largest rise of the running bracket balance; an upper bound of the nesting in practice."""
    levels = list(accumulate(memoryview(signs).cast("b"), initial=0))
    lowest = accumulate(levels, min)
    return max(map(int.__sub__, levels, lowest))


def _exact_brackets(text: str) -> int:
    """Bracket nesting outside strings and comments (Python's tokenizer; rare files only)."""
    depth = deepest = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.OP and token.string in "([{":
                depth += 1
                deepest = max(deepest, depth)
            elif token.type == tokenize.OP and token.string in ")]}":
                depth -= 1
    except (tokenize.TokenError, SyntaxError):
        pass  # a broken file: what was read so far decides
    return deepest


def _ast_depth(text: str) -> str:
    """CPython's verdict on a file with very long lines: too deep for it, or deeper than MAX_DEPTH."""
    import ast

    try:
        tree = compile(text, "<scan>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except (RecursionError, MemoryError):
        return "CPython's parser gives up on it too"
    except (SyntaxError, ValueError):
        return ""  # newer syntax, or a real error libcst will report
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"an expression more than {MAX_DEPTH} levels deep"
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return ""

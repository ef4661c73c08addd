"""File bytes -> libcst Module, or the GLM900/GLM901 finding that says why not; never raises.

libcst's native parser crashes the process (stack overflow) on brackets nested a few thousand
deep and slows down quadratically on very deep expressions, so files that could be that deep are
checked first: brackets with C-speed byte passes, long statements with CPython's own parser
(`depth`). What is parsed is parsed and walked on a thread with a large stack and a recursion limit
to match, so that the deepest tree allowed through never runs out of either.

libcst validates every node it constructs (`CSTNode.__post_init__` calls `_validate`), which costs
about 15% of a parse; the native parser only builds valid trees, so files are parsed with that
validation off (libcst's own comment there suggests moving it out of parsing).
"""

from __future__ import annotations

import io
import os
import queue
import re
import sys
import threading
import tokenize
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import libcst as cst

from ..diagnostics import Finding
from ..model import Span
from .depth import MAX_BRACKETS, MAX_DEPTH, too_deep
from .text import START, decode, undecodable

__all__ = ["NESTING", "START", "on_big_stack", "parse", "unvalidated"]

NESTING = "cannot parse: nesting too deep for the parser"
FIX = "simplify the statement (libcst refuses, for one, thousands of adjacent string literals)"
_AS_PARENS = bytes.maketrans(b"[{]}", b"(())")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"([{)]}")
_WHERE = re.compile(r"^(?:parser|tokenizer) error: (?:error at (\d+):(\d+): )?")
_PASSTHROUGH = (KeyboardInterrupt, SystemExit, GeneratorExit)
STACK_BYTES = 512 << 20
"""Virtual stack of the parsing thread (pages are committed only as used)."""
RECURSION_LIMIT = 60 * MAX_DEPTH
"""Python frames libcst's parser, visitors and metadata use on a MAX_DEPTH-deep tree, with room."""
T = TypeVar("T")
_stack_lock = threading.Lock()
_deep_threads = 0
_saved_limit = 0


class _BigStack:
    """One long-lived thread with a big stack that runs work handed to it (starting a thread per
    file costs about as much as parsing a small one)."""

    def __init__(self) -> None:
        self.jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self.busy = threading.Lock()  # one job at a time: callers on other threads wait
        self.started = False
        try:
            previous = threading.stack_size(STACK_BYTES)
        except (ValueError, RuntimeError):  # a platform that cannot size thread stacks
            return
        try:
            threading.Thread(target=self._serve, name="golem-parse", daemon=True).start()
            self.started = True
        except (RuntimeError, MemoryError):  # no room for the stack (ulimit -v): parse here
            pass
        finally:
            threading.stack_size(previous)

    def _serve(self) -> None:
        while True:
            self.jobs.get()()


_big_stack: _BigStack | None = None


def _forget_big_stack() -> None:
    global _big_stack
    _big_stack = None  # a forked child has no copy of the thread


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_big_stack)


def on_big_stack(work: Callable[[], T]) -> T:
    """`work()` on a thread with STACK_BYTES of stack and a recursion limit to match; its
    exceptions are re-raised here. The limit is raised for as long as some caller needs it, since
    it is the interpreter's, not the thread's."""
    global _big_stack
    outcome: list[T] = []
    failure: list[BaseException] = []
    done = threading.Event()

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as error:  # handed to the caller, who decides
            failure.append(error)
        finally:
            done.set()

    with _stack_lock:
        if _big_stack is None:
            _big_stack = _BigStack()
        runner = _big_stack
    if not runner.started or threading.current_thread().name == "golem-parse":
        return work()  # already on the big stack, or none can be had (RecursionError is GLM900)
    with runner.busy:
        _raise_limit()
        try:
            runner.jobs.put(run)
            done.wait()
        finally:
            _restore_limit()
    if failure:
        raise failure[0]
    return outcome[0]


def _raise_limit() -> None:
    global _deep_threads, _saved_limit
    with _stack_lock:
        _deep_threads += 1
        if _deep_threads == 1:
            _saved_limit = sys.getrecursionlimit()
            sys.setrecursionlimit(max(_saved_limit, RECURSION_LIMIT))


def _restore_limit() -> None:
    global _deep_threads
    with _stack_lock:
        _deep_threads -= 1
        if not _deep_threads:
            sys.setrecursionlimit(_saved_limit)


def parse(source: bytes, path: str) -> cst.Module | Finding:
    """Decode (PEP 263) and parse `source`; a failure becomes a finding, never an exception."""
    try:
        text = decode(source)
    except (UnicodeDecodeError, LookupError, SyntaxError) as error:
        return undecodable(source, path, error)
    reason = _too_deep(source, text)
    if reason:
        return Finding("GLM900", f"{NESTING} ({reason}); simplify the expression", path, span=START)
    try:
        with unvalidated():
            return cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        return _syntax_error(error, text, path)
    except (RecursionError, MemoryError):
        return Finding("GLM900", f"{NESTING}; simplify the expression", path, span=START)
    except BaseException as error:  # the native parser may raise a Rust panic (BaseException)
        if isinstance(error, _PASSTHROUGH):
            raise
        message = f"cannot parse: {type(error).__name__}: {error}; fix the syntax error"
        return Finding("GLM900", message, path, span=START)


def _validates_only(hook: Callable[..., None]) -> bool:
    """Whether libcst's node hook does nothing but validate (what skipping it assumes)."""
    code = getattr(hook, "__code__", None)
    return code is not None and code.co_names == ("_validate",)


_VALIDATING = cst.CSTNode.__dict__.get("__post_init__")
_SKIP_VALIDATION = _VALIDATING is not None and _validates_only(_VALIDATING)
_parsing = 0
_parsing_lock = threading.Lock()


def _no_validation(_node: cst.CSTNode) -> None:
    """Stands in for `CSTNode.__post_init__` while the native parser builds a tree."""


@contextmanager
def unvalidated() -> Iterator[None]:
    """libcst's node validation off while parsing; callers parsing many files say so once.

    Nested and overlapping uses (threads) are counted: only the first one switches validation
    off and the last one on, since switching empties the type caches of every node class.
    """
    global _parsing
    if not _SKIP_VALIDATION:
        yield
        return
    with _parsing_lock:
        _parsing += 1
        if _parsing == 1:
            setattr(cst.CSTNode, "__post_init__", _no_validation)  # noqa: B010
    try:
        yield
    finally:
        with _parsing_lock:
            _parsing -= 1
            if not _parsing:
                setattr(cst.CSTNode, "__post_init__", _VALIDATING)  # noqa: B010


def _syntax_error(error: cst.ParserSyntaxError, text: str, path: str) -> Finding:
    """GLM900 where CPython sees the error (libcst's native parser often points past it), with
    CPython's message; libcst's own when CPython accepts the file (syntax libcst lacks)."""
    line, column = error.raw_line, error.raw_column + 1
    where = _WHERE.match(error.message)
    if where is not None and where.group(1):
        line, column = int(where.group(1)), int(where.group(2)) + 1
    reason = error.message[where.end() :] if where is not None else error.message
    import ast

    message = f"syntax error: {reason}; fix the syntax error"
    try:
        compile(text, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        message = f"cannot parse: Python accepts this, libcst's parser does not ({reason}); {FIX}"
    except SyntaxError as cpython:
        if cpython.lineno:
            line, column = cpython.lineno, max(cpython.offset or 1, 1)
            message = f"syntax error: {cpython.msg}; fix the syntax error"
    except (ValueError, RecursionError, MemoryError):
        pass  # null bytes (3.11), or too deep for CPython: libcst's location stands
    span = Span(line, column, line, column)
    return Finding("GLM900", message, path, span=span)


def _too_deep(source: bytes, text: str) -> str:
    """Why libcst must not parse this file (nesting beyond what it handles safely), or ""."""
    brackets = source.translate(_AS_PARENS, _NOT_BRACKETS)
    if (
        len(brackets) > MAX_BRACKETS
        and _may_nest_deeply(brackets)
        and _exact_brackets(text) > MAX_BRACKETS
    ):
        return f"more than {MAX_BRACKETS} nested brackets"
    return too_deep(source, text)


def _may_nest_deeply(brackets: bytes) -> bool:
    """Whether the brackets (strings' included) could nest past MAX_BRACKETS; C-speed passes.

    Each pass removes the innermost matched pairs, so a file nesting d deep needs d passes. What
    no pass can remove is unmatched; many unmatched openers are suspicious too.
    """
    for _ in range(MAX_BRACKETS):
        inner = brackets.replace(b"()", b"")
        if len(inner) == len(brackets):
            break
        brackets = inner
    else:
        if b"()" in brackets:
            return True
    return brackets.count(b"(") > MAX_BRACKETS


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

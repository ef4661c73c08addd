"""Decoding Python source files (no libcst here: every file of a tree is decoded, few are parsed)."""

from __future__ import annotations

import io
import tokenize

from ..diagnostics import Finding
from ..model import Span

__all__ = ["START", "check_decodable", "decode", "undecodable"]

START = Span(1, 1, 1, 1)


def check_decodable(source: bytes, path: str) -> Finding | None:
    """GLM901 when Python could not decode `source`; cheap for the usual UTF-8 file."""
    try:
        if b"coding" not in b"\n".join(source.split(b"\n", 2)[:2]):  # PEP 263: lines 1-2
            source.decode("utf-8")
        else:
            decode(source)
    except (UnicodeDecodeError, LookupError, SyntaxError) as error:
        return undecodable(source, path, error)
    return None


def decode(source: bytes) -> str:
    """The text of a Python file as Python decodes it (PEP 263 coding line, BOM, else UTF-8)."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
    return source.decode(encoding)


def undecodable(source: bytes, path: str, error: Exception) -> Finding:
    """The GLM901 finding of a file `decode` failed on, located at the first bad byte."""
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

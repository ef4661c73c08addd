"""JSON: an array of objects with the fields of SPEC §5."""

from __future__ import annotations

import json
from collections.abc import Iterable

from ..diagnostics import Diagnostic, Fix, sorted_diagnostics

__all__ = ["as_record", "fix_record", "format_json"]


def as_record(d: Diagnostic) -> dict[str, object]:
    """One diagnostic as plain JSON data, its fields in the order of SPEC §5, then its fix."""
    record: dict[str, object] = {
        "code": d.code,
        "severity": d.severity.value,
        "message": d.message,
        "path": d.path,
        "line": d.line,
        "column": d.column,
        "end_line": d.end_line,
        "end_column": d.end_column,
    }
    record["fixable"] = d.fix is not None
    record["fix"] = None if d.fix is None else fix_record(d.fix)
    record["related"] = [
        {
            "message": r.message,
            "path": r.path,
            "line": r.line,
            "column": r.column,
            "end_line": r.end_line,
            "end_column": r.end_column,
        }
        for r in d.related
    ]
    return record


def fix_record(fix: Fix) -> dict[str, object]:
    """A fix as JSON data: how safe it is, what it does, and its edits (1-based, end exclusive)."""
    edits = [
        {
            "line": edit.span.line,
            "column": edit.span.column,
            "end_line": edit.span.end_line,
            "end_column": edit.span.end_column,
            "content": edit.content,
        }
        for edit in fix.edits
    ]
    return {"applicability": fix.applicability, "message": fix.message, "edits": edits}


def format_json(diagnostics: Iterable[Diagnostic]) -> str:
    """A JSON array of the fields of SPEC §5, sorted, 2-space indent, trailing newline."""
    records = [as_record(d) for d in sorted_diagnostics(diagnostics)]
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"

"""JSON: an array of objects with the fields of SPEC §5."""

from __future__ import annotations

import json
from collections.abc import Iterable

from ..diagnostics import Diagnostic, sorted_diagnostics

__all__ = ["as_record", "format_json"]


def as_record(d: Diagnostic) -> dict[str, object]:
    """One diagnostic as plain JSON data, its fields in the order of SPEC §5."""
    return {
        "code": d.code,
        "severity": d.severity.value,
        "message": d.message,
        "path": d.path,
        "line": d.line,
        "column": d.column,
        "end_line": d.end_line,
        "end_column": d.end_column,
        "related": [
            {
                "message": r.message,
                "path": r.path,
                "line": r.line,
                "column": r.column,
                "end_line": r.end_line,
                "end_column": r.end_column,
            }
            for r in d.related
        ],
    }


def format_json(diagnostics: Iterable[Diagnostic]) -> str:
    """A JSON array of the fields of SPEC §5, sorted, 2-space indent, trailing newline."""
    records = [as_record(d) for d in sorted_diagnostics(diagnostics)]
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"

"""Diagnostics: what a check found, where, how it is printed, and when it is not reported."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path, PurePath
from typing import TYPE_CHECKING
from urllib.parse import quote

from .model import Anchor, Span

if TYPE_CHECKING:
    from .rules import Rule

__all__ = [
    "Diagnostic",
    "Finding",
    "Severity",
    "artifact_uri",
    "as_record",
    "comment_of",
    "format_github",
    "format_json",
    "format_sarif",
    "format_text",
    "selected",
    "sort_key",
    "suppressed",
]


class Severity(Enum):
    """How bad a diagnostic is; `--strict` makes warnings fail too."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem a check found, anchored to a recorded node; `locate()` turns it into a Diagnostic.

    `anchor` indexes the nodes the scanner recorded for `path`. Findings that already know their
    position (parse errors, generated-file checks) carry `span` and no anchor.
    """

    code: str
    message: str
    path: str
    anchor: Anchor | None = None
    span: Span | None = None
    suppress_anchor: Anchor | None = None
    """The agent's decorator: a `# golem: ignore` on that line suppresses the finding too."""


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """A located problem, ordered by path, line, column, code."""

    path: str
    line: int
    column: int
    code: str
    end_line: int
    end_column: int
    severity: Severity
    message: str


# --------------------------------------------------------------------------- output formats

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://learn.golem.cloud"
TOOL_NAME = "golem-codegen"


def sort_key(d: Diagnostic) -> tuple[str, int, int, str, int, int, str, str]:
    """Path, line, column, code first (the documented order), then every other field."""
    return (d.path, d.line, d.column, d.code, d.end_line, d.end_column, d.severity.value, d.message)


def _sorted(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(diagnostics, key=sort_key)


def _one_line(message: str) -> str:
    return " ".join(message.splitlines())


def format_text(diagnostics: Iterable[Diagnostic]) -> str:
    """`path:line:column: CODE message`, one per line, sorted; "" when there is nothing."""
    return "".join(
        f"{d.path}:{d.line}:{d.column}: {d.code} {_one_line(d.message)}\n"
        for d in _sorted(diagnostics)
    )


def as_record(d: Diagnostic) -> dict[str, object]:
    return {
        "code": d.code,
        "severity": d.severity.value,
        "message": d.message,
        "path": d.path,
        "line": d.line,
        "column": d.column,
        "end_line": d.end_line,
        "end_column": d.end_column,
    }


def format_json(diagnostics: Iterable[Diagnostic]) -> str:
    """A JSON array of the fields of SPEC §5, sorted, 2-space indent, trailing newline."""
    records = [as_record(d) for d in _sorted(diagnostics)]
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


def format_sarif(diagnostics: Iterable[Diagnostic]) -> str:
    """SARIF 2.1.0 with one run, one rule per code of the table, and a result per diagnostic."""
    from .rules import RULES  # deferred: rules.py imports Severity from this module

    items = _sorted(diagnostics)
    codes = sorted({*RULES, *(d.code for d in items)})
    index = {code: position for position, code in enumerate(codes)}
    rules = [_sarif_rule(code, RULES.get(code)) for code in codes]
    results = [_sarif_result(d, index[d.code]) for d in items]
    driver = {"name": TOOL_NAME, "informationUri": INFORMATION_URI, "rules": rules}
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _sarif_rule(code: str, rule: Rule | None) -> dict[str, object]:
    if rule is None:
        level, name, title, summary, fix = "error", code.lower(), code, code, ""
    else:
        level, name, title = rule.severity.value, rule.name, rule.title
        summary, fix = rule.summary, rule.fix
    return {
        "id": code,
        "name": name,
        "shortDescription": {"text": title},
        "fullDescription": {"text": summary},
        "help": {"text": f"{fix} Run `golem-codegen explain {code}` for examples."},
        "defaultConfiguration": {"level": level},
    }


def _sarif_result(d: Diagnostic, rule_index: int) -> dict[str, object]:
    region = {
        "startLine": d.line,
        "startColumn": d.column,
        "endLine": d.end_line,
        "endColumn": d.end_column,
    }
    location = {"artifactLocation": {"uri": artifact_uri(d.path)}, "region": region}
    return {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": d.severity.value,
        "message": {"text": d.message},
        "locations": [{"physicalLocation": location}],
    }


def artifact_uri(path: str) -> str:
    """A relative URI reference with forward slashes (absolute paths inside the cwd made relative)."""
    pure = PurePath(path)
    if pure.is_absolute():
        try:
            pure = Path(path).resolve().relative_to(Path.cwd().resolve())
        except (OSError, ValueError):
            return Path(path).as_uri()
    text = pure.as_posix()
    while text.startswith("./"):
        text = text[2:]
    return quote(text, safe="/")


def format_github(diagnostics: Iterable[Diagnostic]) -> str:
    """GitHub Actions workflow commands: `::error file=...,line=...::message`, one per line."""
    lines = []
    for d in _sorted(diagnostics):
        properties = ",".join(
            f"{key}={_github_property(str(value))}"
            for key, value in (
                ("file", PurePath(d.path).as_posix()),
                ("line", d.line),
                ("col", d.column),
                ("endLine", d.end_line),
                ("endColumn", d.end_column),
                ("title", f"{TOOL_NAME} ({d.code})"),
            )
        )
        lines.append(f"::{d.severity.value} {properties}::{_github_data(d.message)}\n")
    return "".join(lines)


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


# --------------------------------------------------------------------------- suppression, selection

_IGNORE = re.compile(r"golem\s*:\s*ignore\b(?:\s*\[([^\]]*)\])?", re.IGNORECASE)


def comment_of(line_text: str) -> str | None:
    """The comment part of one source line (after the first `#` outside a string), or None.

    Tokenize-free: quotes are tracked within the line only, so a `#` on a line that continues a
    triple-quoted string from an earlier line is taken for a comment. Suppressions live at the end
    of a statement's line, where that does not happen in practice.
    """
    quote_char: str | None = None
    escaped = False
    for position, char in enumerate(line_text):
        if quote_char is not None:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote_char:
                quote_char = None
        elif char in "'\"":
            quote_char = char
        elif char == "#":
            return line_text[position + 1 :]
    return None


def suppressed(code: str, line_text: str) -> bool:
    """Whether `# golem: ignore` or `# golem: ignore[CODE, ...]` on this line covers `code`.

    Case-insensitive and whitespace tolerant; an entry may also be a prefix (`ignore[GLM03]`).
    """
    comment = comment_of(line_text)
    if comment is None:
        return False
    for match in _IGNORE.finditer(comment):
        if match.group(1) is None:
            return True
        entries = [entry.strip().upper() for entry in match.group(1).split(",")]
        if any(entry and code.upper().startswith(entry) for entry in entries):
            return True
    return False


def selected(code: str, select: Iterable[str], ignore: Iterable[str]) -> bool:
    """Whether `code` is reported under `--select`/`--ignore` (codes or prefixes; "ALL" is all).

    The most specific matching entry wins (`select=GLM003, ignore=GLM0` keeps GLM003); on a tie
    ignore wins. An empty `select` selects everything.
    """
    upper = code.upper()
    chosen = [_specificity(upper, entry) for entry in select]
    dropped = [_specificity(upper, entry) for entry in ignore]
    best_select = max(chosen) if chosen else 0
    best_ignore = max(dropped, default=-1)
    return best_select >= 0 and best_select > best_ignore


def _specificity(code: str, entry: str) -> int:
    """Length of the matching prefix, or -1 when `entry` does not cover `code`."""
    normalized = entry.strip().upper()
    if normalized == "ALL":
        return 0
    return len(normalized) if normalized and code.startswith(normalized) else -1

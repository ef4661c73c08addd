"""SARIF 2.1.0 for code-scanning uploads: one rule per code of the table, one result per diagnostic."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path, PurePath
from urllib.parse import quote

from ..diagnostics import TOOL_NAME, Diagnostic, RelatedLocation, Rule, sorted_diagnostics

__all__ = ["artifact_uri", "format_sarif"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://learn.golem.cloud"


def format_sarif(diagnostics: Iterable[Diagnostic]) -> str:
    """SARIF 2.1.0 with one run, one rule per code of the table, and a result per diagnostic."""
    from ..checks.rules import RULES  # deferred: the code table loads only for SARIF

    items = sorted_diagnostics(diagnostics)
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
    result: dict[str, object] = {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": d.severity.value,
        "message": {"text": d.message},
        "locations": [{"physicalLocation": location}],
    }
    if d.related:
        result["relatedLocations"] = [_sarif_related(r, i) for i, r in enumerate(d.related, 1)]
    return result


def _sarif_related(r: RelatedLocation, index: int) -> dict[str, object]:
    """A SARIF related location (ids count from 1, as message links `[text](1)` expect)."""
    region = {
        "startLine": r.line,
        "startColumn": r.column,
        "endLine": r.end_line,
        "endColumn": r.end_column,
    }
    physical = {"artifactLocation": {"uri": artifact_uri(r.path)}, "region": region}
    return {"id": index, "physicalLocation": physical, "message": {"text": r.message}}


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

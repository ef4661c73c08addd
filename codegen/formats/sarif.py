"""SARIF 2.1.0 for code-scanning uploads: one rule per code of the table, one result per diagnostic.

Locations are relative to the project's root (the repository's, where code scanning resolves
them), not to the directory the command ran in, under `uriBaseId` `%SRCROOT%`; each result has a
`partialFingerprints` entry that survives lines moving, so an alert stays one alert across pushes.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path, PurePath
from urllib.parse import quote

from ..diagnostics import TOOL_NAME, Diagnostic, Fix, RelatedLocation, Rule, sorted_diagnostics

__all__ = ["artifact_uri", "format_sarif", "project_root"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://learn.golem.cloud"
REPOSITORY_URI = "https://github.com/golemcloud/golem-codegen"
RULES_URI = REPOSITORY_URI + "#check-the-linter"
ROOT_ID = "%SRCROOT%"
FINGERPRINT = "golemCodegen/v1"


def format_sarif(diagnostics: Iterable[Diagnostic], root: Path | None = None) -> str:
    """SARIF 2.1.0 with one run, one rule per code of the table, and a result per diagnostic.

    `root` is the directory URIs are relative to (default: `project_root()` of the cwd).
    """
    from ..checks.rules import RULES  # deferred: the code table loads only for SARIF

    base = (root or project_root(Path.cwd())).resolve()
    items = sorted_diagnostics(diagnostics)
    codes = sorted({*RULES, *(d.code for d in items)})
    index = {code: position for position, code in enumerate(codes)}
    rules = [_sarif_rule(code, RULES.get(code)) for code in codes]
    seen: dict[str, int] = {}
    results = [_sarif_result(d, index[d.code], base, seen) for d in items]
    version = _version()
    driver = {
        "name": TOOL_NAME,
        "version": version,
        "semanticVersion": version,
        "informationUri": INFORMATION_URI,
        "rules": rules,
    }
    run = {
        "tool": {"driver": driver},
        "originalUriBaseIds": {ROOT_ID: {"uri": base.as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def project_root(start: Path) -> Path:
    """The repository holding `start` (the nearest directory with `.git`), else its project
    (the nearest directory with a `pyproject.toml`), else `start` itself."""
    start = start.resolve()
    directories = (start, *start.parents)
    for marker in (".git", "pyproject.toml"):
        found = next((d for d in directories if (d / marker).exists()), None)
        if found is not None:
            return found
    return start


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(TOOL_NAME)
    except PackageNotFoundError:
        return "0.0.0"


def _sarif_rule(code: str, rule: Rule | None) -> dict[str, object]:
    if rule is None:
        level, name, title, summary, fix = "error", code.lower(), code, code, ""
    else:
        level, name, title = rule.severity.value, rule.name, rule.title
        summary, fix = rule.summary, rule.fix
    help_text = f"{fix} Run `golem-codegen explain {code}` for examples.".strip()
    return {
        "id": code,
        "name": name,
        "shortDescription": {"text": title},
        "fullDescription": {"text": summary},
        "helpUri": RULES_URI,
        "help": {"text": help_text, "markdown": _help_markdown(code, rule, help_text)},
        "defaultConfiguration": {"level": level},
    }


def _help_markdown(code: str, rule: Rule | None, fallback: str) -> str:
    """The rule's page as code scanning shows it: summary, fix, and the bad and good examples."""
    if rule is None:
        return fallback
    from ..checks.rules import strip_markers

    def example(text: str) -> str:
        if rule.examples == "prose":
            return text
        return "```python\n" + strip_markers(text).rstrip("\n") + "\n```"

    return "\n\n".join(
        [
            f"**{code}**: {rule.title}",
            rule.summary,
            f"**Fix:** {rule.fix}",
            "**Bad:**",
            example(rule.bad),
            "**Good:**",
            example(rule.good),
            f"`golem-codegen explain {code}` prints this page.",
        ]
    )


def _sarif_result(
    d: Diagnostic, rule_index: int, root: Path, seen: dict[str, int]
) -> dict[str, object]:
    location, artifact, uri = _physical(d.path, (d.line, d.column, d.end_line, d.end_column), root)
    result: dict[str, object] = {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": d.severity.value,
        "message": {"text": d.message},
        "locations": [{"physicalLocation": location}],
        "partialFingerprints": {FINGERPRINT: _fingerprint(d, uri, seen)},
    }
    if d.fix is not None:
        result["fixes"] = [_sarif_fix(artifact, d.fix)]
    if d.related:
        result["relatedLocations"] = [
            _sarif_related(r, i, root) for i, r in enumerate(d.related, 1)
        ]
    return result


def _sarif_related(r: RelatedLocation, index: int, root: Path) -> dict[str, object]:
    """A SARIF related location (ids count from 1, as message links `[text](1)` expect)."""
    physical, _, _ = _physical(r.path, (r.line, r.column, r.end_line, r.end_column), root)
    return {"id": index, "physicalLocation": physical, "message": {"text": r.message}}


def _physical(
    path: str, span: tuple[int, int, int, int], root: Path
) -> tuple[dict[str, object], dict[str, object], str]:
    """(physicalLocation, its artifactLocation, the URI) of a span, relative to the root."""
    region = dict(zip(("startLine", "startColumn", "endLine", "endColumn"), span, strict=True))
    uri, relative = _located(path, root)
    artifact: dict[str, object] = {"uri": uri}
    if relative:
        artifact["uriBaseId"] = ROOT_ID
    return {"artifactLocation": artifact, "region": region}, artifact, uri


def _sarif_fix(artifact: dict[str, object], fix: Fix) -> dict[str, object]:
    """A SARIF fix: the replacements `check --fix` would make in the diagnostic's file."""
    replacements = [
        {
            "deletedRegion": {
                "startLine": edit.span.line,
                "startColumn": edit.span.column,
                "endLine": edit.span.end_line,
                "endColumn": edit.span.end_column,
            },
            "insertedContent": {"text": edit.content},
        }
        for edit in fix.edits
    ]
    change = {"artifactLocation": dict(artifact), "replacements": replacements}
    return {
        "description": {"text": f"{fix.message} ({fix.applicability} fix)"},
        "artifactChanges": [change],
    }


def _fingerprint(d: Diagnostic, uri: str, seen: dict[str, int]) -> str:
    """Code, file and message (not the line: an alert survives edits above it), numbered when
    one file has several equal ones."""
    key = hashlib.sha256(f"{d.code}\0{uri}\0{d.message}".encode()).hexdigest()[:32]
    seen[key] = seen.get(key, 0) + 1
    return f"{key}:{seen[key]}"


def _located(path: str, root: Path) -> tuple[str, bool]:
    """(URI, relative to `root`): a path outside the root keeps an absolute `file:` URI."""
    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(root)
    except ValueError:
        try:
            relative = absolute.resolve().relative_to(root)
        except (OSError, ValueError):
            return absolute.as_uri(), False
    return artifact_uri(relative.as_posix()), True


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

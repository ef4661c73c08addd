"""Diagnostics: what a check found, where, how it is printed, and when it is not reported."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Literal

from .model import Anchor, Span

__all__ = [
    "SUPPRESSION",
    "TOOL_NAME",
    "UNSCANNED",
    "Applicability",
    "AutoFix",
    "Diagnostic",
    "Edit",
    "Finding",
    "Fix",
    "Related",
    "RelatedLocation",
    "Rule",
    "Severity",
    "applicable",
    "comment_of",
    "selected",
    "sort_key",
    "sorted_diagnostics",
    "suppressed",
    "suppressing",
    "unscanned_hint",
]


class Severity(Enum):
    """How bad a diagnostic is; `--strict` makes warnings fail too."""

    ERROR = "error"
    WARNING = "warning"


Applicability = Literal["safe", "unsafe"]
"""A safe fix keeps what the code does (`--fix`); an unsafe one may not (`--unsafe-fixes`)."""


@dataclass(frozen=True, slots=True)
class AutoFix:
    """How a rule's problems are fixed by `check --fix`, declared with the rule (SPEC §13).

    `applicability` is "sometimes" when it depends on the case (`summary` says when). `before`
    is a single file `agents.py` like `Rule.bad`; `after` is what `--fix` (with
    `--unsafe-fixes` unless the fix is "safe") makes of it, byte for byte: the tests run it.
    """

    applicability: Literal["safe", "unsafe", "sometimes"]
    summary: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class Rule:
    """One diagnostic kind, declared once: `explain`, SARIF and the tests all read this record.

    `bad` and `good` are the sources of a single file `agents.py` in a package-less directory; each
    line of `bad` where a diagnostic starts ends with `# expect: GLMxxx`. When `examples` is "prose"
    (generated-file and unreadable-file codes), they describe the situation in words instead.
    """

    code: str
    severity: Severity
    name: str
    """A stable kebab-case identifier (SARIF `rule.name`)."""
    title: str
    summary: str
    fix: str
    bad: str
    good: str
    examples: Literal["source", "prose"] = "source"
    autofix: AutoFix | None = None
    """The fix `check --fix` applies, or None when the problem has no one right answer."""


@dataclass(frozen=True, slots=True)
class Related:
    """Another place a finding points at (a base class's declaration, a helper's call, a user)."""

    message: str
    path: str
    anchor: Anchor | None = None
    span: Span | None = None


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
    related: tuple[Related, ...] = ()
    """Secondary locations (text: `note:` lines, JSON: `related`, SARIF: `relatedLocations`)."""


@dataclass(frozen=True, slots=True, order=True)
class RelatedLocation:
    """A located `Related`: where else to look, and why."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text of `span` (end exclusive; empty for an insertion) with `content`."""

    span: Span
    content: str


@dataclass(frozen=True, slots=True)
class Fix:
    """The rewrite of one diagnostic: edits of its file that are applied together or not at all."""

    applicability: Applicability
    message: str
    """What the fix does, in a few words (`remove idempotence_mode(True)`)."""
    edits: tuple[Edit, ...]


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
    related: tuple[RelatedLocation, ...] = ()
    """Secondary locations, in the order the check gave them."""
    fix: Fix | None = field(default=None, compare=False)
    """The rewrite `check --fix` would apply (attached by `codegen.fix`), or None."""


def applicable(diagnostics: Iterable[Diagnostic], unsafe: bool) -> tuple[Diagnostic, ...]:
    """The diagnostics with only the fixes `--fix` applies: unsafe ones with `unsafe` only."""
    return tuple(
        replace(d, fix=None)
        if d.fix is not None and d.fix.applicability == "unsafe" and not unsafe
        else d
        for d in diagnostics
    )


# --------------------------------------------------------------------------- output formats

TOOL_NAME = "golem-codegen"


UNSCANNED = frozenset({"GLM900", "GLM901"})
"""Files that could not be scanned: listed first, as other reports may follow from them."""


def sort_key(d: Diagnostic) -> tuple[bool, str, int, int, str, int, int, str, str]:
    """Unscanned files first, then path, line, column, code (the documented order), then the rest."""
    return (
        d.code not in UNSCANNED,
        d.path,
        d.line,
        d.column,
        d.code,
        d.end_line,
        d.end_column,
        d.severity.value,
        d.message,
    )


def unscanned_hint(diagnostics: Iterable[Diagnostic]) -> str:
    """For a summary: the files that could not be scanned, to fix first ("" when none)."""
    unscanned = sorted({d.path for d in diagnostics if d.code in UNSCANNED})
    return f" Fix first (could not be scanned): {', '.join(unscanned)}." if unscanned else ""


def sorted_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """In the documented order: every output format prints them so."""
    return sorted(diagnostics, key=sort_key)


# --------------------------------------------------------------------------- suppression, selection

SUPPRESSION = re.compile(r"golem\s*:\s*ignore\b(?:\s*\[([^\]]*)\])?", re.IGNORECASE)


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
    return bool(suppressing(code, line_text))


def suppressing(code: str, line_text: str) -> list[str]:
    """The entries of this line's suppressions that cover `code`, upper-cased ("" for a bare
    `# golem: ignore`): what makes a suppression used, for GLM902."""
    comment = comment_of(line_text)
    if comment is None:
        return []
    found: list[str] = []
    for match in SUPPRESSION.finditer(comment):
        if match.group(1) is None:
            found.append("")
            continue
        entries = [entry.strip().upper() for entry in match.group(1).split(",")]
        found += [entry for entry in entries if entry and code.upper().startswith(entry)]
    return found


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

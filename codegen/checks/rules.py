"""The diagnostic code table (SPEC §5): one record per code that `explain`, SARIF and tests all read."""

from __future__ import annotations

import difflib
import json
import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType

from ..diagnostics import AutoFix, Rule, Severity
from .docs import agent, durability, files, http, snapshot, state
from .docs.fixes import AUTOFIXES

__all__ = [
    "RULES",
    "SELECTOR_FORMS",
    "Rule",
    "check_selectors",
    "expected_markers",
    "explain",
    "selector_problem",
    "severity_of",
    "strip_markers",
]

RULES: Mapping[str, Rule] = MappingProxyType(
    dict(
        sorted(
            (rule.code, replace(rule, autofix=AUTOFIXES.get(rule.code, rule.autofix)))
            for family in (snapshot, agent, http, durability, state, files)
            for rule in family.RULES
        )
    )
)
"""Every code of SPEC §5, in code order, with the fix of each fixable one (SPEC §13)."""

SELECTOR_FORMS = "a code (GLM003), a prefix of codes (GLM0, GLM03, GLM) or ALL"
"""How a valid `select`/`ignore` entry looks, for error messages."""

_WIDTH = 88
_MARKER = re.compile(r"[ \t]*#[ \t]*expect:[ \t]*(GLM\d{3}(?:[ \t]*,[ \t]*GLM\d{3})*)[ \t]*$")


_GOLEM_15 = {"GLM007": Severity.WARNING, "GLM031": Severity.WARNING}
"""Codes that are only warnings for agents built for Golem 1.5 (SPEC §12)."""


def severity_of(code: str, golem_version: str = "1.6") -> Severity:
    """The severity of a code for the targeted Golem release; unknown codes count as errors."""
    if golem_version == "1.5" and code in _GOLEM_15:
        return _GOLEM_15[code]
    rule = RULES.get(code)
    return Severity.ERROR if rule is None else rule.severity


def strip_markers(source: str) -> str:
    """An example source as users should see it: without the `# expect: GLMxxx` test markers."""
    return "\n".join(_MARKER.sub("", line) for line in source.split("\n"))


def expected_markers(source: str) -> list[tuple[int, str]]:
    """The (line, code) pairs an example's `# expect:` markers promise, in source order."""
    found: list[tuple[int, str]] = []
    for number, line in enumerate(source.splitlines(), start=1):
        match = _MARKER.search(line)
        if match:
            found += [(number, code.strip()) for code in match.group(1).split(",")]
    return found


def explain(code: str) -> str:
    """The text `golem-codegen explain CODE` prints; raises KeyError naming close matches."""
    rule = RULES.get(code.strip().upper())
    if rule is None:
        raise KeyError(_unknown(code))
    parts = [
        f"{rule.code} ({rule.severity.value}): {rule.title}",
        _fill(rule.summary),
        _fill(f"Fix: {rule.fix}"),
        "Bad:",
        _example(rule, rule.bad),
        "Good:",
        _example(rule, rule.good),
        *(_autofix(rule, rule.autofix) if rule.autofix is not None else []),
    ]
    return "\n\n".join(parts) + "\n"


def _autofix(rule: Rule, autofix: AutoFix) -> list[str]:
    """The fix section of `explain`: when `check --fix` applies it, and what it does."""
    flags = {
        "safe": "`golem-codegen check --fix`",
        "unsafe": "`golem-codegen check --fix --unsafe-fixes` (unsafe)",
        "sometimes": "`golem-codegen check --fix`; some cases need `--unsafe-fixes`",
    }
    return [
        _fill(f"Fixable with {flags[autofix.applicability]}: {autofix.summary}"),
        "Before:",
        _example(rule, autofix.before),
        "After `--fix`:",
        _example(rule, autofix.after),
    ]


def _example(rule: Rule, text: str) -> str:
    if rule.examples == "prose":
        return _fill(text, indent="    ")
    lines = strip_markers(text).rstrip("\n").split("\n")
    return "\n".join(f"    {line}" if line else "" for line in lines)


def _fill(text: str, indent: str = "") -> str:
    return textwrap.fill(
        text,
        _WIDTH,
        initial_indent=indent,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _unknown(code: str) -> str:
    hint = _close_codes(code.strip().upper())
    return f"unknown diagnostic code {code!r}{hint} (known codes: {', '.join(RULES)})"


def selector_problem(selector: str, *, in_list: bool = False) -> str | None:
    """Why a `select`/`ignore` entry would select no code, or None when it is valid.

    A selector that matches nothing is almost always a typo, and silently selecting nothing
    would turn a check off; so a selector must be ALL, a code or a prefix of one (any case,
    surrounding whitespace ignored). `in_list`: the entry is an item of a list (pyproject.toml,
    the Python API) rather than of a comma-separated option, which changes the whitespace hint.
    """
    normalized = selector.strip().upper()
    if not normalized:
        return "an empty selector selects nothing"
    words = selector.split()
    if len(words) > 1:
        return f"{selector!r} has whitespace inside; {_separate(words, in_list)}"
    if normalized == "ALL" or any(code.startswith(normalized) for code in RULES):
        return None
    return f"{selector!r} is not a diagnostic code or a prefix of one{_close_codes(normalized)}"


def check_selectors(selectors: Iterable[str]) -> None:
    """Raise ValueError naming the first selector of a list that selects nothing."""
    for selector in selectors:
        problem = selector_problem(selector, in_list=True)
        if problem is not None:
            raise ValueError(f"invalid selector: {problem} (expected {SELECTOR_FORMS})")


def _separate(words: Sequence[str], in_list: bool) -> str:
    if in_list:
        return f"write one selector per item: {json.dumps(list(words))}"
    return f"separate selectors with commas: {','.join(words)}"


def _close_codes(text: str) -> str:
    close = difflib.get_close_matches(text, list(RULES), n=3, cutoff=0.6)
    return f"; did you mean {', '.join(close)}?" if close else ""

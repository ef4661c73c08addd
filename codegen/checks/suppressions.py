"""GLM902: `# golem: ignore[...]` comments that suppress nothing, or name no diagnostic code.

Comments are found with Python's tokenizer, so the text of a string that mentions a suppression
(documentation, say) is never taken for one. Which suppressions were used is the run's business:
it records every (line, entry) that suppressed a finding and passes them in.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Final

from ..diagnostics import SUPPRESSION, Finding
from ..model import Span
from ..scan.text import decode
from .rules import RULES, selector_problem

__all__ = ["UNUSED_SUPPRESSION", "unused_in_files", "unused_suppressions"]

UNUSED_SUPPRESSION: Final = "GLM902"
_MENTIONED = re.compile(rb"(?i)golem\s*:\s*ignore")
_ENTRY = re.compile(r"[^,\s][^,]*")
_TOKENIZE_ERRORS = (tokenize.TokenError, SyntaxError)


def unused_in_files(
    files: Iterable[tuple[str, bytes]],
    used: Collection[tuple[str, int, str]],
    reported: Callable[[str], bool],
) -> list[Finding]:
    """GLM902 over (path, bytes) files; `used` holds (path, line, entry) triples."""
    by_path: dict[str, set[tuple[int, str]]] = {}
    for path, line, entry in used:
        by_path.setdefault(path, set()).add((line, entry))
    findings: list[Finding] = []
    for path, data in files:
        if not _MENTIONED.search(data):  # the usual file: one C-speed pass, no decoding
            continue
        try:
            text = decode(data)
        except (UnicodeDecodeError, LookupError, SyntaxError):
            continue
        findings += unused_suppressions(path, text, by_path.get(path, set()), reported)
    return findings


def unused_suppressions(
    path: str,
    text: str,
    used: Collection[tuple[int, str]],
    reported: Callable[[str], bool],
) -> list[Finding]:
    """GLM902 for each bare suppression and each entry of `path` that nothing used.

    `used` holds the (line, entry) pairs that suppressed a finding ("" for a bare one); an entry
    whose codes are not all `reported` (deselected by `--select`/`ignore`) may be needed by a run
    that reports them, so it is left alone.
    """
    findings: list[Finding] = []
    for line, column, comment in _comments(text):
        for match in SUPPRESSION.finditer(comment):
            start = column + match.start()
            if match.group(1) is None:
                if (line, "") not in used and all(reported(code) for code in RULES):
                    span = Span(line, start + 1, line, column + match.end() + 1)
                    findings.append(Finding(UNUSED_SUPPRESSION, _BARE, path, span=span))
                continue
            offset = column + match.start(1)
            for entry in _ENTRY.finditer(match.group(1)):
                written = entry.group().rstrip()
                first = offset + entry.start() + 1
                span = Span(line, first, line, first + len(written))
                message = _entry_problem(written, line, used, reported)
                if message is not None:
                    findings.append(Finding(UNUSED_SUPPRESSION, message, path, span=span))
    return findings


_BARE = "`# golem: ignore` suppresses nothing on this line; remove it"


def _entry_problem(
    written: str, line: int, used: Collection[tuple[int, str]], reported: Callable[[str], bool]
) -> str | None:
    entry = written.upper()
    covered = [code for code in RULES if code.startswith(entry)]
    if not covered or entry == "ALL":
        problem = selector_problem(written) or ""
        hint = problem.partition("; ")[2] if "; did you mean" in problem else ""
        return (
            f'"{written}" in `# golem: ignore[...]` is not a diagnostic code'
            f"{f' ({hint})' if hint else ''}; remove it or correct it"
        )
    if (line, entry) in used or not all(reported(code) for code in covered):
        return None
    return f'"{written}" in `# golem: ignore[...]` suppresses nothing on this line; remove it'


def _comments(text: str) -> Iterator[tuple[int, int, str]]:
    """(line, 0-based column, text) of every comment; none when the file does not tokenize."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except _TOKENIZE_ERRORS:
        return
    for token in tokens:
        if token.type == tokenize.COMMENT:
            yield token.start[0], token.start[1], token.string

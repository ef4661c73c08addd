"""GLM902: an unused entry leaves its `# golem: ignore[...]`; an unused suppression leaves the line.

Text edits on one comment: `[GLM031, GLM033]` loses one entry and its comma; a directive left
with nothing to suppress goes, with the `#` it had to itself and the spaces before it (the whole
line when the comment was all there was). Other comments sharing the line stay as they were.
"""

from __future__ import annotations

import re

from ..diagnostics import SUPPRESSION, Diagnostic, Fix
from .tree import SourceText

__all__ = ["remove_suppression"]

_ENTRY = re.compile(r"[^,\s][^,]*?(?=\s*(?:,|$))")


def remove_suppression(source: SourceText, diagnostic: Diagnostic) -> Fix | None:
    """Remove the entry (or bare directive) a GLM902 diagnostic points at."""
    if diagnostic.line != diagnostic.end_line:
        return None
    line = source.line(diagnostic.line)
    first, last = diagnostic.column - 1, diagnostic.end_column - 1
    for match in SUPPRESSION.finditer(line):
        if not match.start() <= first < last <= match.end():
            continue
        entries = [] if match.group(1) is None else list(_ENTRY.finditer(match.group(1)))
        if len(entries) > 1:
            start, end = _entry_range(match, entries, first)
            message = f"remove `{line[first:last]}` from the suppression"
        else:
            start, end = _directive_range(line, match)
            message = "remove the unused suppression"
        begin = source.offset(diagnostic.line, start + 1)
        if end > len(line):  # the whole line goes, its line break too
            stop = source.offset(diagnostic.line + 1, 1) if diagnostic.line < source.lines else None
            if stop is None:
                return None
        else:
            stop = source.offset(diagnostic.line, end + 1)
        return Fix("safe", message, (source.edit(begin, stop, ""),))
    return None


def _entry_range(
    match: re.Match[str], entries: list[re.Match[str]], column: int
) -> tuple[int, int]:
    """One entry and the comma that joins it to its neighbour."""
    base = match.start(1)
    index = next(i for i, entry in enumerate(entries) if base + entry.start() == column)
    if index + 1 < len(entries):
        return base + entries[index].start(), base + entries[index + 1].start()
    return base + entries[index - 1].end(), base + entries[index].end()


def _directive_range(line: str, match: re.Match[str]) -> tuple[int, int]:
    """The directive with what only it needed; an end past the line means the whole line."""
    hash_at = line.rfind("#", 0, match.start())
    owns_hash = hash_at >= 0 and not line[hash_at + 1 : match.start()].strip()
    rest = line[match.end() :]
    next_hash = rest.find("#")
    tail = rest if next_hash < 0 else rest[:next_hash]
    if not owns_hash:  # `# note golem: ignore`: the note keeps the comment
        return len(line[: match.start()].rstrip()), match.end()
    if tail.strip():  # `# golem: ignore[X] because`: the reason keeps the comment
        return match.start(), match.end() + len(tail) - len(tail.lstrip())
    if next_hash >= 0:  # another comment follows: it keeps the line's `#`
        return hash_at, match.end() + next_hash
    start = len(line[:hash_at].rstrip())
    return (0, len(line) + 1) if start == 0 else (start, len(line))

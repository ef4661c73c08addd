"""The repository's ignore files, as ruff and git read them (SPEC §6: ignored files are skipped).

Inside a git repository, a walk skips what `.gitignore` files (of the walked directories and of
their parents up to the repository root) and `.git/info/exclude` ignore. Patterns follow git:
`!` re-includes, a trailing `/` matches directories only, a pattern with a `/` before its end is
anchored to its file's directory, `*` and `?` stop at `/`, `**` spans directories; the last
matching pattern of the deepest file that has one decides. Paths named on the command line are
never filtered (like ruff without `force-exclude`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

__all__ = ["Ignores"]


@dataclass(frozen=True, slots=True)
class _Pattern:
    regex: re.Pattern[str]
    negated: bool
    directory_only: bool


@dataclass
class Ignores:
    """The ignore rules met on a walk below one repository (inactive outside a repository)."""

    root: Path | None
    _files: dict[Path, tuple[_Pattern, ...]] = field(default_factory=dict)

    @classmethod
    def for_walk(cls, start: Path) -> Ignores:
        """The rules for walking `start` (a resolved directory), or none outside a repository."""
        root = next((d for d in (start, *start.parents) if (d / ".git").exists()), None)
        ignores = cls(root)
        if root is not None:
            exclude = root / ".git" / "info" / "exclude"
            ignores._files[root] = _read(exclude) + _read(root / ".gitignore")
        return ignores

    def ignored(self, path: Path, *, is_dir: bool) -> bool:
        """Whether git ignores `path` (resolved; its directory's rules are loaded on the way)."""
        if self.root is None or self.root not in path.parents:
            return False
        for directory in path.parents:  # deepest first
            patterns = self._patterns(directory)
            relative = path.relative_to(directory).as_posix()
            for pattern in reversed(patterns):
                if pattern.directory_only and not is_dir:
                    continue
                if pattern.regex.fullmatch(relative):
                    return not pattern.negated
            if directory == self.root:
                break
        return False

    def _patterns(self, directory: Path) -> tuple[_Pattern, ...]:
        found = self._files.get(directory)
        if found is None:
            found = self._files[directory] = _read(directory / ".gitignore")
        return found


def _read(path: Path) -> tuple[_Pattern, ...]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ()
    compiled = (_compile(line) for line in text.splitlines())
    return tuple(pattern for pattern in compiled if pattern is not None)


@lru_cache(maxsize=1024)
def _compile(line: str) -> _Pattern | None:
    """One line of an ignore file, or None for blank lines and comments."""
    text = line if line.endswith("\\ ") else line.rstrip()
    if not text or text.startswith("#"):
        return None
    negated = text.startswith("!")
    if negated or text.startswith(("\\!", "\\#")):
        text = text[1:]
    directory_only = text.endswith("/")
    text = text.rstrip("/")
    if not text:
        return None
    anchored = "/" in text
    segments = text.lstrip("/").split("/")
    body = "" if anchored else "(?:.*/)?"
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "**":
            body += ".*" if last else "(?:.*/)?"
        else:
            body += _glob(segment) + ("" if last else "/")
    return _Pattern(re.compile(body), negated, directory_only)


def _glob(segment: str) -> str:
    """One path segment of a glob as a regex (`*` and `?` never match `/`)."""
    out, index = [], 0
    while index < len(segment):
        char = segment[index]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "\\" and index + 1 < len(segment):
            index += 1
            out.append(re.escape(segment[index]))
        elif char == "[":
            end = segment.find("]", index + 2)
            if end == -1:
                out.append(re.escape(char))
            else:
                inner = segment[index + 1 : end].replace("\\", "\\\\")
                out.append("[" + ("^" + inner[1:] if inner[:1] == "!" else inner) + "]")
                index = end
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out)

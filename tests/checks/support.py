"""Helpers for the check tests: write a small tree, run `check` inside it, look at the results."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from codegen.api import check
from codegen.diagnostics import Diagnostic
from codegen.discovery import Config


class Tree:
    """A throw-away source tree under tmp_path, checked with the working directory inside it."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        monkeypatch.chdir(root)

    def write(self, files: dict[str, str]) -> Tree:
        """Write `files` (relative path -> dedented source); packages need their `__init__.py`."""
        for relative, source in files.items():
            path = self.root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(source), encoding="utf-8")
        return self

    def check(self, *codes: str, golem_version: str | None = None) -> list[Diagnostic]:
        """Diagnostics of the whole tree, only those with `codes` (prefixes) when given.

        GLM040 (no generated golem_agents.py yet) is left out: these trees are never generated.
        `golem_version` targets another Golem release than the default.
        """
        config = None if golem_version is None else Config(golem_version=golem_version)
        return list(check(["."], select=codes, ignore=("GLM040",), config=config).diagnostics)

    def codes(self, *codes: str) -> list[tuple[str, int, str]]:
        """(path, line, code) of every selected diagnostic, sorted."""
        return [(d.path, d.line, d.code) for d in self.check(*codes)]


def line_of(source: str, needle: str) -> int:
    """The 1-based line of the first occurrence of `needle` in the dedented `source`."""
    for number, line in enumerate(textwrap.dedent(source).splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in source")

"""Running `check --fix` on a case directory, the way the golden and property tests need it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from codegen.api import FixResult, Options, fix

ROOT = Path(__file__).resolve().parents[2]
FIXES = ROOT / "fixtures" / "fixes"
NO_CACHE = Options(cache=False)


@contextmanager
def inside(directory: Path) -> Iterator[None]:
    """Run with `directory` as the working directory, as a user inside the case would."""
    previous = Path.cwd()
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(previous)


def fixed_in(directory: Path, *, unsafe: bool, write: bool = True) -> FixResult:
    """`check --fix [--unsafe-fixes]` over `directory`, run from inside it, without the cache."""
    with inside(directory):
        return fix(["."], unsafe=unsafe, write=write, options=NO_CACHE)


def copy_case(case: Path, target: Path) -> Path:
    """The case's before.py as target/agents.py, byte for byte; returns that path."""
    target.mkdir(parents=True, exist_ok=True)
    path = target / "agents.py"
    shutil.copyfile(case / "before.py", path)
    return path

"""Rewrite fixtures/diagnostics/*/expected.txt from the current checks (review the diff after).

Usage: python tests/checks/refresh_fixtures.py [CASE ...]
Each expected.txt is what `golem-codegen check --format text --ignore GLM040` prints when run inside
the case: the cases have no generated golem_agents.py, whose absence GLM040 would report in every
one of them (cases named GLM04x keep every code).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from codegen.api import check
from codegen.diagnostics import applicable
from codegen.formats import format_text

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "diagnostics"
REFRESH_COMMAND = "python tests/checks/refresh_fixtures.py"


@contextmanager
def inside(directory: Path) -> Iterator[None]:
    """Run with `directory` as the working directory, as a user inside the case would."""
    previous = Path.cwd()
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(previous)


def render(case: Path) -> str:
    """The text report of one case, paths relative to the case directory (safe fixes marked)."""
    ignore = () if case.name.startswith("GLM04") else ("GLM040",)
    with inside(case):
        return format_text(applicable(check(["."], ignore=ignore).diagnostics, unsafe=False))


def cases() -> list[Path]:
    """Every case directory, in name order."""
    return sorted(path for path in CASES.iterdir() if path.is_dir())


def main(names: list[str]) -> int:
    chosen = [case for case in cases() if not names or case.name in names]
    failed = 0
    for case in chosen:
        expected = case / "expected.txt"
        try:
            text = render(case)
        except Exception as error:  # report and go on: one broken case must not block the others
            print(f"cannot render {case.name}: {type(error).__name__}: {error}", file=sys.stderr)
            failed += 1
            continue
        old = expected.read_text(encoding="utf-8") if expected.exists() else None
        if old != text:
            expected.write_text(text, encoding="utf-8")
            print(f"refreshed {expected.relative_to(CASES.parent.parent)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

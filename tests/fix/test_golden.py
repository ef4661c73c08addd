"""Golden fixes: each fixtures/fixes/<case>/before.py becomes after.py with `check --fix`, and
after_unsafe.py with `--unsafe-fixes` (when that differs); a second `--fix` changes nothing.

Refresh after an intended change with
    GOLEM_REFRESH_GOLDENS=1 python -m pytest tests/fix/test_golden.py
and review the diff.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from .support import FIXES, copy_case, fixed_in

REFRESH = "GOLEM_REFRESH_GOLDENS=1 python -m pytest tests/fix/test_golden.py"
CASES = sorted(path for path in FIXES.iterdir() if path.is_dir())


def expected_name(case: Path, unsafe: bool) -> Path:
    """after_unsafe.py when the case has one and unsafe fixes are on, else after.py."""
    unsafe_file = case / "after_unsafe.py"
    return unsafe_file if unsafe and unsafe_file.exists() else case / "after.py"


def compare(case: Path, actual: bytes, unsafe: bool) -> None:
    expected_path = expected_name(case, unsafe)
    if os.environ.get("GOLEM_REFRESH_GOLDENS"):
        _refresh(case, actual, unsafe)
        return
    expected = expected_path.read_bytes()
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.decode().splitlines(keepends=True),
                actual.decode().splitlines(keepends=True),
                f"{case.name}/{expected_path.name}",
                "actual",
            )
        )
        pytest.fail(f"{case.name} changed:\n{diff}\nRefresh with:\n    {REFRESH}", pytrace=False)


def _refresh(case: Path, actual: bytes, unsafe: bool) -> None:
    if not unsafe:
        (case / "after.py").write_bytes(actual)
    elif actual != (case / "after.py").read_bytes():
        (case / "after_unsafe.py").write_bytes(actual)
    else:
        (case / "after_unsafe.py").unlink(missing_ok=True)


@pytest.mark.parametrize("unsafe", [False, True], ids=["fix", "unsafe-fixes"])
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_fix_gives_the_golden_file_and_a_second_fix_changes_nothing(
    case: Path, unsafe: bool, tmp_path: Path
) -> None:
    path = copy_case(case, tmp_path)
    first = fixed_in(tmp_path, unsafe=unsafe)
    after = path.read_bytes()
    compare(case, after, unsafe)
    if after != (case / "before.py").read_bytes():
        assert [f.path for f in first.files] == ["agents.py"] and first.fixed > 0
    second = fixed_in(tmp_path, unsafe=unsafe)
    assert second.files == () and path.read_bytes() == after
    assert second.remaining.diagnostics == first.remaining.diagnostics
    compile(after, "agents.py", "exec", dont_inherit=True)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_what_is_left_has_no_fix_that_would_apply(case: Path, tmp_path: Path) -> None:
    copy_case(case, tmp_path)
    remaining = fixed_in(tmp_path, unsafe=True).remaining.diagnostics
    assert [d for d in remaining if d.fix is not None] == []

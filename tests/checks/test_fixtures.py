"""Every fixtures/diagnostics case reproduces its expected.txt (the `check --format text` output)."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest

from codegen.checks.rules import RULES
from tests.checks.refresh_fixtures import REFRESH_COMMAND, cases, render

CHECK_CODES = sorted(code for code in RULES if code < "GLM040")


@pytest.mark.parametrize("case", cases(), ids=lambda case: case.name)
def test_case_reproduces_expected_text(case: Path) -> None:
    expected = (case / "expected.txt").read_text(encoding="utf-8")
    actual = render(case)
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                f"{case.name}/expected.txt",
                "actual",
            )
        )
        pytest.fail(
            f"{case.name} changed:\n{diff}\nIf the change is intended, refresh with:\n"
            f"    {REFRESH_COMMAND} {case.name}\nand review the diff.",
            pytrace=False,
        )


@pytest.mark.parametrize("case", cases(), ids=lambda case: case.name)
def test_case_reports_the_code_it_is_named_after(case: Path) -> None:
    code = case.name.split("_")[0]
    codes = re.findall(r": (GLM\d{3}) ", (case / "expected.txt").read_text(encoding="utf-8"))
    assert code in codes


def test_every_check_code_has_a_case() -> None:
    covered = {case.name.split("_")[0] for case in cases()}
    assert set(CHECK_CODES) <= covered

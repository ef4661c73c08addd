"""Every fixtures/diagnostics case reproduces its expected.txt (the `check --format text` output)."""

from __future__ import annotations

import difflib
import re
from collections import Counter
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


MARKER = re.compile(r"#\s*expect:\s*(GLM\d{3}(?:\s*,\s*GLM\d{3})*)")
Problems = Counter[tuple[str, int, str]]


def marked_problems(case: Path) -> Problems:
    """Every `# expect: GLMxxx[, ...]` of the case's sources: the problems it was written with."""
    found: Problems = Counter()
    for source in sorted(case.rglob("*.py")):
        path = source.relative_to(case).as_posix()
        text = source.read_bytes().decode("utf-8", errors="replace")
        for number, line in enumerate(text.split("\n"), start=1):
            match = MARKER.search(line)
            if match:
                found.update((path, number, code.strip()) for code in match[1].split(","))
    return found


def reported_problems(case: Path) -> Problems:
    """What `check` reports in the case (notes are locations of a report, not reports)."""
    found: Problems = Counter()
    for line in render(case).splitlines():
        match = re.match(r"^(.+?):(\d+):\d+: (GLM\d{3}) ", line)
        if match:
            found[(match[1], int(match[2]), match[3])] += 1
    return found


def test_the_fixture_suite_reports_each_problem_exactly_once() -> None:
    """Across every case: each marked problem reported once, nothing reported twice or unmarked."""
    missing: Problems = Counter()
    extra: Problems = Counter()
    for case in cases():
        marked, reported = marked_problems(case), reported_problems(case)
        missing += Counter(
            {(f"{case.name}/{p}", n, c): k for (p, n, c), k in (marked - reported).items()}
        )
        extra += Counter(
            {(f"{case.name}/{p}", n, c): k for (p, n, c), k in (reported - marked).items()}
        )
    assert not missing, f"marked but not reported (a miss): {sorted(missing.elements())}"
    assert not extra, (
        f"reported more often than marked (a cascade or repeat): {sorted(extra.elements())}"
    )
    assert sum(len(marked_problems(case)) for case in cases()) > len(cases())

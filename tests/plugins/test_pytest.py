"""The pytest plugin under real pytest: nothing without opt-in, verification items with it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.testing.support import generated_copy

pytest_plugins = ["pytester"]


def project(pytester: pytest.Pytester, name: str, opt_in: bool) -> Path:
    root = generated_copy(name, pytester.path / "work")
    for item in root.iterdir():
        shutil.move(str(item), pytester.path / item.name)
    options = "golem_verify = true\ngolem_verify_examples = 10\n" if opt_in else ""
    pyproject = pytester.path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + f"\n[tool.pytest.ini_options]\n{options}")
    return pytester.path


def test_without_opt_in_nothing_is_added_but_the_fixture(pytester: pytest.Pytester) -> None:
    project(pytester, "examples", opt_in=False)
    pytester.makepyfile(
        test_mine="""
        def test_counter(golem_executor):
            assert golem_executor.invoke("CounterAgent", ["x"], "increment") == 1
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert "golem[" not in result.stdout.str()


def test_with_opt_in_every_agent_is_verified(pytester: pytest.Pytester) -> None:
    project(pytester, "examples", opt_in=True)
    result = pytester.runpytest_subprocess("-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=10)
    result.stdout.fnmatch_lines(["*golem[[]CounterAgent: round trip[]] PASSED*"])


def test_failures_name_the_agent_the_field_and_the_example(pytester: pytest.Pytester) -> None:
    project(pytester, "verify/broken", opt_in=True)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-k", "Lossy or Stock")
    result.assert_outcomes(failed=3, passed=2)  # a lossy pair also recovers lossily
    output = result.stdout.str()
    assert "LossyAgent: round trip failed: " in output
    assert "state['history']: 1 items != 0 items" in output
    assert "example: reached(args=('',), calls=[Call('add', (0,))])" in output
    assert "StockAgent: stored snapshot v1-5f1d2c3b4a59.json failed: " in output
    assert "collected 7 items / 2 deselected / 5 selected" in output

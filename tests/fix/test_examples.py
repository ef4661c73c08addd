"""The fix declared with each rule: its before becomes its after under `check --fix`, as `explain` shows."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from codegen.api import check
from codegen.checks.rules import RULES, Rule, explain
from codegen.fix import FIXERS

from .support import NO_CACHE, fixed_in, inside

FIXABLE = [rule for rule in RULES.values() if rule.autofix is not None]


def test_every_code_with_a_fixer_declares_its_fix_and_no_other_does() -> None:
    assert {rule.code for rule in FIXABLE} == set(FIXERS)
    assert {"GLM004", "GLM030", "GLM031", "GLM032", "GLM033", "GLM902"} <= set(FIXERS)


@pytest.mark.parametrize("rule", FIXABLE, ids=lambda rule: rule.code)
def test_before_becomes_after(rule: Rule, tmp_path: Path) -> None:
    assert rule.autofix is not None
    path = tmp_path / "agents.py"
    path.write_text(rule.autofix.before, encoding="utf-8")
    with inside(tmp_path):
        found = check(["."], options=NO_CACHE).diagnostics
    own = [d for d in found if d.code == rule.code]
    assert own and all(d.fix is not None for d in own)
    unsafe = rule.autofix.applicability != "safe"
    assert {d.fix.applicability for d in own if d.fix} <= (
        {"safe", "unsafe"} if unsafe else {"safe"}
    )
    result = fixed_in(tmp_path, unsafe=unsafe)
    assert path.read_text(encoding="utf-8") == rule.autofix.after
    assert rule.code not in {d.code for d in result.remaining.diagnostics}


@pytest.mark.parametrize(
    "rule",
    [r for r in FIXABLE if r.autofix and r.autofix.applicability == "unsafe"],
    ids=lambda rule: rule.code,
)
def test_unsafe_fixes_wait_for_the_flag(rule: Rule, tmp_path: Path) -> None:
    assert rule.autofix is not None
    path = tmp_path / "agents.py"
    path.write_text(rule.autofix.before, encoding="utf-8")
    assert fixed_in(tmp_path, unsafe=False).files == ()
    assert path.read_text(encoding="utf-8") == rule.autofix.before


@pytest.mark.parametrize("rule", FIXABLE, ids=lambda rule: rule.code)
def test_explain_prints_before_and_after(rule: Rule) -> None:
    assert rule.autofix is not None
    text = explain(rule.code)
    for example in (rule.autofix.before, rule.autofix.after):
        assert textwrap.indent(example.rstrip("\n"), "    ") in text

"""The code table: every code of SPEC §5 is documented, and its examples behave as documented."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegen.api import check
from codegen.checks.rules import (
    RULES,
    Rule,
    check_selectors,
    expected_markers,
    explain,
    selector_problem,
    severity_of,
    strip_markers,
)
from codegen.diagnostics import Severity

SPEC_CODES = [
    *("GLM001", "GLM002", "GLM003", "GLM004", "GLM005", "GLM006", "GLM007"),
    *("GLM010", "GLM011", "GLM012"),
    *("GLM020", "GLM021", "GLM022", "GLM023", "GLM024", "GLM025", "GLM026"),
    *("GLM030", "GLM031", "GLM032", "GLM033", "GLM040", "GLM041", "GLM042"),
    *("GLM050", "GLM051", "GLM052", "GLM053", "GLM054", "GLM055", "GLM900", "GLM901"),
    "GLM902",
]
WARNINGS = {"GLM030", "GLM032", "GLM033", "GLM902"}
WARNINGS_UNDER_GOLEM_15 = {"GLM007", "GLM031"}
SOURCE_RULES = [rule for rule in RULES.values() if rule.examples == "source"]


def reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str) -> set[tuple[int, str]]:
    """(line, code) of every diagnostic `check` reports for `source` as tmp_path/agents.py."""
    (tmp_path / "agents.py").write_text(source, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return {(d.line, d.code) for d in check(["."]).diagnostics}


def test_the_table_has_exactly_the_codes_of_the_spec() -> None:
    assert list(RULES) == SPEC_CODES


@pytest.mark.parametrize("code", SPEC_CODES)
def test_severities_follow_the_spec(code: str) -> None:
    expected = Severity.WARNING if code in WARNINGS else Severity.ERROR
    assert RULES[code].severity is expected is severity_of(code) is severity_of(code, "1.6")
    legacy = Severity.WARNING if code in WARNINGS | WARNINGS_UNDER_GOLEM_15 else Severity.ERROR
    assert severity_of(code, "1.5") is legacy


def test_unknown_codes_are_errors_and_explain_suggests_close_ones() -> None:
    assert severity_of("GLM999") is Severity.ERROR
    with pytest.raises(KeyError) as raised:
        explain("GLM03")
    assert "GLM033" in raised.value.args[0]


@pytest.mark.parametrize(
    "selector", ["GLM003", "glm003", "GLM0", "GLM03", "GLM", "G", "ALL", " all "]
)
def test_codes_their_prefixes_and_all_are_valid_selectors(selector: str) -> None:
    assert selector_problem(selector) is None


@pytest.mark.parametrize(
    ("selector", "problem"),
    [
        ("GLM999", "'GLM999' is not a diagnostic code or a prefix of one; did you mean GLM9"),
        ("GML003", "'GML003' is not a diagnostic code or a prefix of one; did you mean GLM003"),
        ("GLM0033", "'GLM0033' is not"),
        ("E501", "'E501' is not a diagnostic code or a prefix of one"),
        ("", "an empty selector selects nothing"),
        (
            "GLM030 GLM031",
            "'GLM030 GLM031' has whitespace inside; separate selectors with commas: GLM030,GLM031",
        ),
    ],
)
def test_selectors_that_select_nothing_are_named_with_a_hint(selector: str, problem: str) -> None:
    found = selector_problem(selector)
    assert found is not None and found.startswith(problem)


def test_check_selectors_raises_value_error_for_the_api() -> None:
    check_selectors(["GLM0", "all", "GLM033"])
    with pytest.raises(ValueError, match=r"'GLM77'.*expected a code \(GLM003\)"):
        check_selectors(["GLM0", "GLM77"])
    with pytest.raises(ValueError, match=r'one selector per item: \["GLM030", "GLM031"\]'):
        check_selectors(["GLM030 GLM031"])


@pytest.mark.parametrize("rule", SOURCE_RULES, ids=lambda rule: rule.code)
def test_bad_example_reports_exactly_its_markers(
    rule: Rule, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    markers = set(expected_markers(rule.bad))
    assert markers and {code for _, code in markers} == {rule.code}
    assert reported(tmp_path, monkeypatch, strip_markers(rule.bad)) == markers


@pytest.mark.parametrize("rule", SOURCE_RULES, ids=lambda rule: rule.code)
def test_good_example_reports_nothing(
    rule: Rule, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert expected_markers(rule.good) == []
    assert reported(tmp_path, monkeypatch, rule.good) == set()


@pytest.mark.parametrize("rule", list(RULES.values()), ids=lambda rule: rule.code)
def test_explain_shows_both_examples_without_markers(rule: Rule) -> None:
    text = explain(rule.code.lower())
    assert text.startswith(f"{rule.code} ({rule.severity.value}): {rule.title}\n")
    assert "# expect:" not in text and "Bad:" in text and "Good:" in text
    assert text.index("Bad:") < text.index("Good:")
    if rule.examples == "source":
        for example in (rule.bad, rule.good):
            indented = textwrap.indent(strip_markers(example).rstrip("\n"), "    ")
            assert indented in text


def test_markers_are_read_and_stripped() -> None:
    source = "a = 1  # expect: GLM001\nb = 2\nc = 3  #expect: GLM002, GLM003\n"
    assert expected_markers(source) == [(1, "GLM001"), (3, "GLM002"), (3, "GLM003")]
    assert strip_markers(source) == "a = 1\nb = 2\nc = 3\n"


source_rules = st.sampled_from(SOURCE_RULES)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rule=source_rules, data=st.data())
def test_checks_never_raise_on_mutated_examples(
    rule: Rule, data: st.DataObject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = strip_markers(rule.bad + rule.good).split("\n")
    for _ in range(data.draw(st.integers(1, 4))):
        index = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["delete", "duplicate", "dedent"]))
        if action == "delete":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        else:
            lines[index] = lines[index].lstrip()
        lines = lines or [""]
    found = reported(tmp_path, monkeypatch, "\n".join(lines))
    assert {code for _, code in found} <= set(RULES)

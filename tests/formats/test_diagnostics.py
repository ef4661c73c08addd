"""Output formats (text, JSON, SARIF, GitHub), suppression comments and --select/--ignore."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codegen.api import check
from codegen.checks.rules import RULES, selector_problem
from codegen.diagnostics import (
    Diagnostic,
    RelatedLocation,
    Severity,
    comment_of,
    selected,
    suppressed,
    unscanned_hint,
)
from codegen.formats import format_github, format_json, format_sarif, format_text
from codegen.formats.sarif import artifact_uri

ROOT = Path(__file__).resolve().parents[2]
FORMATTERS = (format_text, format_json, format_sarif, format_github)
JSON_FIELDS = [
    *("code", "severity", "message", "path", "line", "column", "end_line", "end_column"),
    *("fixable", "fix"),
    "related",
]


def diag(path: str, line: int, column: int, code: str, message: str = "m") -> Diagnostic:
    severity = RULES[code].severity if code in RULES else Severity.ERROR
    return Diagnostic(path, line, column, code, line, column + 3, severity, message)


SAMPLE = [
    diag("b.py", 3, 1, "GLM030", "CounterAgent: atomically() region ..."),
    diag("a.py", 10, 5, "GLM003", 'CounterAgent: field "state.items[].owner" ...'),
    diag("a.py", 2, 7, "GLM011"),
    diag("a.py", 2, 7, "GLM010"),
    diag("pkg/sub dir/c.py", 1, 1, "GLM900", "syntax error: 100% wrong,\nreally: yes"),
]
ORDER = [
    ("a.py", 2, "GLM010"),
    ("a.py", 2, "GLM011"),
    ("a.py", 10, "GLM003"),
    ("b.py", 3, "GLM030"),
]

diagnostics = st.builds(
    Diagnostic,
    path=st.sampled_from(["a.py", "b.py", "pkg/c.py", "x y/ü.py"]),
    line=st.integers(1, 50),
    column=st.integers(1, 20),
    code=st.sampled_from(sorted(RULES)),
    end_line=st.integers(1, 60),
    end_column=st.integers(1, 30),
    severity=st.sampled_from(list(Severity)),
    message=st.text(max_size=40),
)


@given(st.lists(diagnostics, max_size=12), st.randoms(use_true_random=False))
def test_every_format_is_deterministic_whatever_the_input_order(
    items: list[Diagnostic], rng: random.Random
) -> None:
    shuffled = list(items)
    rng.shuffle(shuffled)
    for formatter in FORMATTERS:
        assert formatter(items) == formatter(shuffled) == formatter(iter(shuffled))


def test_text_lists_unscanned_files_first_then_by_path_line_column_code() -> None:
    lines = format_text(SAMPLE).splitlines()
    assert lines[0] == "pkg/sub dir/c.py:1:1: GLM900 [error] syntax error: 100% wrong, really: yes"
    assert [tuple(line.split(":")[:2]) for line in lines[1:5]] == [
        ("a.py", "2"),
        ("a.py", "2"),
        ("a.py", "10"),
        ("b.py", "3"),
    ]
    assert lines[1] == "a.py:2:7: GLM010 [error] m"
    assert lines[2] == "a.py:2:7: GLM011 [error] m"
    assert lines[4].startswith("b.py:3:1: GLM030 [warning] ")
    assert format_text([]) == ""
    assert format_text(SAMPLE).endswith("\n")


def test_json_has_the_fields_of_the_spec_sorted_and_indented() -> None:
    text = format_json(SAMPLE)
    assert text.endswith("]\n") and text.startswith('[\n  {\n    "code"')
    records = json.loads(text)
    assert [list(record) for record in records] == [JSON_FIELDS] * len(SAMPLE)
    assert [(r["path"], r["line"], r["code"]) for r in records][1:5] == ORDER
    assert records[4]["severity"] == "warning" and records[1]["severity"] == "error"
    assert records[0]["message"] == "syntax error: 100% wrong,\nreally: yes"
    assert records[1]["end_column"] == 10 and records[1]["end_line"] == 2
    assert format_json([]) == "[]\n"


def test_sarif_has_one_run_one_rule_per_code_and_located_results() -> None:
    log = json.loads(format_sarif(SAMPLE))
    assert "sarif-2.1.0" in log["$schema"] and log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "golem-codegen" and driver["informationUri"].startswith("https://")
    assert [rule["id"] for rule in driver["rules"]] == sorted(RULES)
    for rule in driver["rules"]:
        assert rule["name"] and rule["shortDescription"]["text"] and rule["help"]["text"]
        assert rule["fullDescription"]["text"] == RULES[rule["id"]].summary
        assert rule["defaultConfiguration"]["level"] == RULES[rule["id"]].severity.value
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["GLM900", "GLM010", "GLM011", "GLM003", "GLM030"]
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning") and result["message"]["text"]
    location = results[3]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "a.py"
    assert location["region"] == {"startLine": 10, "startColumn": 5, "endLine": 10, "endColumn": 8}
    first = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert first == "pkg/sub%20dir/c.py"


def test_sarif_without_diagnostics_still_lists_the_rules() -> None:
    log = json.loads(format_sarif([]))
    assert log["runs"][0]["results"] == [] and len(
        log["runs"][0]["tool"]["driver"]["rules"]
    ) == len(RULES)


def test_artifact_uris_are_relative_with_forward_slashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert artifact_uri("./pkg/a.py") == "pkg/a.py"
    assert artifact_uri(str(ROOT / "fixtures" / "x.py")) == "fixtures/x.py"
    assert artifact_uri("/elsewhere/x.py").startswith("file:///")


def test_github_annotations_escape_data_and_properties() -> None:
    lines = format_github(SAMPLE).splitlines()
    assert lines[0].endswith("::syntax error: 100%25 wrong,%0Areally: yes")
    assert lines[1] == (
        "::error file=a.py,line=2,col=7,endLine=2,endColumn=10,title=golem-codegen (GLM010)::m"
    )
    assert lines[4].startswith("::warning file=b.py,line=3,col=1,")
    odd = diag("we,ird:name.py", 1, 1, "GLM001", "a\r\nb")
    assert format_github([odd]) == (
        "::error file=we%2Cird%3Aname.py,line=1,col=1,endLine=1,endColumn=4,"
        "title=golem-codegen (GLM001)::a%0D%0Ab\n"
    )


@pytest.mark.parametrize(
    ("applicability", "command"),
    [("safe", "golem-codegen check --fix"), ("unsafe", "golem-codegen check --fix --unsafe-fixes")],
)
def test_a_github_annotation_says_how_to_fix_it(applicability: str, command: str) -> None:
    from codegen.diagnostics import Fix

    fixable = replace(SAMPLE[3], fix=Fix(applicability, "fix it", ()))  # type: ignore[arg-type]
    assert format_github([fixable]).endswith(f"::m [*] fixable with `{command}`\n")
    assert "[*]" not in format_github([SAMPLE[3]])


@given(st.lists(diagnostics, max_size=8))
def test_github_writes_one_line_per_diagnostic(items: list[Diagnostic]) -> None:
    lines = format_github(items).split("\n")
    assert lines[-1] == "" and len(lines) - 1 == len(items)
    assert all(line.startswith(("::error ", "::warning ")) for line in lines[:-1])


@pytest.mark.parametrize(
    ("code", "line", "expected"),
    [
        ("GLM007", "@agent(mode='ephemeral')  # golem: ignore[GLM007]", True),
        ("GLM007", "@agent(mode='ephemeral')  # golem: ignore[GLM030, GLM007]", True),
        ("GLM007", "@agent(mode='ephemeral')  #golem:ignore[ glm007 ]", True),
        ("GLM007", "x = 1  # GOLEM: IGNORE", True),
        ("GLM007", "x = 1  # noqa: E501  # golem: ignore", True),
        ("GLM031", "x = 1  # golem: ignore[GLM03]", True),
        ("GLM007", "x = 1  # golem: ignore[GLM030]", False),
        ("GLM007", "x = 1  # golem: ignore[]", False),
        ("GLM007", "x = '# golem: ignore'", False),
        ("GLM007", 'x = "it\'s # golem: ignore"', False),
        ("GLM007", 'x = "a \\" # golem: ignore"', False),
        ("GLM007", "x = 1  # golem: ignored-by-nobody", False),
        ("GLM007", "x = 1", False),
    ],
)
def test_suppression_comments(code: str, line: str, expected: bool) -> None:
    assert suppressed(code, line) is expected


def test_comment_of_skips_hashes_inside_strings() -> None:
    assert comment_of("x = '#' + \"#\"  # real") == " real"
    assert comment_of("x = 1") is None


code_text = st.text(st.characters(exclude_characters="#'\"\\\r\n"), max_size=30)


@given(code_text, st.sampled_from(sorted(RULES)))
def test_a_trailing_comment_suppresses_and_a_string_does_not(code_part: str, code: str) -> None:
    assert suppressed(code, f"{code_part}  # golem: ignore[{code}]")
    assert suppressed(code, f"{code_part}  # golem: ignore")
    assert not suppressed(code, f"{code_part} = '# golem: ignore[{code}]'")
    assert not suppressed(code, f"{code_part}  # golem: ignore[GLM999]")


@pytest.mark.parametrize(
    ("code", "select", "ignore", "expected"),
    [
        ("GLM003", (), (), True),
        ("GLM003", ("GLM0",), (), True),
        ("GLM003", ("GLM03",), (), False),
        ("GLM031", (), ("GLM03",), False),
        ("GLM003", ("GLM003",), ("GLM0",), True),
        ("GLM003", ("GLM0",), ("GLM003",), False),
        ("GLM003", ("GLM003",), ("GLM003",), False),
        ("GLM003", ("glm00",), (), True),
        ("GLM900", ("ALL",), ("GLM9",), False),
        ("GLM900", (), ("ALL",), False),
    ],
)
def test_select_and_ignore_by_code_or_prefix(
    code: str, select: tuple[str, ...], ignore: tuple[str, ...], expected: bool
) -> None:
    assert selected(code, select, ignore) is expected


selector_texts = st.one_of(
    st.text(alphabet="GLMglm0123479 ,\tAa", max_size=8),
    st.sampled_from([code[:length] for code in RULES for length in range(1, 7)]),
)


@given(selector_texts)
def test_a_selector_is_valid_exactly_when_it_selects_some_code(selector: str) -> None:
    selects = any(selected(code, (selector,), ()) for code in RULES)
    ignores = any(not selected(code, (), (selector,)) for code in RULES)
    assert (selector_problem(selector) is None) is selects is ignores


def test_the_example_project_is_clean_in_every_format(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT / "fixtures" / "examples")
    # Generated-file freshness (GLM040-042) is the generator's golden test; here: the checks.
    result = check(["."], ignore=("GLM04",))
    assert result.diagnostics == () and result.files >= 8
    assert format_text(result.diagnostics) == "" and format_json(result.diagnostics) == "[]\n"
    assert json.loads(format_sarif(result.diagnostics))["runs"][0]["results"] == []


def test_related_locations_in_text_json_and_sarif() -> None:
    note = RelatedLocation("base.py", 7, 5, 7, 9, "declared here")
    d = replace(diag("agents.py", 3, 1, "GLM003", "field lock"), related=(note,))
    assert format_text([d]).splitlines() == [
        "agents.py:3:1: GLM003 [error] field lock",
        "base.py:7:5: note: declared here",
    ]
    record = json.loads(format_json([d]))[0]
    assert record["related"] == [
        {"message": "declared here", "path": "base.py", "line": 7, "column": 5}
        | {"end_line": 7, "end_column": 9}
    ]
    result = json.loads(format_sarif([d]))["runs"][0]["results"][0]
    [related] = result["relatedLocations"]
    assert related["id"] == 1 and related["message"] == {"text": "declared here"}
    location = related["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "base.py"
    assert location["region"] == {"startLine": 7, "startColumn": 5, "endLine": 7, "endColumn": 9}
    assert (
        "relatedLocations"
        not in json.loads(format_sarif([diag("a.py", 1, 1, "GLM003")]))["runs"][0]["results"][0]
    )


def test_the_summary_names_unscanned_files_to_fix_first() -> None:
    assert unscanned_hint(SAMPLE) == " Fix first (could not be scanned): pkg/sub dir/c.py."
    assert unscanned_hint(SAMPLE[:4]) == "" and unscanned_hint([]) == ""

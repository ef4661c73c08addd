"""The snapshotting grammar of SPEC §3, shared by the checks and the runtime."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runtime_stub import agent
from runtime_stub.snapshotting import (
    Disabled,
    Enabled,
    EveryN,
    Periodic,
    SnapshottingError,
    SnapshottingPolicy,
    format_duration,
    parse_duration,
    parse_snapshotting,
)

SECOND = 1_000_000_000


@pytest.mark.parametrize(
    ("value", "policy"),
    [
        ("disabled", Disabled()),
        ("enabled", Enabled()),
        ("every(1)", EveryN(1)),
        ("every( 5 )", EveryN(5)),
        ("every(65535)", EveryN(65535)),
        ("periodic(30s)", Periodic(30 * SECOND)),
        ("periodic(5m)", Periodic(300 * SECOND)),
        ("periodic(1h 30m)", Periodic(5400 * SECOND)),
        ("periodic(1h30m)", Periodic(5400 * SECOND)),
        ("periodic(500ms)", Periodic(SECOND // 2)),
        ("periodic(2days)", Periodic(2 * 86400 * SECOND)),
        ("periodic( 30s )", Periodic(30 * SECOND)),
    ],
)
def test_valid_values(value: str, policy: object) -> None:
    assert parse_snapshotting(value) == policy


@pytest.mark.parametrize(
    ("value", "suggestion"),
    [
        ("every_n(5)", "every(5)"),
        ("periodic(30)", "periodic(30s)"),
        ("every(0)", "every(1)"),
        ("every(70000)", "every(65535)"),
        ("true", "enabled"),
        ("interval(10s)", "periodic(10s)"),
        ("sometimes", None),
        ("every(x)", None),
        ("periodic(0s)", None),
        ("periodic(3 fortnights)", None),
        ("", "disabled"),
        ("every (5)", "every(5)"),
        (" every(5)", "every(5)"),
        ("every(5) ", "every(5)"),
        ("disabled ", "disabled"),
        ("\tenabled\n", "enabled"),
        ("Enabled", "enabled"),
        ("Disabled", "disabled"),
        ("EVERY(5)", "every(5)"),
        ("Periodic (30s)", "periodic(30s)"),
        ("every(10s)", "periodic(10s)"),
        ("every(1h 30m)", "periodic(1h 30m)"),
        ("EVERY(0)", "every(1)"),
        ("every_n(0)", "every(1)"),
        (" Every_N(5)", "every(5)"),
        ("periodic(0)", None),
        ("interval(soon)", None),
        ("every(²)", None),
        ("every(５)", None),
    ],
)
def test_invalid_values_suggest_the_intended_one(value: str, suggestion: str | None) -> None:
    with pytest.raises(SnapshottingError) as caught:
        parse_snapshotting(value)
    assert caught.value.suggestion == suggestion
    assert '"every(N)"' in str(caught.value) and "periodic(D)" in str(caught.value)


@given(st.integers(min_value=1, max_value=65535), st.sampled_from(["", " ", "  "]))
def test_every_accepts_its_whole_range(count: int, pad: str) -> None:
    assert parse_snapshotting(f"every({pad}{count}{pad})") == EveryN(count)


@given(st.integers(min_value=1, max_value=10**15))
def test_durations_round_trip_through_their_rendering(nanos: int) -> None:
    assert parse_duration(format_duration(nanos)) == nanos
    assert parse_snapshotting(str(Periodic(nanos))) == Periodic(nanos)


@given(st.text(max_size=30))
def test_parse_never_fails_other_than_with_a_snapshotting_error(text: str) -> None:
    try:
        parse_snapshotting(text)
    except SnapshottingError as error:
        assert error.value == text


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("every (5)", "no whitespace is allowed outside the parentheses"),
        ("disabled ", "no whitespace is allowed outside the parentheses"),
        ("EVERY(5)", "the forms are written in lower case"),
        (" Enabled", "outside the parentheses and the forms are written in lower case"),
        ("every(10s)", "a duration needs periodic(D)"),
    ],
)
def test_near_misses_say_what_is_off_and_list_the_valid_forms(value: str, reason: str) -> None:
    with pytest.raises(SnapshottingError) as caught:
        parse_snapshotting(value)
    assert reason in caught.value.reason
    assert '"disabled", "enabled", "every(N)"' in str(caught.value)


def test_the_runtime_decorator_refuses_near_misses_too() -> None:
    with pytest.raises(SnapshottingError, match=r'did you mean "every\(5\)"'):
        agent(snapshotting="every (5)")


policies = st.one_of(
    st.just(Disabled()),
    st.just(Enabled()),
    st.builds(EveryN, st.integers(min_value=1, max_value=65535)),
    st.builds(Periodic, st.integers(min_value=1, max_value=10**15)),
)
outer_space = st.text(alphabet=" \t\n", max_size=3)


@given(policies, outer_space, outer_space)
def test_whitespace_outside_a_valid_value_is_refused_with_the_value_suggested(
    policy: SnapshottingPolicy, before: str, after: str
) -> None:
    value = f"{before}{policy}{after}"
    if not before and not after:
        assert parse_snapshotting(value) == policy
        return
    with pytest.raises(SnapshottingError) as caught:
        parse_snapshotting(value)
    assert caught.value.suggestion == str(policy)


@given(policies, st.booleans())
def test_an_upper_case_name_is_refused_with_the_lower_case_one_suggested(
    policy: SnapshottingPolicy, spaced: bool
) -> None:
    name, paren, rest = str(policy).partition("(")
    value = name.upper() + (" " if spaced and paren else "") + paren + rest
    with pytest.raises(SnapshottingError) as caught:
        parse_snapshotting(value)
    assert caught.value.suggestion == str(policy)


near_misses = st.lists(
    st.sampled_from(
        ["every", "EVERY", "periodic", "Periodic", "every_n", "interval", "disabled", "Enabled",
         "(", ")", " ", "\t", "0", "5", "70000", "s", "ms", "1h", "x", "²"]
    ),
    max_size=6,
).map("".join)  # fmt: skip


@given(st.one_of(st.text(max_size=30), near_misses))
def test_every_suggestion_is_itself_a_valid_value(text: str) -> None:
    try:
        parse_snapshotting(text)
    except SnapshottingError as error:
        if error.suggestion is not None:
            parse_snapshotting(error.suggestion)

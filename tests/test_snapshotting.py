"""The snapshotting grammar of SPEC §3, shared by the checks and the runtime."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runtime_stub.snapshotting import (
    Disabled,
    Enabled,
    EveryN,
    Periodic,
    SnapshottingError,
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

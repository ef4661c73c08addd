"""State versions in the runtime: `stateVersion` in the envelope, the migration chain, its errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runtime_stub import SnapshotError
from runtime_stub import snapshot as sj


def decode(data: object) -> dict[str, Any]:
    assert isinstance(data, dict)
    return data


def envelope(state: object, version: int | None = None) -> bytes:
    document: dict[str, object] = {"principal": {"tag": "anonymous"}, "state": state, "version": 1}
    if version is not None:
        document["stateVersion"] = version
    return json.dumps(document).encode()


def step(key: str) -> Any:
    def migrate(state: dict[str, Any]) -> dict[str, Any]:
        return {**state, key: len(state)}

    migrate.__qualname__ = f"Agent.add_{key}"
    return migrate


CHAIN = {1: step("b"), 2: step("c")}


def test_an_envelope_without_state_version_is_version_one_and_runs_every_step() -> None:
    assert sj.load(envelope({"a": 0}), decode, "A", 3, CHAIN) == {"a": 0, "b": 1, "c": 2}
    assert sj.load(envelope({"a": 0}, 2), decode, "A", 3, CHAIN) == {"a": 0, "c": 1}
    assert sj.load(envelope({"a": 0}, 3), decode, "A", 3, CHAIN) == {"a": 0}


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (envelope({}, 4), "state version 4 is newer than this code's 3"),
        (envelope({}, 0), '"stateVersion" must be an integer >= 1, not 0'),
        (envelope({}, True), '"stateVersion" must be an integer >= 1, not true'),  # type: ignore[arg-type]
        (envelope([], 1), "migration Agent.add_b needs a state object of version 1"),
    ],
)
def test_bad_versions_are_snapshot_errors(payload: bytes, message: str) -> None:
    with pytest.raises(SnapshotError, match="cannot load the JSON snapshot of A") as raised:
        sj.load(payload, decode, "A", 3, CHAIN)
    assert message in str(raised.value)


def test_a_missing_step_says_which_migration_to_add() -> None:
    with pytest.raises(SnapshotError, match=r"state version 2 has no migration .*from_version=2"):
        sj.load(envelope({}, 1), decode, "A", 3, {1: step("b")})


def test_save_writes_state_version_from_two_on_with_sorted_keys() -> None:
    one = sj.save(lambda agent: {"x": 1}, object(), "A").payload
    three = sj.save(lambda agent: {"x": 1}, object(), "A", 3).payload
    assert b"stateVersion" not in one
    assert list(json.loads(three)) == ["principal", "state", "stateVersion", "version"]
    assert json.loads(three)["stateVersion"] == 3


@given(st.integers(min_value=1, max_value=30), st.integers(min_value=1, max_value=30))
def test_any_older_version_reaches_the_current_one(found: int, current: int) -> None:
    chain = {v: step(f"k{v}") for v in range(1, 31)}
    payload = envelope({}, found)
    if found > current:
        with pytest.raises(SnapshotError, match="is newer than this code's"):
            sj.load(payload, decode, "A", current, chain)
        return
    state = sj.load(payload, decode, "A", current, chain)
    assert sorted(state) == sorted(f"k{v}" for v in range(found, current))

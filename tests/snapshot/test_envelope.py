"""The runtime half of JSON snapshots: both JSON back ends, the envelope, errors, custom pairs."""

from __future__ import annotations

import asyncio
import json
import math
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runtime_stub import SnapshotError
from runtime_stub import snapshot as sj
from runtime_stub.snapshot import envelope

orjson = pytest.importorskip("orjson")


@pytest.fixture
def stdlib_only() -> Iterator[None]:
    """Run with the standard library alone, as without the optional accelerator."""
    saved, envelope._orjson = envelope._orjson, None
    try:
        yield
    finally:
        envelope._orjson = saved


# --------------------------------------------------------------------------- byte identity

TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**64), max_value=2**64),
    st.floats(allow_nan=False, allow_infinity=False).map(sj.save_float),
    TEXT,
    st.uuids(),
    st.datetimes().map(sj.save_datetime),
    st.datetimes(timezones=st.just(UTC)).map(sj.save_datetime),
    st.datetimes(timezones=st.builds(timezone, st.timedeltas(-timedelta(hours=23), timedelta(hours=23)))).map(sj.save_datetime),
    st.dates().map(sj.save_date),
    st.times().map(sj.save_time),
    st.times(timezones=st.just(UTC)).map(sj.save_time),
)  # fmt: skip
TREES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=400)
@given(TREES)
def test_orjson_and_the_standard_library_write_the_same_bytes(tree: object) -> None:
    assert sj.dumps(tree) == sj.dumps_stdlib(tree)


@pytest.mark.parametrize(
    "value",
    [
        1e16,
        1e-7,
        -0.0,
        0.0,
        1e-5,
        1e-4,
        9999999999999998.0,
        5e-324,
        1.7976931348623157e308,
        0.1,
        -1e22,
    ],
)
def test_floats_every_json_back_end_formats_alike(value: float) -> None:
    document = {"f": sj.save_float(value)}
    assert (
        sj.dumps(document)
        == sj.dumps_stdlib(document)
        == json.dumps(document, separators=(",", ":")).encode()
    )
    assert json.loads(sj.dumps(document))["f"] == value


def test_strings_ints_and_control_characters_are_byte_identical() -> None:
    document = {"s": 'é \u2028 \u2029 \x00 \x1f \x7f \t\n "q" \\ 😀', "big": 2**80, "neg": -(2**70)}
    assert sj.dumps(document) == sj.dumps_stdlib(document)
    assert b"\xe2\x80\xa8" in sj.dumps(document)  # U+2028 is written raw, like orjson does


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_floats_are_refused(value: float) -> None:
    with pytest.raises(sj.FieldError, match="not a finite float"):
        sj.save_float(value)


def test_ints_in_float_fields_are_saved_as_floats() -> None:
    assert sj.dumps({"f": sj.save_float(3)}) == b'{"f":3.0}'


# --------------------------------------------------------------------------- envelope and errors


def _decode_count(data: object) -> int:
    """Like a generated decoder: check the object, decode each field, name it on failure."""
    state = sj.object_of(data, {"count"})
    try:
        return sj.load_int(state["count"])
    except Exception as error:
        raise sj.at(error, "count") from None


def _encode_count(value: int) -> dict[str, object]:
    return {"count": value}


def test_envelope_keys_are_sorted_and_compact() -> None:
    snapshot = sj.save(_encode_count, 3, "Counter")
    assert snapshot.payload == b'{"principal":{"tag":"anonymous"},"state":{"count":3},"version":1}'
    assert snapshot.mime_type == "application/json"
    assert sj.load(snapshot.payload, _decode_count, "Counter") == 3


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"[1]", "the payload is an array of 1 items, not a snapshot object"),
        (b'{"state":{"count":1}}', "unsupported snapshot version: no version"),
        (b'{"state":{"count":1},"version":2}', "unsupported snapshot version: 2"),
        (b'{"state":{"count":1},"version":true}', "unsupported snapshot version: true"),
        (b'{"version":1}', 'the payload has no "state"'),
        (b'{"principal":1,"state":{},"version":1}', '"principal" must be an object'),
        (b'{"state":{"count":"1"},"version":1}', 'count: expected an integer, got the string "1"'),
        (b'{"state":{"count":1.0},"version":1}', "count: expected an integer, got 1.0"),
        (b'{"state":{"count":NaN},"version":1}', "NaN is not JSON"),
        (b'{"state":{},"version":1}', 'keys do not match the fields: missing "count"'),
        (b'{"state":{"count":1,"x":2},"version":1}', 'unexpected "x"'),
        (b"\xff", "UnicodeDecodeError"),
        (b"{", "JSONDecodeError"),
    ],
)
def test_load_errors_name_the_problem(payload: bytes, message: str) -> None:
    with pytest.raises(SnapshotError, match="cannot load the JSON snapshot of Counter") as raised:
        sj.load(payload, _decode_count, "Counter")
    assert message in str(raised.value)


def test_integers_beyond_64_bits_load_exactly_with_orjson_installed() -> None:
    payload = b'{"state":{"count":123456789012345678901234567890},"version":1}'
    assert orjson.loads(payload)["state"]["count"] == 1.2345678901234568e29  # orjson's reading
    assert sj.load(payload, _decode_count, "Counter") == 123456789012345678901234567890


@pytest.mark.usefixtures("stdlib_only")
def test_the_standard_library_path_alone() -> None:
    snapshot = sj.save(_encode_count, 2**70, "Counter")
    assert sj.load(snapshot.payload, _decode_count, "Counter") == 2**70
    with pytest.raises(SnapshotError, match="count: expected an integer"):
        sj.load(b'{"state":{"count":null},"version":1}', _decode_count, "Counter")


def test_save_errors_carry_the_field_path() -> None:
    def encode(value: list[float]) -> dict[str, object]:
        return {"ratios": sj.save_list(value, sj.save_float)}

    with pytest.raises(SnapshotError) as raised:
        sj.save(encode, [1.0, math.nan], "Stats")
    assert str(raised.value).startswith("cannot save the JSON snapshot of Stats: [1]: nan is not")


def test_lone_surrogates_are_refused_with_a_hint() -> None:
    with pytest.raises(SnapshotError, match="no lone surrogates"):
        sj.save(_encode_count, "\ud800", "Counter")  # type: ignore[arg-type]


def test_field_paths_nest_through_containers() -> None:
    data = {"a": [[1, 2], [3, "x"]]}
    with pytest.raises(sj.FieldError) as raised:
        try:
            sj.load_dict(
                data, sj.same, lambda v: sj.load_list(v, lambda i: sj.load_list(i, sj.load_int))
            )
        except Exception as error:
            raise sj.at(error, "grid") from None
    assert raised.value.path == 'grid["a"][1][1]'


# --------------------------------------------------------------------------- value codecs


@given(st.uuids())
def test_uuids_load_from_their_canonical_text(value: UUID) -> None:
    assert sj.load_uuid(str(value)) == value
    assert sj.load_uuid(str(value).upper()) == value


@pytest.mark.parametrize(
    "text",
    ["", "x" * 36, "{12345678-1234-1234-1234-123456789012}", "1234567812341234123412345678901_"],
)
def test_malformed_uuids_are_refused(text: str) -> None:
    with pytest.raises(sj.FieldError, match="a UUID"):
        sj.load_uuid(text)


@pytest.mark.parametrize("text", ["01", " 1", "1_0", "+1", "٣", "1.0"])
def test_int_keys_must_be_canonical(text: str) -> None:
    with pytest.raises(sj.FieldError):
        sj.load_int_key(text)


@given(st.integers())
def test_int_keys_round_trip(value: int) -> None:
    assert sj.load_int_key(str(value)) == value


def test_choices_are_type_exact() -> None:
    values: tuple[object, ...] = (1, True, "a")
    assert sj.choice(1, values) == 1 and type(sj.choice(1, values)) is int
    assert sj.choice(True, values) is True
    with pytest.raises(sj.FieldError, match=re.escape('expected one of 1, true, "a", got 1.0')):
        sj.choice(1.0, values)


def test_enum_members_are_type_exact() -> None:
    from enum import Enum

    class Level(Enum):
        ONE = 1
        TWO = "2"

    table = sj.members(Level)
    assert sj.member(1, table) is Level.ONE and sj.member("2", table) is Level.TWO
    for wrong in (True, 1.0, "1", 2, [1]):
        with pytest.raises(sj.FieldError, match='expected one of 1, "2"'):
            sj.member(wrong, table)
    assert sj.key_table(Level) == {"1": Level.ONE, "2": Level.TWO}


@pytest.mark.parametrize(
    ("save", "load", "value"),
    [
        (sj.save_timedelta, sj.load_timedelta, timedelta(days=-3, seconds=5, microseconds=7)),
        (sj.save_bytes, sj.load_bytes, b"\x00\xffbinary"),
        (sj.save_date, sj.load_date, date(1, 1, 1)),
        (
            sj.save_time,
            sj.load_time,
            time(23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-5))),
        ),
        (
            sj.save_datetime,
            sj.load_datetime,
            datetime(2024, 2, 29, 1, 2, 3, 4, tzinfo=timezone(timedelta(seconds=1))),
        ),
    ],
)
def test_scalar_codecs_round_trip_through_json(save: Any, load: Any, value: object) -> None:
    assert load(json.loads(sj.dumps({"v": save(value)}))["v"]) == value


def test_sets_are_sorted_and_dicts_sorted_by_key_text() -> None:
    assert sj.save_sorted({3, 1, 2}, sj.same) == [1, 2, 3]
    assert sj.save_sorted_json({(2, "b"), (1, "a")}, lambda t: list(t)) == [[1, "a"], [2, "b"]]
    assert list(sj.save_dict({10: "x", 9: "y"}, str, sj.same)) == ["10", "9"]


def test_defaults_give_fresh_values() -> None:
    from dataclasses import dataclass, field

    @dataclass
    class Holder:
        items: list[int] = field(default_factory=list)
        name: str = "n"

    make_items, make_name = sj.defaults(Holder, ("items", "name"))
    assert make_items() == [] and make_items() is not make_items()
    assert make_name() == "n"


# --------------------------------------------------------------------------- custom pairs


class Custom:
    def __init__(self) -> None:
        self.data = b""

    def save_snapshot(self) -> bytes:
        return b"sync"

    async def save_async(self) -> bytes:
        await asyncio.sleep(0)
        return b"async"

    def load_snapshot(self, data: bytes) -> None:
        if data == b"bad":
            raise ValueError("bad data")
        self.data = data

    async def load_async(self, data: bytes) -> None:
        await asyncio.sleep(0)
        self.data = data


def test_custom_pairs_sync_and_async() -> None:
    agent = Custom()
    assert sj.save_custom(agent.save_snapshot, "Custom").payload == sj.wrap_binary(b"sync")
    snapshot = sj.save_custom(agent.save_async, "Custom")
    assert (snapshot.payload, snapshot.mime_type) == (
        sj.wrap_binary(b"async"),
        "application/octet-stream",
    )
    sj.load_custom(agent.load_async, sj.wrap_binary(b"loaded"), "Custom")
    assert agent.data == b"loaded"
    with pytest.raises(
        SnapshotError, match=re.escape("Custom.load_snapshot failed: ValueError: bad data")
    ):
        sj.load_custom(agent.load_snapshot, sj.wrap_binary(b"bad"), "Custom")


def test_async_custom_pairs_inside_a_running_event_loop() -> None:
    agent = Custom()

    async def main() -> bytes:
        return sj.save_custom(agent.save_async, "Custom").payload

    assert asyncio.run(main()) == sj.wrap_binary(b"async")


def test_custom_save_must_return_bytes() -> None:
    with pytest.raises(SnapshotError, match="returned str, not bytes"):
        sj.save_custom(lambda: "text", "Custom")  # type: ignore[arg-type, return-value]


def test_agents_without_snapshot_support_say_why() -> None:
    error = sj.unsupported("Echo", "it is not a dataclass")
    assert str(error) == "agent Echo has no snapshot support: it is not a dataclass"

"""Golem's binary envelope of custom snapshots (SPEC §7), byte for byte, and what loading refuses."""

from __future__ import annotations

import re
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runtime_stub import SnapshotError
from runtime_stub import snapshot as sj

PRINCIPAL = b'{"tag":"anonymous"}'


def golem_layout(data: bytes) -> bytes:
    """The layout every Golem SDK writes, built independently: version 2, u32 BE length, JSON, data."""
    return struct.pack(">BI", 2, len(PRINCIPAL)) + PRINCIPAL + data


def test_the_envelope_is_golems_layout_byte_for_byte() -> None:
    assert sj.wrap_binary(b"\x00\x01state") == (
        b'\x02\x00\x00\x00\x13{"tag":"anonymous"}\x00\x01state'
    )
    assert len(PRINCIPAL) == 0x13
    snapshot = sj.save_custom(lambda: b"abc", "Custom")
    assert (snapshot.payload, snapshot.mime_type) == (
        golem_layout(b"abc"),
        "application/octet-stream",
    )


@given(data=st.binary(max_size=64))
def test_save_and_load_round_trip_any_bytes(data: bytes) -> None:
    payload = sj.save_custom(lambda: data, "Custom").payload
    assert payload == golem_layout(data)
    received: list[bytes] = []
    sj.load_custom(received.append, payload, "Custom")
    assert received == [data]


def test_another_principal_is_accepted_and_only_the_agents_bytes_are_handed_over() -> None:
    principal = b'{"tag":"oidc","sub":"user-1"}'
    received: list[bytes] = []
    sj.load_custom(
        received.append, b"\x02" + struct.pack(">I", len(principal)) + principal + b"xy", "C"
    )
    assert received == [b"xy"]


def test_the_legacy_form_is_accepted() -> None:
    received: list[bytes] = []
    sj.load_custom(received.append, b"\x01legacy", "Custom")
    assert received == [b"legacy"]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"", "the payload is empty"),
        (b"\x00abc", "unknown envelope version byte 0x00"),
        (b"\x03" + PRINCIPAL, "unknown envelope version byte 0x03"),
        (b"{}", "unknown envelope version byte 0x7b"),
        (b"\x02", "the envelope header is truncated (1 of 5 bytes)"),  # Golem's own refusals
        (b"\x02\x00\x00\x00", "the envelope header is truncated (4 of 5 bytes)"),
        (b"\x02\x00\x00\x00\x02{", "says the principal takes 2 bytes, but only 1 follow"),
        (b"\x02\x00\x00", "the envelope header is truncated (3 of 5 bytes)"),
        (b"\x02\x00\x00\x00\x13{}", "says the principal takes 19 bytes, but only 2 follow"),
        (b"\x02\x00\x00\x00\x02{x", "the principal is not JSON"),
        (b"\x02\x00\x00\x00\x02[]", "the principal must be a JSON object"),
    ],
)
def test_anything_else_is_a_snapshot_error(payload: bytes, message: str) -> None:
    received: list[bytes] = []
    with pytest.raises(SnapshotError, match=re.escape(message)) as raised:
        sj.load_custom(received.append, payload, "Custom")
    assert str(raised.value).startswith("cannot load the binary snapshot of Custom: ")
    assert received == []

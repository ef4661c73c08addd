"""Oplog text cannot be forged: whatever a value holds, only entry headers start a line with `#`."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from runtime_stub.oplog.entries import ERROR, HOST_CALL, OplogEntry, format_oplog

HEADER = re.compile(r"^#\d{5}:$")
texts = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",))
    | st.sampled_from("\n\r\x0b\x0c\x1c\x85\u2028#:0"),
    max_size=40,
)


def entries(error: str, name: str) -> list[OplogEntry]:
    return [
        OplogEntry(1, ERROR, 0, {"error": error}),
        OplogEntry(2, HOST_CALL, 0, {"name": name, "input": "[]", "error": error}),
    ]


def test_a_multi_line_error_is_indented_under_its_field() -> None:
    text = format_oplog(entries("boom\n#00009:\nCREATE\x1b[2J", "charge"))
    lines = text.splitlines()
    assert [line for line in lines if HEADER.match(line)] == ["#00001:", "#00002:"]
    error = lines.index(next(line for line in lines if line.strip().startswith("error:")))
    assert lines[error].endswith("boom")
    assert lines[error + 1] == " " * 29 + "#00009:"
    assert lines[error + 2] == " " * 29 + "CREATE\\x1b[2J"


@given(texts, texts)
def test_no_value_can_start_a_line_like_an_entry_header(error: str, name: str) -> None:
    text = format_oplog(entries(error, name))
    headers = [line for line in text.split("\n") if HEADER.match(line)]
    assert headers == ["#00001:", "#00002:"]
    assert all(not line.startswith("#") or HEADER.match(line) for line in text.splitlines())

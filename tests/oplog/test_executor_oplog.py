"""`format_oplog` prints like `golem agent oplog`, and the CLI helper reads it back from SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from runtime_stub import Executor, OplogEntry, SqliteOplogStore, format_oplog
from runtime_stub.oplog.command import print_oplog
from runtime_stub.oplog.entries import KINDS, format_at, format_entry
from tests.executor.support import EFFECTS, Counter, FakeClock, agent_type

EXPECTED = """\
#00001:
CREATE
          at:                2023-11-14T22:13:20.001Z
          agent type:        Counter
          class:             tests.executor.support:Counter
          constructor args:  ["c1"]
#00002:
INVOKE add
          at:                2023-11-14T22:13:20.003Z
          idempotency key:   k-1
          input:
            [2]
#00003:
INVOKE COMPLETED (method)
          at:                2023-11-14T22:13:20.004Z
          output:
            2
#00004:
INVOKE charge
          at:                2023-11-14T22:13:20.007Z
          idempotency key:   k-2
          input:
            [3]
#00005:
CALL durable_call:external_charge
          at:                2023-11-14T22:13:20.009Z
          input:             ["c1", 3]
          result:            "receipt-1"
#00006:
INVOKE COMPLETED (method)
          at:                2023-11-14T22:13:20.010Z
          output:
            5
#00007:
SNAPSHOT
          at:                2023-11-14T22:13:20.013Z
          mime type:         application/json
          data:              {
                               "principal": {
                                 "tag": "anonymous"
                               },
                               "state": {
                                 "count": 5,
                                 "history": [
                                   "add 2",
                                   "receipt-1"
                                 ],
                                 "name": "c1"
                               },
                               "version": 1
                             }
#00008:
INVOKE fail
          at:                2023-11-14T22:13:20.015Z
          idempotency key:   k-3
          input:
            []
#00009:
ERROR
          at:                2023-11-14T22:13:20.016Z
          error:             ValueError: c1 refuses
"""


@pytest.fixture(autouse=True)
def _clear_effects() -> Iterator[None]:
    EFFECTS.clear()
    yield
    EFFECTS.clear()


def run_sample(ex: Executor) -> None:
    ex.invoke("Counter", ["c1"], "add", [2], idempotency_key="k-1")
    ex.invoke("Counter", ["c1"], "charge", [3], idempotency_key="k-2")
    with pytest.raises(ValueError):
        ex.invoke("Counter", ["c1"], "fail", idempotency_key="k-3")


def ticking_clock() -> FakeClock:
    return FakeClock(1_700_000_000_000_000_000, tick=1_500_000)


def test_format_oplog_prints_like_golem_agent_oplog(tmp_path: Path) -> None:
    clock = ticking_clock()
    store = SqliteOplogStore(tmp_path / "oplog.db")
    with Executor(store, agent_types=[agent_type(Counter, "every(2)")], clock=clock) as ex:
        run_sample(ex)
        assert ex.format_oplog('Counter("c1")') == EXPECTED


def test_print_oplog_reads_the_store_without_the_agent_code(tmp_path: Path) -> None:
    path = tmp_path / "oplog.db"
    clock = ticking_clock()
    with Executor(SqliteOplogStore(path), agent_types=[agent_type(Counter, "every(2)")],
                  clock=clock) as ex:  # fmt: skip
        run_sample(ex)
    assert print_oplog(path, 'Counter("c1")') == EXPECTED
    assert print_oplog(path, 'Counter("nobody")') is None


def entry(kind: str, **data: object) -> OplogEntry:
    return OplogEntry(21, kind, 0, data)


def test_every_kind_has_a_golem_style_rendering() -> None:
    value = [1, "x"]
    samples = {
        "create": entry("create", type_name="T", **{"class": "m:T"}, args=value),
        "agent-invocation-started": entry(
            "agent-invocation-started", method="m", args=value, idempotency_key="k"
        ),
        "agent-invocation-finished": entry("agent-invocation-finished", result=value),
        "error": entry("error", error="ValueError: no"),
        "host-call": entry("host-call", name="now", input="[]", result=value),
        "begin-atomic-region": entry("begin-atomic-region"),
        "end-atomic-region": entry("end-atomic-region", begin_index=3),
        "change-persistence-level": entry("change-persistence-level", level="persist-nothing"),
        "snapshot": entry("snapshot", payload=b"\x00\x01", mime_type="application/octet-stream"),
        "pending-update": entry(
            "pending-update", target="V2", mode="snapshot", payload=None, mime_type=None
        ),
        "successful-update": entry("successful-update", target="V2", **{"class": "m:V2"}),
        "failed-update": entry("failed-update", target="V2", error="boom"),
        "jump": entry("jump", **{"from": 4, "to": 6}),
    }
    assert sorted(samples) == sorted(KINDS)
    headlines = {kind: format_entry(sample).splitlines()[1] for kind, sample in samples.items()}
    assert headlines == {
        "create": "CREATE", "agent-invocation-started": "INVOKE m",
        "agent-invocation-finished": "INVOKE COMPLETED (method)", "error": "ERROR",
        "host-call": "CALL now", "begin-atomic-region": "BEGIN ATOMIC REGION",
        "end-atomic-region": "END ATOMIC REGION", "change-persistence-level": "CHANGE PERSISTENCE LEVEL",
        "snapshot": "SNAPSHOT", "pending-update": "ENQUEUED UPDATE",
        "successful-update": "SUCCESSFUL UPDATE", "failed-update": "FAILED UPDATE", "jump": "JUMP",
    }  # fmt: skip
    assert (
        format_entry(samples["snapshot"]).splitlines()[-1].endswith("data:              (2 bytes)")
    )
    assert format_entry(samples["jump"]).startswith(
        "#00021:\nJUMP\n          at:                1970-"
    )


def test_json_payloads_that_do_not_parse_are_reported_not_raised() -> None:
    bad = entry("snapshot", payload=b"{nope", mime_type="application/json")
    assert "(5 bytes, not valid JSON)" in format_entry(bad)


def test_timestamps_are_utc_with_milliseconds() -> None:
    assert format_at(0) == "1970-01-01T00:00:00.000Z"
    assert format_at(1_700_000_000_123_999_999) == "2023-11-14T22:13:20.123Z"
    assert format_oplog([]) == ""

"""The oplog holds typed JSON, never pickles: values survive replay, moved classes and other processes."""

from __future__ import annotations

import base64
import binascii
import enum
import json
import sqlite3
import subprocess
import sys
import textwrap
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal, NewType

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from runtime_stub import Executor, SqliteOplogStore
from runtime_stub.oplog.codec import LegacyStoreError
from tests.executor.support import Counter, agent_type

REPO = Path(__file__).resolve().parents[2]


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


Sku = NewType("Sku", str)


@dataclass(frozen=True)
class Point:
    x: int
    label: str | None


@dataclass
class Tree:
    name: str
    children: list[Tree]


def trees(depth: int = 2) -> st.SearchStrategy[Tree]:
    if depth == 0:
        return st.builds(Tree, st.text(max_size=3), st.just([]))
    return st.builds(Tree, st.text(max_size=3), st.lists(trees(depth - 1), max_size=2))


Pair = tuple[Any, st.SearchStrategy[Any]]
HASHABLE: list[Pair] = [
    (str, st.text(max_size=8)),
    (int, st.integers()),
    (float, st.floats(allow_nan=False, allow_infinity=False)),
    (bool, st.booleans()),
    (bytes, st.binary(max_size=8)),
    (datetime, st.datetimes(timezones=st.none() | st.just(UTC))),
    (date, st.dates()),
    (time, st.times()),
    (timedelta, st.timedeltas()),
    (Decimal, st.decimals(allow_nan=False, allow_infinity=False)),
    (uuid.UUID, st.uuids()),
    (Color, st.sampled_from(Color)),
    (Level, st.sampled_from(Level)),
    (Literal["a", 1, True], st.sampled_from(["a", 1, True])),
    (Sku, st.text(max_size=4).map(Sku)),
    (Annotated[int, "doc"], st.integers()),
    (Point, st.builds(Point, st.integers(), st.none() | st.text(max_size=3))),
]
LEAVES: list[Pair] = [*HASHABLE, (type(None), st.none()), (Tree, trees())]
KEYS: list[Pair] = [HASHABLE[0], HASHABLE[1], HASHABLE[10], HASHABLE[11], HASHABLE[12]]


def typed(depth: int) -> st.SearchStrategy[Pair]:
    """(type hint, strategy of its values) for every supported form, nested up to `depth`."""
    leaf = st.sampled_from(LEAVES)
    if depth == 0:
        return leaf
    inner = typed(depth - 1)
    hashable = st.sampled_from(HASHABLE)
    return st.one_of(
        leaf,
        inner.map(lambda p: (list[p[0]], st.lists(p[1], max_size=3))),
        inner.map(lambda p: (tuple[p[0], ...], st.lists(p[1], max_size=3).map(tuple))),
        inner.map(lambda p: (p[0] | None, st.none() | p[1])),
        st.tuples(inner, inner).map(
            lambda ps: (tuple[ps[0][0], ps[1][0]], st.tuples(ps[0][1], ps[1][1]))
        ),
        hashable.map(lambda p: (set[p[0]], st.sets(p[1], max_size=3))),
        hashable.map(lambda p: (frozenset[p[0]], st.frozensets(p[1], max_size=3))),
        st.tuples(st.sampled_from(KEYS), inner).map(
            lambda ps: (dict[ps[0][0], ps[1][0]], st.dictionaries(ps[0][1], ps[1][1], max_size=3))
        ),
    )


def echo_type(hint: Any) -> Any:
    """An agent whose `echo(value: hint) -> hint` keeps and returns what it was given."""

    class Echo:
        def __init__(self, name: str) -> None:
            self.name = name
            self.seen: list[Any] = []

        def echo(self, value: Any) -> Any:
            self.seen.append(value)
            return value

    Echo.echo.__annotations__ = {"value": hint, "return": hint}
    return agent_type(Echo, snapshots=False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_supported_type_round_trips_as_an_argument_through_the_oplog_and_replay(
    data: st.DataObject,
) -> None:
    hint, values = data.draw(typed(2), label="type")
    given_values = data.draw(st.lists(values, min_size=1, max_size=3), label="values")
    store = SqliteOplogStore(":memory:")
    ex = Executor(store, agent_types=[echo_type(hint)])
    results = [ex.invoke("Echo", ["e"], "echo", [value]) for value in given_values]
    assert results == given_values
    assert ex.instance('Echo("e")').seen == given_values
    replayed = Executor(store, agent_types=[echo_type(hint)])
    assert replayed.instance('Echo("e")').seen == given_values  # decoded from the store's JSON
    again = [
        replayed.invoke("Echo", ["e"], "echo", [v], idempotency_key=None) for v in given_values
    ]
    assert again == given_values


def no_pickle_in(value: Any) -> bool:
    """No pickle anywhere: no `$pickle` tag, and no base64 text that decodes to pickle bytes."""
    if isinstance(value, dict):
        return "$pickle" not in value and all(no_pickle_in(v) for v in value.values())
    if isinstance(value, list):
        return all(no_pickle_in(v) for v in value)
    if isinstance(value, str) and len(value) >= 4:
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return True
        return not raw.startswith(b"\x80")  # pickle protocol 2+ opens with PROTO (0x80)
    return True


def test_a_scan_of_every_value_in_a_store_finds_no_pickle(tmp_path: Path) -> None:
    path = tmp_path / "oplog.db"
    with Executor(SqliteOplogStore(path), agent_types=[agent_type(Counter, "every(2)")]) as ex:
        for method, args in [("add", [3]), ("stamp", []), ("charge", [2]), ("transfer", [1]),
                             ("state", []), ("increment_async", [])]:  # fmt: skip
            ex.invoke("Counter", ["c"], method, args)
        with pytest.raises(ValueError):
            ex.invoke("Counter", ["c"], "fail")
    with sqlite3.connect(path) as raw:
        rows = raw.execute("SELECT kind, data FROM oplog").fetchall()
    assert {kind for kind, _ in rows} >= {"create", "host-call", "error", "snapshot"}
    for kind, text in rows:
        data = json.loads(text)
        assert no_pickle_in(data), (kind, text)
        assert "pickle" not in text


def test_a_store_of_pickled_values_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    SqliteOplogStore(path).close()
    legacy = '{"result":{"$pickle":"gASVAgAAAAAAAABLAS4=","$preview":"1"}}'
    with sqlite3.connect(path) as raw:
        raw.execute("INSERT INTO oplog VALUES ('a', 1, 'agent-invocation-finished', 0, NULL, ?)",
                    (legacy,))  # fmt: skip
    with SqliteOplogStore(path) as store, pytest.raises(LegacyStoreError, match="not loaded"):
        store.read("a")


MODELS = """
from dataclasses import dataclass
from decimal import Decimal


@dataclass
class Line:
    sku: str
    qty: int
    price: Decimal
"""

AGENT = """
from __future__ import annotations

import sys
from dataclasses import dataclass, field

from runtime_stub import AgentType, Executor, SqliteOplogStore, parse_snapshotting
from {module} import Line


@dataclass
class Cart:
    owner: str
    lines: list[Line] = field(default_factory=list)

    def add(self, line: Line) -> Line:
        self.lines.append(line)
        return line


def refuse(*args: object) -> None:
    raise RuntimeError("no snapshots")


CART = AgentType("Cart", Cart, (), (), "durable", None, (), parse_snapshotting("disabled"),
                 None, refuse, refuse)
ex = Executor(SqliteOplogStore(sys.argv[1]), agent_types=[CART])
if sys.argv[2] == "write":
    ex.invoke("Cart", ["u1"], "add", [Line("a", 1, "1.25")])
    ex.invoke("Cart", ["u1"], "add", [{{"sku": "b", "qty": 2, "price": "3"}}])
else:
    cart = ex.instance('Cart("u1")')
    print(type(cart.lines[0]).__module__, [(l.sku, l.qty, str(l.price)) for l in cart.lines])
    print(ex.invoke("Cart", ["u1"], "add", [{{"sku": "c", "qty": 3, "price": "0.5"}}]))
ex.close()
"""


def run(directory: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "agent.py", *args], cwd=directory, capture_output=True,
                          text=True, check=False, env={"PYTHONPATH": str(REPO)}, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_dataclass_moved_to_another_module_recovers_in_a_fresh_process(tmp_path: Path) -> None:
    (tmp_path / "old_models.py").write_text(textwrap.dedent(MODELS))
    (tmp_path / "agent.py").write_text(AGENT.format(module="old_models"))
    run(tmp_path, "oplog.db", "write")
    (tmp_path / "old_models.py").unlink()  # the class moved: the old module is gone
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "models.py").write_text(textwrap.dedent(MODELS))
    (tmp_path / "agent.py").write_text(AGENT.format(module="shop.models"))
    out = run(tmp_path, "oplog.db", "read").splitlines()
    assert out == [
        "shop.models [('a', 1, '1.25'), ('b', 2, '3')]",
        "Line(sku='c', qty=3, price=Decimal('0.5'))",
    ]

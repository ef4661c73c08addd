"""`invoke` checks and decodes its arguments the way Golem does; the oplog keeps their typed JSON."""

from __future__ import annotations

import dataclasses
import enum
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from runtime_stub import (
    AgentType,
    ArgumentError,
    Executor,
    InMemoryOplogStore,
    MethodInfo,
    ParamInfo,
    RegistryWarning,
    ReplayDivergenceError,
    UnknownMethodError,
    durable_call,
    now,
)
from runtime_stub.registry import register
from tests.executor.support import FakeClock, agent_type


class Currency(enum.Enum):
    USD = "usd"
    EUR = "eur"


@dataclass
class Line:
    sku: str
    qty: int
    price: Decimal


@dataclass
class Till:
    shop: str
    branch: int = 0
    paid: list[tuple[Currency, Line]] = field(default_factory=list)

    def pay(self, currency: Currency, line: Line) -> Line:
        assert isinstance(currency, Currency) and isinstance(line, Line)
        self.paid.append((currency, line))
        return line

    def lines(self, skus: list[str], limit: int = 10) -> dict[str, int]:
        return {sku: limit for sku in skus}

    def clock(self) -> str:
        return now().isoformat()

    def echo(self, value):  # type: ignore[no-untyped-def]  # unannotated on purpose
        return value


def till() -> AgentType:
    return agent_type(Till, snapshots=False)


def test_values_are_decoded_from_their_json_forms_and_typed_values_are_accepted() -> None:
    ex = Executor(agent_types=[till()])
    line = ex.invoke("Till", ["s"], "pay", ["usd", {"sku": "a", "qty": 2, "price": "1.50"}])
    assert line == Line("a", 2, Decimal("1.50"))
    assert ex.invoke("Till", ["s"], "pay", [Currency.EUR, Line("b", 1, Decimal(3))]) == Line(
        "b", 1, Decimal(3)
    )
    assert ex.instance('Till("s")').paid == [
        (Currency.USD, Line("a", 2, Decimal("1.50"))),
        (Currency.EUR, Line("b", 1, Decimal(3))),
    ]
    started = [e for e in ex.oplog('Till("s")') if e.kind == "agent-invocation-started"]
    assert [e.data["args"] for e in started] == [
        ["usd", {"sku": "a", "qty": 2, "price": "1.50"}],
        ["eur", {"sku": "b", "qty": 1, "price": "3"}],
    ]


@pytest.mark.parametrize(
    ("method", "args", "message"),
    [
        ("pay", ["USD", {"sku": "a", "qty": 1, "price": "1"}],
         'argument currency of Till.pay (declared Currency): expected one of "usd", "eur", '
         'got the string "USD"'),
        ("pay", ["usd", {"sku": "a", "qty": "1", "price": "1"}],
         'argument line.qty of Till.pay (declared Line): expected an integer, got the string "1"'),
        ("pay", ["usd", {"sku": "a", "qty": 1}],
         "argument line of Till.pay (declared Line): the object's keys do not match Line: "
         "missing price"),
        ("pay", ["usd"], "Till.pay takes 2 arguments (currency: Currency, line: Line), 1 given"),
        ("lines", [], "Till.lines takes 1 to 2 arguments (skus: list[str], limit: int), 0 given"),
        ("lines", [["a", 3]], "argument skus[1] of Till.lines (declared list[str]): expected a "
         "string, got 3"),
        ("lines", [["a"], True], "argument limit of Till.lines (declared int): expected an "
         "integer, got true"),
        ("echo", [(1, 2)], "argument value of Till.echo (no declared type: plain JSON only): a "
         "tuple is not a JSON value"),
    ],
)  # fmt: skip
def test_wrong_arguments_name_the_parameter_and_record_nothing(
    method: str, args: list[Any], message: str
) -> None:
    ex = Executor(agent_types=[till()])
    with pytest.raises(ArgumentError, match=re.escape(message)) as raised:
        ex.invoke("Till", ["s"], method, args)
    assert isinstance(raised.value, TypeError) and isinstance(raised.value, ValueError)
    assert ex.oplog('Till("s")') == []  # refused before the agent was created
    ex.invoke("Till", ["s"], "lines", [["a"]])
    with pytest.raises(ArgumentError, match=re.escape(message)):
        ex.invoke("Till", ["s"], method, args)
    assert [e.kind for e in ex.oplog('Till("s")')][-1] == "agent-invocation-finished"


def test_unknown_methods_suggest_the_closest_one() -> None:
    ex = Executor(agent_types=[till()])
    with pytest.raises(UnknownMethodError) as raised:
        ex.invoke("Till", ["s"], "pya", ["usd"])
    assert str(raised.value) == (
        "Till has no agent method 'pya'; did you mean 'pay'? (its methods: clock, echo, lines, pay)"
    )
    assert isinstance(raised.value, AttributeError)
    for private in ("_secret", "save_snapshot", "__init__"):
        with pytest.raises(UnknownMethodError):
            ex.invoke("Till", ["s"], private)


def test_constructor_arguments_are_a_checked_sequence() -> None:
    ex = Executor(agent_types=[till()])
    with pytest.raises(ArgumentError, match=re.escape('not "c1": write ["c1"] for a single')):
        ex.invoke("Till", "c1", "lines", [["a"]])  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match=re.escape("argument branch of Till(...)")):
        ex.invoke("Till", ["c", "1"], "lines", [["a"]])
    with pytest.raises(ArgumentError, match=re.escape("Till(...) takes 1 to 3 arguments")):
        ex.invoke("Till", [], "lines", [["a"]])
    assert ex.store.agent_ids() == []
    ex.invoke("Till", ["c", 1], "lines", [["a"]])
    assert ex.store.agent_ids() == ['Till("c", 1)']


def test_now_is_the_executors_clock_and_replays_from_the_oplog() -> None:
    clock = FakeClock()
    ex = Executor(agent_types=[till()], clock=clock)
    first = ex.invoke("Till", ["s"], "clock")
    assert first == "2023-11-14T22:13:20+00:00"
    call = next(e for e in ex.oplog('Till("s")') if e.kind == "host-call")
    assert call.data["result"] == first
    clock.advance(5_000_000_000)
    assert ex.invoke("Till", ["s"], "clock") == "2023-11-14T22:13:25+00:00"
    ex.crash()
    ex.instance('Till("s")')  # replay answers now() from the oplog: no divergence
    stats = ex.recovery_stats('Till("s")')
    assert stats is not None and stats.replayed_invocations == 2


def test_results_of_the_wrong_type_are_recorded_errors() -> None:
    @dataclass
    class Liar:
        name: str

        def count(self) -> int:
            return "many"  # type: ignore[return-value]

    ex = Executor(agent_types=[agent_type(Liar, snapshots=False)])
    with pytest.raises(TypeError, match=re.escape(
        'the result of count cannot be recorded in the oplog (declared int): expected an '
        'integer, got the string "many"')):  # fmt: skip
        ex.invoke("Liar", ["x"], "count")
    assert ex.oplog('Liar("x")')[-1].kind == "error"


def test_registering_another_class_under_a_known_type_name_warns() -> None:
    first = dataclasses.replace(till(), type_name="test_arguments.Clash")
    register(first)
    register(first)  # the same class again (a module reload): silent
    other = dataclasses.replace(first, agent_class=Line)
    with pytest.warns(RegistryWarning, match=r"'test_arguments\.Clash' was registered for "
                      r"tests\.executor\.test_arguments:Till; tests\.executor\.test_arguments:Line "
                      r"now replaces it"):  # fmt: skip
        register(other)


def test_agent_ids_use_the_decoded_arguments() -> None:
    ex = Executor(agent_types=[till()])
    key = uuid.UUID(int=5)
    assert ex.agent_id("Till", ["s", 2]) == 'Till("s", 2)'
    assert ex.agent_id("Unknown", [key]) == f'Unknown("{key}")'


def test_decoders_from_the_wiring_win_over_annotations_that_do_not_resolve() -> None:
    class Opaque:
        def pay(self, currency: Unresolvable) -> Unresolvable:  # type: ignore[name-defined]  # noqa: F821
            assert isinstance(currency, Currency)
            return currency

    def currency(tree: object) -> Currency:
        return Currency(tree)

    pay = MethodInfo("pay", (ParamInfo("currency", "Currency", currency),), "Currency",
                     is_async=False, decode_result=currency)  # fmt: skip
    opaque = dataclasses.replace(agent_type(Opaque, snapshots=False), methods=(pay,))
    ex = Executor(agent_types=[opaque])
    assert ex.invoke("Opaque", [], "pay", ["eur"]) is Currency.EUR
    assert ex.invoke("Opaque", [], "pay", [Currency.USD], idempotency_key="k") is Currency.USD
    assert ex.invoke("Opaque", [], "pay", ["usd"], idempotency_key="k") is Currency.USD
    with pytest.raises(ArgumentError, match=re.escape(
        "argument currency of Opaque.pay (declared Currency): ValueError: 'gbp' is not a valid "
        "Currency")):  # fmt: skip
        ex.invoke("Opaque", [], "pay", ["gbp"])


def test_equal_constructor_values_are_one_agent() -> None:
    @dataclass
    class Meter:
        scale: float
        unit: Currency

        def read(self) -> float:
            return self.scale

    ex = Executor(agent_types=[agent_type(Meter, snapshots=False)])
    assert ex.invoke("Meter", [1, "usd"], "read") == 1.0
    assert ex.invoke("Meter", [1.0, Currency.USD], "read") == 1.0
    assert ex.store.agent_ids() == ['Meter(1.0, "usd")']
    assert ex.agent_id("Meter", [1, "usd"]) == 'Meter(1.0, "usd")'


def test_a_recorded_host_call_result_the_code_no_longer_decodes_is_a_divergence() -> None:
    def lookup() -> str:
        return "abc"

    def lookup_v2() -> int:
        return 1

    lookup_v2.__qualname__ = lookup.__qualname__  # the same call, a new declared return type

    @dataclass
    class Caller:
        name: str

        def call(self) -> str:
            return str(durable_call(lookup))

    @dataclass
    class CallerV2:
        name: str

        def call(self) -> str:
            return str(durable_call(lookup_v2))

    store = InMemoryOplogStore()
    Executor(store, agent_types=[agent_type(Caller, snapshots=False)]).invoke(
        "Caller", ["c"], "call"
    )
    changed = dataclasses.replace(agent_type(Caller, snapshots=False), agent_class=CallerV2)
    with pytest.raises(ReplayDivergenceError, match=re.escape(
        'the oplog has host-call durable_call:test_a_recorded_host_call_result_the_code_no_longer_'
        'decodes_is_a_divergence.<locals>.lookup returning "abc", but the code now does '
        "durable_call:")):  # fmt: skip
        Executor(store, agent_types=[changed]).instance('Caller("c")')


def test_a_recorded_call_the_code_no_longer_accepts_is_a_divergence() -> None:
    @dataclass
    class Shelf:
        shop: str

        def lines(self, skus: list[str]) -> int:
            return len(skus)

    @dataclass
    class Narrower:
        shop: str

        def lines(self, skus: list[int]) -> int:
            return len(skus)

    @dataclass
    class Gone:
        shop: str

    store = InMemoryOplogStore()
    shelf = agent_type(Shelf, snapshots=False)
    Executor(store, agent_types=[shelf]).invoke("Shelf", ["s"], "lines", [["a"]])
    for cls, refusal in ((Narrower, "argument skus[0] of Shelf.lines"), (Gone, "no agent method")):
        changed = dataclasses.replace(shelf, agent_class=cls)
        with pytest.raises(ReplayDivergenceError, match=re.escape(refusal)):
            Executor(store, agent_types=[changed]).instance('Shelf("s")')

"""Benchmark of the generated JSON snapshot round trip (SPEC §9), as ratios measured in one run.

    python tests/perf/bench_snapshot.py [--orders 1000] [--repeat 7]

Regenerates fixtures/generator/bench into a temporary copy, fills its LedgerAgent with ~1000
orders (each with two line items, a UUID, a datetime, an enum, a float, a set and an optional),
and times save + load of the generated code with the standard library alone and with orjson,
against `dataclasses.asdict` + `json` (the reflective baseline: asdict and a type-hint-driven
decoder), the same with orjson, and msgspec. Benchmark-only dependencies: orjson, msgspec.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import random
import shutil
import sys
import tempfile
import time
import typing
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import Enum
from pathlib import Path
from types import ModuleType, UnionType
from typing import Any
from uuid import UUID

import msgspec
import orjson

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "fixtures" / "generator" / "bench"


def generated_module(workdir: Path) -> ModuleType:
    """Regenerate the bench fixture in `workdir` and import its golem_agents module."""
    from codegen.api import Options, generate

    copy = workdir / "bench"
    shutil.copytree(FIXTURE, copy)
    result = generate([copy], options=Options(cache=False))
    if result.refused:
        raise SystemExit("generation refused:\n" + "\n".join(d.message for d in result.diagnostics))
    sys.path.insert(0, str(copy))
    return importlib.import_module("ledger.golem_agents")


def fill(models: ModuleType, agent: Any, orders: int) -> None:
    """Deterministic orders of two line items each."""
    rng = random.Random(7)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    statuses = list(models.Status)
    for _ in range(orders):
        items = [
            models.LineItem(
                f"sku-{rng.randrange(1000)}",
                rng.randrange(1, 9),
                Decimal(rng.randrange(10**5)) / 100,
            )
            for _ in range(2)
        ]
        agent.add(
            models.Order(
                id=UUID(int=rng.getrandbits(128)),
                placed_at=start
                + timedelta(seconds=rng.randrange(10**7), microseconds=rng.randrange(10**6)),
                status=rng.choice(statuses),
                weight=rng.random() * 100,
                items=items,
                tags={f"tag-{rng.randrange(5)}" for _ in range(2)},
                note=None if rng.random() < 0.5 else "leave at the door ☂",
            )
        )


# --------------------------------------------------------------------------- the reflective baseline


def _default(value: object) -> object:
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(type(value).__name__)


_HINTS: dict[type, dict[str, Any]] = {}


def from_json(kind: Any, value: Any) -> Any:
    """Rebuild a value from JSON by its type hints (what `asdict` users write by hand)."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        hints = _HINTS.get(kind) or _HINTS.setdefault(kind, typing.get_type_hints(kind))
        fields = dataclasses.fields(kind)
        return kind(**{f.name: from_json(hints[f.name], value[f.name]) for f in fields if f.init})
    if origin in (list, set):
        return origin(from_json(args[0], item) for item in value)
    if origin is dict:
        return {from_json(args[0], k): from_json(args[1], v) for k, v in value.items()}
    if origin is UnionType or origin is typing.Union:
        inner = next(a for a in args if a is not type(None))
        return None if value is None else from_json(inner, value)
    if kind in (UUID, Decimal):
        return kind(value)
    if kind is datetime:
        return datetime.fromisoformat(value)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(value)
    return value


def asdict_json(state: Any) -> Callable[[], object]:
    cls = type(state)

    def run() -> object:
        document = {
            "principal": {"tag": "anonymous"},
            "state": dataclasses.asdict(state),
            "version": 1,
        }
        payload = json.dumps(document, default=_default, separators=(",", ":")).encode()
        return from_json(cls, json.loads(payload)["state"])

    return run


def asdict_orjson(state: Any) -> Callable[[], object]:
    cls = type(state)

    def run() -> object:
        document = {
            "principal": {"tag": "anonymous"},
            "state": dataclasses.asdict(state),
            "version": 1,
        }
        return from_json(cls, orjson.loads(orjson.dumps(document, default=_default))["state"])

    return run


def msgspec_round_trip(state: Any) -> Callable[[], object]:
    encoder, decoder = msgspec.json.Encoder(), msgspec.json.Decoder(type(state))
    return lambda: decoder.decode(encoder.encode(state))


def generated(agent_type: Any, state: Any, target: Any) -> Callable[[], object]:
    return lambda: agent_type.load_snapshot(target, agent_type.save_snapshot(state).payload)


def best(run: Callable[[], object], repeat: int) -> float:
    """The best time of `repeat` rounds, each long enough to measure (~0.2 s)."""
    run()
    loops, elapsed = 1, 0.0
    while elapsed < 0.2:
        started = time.perf_counter()
        for _ in range(loops):
            run()
        elapsed = time.perf_counter() - started
        loops *= 2
    loops //= 2
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in range(loops):
            run()
        times.append((time.perf_counter() - started) / loops)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        wiring = generated_module(Path(workdir))
        from ledger.agent import LedgerAgent
        from runtime_stub import snapshot_json

        models = importlib.import_module("ledger.models")
        state = LedgerAgent("bench")
        fill(models, state, options.orders)
        agent_type = next(t for t in wiring.AGENTS if t.type_name == "LedgerAgent")
        target = LedgerAgent("target")
        fast = agent_type.save_snapshot(state).payload
        accelerator, snapshot_json._orjson = snapshot_json._orjson, None
        try:
            reference = agent_type.save_snapshot(state).payload
            stdlib = best(generated(agent_type, state, target), options.repeat)
        finally:
            snapshot_json._orjson = accelerator
        assert fast == reference, "orjson and the standard library produced different payloads"
        with_orjson = best(generated(agent_type, state, target), options.repeat)
        assert target.orders == state.orders and target.by_status == state.by_status
    baseline = best(asdict_json(state), options.repeat)
    baseline_orjson = best(asdict_orjson(state), options.repeat)
    native = best(msgspec_round_trip(state), options.repeat)
    report(options.orders, len(fast), stdlib, with_orjson, baseline, baseline_orjson, native)


def report(
    orders: int,
    size: int,
    stdlib: float,
    fast: float,
    baseline: float,
    baseline_orjson: float,
    native: float,
) -> None:
    ms = 1000.0
    print(
        f"JSON snapshot round trip (save + load), {orders} orders, payload {size} bytes, best times:"
    )
    print(f"  generated code, standard library  {stdlib * ms:8.2f} ms")
    print(f"  generated code, orjson            {fast * ms:8.2f} ms")
    print(f"  dataclasses.asdict + json         {baseline * ms:8.2f} ms")
    print(f"  dataclasses.asdict + orjson       {baseline_orjson * ms:8.2f} ms")
    print(f"  msgspec                           {native * ms:8.2f} ms")
    print("ratios (SPEC §9 targets in brackets):")
    print(f"  asdict+json / generated stdlib    {baseline / stdlib:6.2f}x  [>= 3]")
    print(f"  asdict+json / generated orjson    {baseline / fast:6.2f}x  [>= 4]")
    print(f"  asdict+orjson / generated orjson  {baseline_orjson / fast:6.2f}x")
    print(f"  generated orjson / msgspec        {fast / native:6.2f}x  [<= 2]")
    print("payloads: orjson and the standard library produced identical bytes")


if __name__ == "__main__":
    main()

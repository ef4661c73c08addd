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
import shutil
import sys
import tempfile
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from types import ModuleType, UnionType
from typing import Any
from uuid import UUID

import msgspec
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ledger_state import fill, measure

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
    """The baseline: `dataclasses.asdict` + `json`, decoded by type hints."""
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
    """The baseline with orjson for the JSON text."""
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
    """msgspec's typed encoder and decoder of the same dataclasses."""
    encoder, decoder = msgspec.json.Encoder(), msgspec.json.Decoder(type(state))
    return lambda: decoder.decode(encoder.encode(state))


def generated(agent_type: Any, state: Any, target: Any) -> Callable[[], object]:
    """The generated entry points, as the executor calls them: save, then load into an agent."""
    return lambda: agent_type.load_snapshot(target, agent_type.save_snapshot(state).payload)


def main() -> None:
    """Generate, fill, check both JSON paths agree, measure, report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        wiring = generated_module(Path(workdir))
        from ledger.agent import LedgerAgent

        models = importlib.import_module("ledger.models")
        state = LedgerAgent("bench")
        fill(models, state, options.orders)
        agent_type = next(t for t in wiring.AGENTS if t.type_name == "LedgerAgent")
        target = LedgerAgent("target")
        payload = agent_type.save_snapshot(state).payload
        with standard_library_only():
            assert agent_type.save_snapshot(state).payload == payload, "the JSON paths disagree"
        agent_type.load_snapshot(target, payload)
        assert target.orders == state.orders and target.by_status == state.by_status
        times = measure(
            {
                "stdlib": standard_library_only()(generated(agent_type, state, target)),
                "orjson": generated(agent_type, state, target),
                "asdict_json": asdict_json(state),
                "asdict_orjson": asdict_orjson(state),
                "msgspec": msgspec_round_trip(state),
            },
            options.repeat,
        )
    report(options.orders, len(payload), times)


@contextmanager
def standard_library_only() -> Iterator[None]:
    """The generated code without the optional accelerator (as if orjson were not installed)."""
    from runtime_stub.snapshot import envelope

    accelerator, envelope._orjson = envelope._orjson, None
    try:
        yield
    finally:
        envelope._orjson = accelerator


def report(orders: int, size: int, times: dict[str, float]) -> None:
    """Print the times and the SPEC §9 ratios."""
    rows = [
        ("generated code, standard library", "stdlib"),
        ("generated code, orjson", "orjson"),
        ("dataclasses.asdict + json", "asdict_json"),
        ("dataclasses.asdict + orjson", "asdict_orjson"),
        ("msgspec", "msgspec"),
    ]
    print(
        f"JSON snapshot round trip (save + load), {orders} orders, {size} bytes; best of interleaved rounds:"
    )
    for label, key in rows:
        print(f"  {label:34s} {times[key] * 1000:8.2f} ms")
    print("ratios (SPEC §9 targets in brackets):")
    print(
        f"  asdict+json / generated stdlib     {times['asdict_json'] / times['stdlib']:6.2f}x  [>= 3]"
    )
    print(
        f"  asdict+json / generated orjson     {times['asdict_json'] / times['orjson']:6.2f}x  [>= 4]"
    )
    print(f"  asdict+orjson / generated orjson   {times['asdict_orjson'] / times['orjson']:6.2f}x")
    print(
        f"  generated orjson / msgspec         {times['orjson'] / times['msgspec']:6.2f}x  [<= 2]"
    )
    print("payloads: the orjson and standard-library paths wrote identical bytes")


if __name__ == "__main__":
    main()

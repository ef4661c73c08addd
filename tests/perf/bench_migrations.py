"""Benchmark (SPEC §9, §10): loading a version-1 snapshot through two migrations vs a current one.

    python tests/perf/bench_migrations.py [--orders 1000] [--repeat 7]

Copies fixtures/generator/bench, evolves its LedgerAgent to state version 3 the way a user would
(generate v1, then v2 with @migration(from_version=1) renaming `by_status` to `counts`, then v3
with @migration(from_version=2) adding `owner`), fills ~1000 orders, and times loading the same
state from a version-3 payload and from the equivalent version-1 payload. Target: <= 1.5x.
"""

from __future__ import annotations

import argparse
import importlib
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ledger_state import fill, measure

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "fixtures" / "generator" / "bench"
V2 = """
    @migration(from_version=1)
    def _rename_counts(state: dict[str, Any]) -> dict[str, Any]:
        state["counts"] = state.pop("by_status")
        return state
"""
V3 = """
    @migration(from_version=2)
    def _add_owner(state: dict[str, Any]) -> dict[str, Any]:
        state["owner"] = ""
        return state
"""


def evolve(workdir: Path) -> Any:
    """The bench project at state version 3, generated step by step; its LedgerAgent type."""
    from codegen.api import Options, generate

    copy = workdir / "bench"
    shutil.copytree(FIXTURE, copy, ignore=shutil.ignore_patterns("golem-state.lock"))
    agent = copy / "ledger" / "agent.py"
    source = agent.read_text(encoding="utf-8")
    source = source.replace(
        "from runtime_stub import agent",
        "from typing import Any\n\nfrom runtime_stub import agent, migration",
    )
    steps = [
        source,
        source.replace('every(100)"', 'every(100)", state_version=2')
        .replace("by_status", "counts")
        .replace("    def add(", V2.lstrip("\n") + "\n    def add("),
    ]
    steps.append(
        steps[1]
        .replace("state_version=2", "state_version=3")
        .replace("    counts: dict", '    owner: str = ""\n    counts: dict')
        .replace("    def add(", V3.lstrip("\n") + "\n    def add(")
    )
    for text in steps:
        agent.write_text(text, encoding="utf-8")
        result = generate([copy], options=Options(cache=False))
        if result.refused:
            raise SystemExit("\n".join(d.message for d in result.diagnostics))
    sys.path.insert(0, str(copy))
    wiring = importlib.import_module("ledger.golem_agents")
    return next(t for t in wiring.AGENTS if t.type_name == "LedgerAgent")


def as_version_one(payload: bytes) -> bytes:
    """The same state as version 1 wrote it: `by_status`, no `owner`, no `stateVersion`."""
    document = json.loads(payload)
    state = document["state"]
    state["by_status"] = state.pop("counts")
    del state["owner"], document["stateVersion"]
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        agent_type = evolve(Path(workdir))
        models = importlib.import_module("ledger.models")
        state = agent_type.agent_class("bench")
        fill(models, state, options.orders)
        current = agent_type.save_snapshot(state).payload
        old = as_version_one(current)
        target = agent_type.agent_class("target")
        agent_type.load_snapshot(target, old)
        assert target.orders == state.orders and target.counts == state.counts, (
            "migrated state differs"
        )
        times = measure(
            {
                "current": lambda: agent_type.load_snapshot(target, current),
                "version 1": lambda: agent_type.load_snapshot(target, old),
            },
            options.repeat,
        )
    print(f"orders: {options.orders}, payload {len(current)} bytes (version 1: {len(old)})")
    for name, seconds in times.items():
        print(f"  load, {name:<10} {seconds * 1000:8.2f} ms")
    ratio = times["version 1"] / times["current"]
    print(f"version 1 through two migrations / current: {ratio:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()

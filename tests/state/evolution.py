"""A child process that drives CartAgent through the executor on a SQLite store and prints JSON.

Run as `python -m tests.state.evolution STORE ROOT COMMAND...` with ROOT the project (its
generated `cart.golem_agents` registers whatever version of the agent the sources hold now).
"""

from __future__ import annotations

import importlib
import json
import sys


def main(store: str, root: str, commands: list[str]) -> None:
    sys.path.insert(0, root)
    importlib.import_module("cart.golem_agents")
    from runtime_stub import Executor, SqliteOplogStore

    out: dict[str, object] = {"results": []}
    with Executor(SqliteOplogStore(store)) as ex:
        for command in commands:
            if command == "crash":
                ex.crash()
                continue
            sku, _, quantity = command.partition("=")
            if quantity:
                result = ex.invoke("CartAgent", ["ann"], "add", [sku, int(quantity)])
            else:
                result = ex.invoke("CartAgent", ["ann"], "total")
            out["results"].append(result)  # type: ignore[union-attr]
        agent = ex.instance('CartAgent("ann")')
        stats = ex.recovery_stats('CartAgent("ann")')
        out["state"] = {
            name: _plain(getattr(agent, name))
            for name in ("lines", "items", "coupon")
            if hasattr(agent, name)
        }
        out["recovered_from_snapshot"] = stats is not None and stats.snapshot_index is not None
        out["snapshot_error"] = stats.snapshot_error if stats is not None else None
    print(json.dumps(out))


def _plain(value: object) -> object:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    return value


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])

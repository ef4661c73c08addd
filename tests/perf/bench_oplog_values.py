"""Invoke throughput with typed JSON oplog values against the old pickle path, side by side.

Run by hand (not collected by pytest), from the repository (it needs git):

    python tests/perf/bench_oplog_values.py                  # 5 rounds of 3000 invocations
    python tests/perf/bench_oplog_values.py --rounds 9 --invocations 5000

The old path is the runtime as of `--baseline` (the commit before typed values: arguments, results
and host-call values pickled), extracted with `git archive` into a temporary directory. Each round
runs the same benchmark agent in two fresh processes, old then new, on an in-memory store and on
an SQLite file (one commit per invocation), and reports seconds per invocation; the ratios are
per round (new / old), and their median is what counts (this machine's speed swings within
minutes). The issue asks for the typed path to cost at most 1.3x per invocation.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BASELINE = "81acb1e"

CHILD = """
import json, sys, tempfile, time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from runtime_stub import AgentType, Executor, InMemoryOplogStore, SqliteOplogStore, Snapshot
from runtime_stub import now, parse_snapshotting


@dataclass
class Line:
    sku: str
    qty: int
    price: Decimal


@dataclass
class BenchAgent:
    name: str
    count: int = 0
    lines: list[Line] = field(default_factory=list)
    touched: str = ""

    def record(self, value: int) -> int:
        self.count += value
        self.touched = now().isoformat()
        return self.count

    def add_line(self, line: Line) -> list[str]:
        self.lines = [*self.lines[-9:], line]
        return [item.sku for item in self.lines]


def unsupported(*args):
    raise RuntimeError("no snapshots in this benchmark")


TYPE = AgentType("BenchAgent", BenchAgent, (), (), "durable", None, (),
                 parse_snapshotting("disabled"), None, unsupported, unsupported)


def per_invocation(store, method, make_args, count):
    with Executor(store, agent_types=[TYPE]) as ex:
        ex.invoke("BenchAgent", ["b"], method, make_args(0))
        started = time.perf_counter()
        for i in range(count):
            ex.invoke("BenchAgent", ["b"], method, make_args(i))
        return (time.perf_counter() - started) / count


count = int(sys.argv[1])
workloads = {
    "record(int) + now()": ("record", lambda i: [i % 7]),
    "add_line(Line) -> list[str]": ("add_line", lambda i: [Line(f"sku-{i}", i, Decimal("9.90"))]),
}
results = {}
with tempfile.TemporaryDirectory() as tmp:
    for name, (method, make_args) in workloads.items():
        results[f"{name}, memory"] = per_invocation(InMemoryOplogStore(), method, make_args, count)
        store = SqliteOplogStore(Path(tmp) / f"{method}.db")
        results[f"{name}, SQLite"] = per_invocation(store, method, make_args, count)
import runtime_stub.values
results["pickle path"] = float(hasattr(runtime_stub.values, "StoredValue"))
print(json.dumps(results))
"""


def extract_baseline(commit: str, into: Path) -> Path:
    """The runtime package as of `commit`, unpacked into `into`."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", commit, "runtime_stub"], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def measure(path: Path, invocations: int) -> dict[str, float]:
    """Seconds per invocation of each workload, in a fresh process importing the runtime at `path`."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(invocations)],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(path), "PATH": "/usr/bin:/bin"},
        cwd=path,
    )
    results: dict[str, float] = json.loads(done.stdout)
    return results


def checked(
    old: dict[str, float], new: dict[str, float]
) -> tuple[dict[str, float], dict[str, float]]:
    """The two measurements, after making sure each process ran the runtime it was meant to."""
    assert (old.pop("pickle path"), new.pop("pickle path")) == (1.0, 0.0), "wrong runtime imported"
    return old, new


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--invocations", type=int, default=3000)
    parser.add_argument("--baseline", default=BASELINE, help="commit of the pickle path")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        old_path = extract_baseline(options.baseline, Path(tmp))
        rounds = [
            checked(measure(old_path, options.invocations), measure(REPO, options.invocations))
            for _ in range(options.rounds)
        ]
    print(f"{options.rounds} rounds of {options.invocations} invocations; "
          f"pickle path = runtime_stub at {options.baseline}")  # fmt: skip
    print(f"\n{'workload':<42} {'pickle':>10} {'typed JSON':>11} {'ratio':>7}")
    for name in rounds[0][0]:
        old = min(r[0][name] for r in rounds)
        new = min(r[1][name] for r in rounds)
        ratio = statistics.median(r[1][name] / r[0][name] for r in rounds)
        print(f"{name:<42} {old * 1e6:>8.1f}us {new * 1e6:>9.1f}us {ratio:>6.2f}x")
    print("\n(best time per invocation of each path; ratio = median of per-round typed / pickle)")


if __name__ == "__main__":
    main()

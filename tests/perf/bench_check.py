"""Benchmark: `golem-codegen check` vs `ruff check` vs bare `libcst.parse_module` (SPEC §9).

Run: python tests/perf/bench_check.py [--modules 500]
Prints wall times measured side by side in one run and the ratios the targets are stated in:
(a) the standard library of the running Python: check must take less time than ruff;
(b) a tree where every module is an agent: check throughput >= 70% of bare parse throughput.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from agent_tree import write_agent_tree  # noqa: E402


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    return time.perf_counter() - start


def parse_all(root: Path, only_runtime: bool) -> float:
    """Bare libcst.parse_module over the .py files (in a fresh interpreter, import included)."""
    code = (
        "import sys, time, pathlib\n"
        "start = time.perf_counter()\n"
        "import libcst\n"
        "for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.py')):\n"
        "    if 'site-packages' in p.parts: continue\n"
        "    data = p.read_bytes()\n"
        f"    if {only_runtime!r} and b'runtime_stub' not in data: continue\n"
        "    try: libcst.parse_module(data)\n"
        "    except Exception: pass\n"
        "print(time.perf_counter() - start)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(root)], capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip())


def row(label: str, seconds: float, base: float) -> str:
    return f"  {label:<38} {seconds:8.3f} s   {seconds / base:6.2f}x"


def bench(label: str, root: Path, every_module_parsed: bool) -> None:
    check = timed([sys.executable, "-m", "codegen", "check", "--no-cache", str(root)], root.parent)
    ruff = timed(["ruff", "check", "--no-cache", "--quiet", "--exit-zero", str(root)], root.parent)
    parse = parse_all(root, only_runtime=False)
    files = sum(1 for p in root.rglob("*.py") if "site-packages" not in p.parts)
    print(f"\n{label}: {root} ({files} files)")
    print(row("golem-codegen check (cold, no cache)", check, check))
    print(row("ruff check", ruff, check))
    print(row("libcst.parse_module of every file", parse, check))
    if every_module_parsed:
        print(f"  check throughput / bare parse throughput: {parse / check:.0%} (target >= 70%)")
    else:
        print(f"  check time / ruff time: {check / ruff:.2f} (target < 1)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--modules", type=int, default=500)
    args = parser.parse_args()
    if shutil.which("ruff") is None:
        sys.exit("ruff is not installed: pip install -e '.[bench]'")
    bench("(a) standard library", Path(sysconfig.get_paths()["stdlib"]), every_module_parsed=False)
    with tempfile.TemporaryDirectory() as tmp:
        tree = write_agent_tree(Path(tmp), args.modules)
        bench(f"(b) {args.modules} agent modules", tree, every_module_parsed=True)


if __name__ == "__main__":
    main()

"""Benchmark: scan cache, worker processes and a pre-commit run on a large agent tree (SPEC §9).

Run: python tests/perf/bench_incremental.py [--modules 1000]
Prints, measured side by side in one run on a tree where every module is an agent:
* a warm `check` (nothing changed, cache filled) against a cold one — target: warm < 10% of cold;
* `check --no-cache -j 2` against `-j 1` — target: at least 1.6x;
* `pre-commit run` after a one-file change, end to end (hook environment already built);
* the SPEC §9 incremental targets: `generate` on an unchanged tree against a warm `check`
  (target <= 1.5x), `check` after a one-file change against a cold one (target <= 15%), and
  `check` of a one-file project against `python -c pass` (target <= 4x).

`--only incremental` runs the last group alone.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from agent_tree import write_agent_tree

from codegen.run.cache import CACHE_ENV

ROOT = Path(__file__).resolve().parents[2]


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return elapsed


def best(runs: int, command: list[str], cwd: Path, before: object = None) -> float:
    times = []
    for _ in range(runs):
        if callable(before):
            before()
        times.append(timed(command, cwd))
    return min(times)


def interleaved(
    runs: int, first: list[str], second: list[str], cwd: Path
) -> tuple[float, float, float]:
    """Best times of two commands run alternately, and the median of the ratios of each round's
    pair: a shared machine's speed changes by 2x within minutes, and a round's two runs are
    seconds apart, so the paired ratio is the steadier figure."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        times[0].append(timed(first, cwd))
        times[1].append(timed(second, cwd))
    ratios = [a / b for a, b in zip(*times, strict=True)]
    return min(times[0]), min(times[1]), statistics.median(ratios)


def golem(*args: str) -> list[str]:
    return [sys.executable, "-m", "codegen", *args]


def cache_and_workers(tree: Path) -> None:
    cache = Path(os.environ[CACHE_ENV])

    def clear() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    cold = best(2, golem("check", "-j", "1", "."), tree, before=clear)
    warm = best(3, golem("check", "-j", "1", "."), tree)
    one, two, paired = interleaved(
        7,
        golem("check", "--no-cache", "-j", "1", "."),
        golem("check", "--no-cache", "-j", "2", "."),
        tree,
    )
    print(f"  check, cold cache (-j 1)          {cold:8.3f} s")
    print(
        f"  check, warm cache, nothing changed {warm:8.3f} s   {warm / cold:6.1%} of cold (target < 10%)"
    )
    print(f"  check --no-cache -j 1             {one:8.3f} s")
    print(f"  check --no-cache -j 2             {two:8.3f} s   {one / two:6.2f}x")
    print(f"  -j 2 speed-up, median of 7 paired rounds    {paired:6.2f}x (target >= 1.6x)")


def pre_commit(tree: Path, home: Path) -> None:
    if shutil.which("pre-commit") is None:
        print("  pre-commit is not installed: skipped")
        return
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "GIT_CONFIG_GLOBAL": os.devnull}
    rev = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    (tree / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {ROOT.as_posix()}\n    rev: {rev}\n    hooks:\n"
        "      - id: golem-codegen-generate\n      - id: golem-codegen-check\n",
        encoding="utf-8",
    )
    for command in (["git", "init", "-q"], ["git", "add", "-A"]):
        subprocess.run(command, cwd=tree, env=env, check=True)
    subprocess.run(["pre-commit", "run", "--all-files"], cwd=tree, env=env, capture_output=True)
    target = tree / "pkg0" / "agent_0.py"
    target.write_text(target.read_text() + "\n# touched\n", encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=tree, env=env, check=True)
    elapsed = timed(["pre-commit", "run"], tree, env)
    print(f"  pre-commit run, one file changed   {elapsed:8.3f} s   (end to end, both hooks)")


def incremental(tree: Path, tmp: Path) -> None:
    """SPEC §9 "Incremental use": each ratio is the median of paired rounds."""
    cache = Path(os.environ[CACHE_ENV])
    subprocess.run(golem("generate", "."), cwd=tree, capture_output=True)  # settles the tree
    _, _, generate_vs_check = interleaved(5, golem("generate", "."), golem("check", "."), tree)
    print(
        f"  generate, unchanged tree / warm check      {generate_vs_check:6.2f}x (target <= 1.5x)"
    )
    target = tree / "pkg0" / "agent_0.py"
    original = target.read_text(encoding="utf-8")
    ratios = []
    for round_ in range(5):
        shutil.rmtree(cache, ignore_errors=True)
        cold = timed(golem("check", "."), tree)
        target.write_text(original + f"\ndef edited_{round_}() -> int:\n    return {round_}\n")
        ratios.append(timed(golem("check", "."), tree) / cold)
    target.write_text(original, encoding="utf-8")
    spread = f"{min(ratios):.1%}-{max(ratios):.1%}"
    print(
        f"  check after a one-file change / cold check {statistics.median(ratios):6.1%} "
        f"(target <= 15%; 5 rounds: {spread})"
    )
    single = tmp / "single"
    single.mkdir()
    (single / "pyproject.toml").write_text("[tool.golem-codegen]\n", encoding="utf-8")
    (single / "agent.py").write_text((tree / "pkg0" / "shared.py").read_text(), encoding="utf-8")
    subprocess.run(golem("check", "."), cwd=single, capture_output=True)  # warm, as in an editor
    _, _, startup = interleaved(7, golem("check", "."), [sys.executable, "-c", "pass"], single)
    print(f"  check of a one-file project / python -c pass {startup:6.2f}x (target <= 4x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--modules", type=int, default=1000)
    parser.add_argument("--only", choices=["incremental"], default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ[CACHE_ENV] = str(Path(tmp) / "cache")  # the runs below (and pre-commit) use it
        tree = write_agent_tree(Path(tmp), args.modules)
        (tree / "pyproject.toml").write_text("[tool.golem-codegen]\n", encoding="utf-8")
        subprocess.run(golem("generate", "--no-cache", "."), cwd=tree, capture_output=True)
        print(f"{args.modules} agent modules in {tree}")
        if args.only is None:
            cache_and_workers(tree)
            pre_commit(tree, Path(tmp) / "pre-commit-home")
        incremental(tree, Path(tmp))


if __name__ == "__main__":
    main()

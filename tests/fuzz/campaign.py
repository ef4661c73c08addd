"""The reliability campaign (issue 12): corpora no one here wrote forced through the scanner,
deep-nesting files, generated agent projects through `generate` and `mypy --strict`, and SIGKILL
during `generate` and oplog appends. Prints one table; exits 1 when anything is not zero.

    python -m tests.fuzz.campaign --quick      # a few minutes on 2 cores
    python -m tests.fuzz.campaign              # everything (tens of minutes)
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from codegen.scan.depth import MAX_DEPTH
from tests.fuzz.deep import CHAINS, deep_file
from tests.fuzz.kills import KillTally, kill_generate, kill_oplog
from tests.fuzz.projects import agent_module
from tests.fuzz.scanning import REPO, Tally, library_roots, python_sources, sample, scan_all

SIZES = (MAX_DEPTH - 100, MAX_DEPTH + 1, 3_000, 20_000)
"""Chain lengths of the deep files: within the bound, just past it, and far past it."""


def deep_corpus(directory: Path) -> list[str]:
    """One file per chain kind and size, plus brackets nested past CPython's limit."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind in sorted(CHAINS):
        for size in SIZES:
            path = directory / f"{kind}_{size}.py".replace("-", "_")
            path.write_bytes(deep_file(kind, size))
            paths.append(str(path))
    brackets = directory / "brackets.py"
    brackets.write_bytes(b"x = " + b"(" * 5000 + b"1" + b")" * 5000 + b"\n")
    return [*paths, str(brackets)]


def check_cli(directory: Path, limit: float) -> Tally:
    """The real `check` over the deep files: exit 0 or 1, one line per finding, no traceback."""
    tally = Tally()
    command = [sys.executable, "-m", "codegen", "check", str(directory), "--no-cache"]
    started = time.perf_counter()
    try:
        ran = subprocess.run(command, capture_output=True, text=True, timeout=limit, cwd=REPO)
    except subprocess.TimeoutExpired:
        tally.count(str(directory), "hang", limit, f"check did not finish in {limit:g} s")
        return tally
    spent = time.perf_counter() - started
    broken = ran.returncode not in (0, 1) or "Traceback" in ran.stderr or "internal" in ran.stderr
    detail = f"exit {ran.returncode}: {ran.stderr.strip()[-200:]}"
    tally.count(str(directory), "crash" if broken else "ok", spent, detail)
    return tally


def generated_projects(directory: Path, count: int, seed: int, limit: float) -> dict[str, int]:
    """Random agent projects through `generate`, then every generated module through
    `mypy --strict` and `ruff format --check`; counts per outcome."""
    counts = dict.fromkeys(("tried", "generated", "refused", "crashes", "hangs"), 0)
    counts.update(mypy=0, unformatted=0)
    names = [f"fz{seed}_{i}" for i in range(count)]
    for name, index in zip(names, range(count), strict=True):
        package = directory / name
        package.mkdir(parents=True)
        (package / "__init__.py").write_text("")
        (package / "agent.py").write_text(agent_module(seed * 100_000 + index))

    def run(name: str) -> str:
        command = [sys.executable, "-m", "codegen", "generate", name, "--no-cache", "-j", "1"]
        try:
            ran = subprocess.run(command, cwd=directory, capture_output=True, timeout=limit)
        except subprocess.TimeoutExpired:
            return "hangs"
        if ran.returncode == 0 and (directory / name / "golem_agents.py").is_file():
            return "generated"
        crashed = ran.returncode not in (0, 1) or b"Traceback" in ran.stderr
        return "crashes" if crashed or b"internal" in ran.stderr else "refused"

    with ThreadPoolExecutor(2) as pool:
        for outcome in pool.map(run, names):
            counts["tried"] += 1
            counts[outcome] += 1
    modules = sorted(str(p.relative_to(directory)) for p in directory.glob("*/golem_agents.py"))
    if modules:
        env = {"MYPYPATH": str(REPO), "PATH": ""}
        mypy = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *modules]
        out = subprocess.run(mypy, cwd=directory, capture_output=True, text=True, env=env)
        failing = set(re.findall(r"^(\S+/golem_agents\.py):\d+: error", out.stdout, re.M))
        counts["mypy"] = len(failing)
        for path in sorted(failing):
            print(f"mypy --strict fails on {directory / path}", file=sys.stderr)
        ruff = [sys.executable, "-m", "ruff", "format", "--check", "--quiet", *modules]
        unformatted = subprocess.run(ruff, cwd=directory, capture_output=True, text=True)
        counts["unformatted"] = len(re.findall(r"golem_agents\.py", unformatted.stdout))
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="samples: a few minutes")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=float, default=20.0, help="seconds per file")
    options = parser.parse_args()
    quick, rng = options.quick, random.Random(options.seed)
    library = python_sources(library_roots())
    corpus = sample(library, 600) if quick else library
    rows: list[tuple[str, int, int, int, str]] = []
    with tempfile.TemporaryDirectory() as temporary:
        scratch = Path(temporary)
        tally = scan_all(corpus, options.limit)
        for refused in tally.refused:
            print(refused, file=sys.stderr)
        slow = _notes(tally)
        rows.append(("scan: stdlib + site-packages", tally.tried, *_bad(tally), slow))
        deep = deep_corpus(scratch / "deep")
        tally = scan_all(deep, options.limit)
        slow = _notes(tally)
        rows.append(("scan: deep / long-chain files", tally.tried, *_bad(tally), slow))
        tally = check_cli(scratch / "deep", options.limit * 10)
        rows.append(("`check` CLI on the deep files", tally.tried, *_bad(tally), ""))
        counts = generated_projects(scratch / "projects", 24 if quick else 320, options.seed, 120)
        note = (
            f"generated {counts['generated']}, refused {counts['refused']} (diagnostics), "
            f"mypy --strict failures {counts['mypy']}, unformatted {counts['unformatted']}"
        )
        failures = counts["crashes"] + counts["mypy"] + counts["unformatted"]
        rows.append(
            ("generate: random agent projects", counts["tried"], failures, counts["hangs"], note)
        )
    kills = kill_generate(6 if quick else 40, rng), kill_oplog(4 if quick else 25, rng)
    labels = ("SIGKILL during generate", "SIGKILL during oplog appends")
    for label, kill in zip(labels, kills, strict=True):
        rows.append((label, kill.trials, len(kill.losses), 0, f"losses {len(kill.losses)}"))
    return _report(rows, options, kills, tally)


def _notes(tally: Tally) -> str:
    seconds, path = tally.slowest
    glm900, glm901 = tally.outcomes["glm900"], tally.outcomes["glm901"]
    return f"slowest {seconds:.2f} s ({Path(path).name}); GLM900 {glm900}, GLM901 {glm901}"


def _bad(tally: Tally) -> tuple[int, int]:
    for problem in tally.problems:
        print(problem, file=sys.stderr)
    return tally.outcomes["crash"] + tally.outcomes["internal"], tally.outcomes["hang"]


def _report(
    rows: list[tuple[str, int, int, int, str]],
    options: argparse.Namespace,
    kills: tuple[KillTally, KillTally],
    tally: Tally,
) -> int:
    for kill in kills:
        for loss in kill.losses:
            print(loss, file=sys.stderr)
    mode = "--quick " if options.quick else ""
    print(f"python -m tests.fuzz.campaign {mode}--seed {options.seed}")
    print("| what | tried | crashes/failures | hangs | notes |")
    print("|---|---:|---:|---:|---|")
    for label, tried, bad, hangs, note in rows:
        print(f"| {label} | {tried} | {bad} | {hangs} | {note} |")
    return 1 if any(bad or hangs for _, _, bad, hangs, _ in rows) else 0


if __name__ == "__main__":
    sys.exit(main())

"""Files through the scanner in child processes, each answer bounded in time: crashes and hangs
are pinned on one file, and the child is replaced."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import sysconfig
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Tally:
    """What happened to the files of one corpus."""

    tried: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    slowest: tuple[float, str] = (0.0, "")
    problems: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    """GLM900/GLM901 answers: expected for broken files, worth a look for the others."""

    def count(self, path: str, outcome: str, seconds: float, detail: str = "") -> None:
        self.tried += 1
        self.outcomes[outcome] += 1
        if seconds > self.slowest[0]:
            self.slowest = (seconds, path)
        if outcome in ("crash", "hang", "internal"):
            self.problems.append(f"{outcome}: {path} {detail}".rstrip())
        elif outcome.startswith("glm"):
            self.refused.append(f"{outcome}: {path} {detail}".rstrip())


class Worker:
    """One `tests.fuzz.worker` child; restarted after a crash or a hang."""

    def __init__(self) -> None:
        self.child = self._start()

    @staticmethod
    def _start() -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.fuzz.worker"],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )

    def ask(self, path: str, limit: float) -> tuple[str, float, str]:
        """(outcome, seconds, detail) of scanning `path`: ok, glm900, glm901, internal, crash, hang."""
        assert self.child.stdin is not None and self.child.stdout is not None
        try:
            self.child.stdin.write(path + "\n")
            self.child.stdin.flush()
        except BrokenPipeError:
            return self._replace("crash", "the worker had died")
        ready, _, _ = select.select([self.child.stdout], [], [], limit)
        if not ready:
            return self._replace("hang", f"no answer in {limit:g} s")
        line = self.child.stdout.readline()
        if not line:
            self.child.wait()
            return self._replace("crash", f"exit status {self.child.returncode}")
        outcome, seconds, *detail = line.rstrip("\n").split(" ", 2)
        return outcome, float(seconds), detail[0] if detail else ""

    def _replace(self, outcome: str, detail: str) -> tuple[str, float, str]:
        self.close()
        self.child = self._start()
        return outcome, 0.0, detail

    def close(self) -> None:
        if self.child.poll() is None:
            self.child.kill()
        self.child.wait()


def scan_all(paths: Sequence[str], limit: float, workers: int = 2) -> Tally:
    """Scan every path with `workers` children in parallel; `limit` seconds per file."""
    tally, lock = Tally(), threading.Lock()
    queue = list(reversed(paths))

    def drive() -> None:
        worker = Worker()
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    path = queue.pop()
                outcome, seconds, detail = worker.ask(path, limit)
                with lock:
                    tally.count(path, outcome, seconds, detail)
        finally:
            worker.close()

    threads = [threading.Thread(target=drive) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


def python_sources(roots: Iterable[str]) -> list[str]:
    """Every .py file under the roots, sorted (symlinked duplicates once)."""
    found: set[str] = set()
    for root in roots:
        for directory, _, names in os.walk(root):
            found.update(
                os.path.realpath(os.path.join(directory, n)) for n in names if n.endswith(".py")
            )
    return sorted(found)


def library_roots() -> list[str]:
    """The running Python's standard library and site-packages: code no one here wrote."""
    paths = sysconfig.get_paths()
    roots = {paths["stdlib"], paths["purelib"], paths["platlib"]}
    return sorted(r for r in roots if os.path.isdir(r))


def sample(paths: Sequence[str], count: int) -> list[str]:
    """`count` paths spread evenly over the sorted list (deterministic)."""
    if count >= len(paths):
        return list(paths)
    step = len(paths) / count
    return [paths[int(i * step)] for i in range(count)]

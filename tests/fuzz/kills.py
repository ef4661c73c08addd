"""SIGKILL at random moments: `generate` must leave every output whole (old or new, never
partial) and the next run must leave no temporary file; an oplog writer must lose no acknowledged
invocation and apply none twice."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.generate.support import GOLDEN_PROJECTS, copy_sources, generated_files

REPO = Path(__file__).resolve().parents[2]
GENERATE = [sys.executable, "-m", "codegen", "generate", ".", "--no-cache", "-j", "1"]


@dataclass
class KillTally:
    trials: int = 0
    losses: list[str] = field(default_factory=list)


def _generate(root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        GENERATE, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _temporaries(root: Path) -> list[str]:
    return sorted(p.name for p in root.rglob(".*.tmp"))


EXTRA_AGENT = """

@agent()
class LateAgent:
    def __init__(self, name: str) -> None:
        self.name = name
"""


def _project(scratch: Path, name: str, project: str, *, extended: bool) -> Path:
    """A copy of a golden project's sources, with one more agent when `extended`."""
    root = copy_sources(GOLDEN_PROJECTS[project], scratch / name)
    if extended:
        source = next(p for p in root.rglob("*.py") if "@agent" in p.read_text())
        source.write_text(source.read_text() + EXTRA_AGENT)
    return root


def kill_generate(trials: int, rng: random.Random, project: str = "all_types") -> KillTally:
    """Kill `generate` at random moments of a run: from nothing, or over an older output (the
    project gained an agent since), which must then survive whole if the new one is not in."""
    tally = KillTally()
    with tempfile.TemporaryDirectory() as temporary:
        scratch = Path(temporary)
        expected: dict[bool, dict[str, str]] = {}
        durations = []
        for extended in (False, True):
            reference = _project(scratch, f"reference-{extended}", project, extended=extended)
            started = time.perf_counter()
            assert _generate(reference).wait() == 0
            durations.append(time.perf_counter() - started)
            expected[extended] = generated_files(reference)
        for trial in range(trials):
            stale = trial % 2 == 1
            root = _project(scratch, f"t{trial}", project, extended=False)
            if stale:
                assert _generate(root).wait() == 0
                source = next(p for p in root.rglob("*.py") if "@agent" in p.read_text())
                source.write_text(source.read_text() + EXTRA_AGENT)
            before = generated_files(root)
            child = _generate(root)
            time.sleep(rng.uniform(0.0, max(durations) * 1.1))
            child.send_signal(signal.SIGKILL)
            child.wait()
            tally.trials += 1
            wanted = expected[stale]
            for relative, text in generated_files(root).items():
                if text not in (wanted.get(relative), before.get(relative)):
                    tally.losses.append(f"generate trial {trial}: partial {relative}")
            if _generate(root).wait() != 0:
                tally.losses.append(f"generate trial {trial}: the next run failed")
            if generated_files(root) != wanted:
                tally.losses.append(f"generate trial {trial}: the next run differs")
            if _temporaries(root):
                tally.losses.append(f"generate trial {trial}: left {_temporaries(root)}")
            shutil.rmtree(root)
    return tally


WRITER = """
import sys
sys.path[:0] = [{repo!r}]
from tests.executor.support import Counter, agent_type
from runtime_stub import Executor, SqliteOplogStore

ex = Executor(SqliteOplogStore(sys.argv[1]), agent_types=[agent_type(Counter, "every(25)")])
while True:
    print(ex.invoke("Counter", ["k"], "add", [1]), flush=True)
"""


def kill_oplog(trials: int, rng: random.Random) -> KillTally:
    """Kill a writer after a random number of acknowledged invocations; recover; compare."""
    from runtime_stub import Executor, SqliteOplogStore
    from tests.executor.support import Counter, agent_type

    tally = KillTally()
    with tempfile.TemporaryDirectory() as scratch:
        script, db = Path(scratch) / "writer.py", Path(scratch) / "oplog.db"
        script.write_text(textwrap.dedent(WRITER.format(repo=str(REPO))))
        for trial in range(trials):
            child = subprocess.Popen(
                [sys.executable, str(script), str(db)], stdout=subprocess.PIPE, text=True
            )
            assert child.stdout is not None
            acknowledged = [int(child.stdout.readline()) for _ in range(rng.randint(1, 120))]
            os.kill(child.pid, signal.SIGKILL)
            acknowledged += [int(line) for line in child.stdout.read().split()]
            child.wait()
            tally.trials += 1
            types = [agent_type(Counter, "every(25)")]
            with Executor(SqliteOplogStore(db), agent_types=types) as ex:
                recovered = ex.instance('Counter("k")').count
                finished = sum(
                    e.kind == "agent-invocation-finished" for e in ex.oplog('Counter("k")')
                )
            if not acknowledged[-1] <= recovered <= acknowledged[-1] + 1:
                tally.losses.append(
                    f"oplog trial {trial}: acknowledged {acknowledged[-1]}, recovered {recovered}"
                )
            if finished != recovered:
                tally.losses.append(
                    f"oplog trial {trial}: {finished} finished invocations, state {recovered}"
                )
    return tally

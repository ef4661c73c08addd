"""`generate` killed at any moment leaves whole outputs, and the next run sweeps what it left."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from codegen.generate.plan import sweep_temporaries, write_atomic
from tests.fuzz.kills import kill_generate


def finished_pid() -> int:
    """The id of a process that has exited (no live writer has it)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_killed_writers_temporary_is_swept_and_a_live_ones_kept(tmp_path: Path) -> None:
    target = tmp_path / "golem_agents.py"
    target.write_text("old\n")
    dead = tmp_path / f".golem_agents.py.{finished_pid()}-0123456789ab.tmp"
    dead.write_text("partial")
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"]) as live_writer:
        live = tmp_path / f".golem_agents.py.{live_writer.pid}-0123456789ab.tmp"
        live.write_text("in flight")
        other = tmp_path / ".other.py.1-0123456789ab.tmp"
        other.write_text("not ours")
        try:
            assert write_atomic(target, b"new\n")
            assert target.read_text() == "new\n"
            assert not dead.exists() and live.exists() and other.exists()
        finally:
            live_writer.kill()
        live_writer.wait()
    sweep_temporaries(target)
    assert not live.exists() and other.exists()


def test_an_unchanged_run_sweeps_too(tmp_path: Path) -> None:
    target = tmp_path / "golem_agents.py"
    target.write_text("same\n")
    dead = tmp_path / f".golem_agents.py.{finished_pid()}-0123456789ab.tmp"
    dead.write_text("partial")
    assert not write_atomic(target, b"same\n")
    assert not dead.exists()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_generate_killed_at_random_moments_loses_nothing() -> None:
    tally = kill_generate(3, random.Random(12))
    assert tally.trials == 3 and tally.losses == []

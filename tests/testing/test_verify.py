"""`golem-codegen verify` and `snapshots export` on fixture projects, through the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from codegen.cli import main
from tests.generate.support import working_directory
from tests.testing.support import generated_copy


def verify(root: Path, *args: str) -> tuple[int, list[str]]:
    with working_directory(root):
        result = CliRunner().invoke(main, ["verify", *args, "--examples", "20"])
    return result.exit_code, result.output.splitlines()


def test_the_example_project_verifies(tmp_path: Path) -> None:
    code, lines = verify(generated_copy("examples", tmp_path))
    assert code == 0, lines
    assert "CounterAgent: ok (round trip, recovery)" in lines
    assert "batch: ok (round trip, recovery)" in lines  # an ephemeral agent is not recovered


def test_each_broken_agent_fails_naming_the_cause(tmp_path: Path) -> None:
    code, lines = verify(generated_copy("verify/broken", tmp_path))
    assert code == 1
    text = "\n".join(lines)
    assert "LossyAgent: FAILED round trip: " in text and "state['history']" in text
    assert "TickerAgent: FAILED recovery: " in text and "two identical runs" in text
    assert "StockAgent: FAILED stored snapshot v1-5f1d2c3b4a59.json: " in text
    assert 'level: expected an integer, got the string "high"' in text
    assert "example: reached(args=" in text  # the shrunk example that reproduces it


def test_an_exported_snapshot_is_a_stored_sample_later_versions_must_load(tmp_path: Path) -> None:
    root = generated_copy("examples", tmp_path)
    script = (
        "import sys; sys.path.insert(0, '.')\n"
        "import shop.golem_agents\n"
        "from runtime_stub import Executor, SqliteOplogStore\n"
        "with Executor(SqliteOplogStore('.golem/oplog.db')) as ex:\n"
        "    ex.invoke('CounterAgent', ['c1'], 'increment')\n"
    )
    (root / ".golem").mkdir()
    subprocess.run([sys.executable, "-c", script], cwd=root, check=True)
    with working_directory(root):
        result = CliRunner().invoke(main, ["snapshots", "export", 'CounterAgent("c1")'])
        again = CliRunner().invoke(main, ["snapshots", "export", 'CounterAgent("c1")'])
        missing = CliRunner().invoke(main, ["snapshots", "export", 'CounterAgent("zz")'])
    assert result.exit_code == 0, result.output
    written = root / result.output.strip()
    assert written.parent == root / "tests" / "golem_snapshots" / "CounterAgent"
    assert written.name.startswith("v1-") and written.suffix == ".json"
    assert json.loads(written.read_bytes())["state"] == {"name": "c1", "count": 1}
    assert again.output == result.output  # named by content: exporting twice writes one file
    assert missing.exit_code == 2 and "no agent" in missing.output
    code, lines = verify(root)
    assert code == 0 and any(
        line.startswith("CounterAgent: ok (round trip, recovery, stored snapshot v1-")
        for line in lines
    )
    counter = root / "shop" / "counter.py"  # v2 changes `count`, and its migration forgets it
    source = counter.read_text(encoding="utf-8")
    source = source.replace("count: int = field(default=0", "count: str = field(default=''")
    source = source.replace("self.count += 1", "self.count += '1'").replace(
        "return self.count", "return len(self.count)"
    )
    source = source.replace('snapshotting="every(1)"', 'snapshotting="every(1)", state_version=2')
    source = source.replace(
        "from runtime_stub import", "from typing import Any\n\nfrom runtime_stub import migration,"
    )
    source += "\n    @migration(from_version=1)\n    def _v2(state: dict[str, Any]) -> dict[str, Any]:\n        return state\n"
    counter.write_text(source, encoding="utf-8")
    with working_directory(root):
        generated = CliRunner().invoke(main, ["generate"])
    assert generated.exit_code == 0, generated.output
    for name in [m for m in sys.modules if m == "shop" or m.startswith("shop.")]:
        del sys.modules[name]  # a new process would import v2: so does this one
    code, lines = verify(root)
    assert code == 1
    (line,) = [
        line for line in lines if line.startswith("CounterAgent: FAILED stored snapshot v1-")
    ]
    assert (
        "migrated from version 1 by CounterAgent._v2 is invalid: count: expected a string" in line
    )

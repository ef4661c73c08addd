"""`golem-codegen check --fix / --unsafe-fixes / --diff`, run as users and pre-commit run it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from codegen.cli import main

from .support import FIXES, copy_case, fixed_in, inside

EXE = shutil.which("golem-codegen")
PATCH = shutil.which("patch")
CASE = FIXES / "GLM033_stand_ins"
BROKEN = "from runtime_stub import agent\n\n@agent\nclass Broken(:\n    x = uuid.uuid4()\n"


COMMAND = [EXE] if EXE else [sys.executable, "-m", "codegen"]


def golem(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """A `check` command (without the cache), its output as text."""
    return subprocess.run(
        [*COMMAND, *args, "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_check_marks_safe_fixes_and_counts_them_without_writing(tmp_path: Path) -> None:
    path = copy_case(CASE, tmp_path)
    before = path.read_bytes()
    result = golem("check", cwd=tmp_path)
    assert result.returncode == 0  # warnings only
    lines = result.stdout.splitlines()
    marked = [line for line in lines if " [*] " in line]
    assert marked and all(": GLM033 [*] " in line for line in marked)
    assert "agents.py:23:15: GLM033 [*] [warning] AuditAgent: uuid.uuid4()" in result.stdout
    assert "agents.py:24:18: GLM033 [warning] AuditAgent: uuid.uuid1()" in result.stdout  # unsafe
    hidden = len(lines) - len(marked)
    assert f"[*] {len(marked)} fixable with `--fix`." in result.stderr
    assert f"{hidden - 1} more fixable with `--fix --unsafe-fixes`." in result.stderr  # shuffle
    assert path.read_bytes() == before
    unsafe = golem("check", "--unsafe-fixes", cwd=tmp_path)
    assert unsafe.stdout.count(" [*] ") == len(lines) - 1
    assert "more fixable" not in unsafe.stderr


def test_fix_writes_reports_what_is_left_and_the_second_run_changes_nothing(
    tmp_path: Path,
) -> None:
    path = copy_case(CASE, tmp_path)
    path.chmod(0o640)
    result = golem("check", "--fix", "--unsafe-fixes", "--strict", cwd=tmp_path)
    assert path.read_bytes() == (CASE / "after_unsafe.py").read_bytes()
    assert path.stat().st_mode & 0o777 == 0o640  # replaced atomically, mode kept
    assert [p.name for p in tmp_path.iterdir()] == ["agents.py"]  # no temporary file left
    assert "Fixed 12 problem(s) in 1 file." in result.stderr
    assert result.stdout.splitlines() == [
        'agents.py:36:9: GLM033 [warning] AuditAgent: random.shuffle() in method "record" is not '
        "deterministic: replaying the agent after a crash would see another value; use the "
        "durable stand-in random.Random(runtime_stub.random()).shuffle(...)"
    ]
    assert result.returncode == 1  # --strict: the warning that is left fails
    again = golem("check", "--fix", "--unsafe-fixes", cwd=tmp_path)
    assert "Fixed" not in again.stderr and again.returncode == 0
    assert path.read_bytes() == (CASE / "after_unsafe.py").read_bytes()


def test_a_file_that_does_not_parse_is_never_touched(tmp_path: Path) -> None:
    copy_case(CASE, tmp_path)
    broken = tmp_path / "broken.py"
    broken.write_text(BROKEN, encoding="utf-8")
    result = golem("check", "--fix", "--unsafe-fixes", cwd=tmp_path)
    assert broken.read_text(encoding="utf-8") == BROKEN
    assert "broken.py:4:" in result.stdout and "GLM900" in result.stdout
    assert (tmp_path / "agents.py").read_bytes() == (CASE / "after_unsafe.py").read_bytes()
    assert result.returncode == 1


def test_json_says_which_diagnostics_are_fixable_and_how(tmp_path: Path) -> None:
    copy_case(CASE, tmp_path)
    records = json.loads(golem("check", "--format", "json", cwd=tmp_path).stdout)
    by_line = {record["line"]: record for record in records}
    uuid4, uuid1 = by_line[23], by_line[24]
    assert uuid4["fixable"] is True and uuid4["fix"]["applicability"] == "safe"
    assert uuid4["fix"]["message"] == "replace with `uuid4()`"
    assert {"line": 23, "column": 15, "end_line": 23, "end_column": 27, "content": "uuid4()"} in (
        uuid4["fix"]["edits"]
    )
    assert uuid1["fixable"] is False and uuid1["fix"] is None  # unsafe, not asked for
    unsafe = json.loads(golem("check", "--format", "json", "--unsafe-fixes", cwd=tmp_path).stdout)
    assert {r["line"]: r for r in unsafe}[24]["fix"]["applicability"] == "unsafe"


def test_sarif_results_carry_their_fixes(tmp_path: Path) -> None:
    copy_case(CASE, tmp_path)
    log = json.loads(golem("check", "--format", "sarif", cwd=tmp_path).stdout)
    results = log["runs"][0]["results"]
    fixed = [r for r in results if "fixes" in r]
    assert fixed and len(fixed) < len(results)
    (change,) = fixed[0]["fixes"][0]["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "agents.py"
    replacement = change["replacements"][0]
    assert set(replacement["deletedRegion"]) == {"startLine", "startColumn", "endLine", "endColumn"}
    assert replacement["insertedContent"]["text"] == "uuid4()"
    assert "safe fix" in fixed[0]["fixes"][0]["description"]["text"]


@pytest.mark.skipif(
    PATCH is None, reason="the `patch` tool is not installed (apt-get install patch)"
)
@pytest.mark.parametrize("unsafe", [False, True], ids=["fix", "unsafe-fixes"])
@pytest.mark.parametrize(
    "case", sorted(p for p in FIXES.iterdir() if p.is_dir()), ids=lambda p: p.name
)
def test_diff_applies_with_patch_to_give_the_fix_result(
    case: Path, unsafe: bool, tmp_path: Path
) -> None:
    flags = ["--unsafe-fixes"] if unsafe else []
    shown = copy_case(case, tmp_path / "shown")
    before = shown.read_bytes()
    with inside(shown.parent):
        diff = CliRunner().invoke(main, ["check", "--fix", "--diff", "--no-cache", *flags])
    assert shown.read_bytes() == before  # --diff writes nothing
    fixed = copy_case(case, tmp_path / "fixed")
    fixed_in(fixed.parent, unsafe=unsafe)
    changed = fixed.read_bytes() != before
    assert diff.exit_code == (1 if changed else 0)
    assert bool(diff.stdout_bytes) is changed
    assert PATCH is not None
    applied = subprocess.run(
        [PATCH, "-p1", "--quiet", "--binary"],
        input=diff.stdout_bytes,
        cwd=shown.parent,
        capture_output=True,
        check=False,
    )
    assert applied.returncode == 0, applied.stderr
    assert shown.read_bytes() == fixed.read_bytes()


def explain(code: str) -> str:
    result = subprocess.run([*COMMAND, "explain", code], capture_output=True, text=True, check=True)
    return result.stdout


def test_explain_prints_the_fix_with_its_before_and_after() -> None:
    text = explain("GLM032")
    assert "Fixable with `golem-codegen check --fix`:" in text
    assert text.index("Good:") < text.index("Before:") < text.index("After `--fix`:")
    assert "`golem-codegen check --fix --unsafe-fixes` (unsafe)" in explain("GLM031")
    assert "Fixable" not in explain("GLM003")


def test_a_check_with_nothing_to_fix_never_loads_the_fixers(tmp_path: Path) -> None:
    """Trees without agents are checked without parsing: the fixers (libcst) stay unloaded."""
    (tmp_path / "helpers.py").write_text("X = 1  # a comment\n", encoding="utf-8")
    command = [sys.executable, "-X", "importtime", "-m", "codegen", "check", "--no-cache"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "codegen.fix" not in result.stderr and "libcst" not in result.stderr

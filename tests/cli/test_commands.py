"""The installed `golem-codegen` command, run as users and CI run it: exit codes, formats, files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "fixtures" / "examples"
EXE = shutil.which("golem-codegen")

BAD_AGENT = """\
from runtime_stub import agent


@agent(snapshotting="every_n(5)")
class Broken:
    def save_snapshot(self) -> bytes:
        return b""
"""

WARNING_AGENT = """\
from runtime_stub import agent, idempotence_mode


@agent()
class Chatty:
    def run(self) -> None:
        with idempotence_mode(True):
            pass
"""


def golem(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [EXE] if EXE else [sys.executable, "-m", "codegen"]
    return subprocess.run(
        [*command, *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=120
    )


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXAMPLES, tmp_path / "examples"))


def test_the_console_script_is_installed() -> None:
    assert EXE is not None, "pip install -e . provides the golem-codegen command"


def test_check_passes_on_the_example_project(examples: Path) -> None:
    result = golem("check", ".", cwd=examples)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "All checks passed" in result.stderr


def test_errors_exit_1_with_sorted_text_lines(tmp_path: Path) -> None:
    write(tmp_path, {"b.py": BAD_AGENT, "a.py": BAD_AGENT.replace("Broken", "Other")})
    result = golem("check", "--no-cache", ".", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines, result.stderr
    assert all(line.startswith(("a.py:", "b.py:")) for line in lines)
    keys = [(p, int(ln), int(col), code) for p, ln, col, code in (_parts(x) for x in lines)]
    assert keys == sorted(keys)
    codes = {code for *_, code in keys}
    assert {"GLM001", "GLM004"} <= codes


def _parts(line: str) -> tuple[str, str, str, str]:
    path, line_no, column, rest = line.split(":", 3)
    return path, line_no, column, rest.split()[0]


def test_json_has_the_fields_of_the_spec(tmp_path: Path) -> None:
    write(tmp_path, {"agents.py": BAD_AGENT})
    result = golem("check", "--format", "json", ".", cwd=tmp_path)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data and all(
        set(d)
        >= {"code", "severity", "message", "path", "line", "column", "end_line", "end_column"}
        for d in data
    )
    assert {d["severity"] for d in data} == {"error"}


def test_warnings_fail_only_with_strict(tmp_path: Path) -> None:
    write(tmp_path, {"agents.py": WARNING_AGENT})
    relaxed = golem("check", ".", cwd=tmp_path)
    strict = golem("check", "--strict", ".", cwd=tmp_path)
    assert relaxed.returncode == 0 and "GLM032" in relaxed.stdout
    assert strict.returncode == 1 and "GLM032" in strict.stdout


def test_select_and_ignore_filter_codes(tmp_path: Path) -> None:
    write(tmp_path, {"agents.py": BAD_AGENT})
    only = golem("check", "--select", "GLM004", ".", cwd=tmp_path)
    assert {_parts(x)[3] for x in only.stdout.splitlines()} == {"GLM004"}
    none = golem("check", "--ignore", "GLM00", ".", cwd=tmp_path)
    assert none.returncode == 0 and none.stdout == ""


def test_one_bad_file_never_stops_the_run(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "broken.py": "import runtime_stub\ndef f(:\n",
            "agents.py": BAD_AGENT,
        },
    )
    (tmp_path / "latin.py").write_bytes(b"# runtime_stub\nx = '\xff\xfe'\n")
    result = golem("check", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    codes = {(_parts(x)[0], _parts(x)[3]) for x in result.stdout.splitlines()}
    assert ("broken.py", "GLM900") in codes
    assert ("latin.py", "GLM901") in codes
    assert ("agents.py", "GLM004") in codes


@pytest.mark.parametrize(
    "args",
    [
        ("check", "does-not-exist"),
        ("check", "--format", "xml", "."),
        ("explain", "GLM999"),
        ("frobnicate",),
    ],
)
def test_bad_usage_exits_2(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = golem(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_bad_configuration_exits_2(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "[tool.golem-codegen]\nexclude = 3\n", "a.py": BAD_AGENT})
    result = golem("check", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert "pyproject.toml" in result.stderr and "exclude" in result.stderr


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("--select", "GLM999"), "'GLM999'"),
        (("--ignore", "GLM0,GLM77"), "'GLM77'"),
        (("--select", "E501"), "'E501'"),
        (("--ignore", "GLM030 GLM031"), "separate selectors with commas: GLM030,GLM031"),
    ],
)
def test_selectors_that_select_nothing_are_bad_usage(
    tmp_path: Path, args: tuple[str, ...], named: str
) -> None:
    write(tmp_path, {"agents.py": BAD_AGENT})
    result = golem("check", *args, ".", cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert named in result.stderr and "a prefix of codes (GLM0, GLM03, GLM)" in result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr


def test_prefixes_any_case_and_all_are_valid_selectors(tmp_path: Path) -> None:
    write(tmp_path, {"agents.py": BAD_AGENT})
    result = golem("check", "--select", "glm0,GLM", "--ignore", "GLM00, all", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_configured_selector_that_selects_nothing_exits_2(tmp_path: Path) -> None:
    config = '[tool.golem-codegen]\nignore = ["GLM03", "GLM0333"]\n'
    write(tmp_path, {"pyproject.toml": config, "a.py": BAD_AGENT})
    result = golem("check", ".", cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "configuration error" in result.stderr and "pyproject.toml" in result.stderr
    assert "ignore" in result.stderr and "'GLM0333'" in result.stderr


def test_explain_prints_a_bad_and_a_good_example() -> None:
    result = golem("explain", "GLM001", cwd=ROOT)
    assert result.returncode == 0
    assert "GLM001" in result.stdout and "save_snapshot" in result.stdout
    assert "# expect:" not in result.stdout


def test_scan_prints_the_model_as_json(examples: Path) -> None:
    result = golem("scan", ".", cwd=examples)
    assert result.returncode == 0, result.stderr
    agents = {a["type_name"]: a for a in json.loads(result.stdout)["agents"]}
    counter = agents["CounterAgent"]
    assert counter["mount"] == "/counters/{name}"
    assert counter["snapshotting"] == {"value": "every(1)", "policy": "every", "count": 1}
    assert counter["snapshot_format"] == "json"
    assert [p["name"] for p in counter["constructor"]] == ["name"]
    assert agents["CustomCounterAgent"]["snapshot_format"] == "binary"
    assert agents["SessionAgent"]["snapshotting"]["nanos"] == 30_000_000_000
    assert agents["batch"]["class"] == "BatchAgent"


def test_generate_check_and_write(examples: Path) -> None:
    assert golem("generate", "--check", ".", cwd=examples).returncode == 0
    counter = examples / "shop" / "counter.py"
    counter.write_text(counter.read_text().replace('"every(1)"', '"every(2)"'))
    stale = golem("check", ".", cwd=examples)
    assert stale.returncode == 1 and "GLM040" in stale.stdout
    diff = golem("generate", "--diff", ".", cwd=examples)
    assert diff.returncode == 1 and "EveryN(2)" in diff.stdout
    assert golem("generate", ".", cwd=examples).returncode == 0
    assert golem("check", ".", cwd=examples).returncode == 0


def test_python_dash_m_is_the_same_command(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "codegen", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and "generate" in result.stdout


def test_oplog_prints_an_agents_oplog_from_a_store(examples: Path) -> None:
    script = (
        "import shop.golem_agents\n"
        "from runtime_stub import Executor, SqliteOplogStore\n"
        "ex = Executor(SqliteOplogStore('.golem/oplog.db'))\n"
        "ex.invoke('CounterAgent', ['c1'], 'increment')\n"
        "ex.invoke('CounterAgent', ['c1'], 'increment')\n"
        "ex.close()\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", script], cwd=examples, capture_output=True, text=True, check=False
    )
    assert ran.returncode == 0, ran.stderr
    result = golem("oplog", 'CounterAgent("c1")', "--store", ".golem/oplog.db", cwd=examples)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("#00001:\nCREATE")
    assert "SNAPSHOT" in result.stdout and '"count": 2' in result.stdout
    missing = golem("oplog", 'CounterAgent("nope")', "--store", ".golem/oplog.db", cwd=examples)
    assert missing.returncode == 2 and "nope" in missing.stderr
    unquoted = golem("oplog", "CounterAgent(c1)", "--store", ".golem/oplog.db", cwd=examples)
    assert unquoted.returncode == 2
    assert "did you mean 'CounterAgent(\"c1\")'?" in " ".join(unquoted.stderr.split())
    listed = golem("oplog", "--store", ".golem/oplog.db", cwd=examples)
    assert (listed.returncode, listed.stdout) == (0, 'CounterAgent("c1")\n')
    assert (
        golem("oplog", "--list", "--store", ".golem/oplog.db", cwd=examples).stdout == listed.stdout
    )
    no_store = golem("oplog", "x", "--store", "absent.db", cwd=examples)
    assert no_store.returncode == 2 and "absent.db" in no_store.stderr

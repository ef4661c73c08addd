"""Planning and writing golem_agents.py: create/update/delete, foreign and edited files, GLM040-042."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from codegen.api import Options, check, forget
from codegen.generate import plan as generation
from codegen.generate.plan import FileChange, apply_changes, plan_generation, unified_diff
from codegen.generate.render import HEADER_MARK
from tests.generate.support import copy_sources, generated_files, run_generate, working_directory

COUNTER = """\
from dataclasses import dataclass, field

from runtime_stub import agent


@agent(snapshotting="every(1)")
@dataclass
class CounterAgent:
    name: str
    count: int = field(default=0, init=False)

    def increment(self) -> int:
        self.count += 1
        return self.count
"""


def write(root: Path, files: dict[str, str]) -> None:
    for relative, source in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path, {"app/__init__.py": "", "app/counter.py": COUNTER})
    return tmp_path


def plan(root: Path) -> tuple[FileChange, ...]:
    from codegen.api import scan

    with working_directory(root):
        project = scan(["."], options=Options(cache=False)).project
        existing = sorted(Path(".").rglob(generation.GENERATED_NAME))
        return plan_generation(project, existing)


def apply(root: Path, changes: tuple[FileChange, ...], *, force: bool) -> tuple[FileChange, ...]:
    with working_directory(root):
        return apply_changes(changes, force=force)


def codes(root: Path) -> list[tuple[str, str]]:
    with working_directory(root):
        result = check(["."], select=["GLM04"], options=Options(cache=False))
    return [(d.path, d.code) for d in result.diagnostics]


def test_a_missing_module_is_created(project: Path) -> None:
    from codegen.generate.findings import generated_findings

    assert codes(project) == []  # `check` lints what is there; `generate --check` fails (below)
    (change,) = plan(project)
    assert (change.path.as_posix(), change.action, change.old) == (
        "app/golem_agents.py",
        "create",
        None,
    )
    (finding,) = generated_findings([change])
    assert (finding.code, finding.path) == ("GLM040", "app/counter.py")
    assert "app/golem_agents.py is missing" in finding.message
    pending = run_generate(project, check_only=True).pending
    assert [(c.path.name, c.action) for c in pending] == [
        ("golem_agents.py", "create"),
        ("golem-state.lock", "create"),
    ]
    assert unified_diff(change).startswith("--- /dev/null\n+++ b/app/golem_agents.py\n")
    result = run_generate(project)
    assert [c.action for c in result.written] == ["create", "create"]  # the module, the lock
    assert (project / "app/golem_agents.py").read_text(encoding="utf-8").startswith(HEADER_MARK)
    assert codes(project) == []


def test_an_identical_module_is_not_rewritten(project: Path) -> None:
    run_generate(project)
    target = project / "app/golem_agents.py"
    os.utime(target, (1_000_000, 1_000_000))
    result = run_generate(project)
    assert [c.action for c in result.changes] == ["unchanged"] and result.written == ()
    assert target.stat().st_mtime == 1_000_000


def test_a_module_recording_the_current_model_hash_is_not_rendered(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_generate(project)
    from codegen.generate import render

    def no_rendering(*_: object) -> str:
        raise AssertionError("rendered a module whose model hash is current")

    monkeypatch.setattr(render, "render_module", no_rendering)
    (change,) = plan(project)
    assert change.action == "unchanged" and change.new == change.old
    assert codes(project) == []


def test_a_current_module_recording_another_model_hash_is_only_refreshed(
    project: Path,
) -> None:
    """As rendered by another golem-codegen release: not stale; `generate` records the hash."""
    from codegen.generate.render import read_header, same_module, with_header

    run_generate(project)
    target = project / "app/golem_agents.py"
    current = target.read_text(encoding="utf-8")
    body = current.split('"""', 1)[1]
    other = with_header('"""' + body, ("counter.py",), "0" * 64)
    assert same_module(other, current) and other != current
    target.write_text(other, encoding="utf-8")
    assert codes(project) == []
    checked = run_generate(project, check_only=True)
    assert [c.action for c in checked.changes] == ["refresh"] and checked.pending == ()
    assert target.read_text(encoding="utf-8") == other
    result = run_generate(project)
    assert [c.action for c in result.written] == ["refresh"]
    assert target.read_text(encoding="utf-8") == current
    assert read_header(current).model_hash != "0" * 64


def test_a_stale_module_is_found_whatever_model_hash_it_records(project: Path) -> None:
    """A recorded hash only ever saves rendering: a wrong one still leads to a comparison."""
    from codegen.generate.render import with_header

    run_generate(project)
    target = project / "app/golem_agents.py"
    body = target.read_text(encoding="utf-8").split('"""', 1)[1]
    target.write_text(with_header('"""' + body + "OLD = 1\n", ("counter.py",), "0" * 64))
    assert codes(project) == [("app/golem_agents.py", "GLM040")]


def test_a_changed_agent_makes_the_module_stale(project: Path) -> None:
    run_generate(project)
    counter = project / "app/counter.py"
    counter.write_text(
        COUNTER + "\n    def reset(self) -> None:\n        self.count = 0\n", encoding="utf-8"
    )
    assert codes(project) == [("app/golem_agents.py", "GLM040")]
    (change,) = plan(project)
    assert change.action == "update"
    diff = unified_diff(change)
    assert '+            _rt.MethodInfo("reset", (), "None", is_async=False),\n' in diff
    assert run_generate(project, check_only=True).written == ()  # --check writes nothing
    assert "reset" not in (project / "app/golem_agents.py").read_text(encoding="utf-8")
    run_generate(project)
    assert "reset" in (project / "app/golem_agents.py").read_text(encoding="utf-8")


def test_an_orphaned_generated_module_is_deleted(project: Path) -> None:
    run_generate(project)
    write(project, {"app/counter.py": "from runtime_stub import durable_call\n"})
    assert codes(project) == [("app/golem_agents.py", "GLM040")]
    (change,) = plan(project)
    assert (change.action, change.new) == ("delete", None)
    assert "+++ /dev/null" in unified_diff(change)
    refused = run_generate(project)  # the locked type is gone: deployed agents would be orphaned
    assert refused.refused and [d.code for d in refused.diagnostics] == ["GLM040", "GLM055"]
    assert (project / "app/golem_agents.py").exists()
    with working_directory(project):
        forget("CounterAgent")
    assert not run_generate(project).refused
    assert not (project / "app/golem_agents.py").exists()


def test_a_hand_edited_module_is_only_overwritten_with_force(project: Path) -> None:
    run_generate(project)
    target = project / "app/golem_agents.py"
    edited = target.read_text(encoding="utf-8") + "print('hello')\n"
    target.write_text(edited, encoding="utf-8")
    assert codes(project) == [("app/golem_agents.py", "GLM041")]
    (change,) = plan(project)
    assert change.action == "edited"
    assert apply(project, (change,), force=False) == ()
    assert target.read_text(encoding="utf-8") == edited
    assert apply(project, (change,), force=True) == (change,)
    assert target.read_text(encoding="utf-8") == change.new
    assert codes(project) == []


def test_a_hand_edited_orphan_is_only_deleted_with_force(project: Path) -> None:
    run_generate(project)
    target = project / "app/golem_agents.py"
    target.write_text(target.read_text(encoding="utf-8") + "MINE = 1\n", encoding="utf-8")
    write(project, {"app/counter.py": "VALUE = 1  # runtime_stub\n"})
    (change,) = plan(project)
    assert (change.action, change.new) == ("edited", None)
    assert apply(project, (change,), force=False) == () and target.exists()
    apply(project, (change,), force=True)
    assert not target.exists()


def test_a_foreign_module_is_never_touched(project: Path) -> None:
    target = project / "app/golem_agents.py"
    target.write_text("# my own wiring\nAGENTS = ()\n", encoding="utf-8")
    assert codes(project) == [("app/golem_agents.py", "GLM042")]
    (change,) = plan(project)
    assert (change.action, change.new) == ("foreign", None) and unified_diff(change) == ""
    assert apply(project, (change,), force=True) == ()
    assert target.read_text(encoding="utf-8") == "# my own wiring\nAGENTS = ()\n"


def test_a_foreign_module_without_agents_is_not_in_the_way(tmp_path: Path) -> None:
    write(tmp_path, {"lib/__init__.py": "", "lib/golem_agents.py": "AGENTS = ()\n"})
    write(tmp_path, {"lib/tool.py": "import runtime_stub\n"})
    assert plan(tmp_path) == ()
    assert codes(tmp_path) == []


def test_generated_findings_name_the_fix(project: Path) -> None:
    from codegen.generate.findings import generated_findings

    run_generate(project)
    target = project / "app/golem_agents.py"
    text = target.read_text(encoding="utf-8")
    target.write_text(text + "MINE = 1\n", encoding="utf-8")
    (finding,) = generated_findings(plan(project))
    assert finding.code == "GLM041" and "--force" in finding.message
    edited = len(text.splitlines()) + 1  # GLM041 points at the first line that differs
    assert (finding.span.line, finding.span.column) == (edited, 1)  # type: ignore[union-attr]
    lines = text.splitlines()
    middle = next(i for i, line in enumerate(lines) if '"count"' in line)
    lines[middle] = lines[middle].replace('"count"', '"total"')  # a code edit, not a comment
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (finding,) = generated_findings(plan(project))
    assert finding.span is not None and finding.span.line == middle + 1


def test_a_stale_module_names_the_agent_whose_wiring_changed(project: Path) -> None:
    from codegen.generate.findings import generated_findings

    run_generate(project)
    counter = project / "app" / "counter.py"
    added = "init=False)\n    note: str = field(default='', init=False)\n"
    counter.write_text(COUNTER.replace("init=False)\n", added), encoding="utf-8")
    (finding,) = [f for f in generated_findings(plan(project)) if f.code == "GLM040"]
    assert "regenerating would change the wiring of `CounterAgent`" in finding.message


def test_crlf_checkouts_are_neither_edited_nor_stale(project: Path) -> None:
    run_generate(project)
    target = project / "app/golem_agents.py"
    target.write_bytes(target.read_bytes().replace(b"\n", b"\r\n"))
    assert [c.action for c in plan(project)] == ["unchanged"]


# --------------------------------------------------------------------------- writing


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_generate(project)
    target = project / "app/golem_agents.py"
    before = target.read_bytes()
    target.write_bytes(before + b"STALE = 1\n")  # edited: force must replace it

    def broken_replace(source: object, destination: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    (change,) = plan(project)
    with pytest.raises(OSError, match="disk full"):
        apply(project, (change,), force=True)
    assert target.read_bytes() == before + b"STALE = 1\n"
    assert sorted(p.name for p in target.parent.iterdir()) == [
        "__init__.py",
        "counter.py",
        "golem_agents.py",
    ]


def test_a_write_interrupted_mid_file_leaves_the_old_file(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = project / "app/golem_agents.py"
    target.write_bytes(b"old")
    real_fdopen = os.fdopen

    class Interrupted(Exception):
        pass

    def half_writer(descriptor: int, mode: str) -> object:
        file = real_fdopen(descriptor, mode)
        real_write = file.write

        def write(data: bytes) -> int:
            real_write(data[: len(data) // 2])
            raise Interrupted

        file.write = write  # type: ignore[method-assign]
        return file

    monkeypatch.setattr(os, "fdopen", half_writer)
    with pytest.raises(Interrupted):
        generation.write_atomic(target, b"new content")
    assert target.read_bytes() == b"old"
    assert [p.name for p in target.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_writes_keep_the_file_mode(project: Path) -> None:
    run_generate(project)
    target = project / "app/golem_agents.py"
    target.chmod(0o640)
    target.write_text(target.read_text(encoding="utf-8") + "MINE = 1\n", encoding="utf-8")
    run_generate(project, force=True)
    assert target.stat().st_mode & 0o777 == 0o640


# --------------------------------------------------------------------------- determinism


def test_output_does_not_depend_on_the_working_directory_or_path_spelling(tmp_path: Path) -> None:
    examples = Path(__file__).resolve().parents[2] / "fixtures" / "examples"
    first = copy_sources(examples, tmp_path / "one")
    second = copy_sources(examples, tmp_path / "two")
    run_generate(first)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    spelled = f"..{os.sep}two{os.sep}.{os.sep}shop{os.sep}..{os.sep}"
    run_generate(outside, spelled)
    assert generated_files(first) == generated_files(second)
    assert len(generated_files(first)) == 3  # two modules and the state lock


def test_the_header_names_the_other_packages_it_reads(tmp_path: Path) -> None:
    """A type from another package is an input too: the header says so (SPEC §7 `Sources:`)."""
    project = copy_sources(
        Path(__file__).resolve().parents[2] / "fixtures" / "generator" / "cross_module",
        tmp_path / "cross_module",
    )
    run_generate(project)
    header = (project / "app" / "agents" / "golem_agents.py").read_text(encoding="utf-8")
    assert "# Sources: cart.py, profile.py, app.geo, app.models\n" in header
    flat = (project / "app" / "golem_agents.py").read_text(encoding="utf-8")
    assert flat.splitlines()[1].startswith("# Sources: ") and "app." not in flat.splitlines()[1]

"""Scan cache and worker processes: same answers, less work, safe when runs overlap."""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from pathlib import Path

import pytest

from codegen import api
from codegen.run.cache import CacheEntry, ScanCache, cache_directory
from codegen.run.pipeline import PARALLEL_THRESHOLD, Options

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "perf"))
from agent_tree import write_agent_tree

BROKEN = """\
from runtime_stub import agent


@agent(snapshotting="every_n(5)")
class Broken:
    def save_snapshot(self) -> bytes:
        return b""
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = write_agent_tree(tmp_path, modules=12, packages=3)
    (root / "pyproject.toml").write_text("[tool.golem-codegen]\n", encoding="utf-8")
    (root / "pkg0" / "broken.py").write_text(BROKEN, encoding="utf-8")
    return root


def cache(root: Path) -> Path:
    directory = cache_directory(root)
    assert directory is not None
    return directory


def stored(root: Path) -> list[Path]:
    """The cache entries of the project at `root`."""
    return sorted(cache(root).rglob("*.pickle"))


def scanned_files(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every file the scanner parses."""
    from codegen.scan import module as scanner

    seen: list[str] = []
    original = scanner.scan_source

    def spy(source: bytes, path: str, module: str) -> object:
        seen.append(path)
        return original(source, path, module)

    monkeypatch.setattr(scanner, "scan_source", spy)
    return seen


def test_a_warm_run_parses_nothing_and_reports_the_same(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = api.check([tree])
    assert stored(tree)
    seen = scanned_files(monkeypatch)
    warm = api.check([tree])
    assert warm.diagnostics == cold.diagnostics
    assert {d.code for d in warm.diagnostics} >= {"GLM001", "GLM004"}
    assert seen == [], "positions of reported files come from the cache too"


def test_a_changed_file_is_scanned_again(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    api.check([tree])
    broken = tree / "pkg0" / "broken.py"
    broken.write_text(BROKEN.replace("every_n(5)", "every(5)"), encoding="utf-8")
    seen = scanned_files(monkeypatch)
    result = api.check([tree])
    assert "GLM004" not in {d.code for d in result.diagnostics}
    assert {Path(p).name for p in seen} == {"broken.py"}, "unchanged files are not parsed"


@pytest.mark.parametrize("cache", [False, True])
def test_a_cold_run_parses_each_file_once(
    tree: Path, monkeypatch: pytest.MonkeyPatch, cache: bool
) -> None:
    seen = scanned_files(monkeypatch)
    result = api.check([tree], options=Options(cache=cache, jobs=1))
    twice = {path for path in seen if seen.count(path) > 1}
    reported = {str(tree / d.path) for d in result.diagnostics}  # positions: parsed again
    assert len(seen) > len(twice) and twice <= {str(Path(p).resolve()) for p in reported}


def test_no_cache_writes_nothing(tree: Path) -> None:
    api.check([tree], options=Options(cache=False))
    assert not stored(tree)


def test_the_cache_is_kept_outside_the_project(tree: Path) -> None:
    """SPEC §6: `check` and `generate --check` write nothing (into the tree)."""
    before = sorted(tree.rglob("*"))
    api.check([tree])
    api.generate([tree], check_only=True)
    assert stored(tree) and sorted(tree.rglob("*")) == before


def test_corrupt_entries_are_misses(tree: Path) -> None:
    first = api.check([tree])
    for entry in stored(tree):
        entry.write_bytes(b"not a pickle")
    assert api.check([tree]).diagnostics == first.diagnostics


def test_cache_entries_round_trip(tmp_path: Path) -> None:
    cache = ScanCache(tmp_path / "c")
    key = cache.key(b"x = 1", "a.py", "a")
    assert cache.get(key) is None
    cache.put(key, CacheEntry(None, None))
    assert cache.get(key) == CacheEntry(None, None)
    assert cache.key(b"x = 1", "a.py", "a") != cache.key(b"x = 2", "a.py", "a")
    assert cache.key(b"x = 1", "a.py", "a") != cache.key(b"x = 1", "b.py", "b")


def _check_in_process(root: str, queue: multiprocessing.Queue[object]) -> None:
    result = api.check([root])
    queue.put([(d.path, d.line, d.code) for d in result.diagnostics])


def test_two_runs_at_once_agree(tree: Path) -> None:
    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[object] = context.Queue()
    runs = [context.Process(target=_check_in_process, args=(str(tree), queue)) for _ in range(2)]
    for run in runs:
        run.start()
    results = [queue.get(timeout=120) for _ in runs]
    for run in runs:
        run.join(timeout=60)
    assert results[0] == results[1] != []
    assert not list(cache(tree).rglob(".tmp-*")), "no half-written entries left"
    assert api.check([tree]).diagnostics, "the cache they wrote is usable"


def test_worker_processes_give_the_same_answers(tmp_path: Path) -> None:
    root = write_agent_tree(tmp_path, modules=PARALLEL_THRESHOLD + 6, packages=4)
    (root / "pkg1" / "broken.py").write_text(BROKEN, encoding="utf-8")
    serial = api.check([root], options=Options(cache=False, jobs=1))
    parallel = api.check([root], options=Options(cache=False, jobs=2))
    assert parallel.diagnostics == serial.diagnostics
    assert {d.code for d in parallel.diagnostics} >= {"GLM001", "GLM004"}


def test_progress_is_reported_per_file(tree: Path) -> None:
    calls: list[tuple[int, int]] = []
    api.check([tree], options=Options(cache=False, progress=lambda d, t: calls.append((d, t))))
    assert calls and calls[-1][0] == calls[-1][1]
    assert [d for d, _ in calls] == list(range(1, len(calls) + 1))


def test_a_cached_result_notices_a_changed_module_loaded_on_demand(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.golem-codegen]\n", encoding="utf-8")
    (tmp_path / "models.py").write_text(
        "from dataclasses import dataclass\n\n\n@dataclass\nclass Item:\n    name: str\n",
        encoding="utf-8",
    )
    agents = tmp_path / "agents.py"
    agents.write_text(
        "from dataclasses import dataclass, field\n\n"
        "from runtime_stub import agent\n\n"
        "from models import Item\n\n\n"
        '@agent(snapshotting="every(1)")\n@dataclass\nclass Shelf:\n'
        "    name: str\n    items: list[Item] = field(default_factory=list, init=False)\n",
        encoding="utf-8",
    )
    assert api.check([agents]).diagnostics == ()
    (tmp_path / "models.py").write_text(
        "from dataclasses import dataclass\nfrom typing import Any\n\n\n"
        "@dataclass\nclass Item:\n    name: Any\n",
        encoding="utf-8",
    )
    assert [d.code for d in api.check([agents]).diagnostics] == ["GLM003"]


def test_only_the_directory_whose_inputs_changed_is_rendered_again(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tree / "pkg0" / "broken.py").unlink()
    assert api.generate([tree]).written
    from codegen.generate import render

    rendered: list[tuple[str, ...]] = []
    original = render.render_module
    monkeypatch.setattr(
        render, "render_module", lambda m, d=None: rendered.append(m.sources) or original(m, d)
    )
    agent = tree / "pkg1" / "agent_1.py"
    agent.write_text(agent.read_text().replace("every(2)", "every(3)"), encoding="utf-8")
    result = api.check([tree])
    assert [d.code for d in result.diagnostics] == ["GLM040"]
    assert len(rendered) == 1 and "agent_1.py" in rendered[0]


def test_wiring_rendered_by_workers_is_the_same(tmp_path: Path) -> None:
    serial = write_agent_tree(tmp_path / "serial", modules=PARALLEL_THRESHOLD + 6, packages=4)
    parallel = write_agent_tree(tmp_path / "parallel", modules=PARALLEL_THRESHOLD + 6, packages=4)
    one = api.generate([serial], options=Options(cache=False, jobs=1))
    two = api.generate([parallel], options=Options(cache=False, jobs=2))
    assert len(one.written) == len(two.written) == 5  # four modules and the state lock
    for package in ("pkg0", "pkg1", "pkg2", "pkg3"):
        expected = (serial / package / "golem_agents.py").read_bytes()
        assert (parallel / package / "golem_agents.py").read_bytes() == expected
    lock = (serial / "golem-state.lock").read_bytes()
    assert (parallel / "golem-state.lock").read_bytes() == lock


def test_every_file_is_decoded_and_named_files_are_parsed(tmp_path: Path) -> None:
    """GLM901 for any file of the tree; GLM900 for files without agents only when named."""
    (tmp_path / "bad.py").write_bytes(b"\xff\xfegarbage\n")
    (tmp_path / "syntax.py").write_text("def f(:\n    pass\n", encoding="utf-8")
    (tmp_path / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\nname = '\xe9'\n")
    walked = api.check([tmp_path], options=Options(cache=False))
    assert [(Path(d.path).name, d.code) for d in walked.diagnostics] == [("bad.py", "GLM901")]
    named = api.check([tmp_path / "syntax.py"], options=Options(cache=False))
    assert [(d.line, d.column, d.code) for d in named.diagnostics] == [(1, 7, "GLM900")]


def test_caches_of_projects_not_run_for_a_month_are_dropped(tmp_path: Path) -> None:
    from codegen.run import cache as caching

    parent = tmp_path / "caches"
    old, recent = parent / "old", parent / "recent"
    for project in (old, recent):
        (project / "ab").mkdir(parents=True)
        (project / "ab" / "entry.pickle").write_bytes(b"x")
        (project / caching.USED_MARK).touch()
    month_ago = time.time() - caching.KEEP_UNUSED - 60
    os.utime(old / caching.USED_MARK, (month_ago, month_ago))
    ScanCache(parent / "current")
    assert not old.exists() and recent.exists()
    assert (parent / "current" / caching.USED_MARK).exists()


def test_the_api_refuses_selectors_that_select_nothing(tree: Path) -> None:
    with pytest.raises(ValueError, match="GLM999"):
        api.check([tree], select=["GLM999"])


def test_parallel_scans_report_progress_per_file_and_keep_the_order(tmp_path: Path) -> None:
    root = write_agent_tree(tmp_path, modules=PARALLEL_THRESHOLD + 6, packages=4)
    calls: list[tuple[int, int]] = []
    options = Options(cache=False, jobs=2, progress=lambda d, t: calls.append((d, t)))
    project = api.scan([root], options=options).project
    total = PARALLEL_THRESHOLD + 6  # the agent modules (shared.py files load on demand)
    assert calls == [(done, total) for done in range(1, total + 1)]
    serial = api.scan([root], options=Options(cache=False, jobs=1)).project
    assert project.scans == serial.scans


def test_generate_on_an_unchanged_tree_uses_the_run_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pre-commit hook's common case: nothing to write, so nothing is scanned again."""
    from codegen.run.pipeline import Run

    root = write_agent_tree(tmp_path, modules=6, packages=2)
    (root / "pyproject.toml").write_text("[tool.golem-codegen]\n", encoding="utf-8")
    assert api.generate([root]).written  # creates the modules: not stored (it wrote)
    settled = api.generate([root])  # nothing to write: stored
    assert settled.written == () and {c.action for c in settled.changes} == {"unchanged"}

    def no_scan(self: Run) -> None:
        raise AssertionError("an unchanged tree was scanned again")

    with monkeypatch.context() as patched:
        patched.setattr(Run, "project", no_scan)
        again = api.generate([root])
    assert again.diagnostics == settled.diagnostics and not again.refused
    assert sorted(c.path for c in again.changes) == sorted(c.path for c in settled.changes)
    agent = root / "pkg0" / "agent_0.py"
    agent.write_text(agent.read_text(encoding="utf-8").replace("volume: int", "volume: float"))
    changed = api.generate([root])  # int -> float: a compatible change, so the lock too
    assert sorted((c.path.name, c.action) for c in changed.written) == [
        ("golem-state.lock", "update"),
        ("golem_agents.py", "update"),
    ]


def test_generate_check_from_the_cache_still_fails_on_a_missing_module(tmp_path: Path) -> None:
    root = write_agent_tree(tmp_path, modules=4, packages=2)
    (root / "pyproject.toml").write_text("[tool.golem-codegen]\n", encoding="utf-8")
    for _ in range(2):  # a pending change is never stored as settled
        assert api.generate([root], check_only=True).pending


def test_a_few_files_are_scanned_aside_as_they_would_be_here() -> None:
    from codegen.run.pool import scan_aside, scan_entry

    work = [(b"from runtime_stub import agent\n\n@agent()\nclass A:\n    pass\n", "a.py", "a")]
    work.append((b"def broken(:\n", "b.py", "b"))
    done: list[str] = []
    aside = scan_aside(work, [lambda: done.append("meanwhile")])
    assert aside == [scan_entry(job) for job in work]
    assert done == ["meanwhile"]


def test_a_child_that_fails_leaves_the_scan_to_this_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from codegen.run import pool

    def fail(job: object) -> object:
        raise RuntimeError("the child breaks")

    monkeypatch.setattr(pool, "scan_entry", fail)
    assert pool.scan_aside([(b"x = 1\n", "x.py", "x")], []) is None


def test_a_one_file_change_scanned_aside_gives_the_answer_of_a_full_run(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from codegen.run import pipeline

    api.check([tree], options=Options(jobs=2))
    used: list[int] = []
    original = pipeline.scan_aside

    def spy(work: list[object], meanwhile: list[object]) -> object:
        used.append(len(work))
        return original(work, meanwhile)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "scan_aside", spy)
    monkeypatch.delitem(sys.modules, "libcst")  # as in a fresh process (restored afterwards)
    broken = tree / "pkg0" / "broken.py"
    broken.write_text(BROKEN.replace("every_n(5)", "every(5)"), encoding="utf-8")
    incremental = api.check([tree], options=Options(jobs=2))
    assert used == [1]
    assert incremental.diagnostics == api.check([tree], options=Options(cache=False)).diagnostics

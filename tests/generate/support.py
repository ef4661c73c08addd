"""Helpers for the generator tests: regenerate fixture projects in throw-away copies."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from codegen.api import GenerateResult, Options, generate
from codegen.generate.plan import GENERATED_NAME
from codegen.state.lock import LOCK_NAME

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
GOLDEN_PROJECTS = {
    "examples": FIXTURES / "examples",
    **{path.name: path for path in sorted((FIXTURES / "generator").iterdir()) if path.is_dir()},
}
"""Every project whose generated modules are committed next to its sources."""
REFRESH = "GOLEM_REFRESH_GOLDENS=1 python -m pytest tests/generate/test_golden.py"


@contextmanager
def working_directory(path: Path) -> Iterator[None]:
    """Run a block with `path` as the working directory (generation reports relative paths)."""
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def copy_sources(project: Path, destination: Path) -> Path:
    """A copy of `project` without its generated modules (and without caches)."""
    ignore = shutil.ignore_patterns(GENERATED_NAME, "__pycache__", ".golem", ".mypy_cache")
    shutil.copytree(project, destination, ignore=ignore)
    return destination


def run_generate(root: Path, *paths: str, **options: bool) -> GenerateResult:
    """`generate` inside `root` (paths relative to it), with the scan cache off."""
    with working_directory(root):
        return generate(list(paths) or ["."], options=Options(cache=False), **options)


def generated_files(root: Path) -> dict[str, str]:
    """Every golem_agents.py under `root`, and its state lock, by POSIX path relative to it."""
    found = {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(root.rglob(GENERATED_NAME))
        if ".golem" not in path.parts
    }
    lock = root / LOCK_NAME
    if lock.is_file():
        found[LOCK_NAME] = lock.read_text(encoding="utf-8")
    return found


def import_roots(root: Path) -> list[Path]:
    """Where the packages of `root`'s generated modules are imported from (sys.path entries)."""
    found: dict[Path, None] = {}
    for path in sorted(root.rglob(GENERATED_NAME)):
        directory = path.parent
        while (directory / "__init__.py").exists():
            directory = directory.parent
        found.setdefault(directory, None)
    return list(found)


def module_name(path: Path, import_root: Path) -> str:
    """The dotted module name of a file below `import_root`."""
    return ".".join(path.relative_to(import_root).with_suffix("").parts)

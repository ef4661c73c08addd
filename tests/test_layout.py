"""The layout of STYLE.md holds: one folder per stage, small modules, imports that run one way."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOP = ("codegen", "runtime_stub")
MAX_LINES = 400
MAX_MODULES = 12


def packages() -> Iterator[Path]:
    for top in TOP:
        yield from sorted(p.parent for p in (ROOT / top).rglob("__init__.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sources() -> Iterator[Path]:
    for top in TOP:
        yield from sorted((ROOT / top).rglob("*.py"))


def module_level_imports(path: Path) -> Iterator[str]:
    """What a module imports when it is loaded (`if TYPE_CHECKING:` blocks included, functions not)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    body = ast.parse(path.read_text(encoding="utf-8")).body
    statements = [*body]
    while statements:
        node = statements.pop()
        if isinstance(node, ast.If | ast.Try):
            statements += [*node.body, *node.orelse]
            statements += [s for h in getattr(node, "handlers", []) for s in h.body]
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(path): path for path in sources()}
    return {
        name: {target for target in module_level_imports(path) if target in modules} - {name}
        for name, path in modules.items()
    }


def test_every_package_says_what_its_stage_takes_and_returns() -> None:
    for package in packages():
        tree = ast.parse((package / "__init__.py").read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"{package.relative_to(ROOT)}/__init__.py has no docstring"


def test_the_stages_are_folders() -> None:
    folders = {module_name(p / "__init__.py") for p in packages()}
    for stage in (
        "scan",
        "resolve",
        "checks",
        "state",
        "generate",
        "fix",
        "formats",
        "run",
        "plugins",
    ):
        assert f"codegen.{stage}" in folders
    for room in ("snapshot", "executor", "oplog"):
        assert f"runtime_stub.{room}" in folders


def test_no_module_is_large_and_no_package_crowded() -> None:
    for path in sources():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines"
    for package in packages():
        modules = sorted(package.glob("*.py"))
        assert len(modules) <= MAX_MODULES, f"{package.relative_to(ROOT)}: {len(modules)} modules"


def test_no_prefix_families_stand_in_for_folders() -> None:
    for package in packages():
        stems = [p.stem for p in package.glob("*.py") if not p.stem.startswith("_")]
        prefixes = Counter(stem.split("_")[0] for stem in stems if "_" in stem)
        families = {prefix for prefix, count in prefixes.items() if count > 1}
        assert not families, f"{package.relative_to(ROOT)}: modules named {families}_*"
        assert not {s for s in stems if s.startswith(package.name + "_")}


def test_module_level_imports_form_no_cycle() -> None:
    graph = import_graph()
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                cycle = [*trail[trail.index(target) :], target] if target in trail else [target]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target, [*trail, target])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])


def test_the_runtime_never_imports_the_tool() -> None:
    for path in (ROOT / "runtime_stub").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else []
            )
            assert not [n for n in names if n.split(".")[0] == "codegen"], path


def test_early_stages_know_nothing_of_later_ones() -> None:
    graph = import_graph()
    later = {
        "codegen.scan": (
            "resolve",
            "checks",
            "state",
            "generate",
            "fix",
            "formats",
            "run",
            "plugins",
        ),
        "codegen.resolve": ("checks", "state", "generate", "fix", "formats", "run", "plugins"),
        "codegen.checks": ("state", "generate", "fix", "formats", "run", "plugins"),
        "codegen.state": ("generate", "fix", "formats", "run", "plugins"),
        "codegen.generate": ("formats", "run", "plugins"),
    }
    for name, targets in graph.items():
        for stage, forbidden in later.items():
            if name == stage or name.startswith(stage + "."):
                bad = [t for t in targets for f in forbidden if t.startswith(f"codegen.{f}")]
                assert not bad, f"{name} imports {bad}"


def test_tests_mirror_the_packages() -> None:
    for package in packages():
        relative = package.relative_to(ROOT)
        if len(relative.parts) != 2 or relative.parts[1] in ("docs",):
            continue
        assert (ROOT / "tests" / relative.parts[1]).is_dir(), f"no tests/{relative.parts[1]}/"


def test_the_api_functions_keep_their_names_beside_the_stage_packages() -> None:
    """`codegen.scan` and `codegen.generate` are API functions, whatever is imported after them."""
    script = (
        "import codegen, codegen.api\n"
        "from codegen.generate import plan, render\n"
        "from codegen.scan import module\n"
        "import codegen.run.pipeline\n"
        'assert codegen.scan.__name__ == "scan" and callable(codegen.scan), codegen.scan\n'
        'assert codegen.generate.__name__ == "generate" and callable(codegen.generate)\n'
        "result = codegen.scan(['codegen/scan/__init__.py'])\n"
        "assert type(result).__name__ == 'ScanResult' and codegen.ScanResult is type(result)\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=ROOT)

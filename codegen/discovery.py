"""Which files a run looks at, what modules they are, and the `[tool.golem-codegen]` configuration."""

from __future__ import annotations

import fnmatch
import os
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

__all__ = [
    "GENERATED_NAME",
    "Config",
    "ConfigError",
    "SourceFile",
    "Tree",
    "Walked",
    "discover",
    "display_path",
    "load_config",
    "module_name",
]

GENERATED_NAME = "golem_agents.py"
SKIPPED_DIRS = frozenset(
    {"__pycache__", "__pypackages__", "build", "dist", "node_modules", "site-packages", "venv"}
)
"""Besides these, hidden directories (`.git`, `.tox`, `.venv`, `.golem`, ...) and virtualenvs
under any name (a `pyvenv.cfg`, or a conda environment's `conda-meta`)."""
CONFIG_KEYS = frozenset({"exclude", "select", "ignore", "snapshots", "golem-version"})
GOLEM_VERSIONS = ("1.5", "1.6")
"""The Golem releases agents can target (SPEC §12); the last one is the default."""
TABLE_KEYS = frozenset({"per-file-ignores"})
"""Keys whose value is a table (`{glob = [codes]}`) rather than a list of strings."""


class ConfigError(Exception):
    """The configuration cannot be used; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class Config:
    """`[tool.golem-codegen]` of the nearest pyproject.toml (all empty when there is none)."""

    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    root: Path | None = None
    """Directory of the pyproject.toml the configuration came from; exclude globs are relative to it."""
    snapshots: str = ""
    """Where stored snapshots live, relative to `root` (SPEC §11; "" = tests/golem_snapshots)."""
    golem_version: str = GOLEM_VERSIONS[-1]
    """The Golem release the agents are built for (`golem-version`): some severities depend on it."""
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(glob, codes): codes ignored in the files a glob matches (relative to `root`, like ruff's)."""

    def ignored_in(self, path: str) -> tuple[str, ...]:
        """The codes `per-file-ignores` drops for `path` (as reported)."""
        if not self.per_file_ignores:
            return ()
        file = Path(path)
        relative = _relative(file, self)
        return tuple(
            code
            for pattern, codes in self.per_file_ignores
            if _matches(relative, file.name, pattern)
            for code in codes
        )


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A Python file of the tree and the module name its package layout gives it."""

    path: Path
    display: str
    module: str
    named: bool = False
    """Given on the command line (always parsed), not found by walking a directory."""


@dataclass(frozen=True, slots=True)
class Tree:
    """The files a run covers: agent candidates, generated modules, and the roots imports resolve from."""

    sources: tuple[SourceFile, ...]
    generated: tuple[Path, ...]
    roots: tuple[Path, ...]
    """Directories that hold top-level modules/packages (sys.path entries, in effect)."""


def load_config(start: Path) -> Config:
    """Read `[tool.golem-codegen]` from the nearest pyproject.toml at or above `start`."""
    directory = start.resolve()
    if not directory.is_dir():
        directory = directory.parent
    for candidate in (directory, *directory.parents):
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            return _read_config(pyproject)
    return Config()


def _read_config(pyproject: Path) -> Config:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(
            f"{display_path(pyproject)}: cannot read configuration: {error}"
        ) from None
    section = data.get("tool", {}).get("golem-codegen", {})
    if not isinstance(section, dict):
        raise ConfigError(f"{display_path(pyproject)}: [tool.golem-codegen] must be a table")
    unknown = sorted(set(section) - CONFIG_KEYS - TABLE_KEYS)
    if unknown:
        raise ConfigError(
            f"{display_path(pyproject)}: unknown key(s) in [tool.golem-codegen]: "
            f"{', '.join(unknown)} (known: {', '.join(sorted(CONFIG_KEYS | TABLE_KEYS))})"
        )
    lists = ("exclude", "select", "ignore")
    values = {key: _string_list(pyproject, key, section.get(key, [])) for key in lists}
    for key in ("select", "ignore"):
        _check_selectors(pyproject, key, values[key])
    snapshots = section.get("snapshots", "")
    if not isinstance(snapshots, str):
        raise ConfigError(
            f"{display_path(pyproject)}: [tool.golem-codegen] snapshots must be a string (a directory)"
        )
    version = section.get("golem-version", GOLEM_VERSIONS[-1])
    problem = golem_version_problem(version)
    if problem:
        raise ConfigError(f"{display_path(pyproject)}: golem-version: {problem}")
    per_file = _per_file_ignores(pyproject, section.get("per-file-ignores", {}))
    return Config(
        values["exclude"],
        values["select"],
        values["ignore"],
        pyproject.parent,
        snapshots=snapshots,
        golem_version=str(version),
        per_file_ignores=per_file,
    )


def golem_version_problem(version: object) -> str | None:
    """Why `version` is not a Golem release this tool targets, or None when it is one."""
    if isinstance(version, str) and version in GOLEM_VERSIONS:
        return None
    known = " or ".join(f'"{v}"' for v in GOLEM_VERSIONS)
    shown = f'"{version}"' if isinstance(version, str) else repr(version)
    return f"{shown} is not a supported Golem version: use {known} (a string)"


def read_config(path: Path) -> Config:
    """`[tool.golem-codegen]` of the TOML file `path` (`--config PATH`); globs are relative to
    its directory."""
    if not path.is_file():
        raise ConfigError(f"{display_path(path)}: no such configuration file")
    return _read_config(path)


def _per_file_ignores(pyproject: Path, value: object) -> tuple[tuple[str, tuple[str, ...]], ...]:
    key = "per-file-ignores"
    if not isinstance(value, dict):
        raise ConfigError(
            f"{display_path(pyproject)}: [tool.golem-codegen] {key} must be a table of globs"
        )
    tables = []
    for pattern, codes in value.items():
        listed = _string_list(pyproject, f'{key} "{pattern}"', codes)
        _check_selectors(pyproject, f'{key} "{pattern}"', listed)
        tables.append((str(pattern), listed))
    return tuple(tables)


def _string_list(pyproject: Path, key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(
            f"{display_path(pyproject)}: [tool.golem-codegen] {key} must be a list of strings"
        )
    return tuple(value)


def _check_selectors(pyproject: Path, key: str, selectors: tuple[str, ...]) -> None:
    """A selector that selects nothing would silently turn checks on or off: refuse it."""
    if not selectors:
        return
    from .checks.rules import (  # deferred: needed only with selectors
        SELECTOR_FORMS,
        selector_problem,
    )

    for selector in selectors:
        problem = selector_problem(selector, in_list=True)
        if problem is not None:
            raise ConfigError(
                f"{display_path(pyproject)}: [tool.golem-codegen] {key}: {problem} "
                f"(expected {SELECTOR_FORMS})"
            )


class Walked:
    """What a walk looked at beyond the files it found: every directory it listed or looked
    into (a replayed answer holds while none of them changed), and whether it met a symlink."""

    def __init__(self) -> None:
        self.directories: list[str] = []
        self.links = False


def discover(paths: Sequence[Path], config: Config, walked: Walked | None = None) -> Tree:
    """Walk `paths` (files are taken as given, directories walked in sorted order)."""
    sources: dict[Path, SourceFile] = {}
    generated: dict[Path, None] = {}
    roots: dict[Path, None] = {}
    packages = _Packages()
    for given in paths:
        named = given.is_file()
        for file, located, resolved in _walk(given, config, walked or Walked()):
            root = packages.root_of(resolved.parent)
            roots.setdefault(root, None)
            if file.name == GENERATED_NAME:
                generated.setdefault(file, None)
            elif resolved not in sources:
                module = _module_below(root, resolved)
                display = packages.display(file, located)
                sources[resolved] = SourceFile(file, display, module, named)
    for given in paths:  # absolute imports of directories without __init__.py resolve from here
        directory = (given if given.is_dir() else given.parent).resolve()
        if not (directory / "__init__.py").is_file():
            roots.setdefault(directory, None)
    return Tree(tuple(sources.values()), tuple(generated), tuple(roots))


class _Packages:
    """What a walk learns once per directory: import roots, and the working directory."""

    def __init__(self) -> None:
        self._roots: dict[Path, Path] = {}
        self._cwd = Path.cwd()

    def root_of(self, directory: Path) -> Path:
        """The import root of modules in `directory` (resolved)."""
        root = self._roots.get(directory)
        if root is None:
            root = directory
            if (directory / "__init__.py").is_file() and directory.parent != directory:
                root = self.root_of(directory.parent)
            self._roots[directory] = root
        return root

    def display(self, file: Path, located: Path) -> str:
        """`display_path(file)`, from `file` in its resolved directory."""
        try:
            return located.relative_to(self._cwd).as_posix()
        except ValueError:
            return file.as_posix()


def _walk(given: Path, config: Config, walked: Walked) -> Iterator[tuple[Path, Path, Path]]:
    """(file as found, file in its resolved directory, resolved file): directories are resolved
    once, not every file in them; a symlinked file is shown where it is, not where it points."""
    if given.is_file():
        if given.suffix in {".py", ".pyi"} or given.name == GENERATED_NAME:
            yield given, given.parent.resolve() / given.name, given.resolve()
        return
    from .gitignore import Ignores

    if _excluded(given, config):  # named on the command line: checked all the same, like ruff
        config = replace(config, exclude=())
    ignores = Ignores.for_walk(given.resolve())
    for directory, dirnames, filenames in os.walk(given):
        base = Path(directory)
        resolved_base = base.resolve()
        walked.directories += [str(resolved_base), *(str(resolved_base / d) for d in dirnames)]
        walked.links |= resolved_base != base.absolute()
        dirnames[:] = sorted(
            name
            for name in dirnames
            if not _skip_dir(base / name, config)
            and not ignores.ignored(resolved_base / name, is_dir=True)
        )
        for name in sorted(filenames):
            file = base / name
            if (
                name.endswith(".py")
                and not _excluded(file, config)
                and not ignores.ignored(resolved_base / name, is_dir=False)
            ):
                located = resolved_base / name
                link = os.path.islink(os.path.join(directory, name))
                walked.links |= link
                yield file, located, file.resolve() if link else located


def _skip_dir(directory: Path, config: Config) -> bool:
    name = directory.name
    if name.startswith(".") or name in SKIPPED_DIRS or name.endswith(".egg-info"):
        return True
    if (directory / "pyvenv.cfg").exists() or (directory / "conda-meta").is_dir():
        return True
    return _excluded(directory, config)


def _excluded(path: Path, config: Config) -> bool:
    if not config.exclude:
        return False
    relative = _relative(path, config)
    return any(_matches(relative, path.name, pattern) for pattern in config.exclude)


def _relative(path: Path, config: Config) -> str:
    """`path` relative to the configuration's directory (as written when outside it)."""
    try:
        return (
            path.resolve().relative_to(config.root).as_posix() if config.root else path.as_posix()
        )
    except ValueError:
        return path.as_posix()


def _matches(relative: str, name: str, pattern: str) -> bool:
    """A glob against the path relative to the project root, or the name alone; `dir/` and
    `dir` exclude everything below; a leading `**/` also matches at the top level."""
    if pattern.startswith("**/") and _matches(relative, name, pattern[3:]):
        return True
    return (
        fnmatch.fnmatch(relative, pattern)
        or fnmatch.fnmatch(name, pattern)
        or fnmatch.fnmatch(relative, pattern.rstrip("/") + "/*")
    )


def module_name(path: Path) -> str:
    """Dotted module name from the package layout (`pkg/sub/mod.py` -> `pkg.sub.mod`)."""
    resolved = path.resolve()
    return _module_below(_root_of(resolved), resolved)


def _module_below(root: Path, resolved: Path) -> str:
    parts = resolved.relative_to(root).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts) or resolved.parent.name


def _root_of(path: Path) -> Path:
    """The directory above the outermost package holding `path` (an import root)."""
    return _Packages().root_of(path.parent)


def display_path(path: Path) -> str:
    """The path as reports show it: relative to the working directory when below it, with `/`."""
    try:
        return path.resolve().relative_to(Path.cwd()).as_posix()
    except (ValueError, OSError):
        return path.as_posix()

"""Cross-module dependencies of agent modules, declared to mypy so its caches notice them.

An agent's snapshot check reads dataclasses from other modules, possibly two imports away
(`agents` -> `models.Order` -> `people.Owner`). mypy only re-checks a module when a module it
imports changed its interface, so by itself it would keep a stale GLM003 (or miss a new one) after
`people.py` changes. The plugin therefore records, per agent module, the modules its checks read
(kept next to mypy's cache: the hooks below run before any type is known), and declares them:
* to incremental runs: `report_config_data` of the agent module includes a digest of those
  modules' files, so a change there invalidates its cache entry, and `get_additional_deps` makes
  them its dependencies (so its next cache entry depends on their interfaces, as an import would);
* to the daemon (fine-grained mode): `add_plugin_dependency` triggers on each class read.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from mypy.plugin import SemanticAnalyzerPluginInterface
from mypy.server.trigger import make_wildcard_trigger

from ...model import DataclassInfo, EnumInfo, Project

__all__ = ["RECORD_NAME", "DependencyRecord"]

RECORD_NAME = "golem-codegen-deps.json"
PRIORITY = 10
"""mypy's PRI_MED: an ordinary `import` (the dependency is analysed first when possible)."""


class DependencyRecord:
    """`{agent module: {module its checks read: its file}}`, kept in mypy's cache directory."""

    def __init__(self, cache_dir: str | None) -> None:
        usable = cache_dir and cache_dir != os.devnull
        self.path = Path(cache_dir) / RECORD_NAME if usable and cache_dir else None
        self.modules: dict[str, dict[str, str]] = self._load()

    def additional(self, module: str) -> list[tuple[int, str, int]]:
        """What `get_additional_deps` returns for `module` (from the previous run's record)."""
        return [(PRIORITY, other, -1) for other in sorted(self.modules.get(module, {}))]

    def digest(self, module: str) -> str:
        """A digest of the files `module`'s checks read (part of its cache validity)."""
        digest = hashlib.sha256()
        for other, path in sorted(self.modules.get(module, {}).items()):
            digest.update(f"{other}\0".encode())
            try:
                digest.update(Path(path).read_bytes())
            except OSError:
                digest.update(b"\1")
        return digest.hexdigest()

    def declare(self, api: SemanticAnalyzerPluginInterface, project: Project) -> None:
        """Declare the classes an agent's check read (`project`'s dataclasses and enums): to the
        daemon as triggers on each, to later incremental runs through this record."""
        read: list[DataclassInfo | EnumInfo] = [
            *project.dataclasses.values(),
            *project.enums.values(),
        ]
        for info in read:
            api.add_plugin_dependency(make_wildcard_trigger(info.qualname))
        files = api.modules
        paths = ((i.module, files[i.module].path) for i in read if i.module in files)
        self.record(api.cur_mod_id, paths)

    def record(self, module: str, read: Iterable[tuple[str, str]]) -> None:
        """Remember the modules (and files) `module`'s checks read (saved when that changed)."""
        known = self.modules.get(module, {})
        merged = {**known, **{name: path for name, path in read if name != module}}
        if merged != known:  # several agents in one module add up
            self.modules[module] = merged
            self._save()

    def _load(self) -> dict[str, dict[str, str]]:
        if self.path is None:
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {
            str(key): {str(name): str(path) for name, path in value.items()}
            for key, value in data.items()
            if isinstance(value, dict)
        }

    def _save(self) -> None:
        """Atomically (a temporary file renamed): a reader never sees half a record."""
        if self.path is None:
            return
        from ...generate.plan import write_atomic

        text = json.dumps(self.modules, indent=1, sort_keys=True)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, text.encode("utf-8"))
        except OSError:
            pass  # a read-only cache: the record is an optimisation

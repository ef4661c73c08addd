"""A hatchling build hook: regenerate the golem_agents.py modules before a wheel or sdist is built.

Enable it in the project being built:

    [build-system]
    requires = ["hatchling", "golem-codegen"]
    build-backend = "hatchling.build"

    [tool.hatch.build.hooks.golem-codegen]
    paths = ["src"]          # optional; default: the project root
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface
from hatchling.plugin import hookimpl

from ..api import generate
from ..discovery import display_path
from ..formats import format_text

__all__ = ["GolemCodegenBuildHook", "hatch_register_build_hook"]


class GolemCodegenError(RuntimeError):
    """The tree has errors, so the build stops before packaging stale or missing wiring."""


class GolemCodegenBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Runs `golem-codegen generate` on the configured paths; a tree with errors fails the build."""

    PLUGIN_NAME = "golem-codegen"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Called by hatchling before it collects the files of the build target."""
        root = Path(self.root)
        configured = self.config.get("paths", ["."])
        if not isinstance(configured, list) or not all(isinstance(p, str) for p in configured):
            raise GolemCodegenError("[tool.hatch.build.hooks.golem-codegen] paths: list of strings")
        result = generate([root / p for p in configured], force=bool(self.config.get("force")))
        if result.refused:
            raise GolemCodegenError(
                "golem-codegen: not generating, the tree has errors:\n"
                + format_text(result.diagnostics)
            )
        for change in result.written:
            self.app.display_info(f"golem-codegen: {change.action} {display_path(change.path)}")


@hookimpl
def hatch_register_build_hook() -> type[GolemCodegenBuildHook]:
    """Entry point hatchling looks up (the `hatch` entry-point group)."""
    return GolemCodegenBuildHook

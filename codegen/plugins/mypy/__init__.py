"""The mypy plugin: mypy's resolved types -> the CLI's own snapshot checks (GLM001-GLM004).

Enable it in the mypy configuration (`[tool.mypy]` of pyproject.toml, or `[mypy]` of mypy.ini with
`plugins = codegen.plugins.mypy`)::

    plugins = ["codegen.plugins.mypy"]

`checker` holds the plugin class, `model` converts mypy's types to the shared model, and `source`
reads back from the source files what mypy's trees no longer hold.
"""

from __future__ import annotations

from mypy.plugin import Plugin

from .checker import GolemPlugin

__all__ = ["GolemPlugin", "plugin"]


def plugin(version: str) -> type[Plugin]:
    """mypy's entry point: the plugin class (the hooks used exist in every supported mypy)."""
    return GolemPlugin

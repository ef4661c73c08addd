"""Plugins: golem-codegen inside other tools, the mypy plugin (`mypy/`) and the hatchling hook."""

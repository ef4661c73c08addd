"""golem-codegen: static checks and generated wiring for Golem durable agents written in Python.

The API is the pipeline of the CLI as functions that return results (nothing is printed):
`check(paths)`, `scan(paths)` and `generate(paths)` (and `codegen.api.fix`). The stages are
subpackages, one per folder: `scan/` -> `resolve/` -> `checks/` -> `state/` -> `generate/` ->
`fix/`, with `formats/` for output, `run/` for one run over a tree (cache, workers) and `plugins/`
for mypy, pytest and hatchling.

Importing the package is cheap (the pytest plugin is loaded by every test run where golem-codegen
is installed): `codegen.api` loads on the first call.
"""

from __future__ import annotations

# The stage packages `scan` and `generate` share their names with two API functions. Importing a
# package sets it as an attribute of its parent the first time; loading both here (their
# `__init__` modules are docstrings only) before binding the functions keeps `codegen.scan` and
# `codegen.generate` the functions for good.
from . import generate as _generate_stage  # noqa: F401
from . import scan as _scan_stage  # noqa: F401

TYPE_CHECKING = False  # not typing's: `python -m codegen` may only replay a stored answer

if TYPE_CHECKING:
    from typing import Any

    from .api import CheckResult, GenerateResult, ScanResult, check, generate, scan
    from .diagnostics import Diagnostic, Severity
else:

    def check(*args: Any, **kwargs: Any) -> Any:
        """`codegen.api.check`: scan, run every check, return located diagnostics."""
        from .api import check as run

        return run(*args, **kwargs)

    def scan(*args: Any, **kwargs: Any) -> Any:
        """`codegen.api.scan`: scan and resolve without running the checks."""
        from .api import scan as run

        return run(*args, **kwargs)

    def generate(*args: Any, **kwargs: Any) -> Any:
        """`codegen.api.generate`: write or refresh every golem_agents.py."""
        from .api import generate as run

        return run(*args, **kwargs)

    def __getattr__(name: str) -> Any:
        """The result types and the Diagnostic vocabulary, loaded on first use."""
        if name in ("CheckResult", "GenerateResult", "ScanResult"):
            from . import api

            return getattr(api, name)
        if name in ("Diagnostic", "Severity"):
            from . import diagnostics

            return getattr(diagnostics, name)
        raise AttributeError(f"module 'codegen' has no attribute {name!r}")


__all__ = [
    "CheckResult",
    "Diagnostic",
    "GenerateResult",
    "ScanResult",
    "Severity",
    "check",
    "generate",
    "scan",
]

"""golem-codegen: static checks and generated wiring for Golem durable agents written in Python.

The API is the pipeline of the CLI as functions that return results (nothing is printed):
`check(paths)`, `scan(paths)` and `generate(paths)` (and `codegen.api.fix`). The stages are
subpackages, one per folder: `scan/` -> `resolve/` -> `checks/` -> `fix/` -> `generate/`, with
`formats/` for output, `run/` for one run over a tree (cache, workers) and `plugins/` for mypy and
hatchling.
"""

# The stage packages `scan` and `generate` share their names with two API functions. Importing a
# package sets it as an attribute of its parent the first time; loading both here (their
# `__init__` modules are docstrings only) before binding the functions keeps `codegen.scan` and
# `codegen.generate` the functions for good.
from . import generate as _generate_stage  # noqa: F401
from . import scan as _scan_stage  # noqa: F401
from .api import CheckResult, GenerateResult, ScanResult, check, generate, scan
from .diagnostics import Diagnostic, Severity

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

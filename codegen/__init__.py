"""golem-codegen: static checks and generated wiring for Golem durable agents written in Python.

The API is the pipeline of the CLI as functions that return results (nothing is printed):
`check(paths)`, `scan(paths)` and `generate(paths)`.
"""

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

"""The documentation of every diagnostic code, one module per family; `codegen.rules` assembles it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..diagnostics import Severity

__all__ = ["Rule"]


@dataclass(frozen=True, slots=True)
class Rule:
    """One diagnostic kind, declared once: `explain`, SARIF and the tests all read this record.

    `bad` and `good` are the sources of a single file `agents.py` in a package-less directory; each
    line of `bad` where a diagnostic starts ends with `# expect: GLMxxx`. When `examples` is "prose"
    (generated-file and unreadable-file codes), they describe the situation in words instead.
    """

    code: str
    severity: Severity
    name: str
    """A stable kebab-case identifier (SARIF `rule.name`)."""
    title: str
    summary: str
    fix: str
    bad: str
    good: str
    examples: Literal["source", "prose"] = "source"

"""Fixes: Diagnostics + file bytes -> libcst rewrites as text edits (`check --fix`, SPEC §13).

`attach_fixes` gives each diagnostic the fix it has (`Diagnostic.fix`: safe or unsafe, and the
edits of its file); `apply_fixes` applies the fixes of one file that do not overlap, and
`fixed_source` checks the result before anyone writes it. Re-checking and writing are the api's.
"""

from __future__ import annotations

from .apply import FixedFile, fixed_source
from .attach import FIXERS, attach_fixes
from .edits import apply_fixes

__all__ = [
    "FIXERS",
    "FixedFile",
    "apply_fixes",
    "attach_fixes",
    "fixed_source",
]

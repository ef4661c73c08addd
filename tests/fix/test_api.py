"""`codegen.api.fix`: what it returns, and the files it must leave alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import codegen.fix

from .support import FIXES, copy_case, fixed_in

CASE = FIXES / "GLM032_idempotence"


def test_a_file_saved_meanwhile_is_never_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_case(CASE, tmp_path)
    saved = b"# saved by an editor while the fixes were computed\n"
    real = codegen.fix.fixed_source

    def save_meanwhile(*args: Any) -> Any:
        path.write_bytes(saved)
        return real(*args)

    monkeypatch.setattr(codegen.fix, "fixed_source", save_meanwhile)
    result = fixed_in(tmp_path, unsafe=False)
    assert path.read_bytes() == saved and result.files == ()


def test_without_write_nothing_is_written_and_the_result_is_the_same(tmp_path: Path) -> None:
    path = copy_case(CASE, tmp_path)
    shown = fixed_in(tmp_path, unsafe=True, write=False)
    assert path.read_bytes() == (CASE / "before.py").read_bytes() and not shown.written
    ((fixed,),) = [shown.files]
    assert fixed.after == (CASE / "after_unsafe.py").read_bytes() and fixed.fixes == shown.fixed
    written = fixed_in(tmp_path, unsafe=True)
    assert written.files == shown.files and written.remaining == shown.remaining

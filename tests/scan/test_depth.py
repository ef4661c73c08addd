"""Deep and long chains are GLM900 or a scan, never a crash, a hang or an exception."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codegen.scan.depth import MAX_DEPTH, deepest
from codegen.scan.module import ScanFailure, ScannedFile, scan_source
from codegen.scan.parse import on_big_stack
from tests.fuzz.deep import CHAINS, deep_file

FLAT = {"compare", "decorators", "list", "fstring"}
"""Kinds libcst keeps flat: any length scans."""


@pytest.mark.parametrize("kind", sorted(CHAINS))
def test_twenty_thousand_long_chains_scan_or_are_glm900(kind: str) -> None:
    result = scan_source(deep_file(kind, 2_000 if kind in FLAT else 20_000), "deep.py", "deep")
    if kind in FLAT:
        assert isinstance(result, ScannedFile)
    else:
        assert isinstance(result, ScanFailure)
        assert result.finding.code == "GLM900"
        assert "nesting too deep" in result.finding.message
        assert "simplify the expression" in result.finding.message


@pytest.mark.parametrize("kind", sorted(CHAINS))
def test_chains_well_within_the_bound_scan(kind: str) -> None:
    assert isinstance(scan_source(deep_file(kind, MAX_DEPTH // 3), "ok.py", "ok"), ScannedFile)


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(sorted(CHAINS)), st.integers(1, 3 * MAX_DEPTH))
def test_any_chain_length_scans_or_is_glm900(kind: str, n: int) -> None:
    result = scan_source(deep_file(kind, n), "deep.py", "deep")
    if isinstance(result, ScanFailure):
        assert result.finding.code == "GLM900" and "nesting too deep" in result.finding.message
        assert kind not in FLAT and n > MAX_DEPTH // 3
    else:
        assert isinstance(result, ScannedFile)


def test_depth_unrolls_what_libcst_nests() -> None:
    import ast

    assert deepest(ast.parse("y = " + " or ".join(["a"] * 50)), 1000) > 50
    assert deepest(ast.parse("import " + ".".join(["a"] * 50)), 1000) > 50
    assert deepest(ast.parse("y = " + " < ".join(["a"] * 50)), 1000) < 10


def test_the_big_stack_reraises_and_restores_the_recursion_limit() -> None:
    import sys

    limit = sys.getrecursionlimit()

    def fail() -> None:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        on_big_stack(fail)
    assert on_big_stack(sys.getrecursionlimit) > limit
    assert sys.getrecursionlimit() == limit


def test_what_python_accepts_and_libcst_refuses_says_so() -> None:
    source = b"import runtime_stub\ny = (\n" + b"    'a'\n" * 20_000 + b")\n"
    result = scan_source(source, "strings.py", "strings")
    assert isinstance(result, ScanFailure) and result.finding.code == "GLM900"
    message = result.finding.message
    assert message.startswith("cannot parse: Python accepts this, libcst's parser does not (")
    assert "syntax error" not in message


def test_without_a_big_stack_work_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from codegen.scan import parse

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(parse, "_big_stack", None)
    monkeypatch.setattr(threading.Thread, "start", refuse)
    assert on_big_stack(lambda: threading.current_thread().name) == threading.current_thread().name
    result = scan_source(deep_file("or", 100), "ok.py", "ok")
    assert isinstance(result, ScannedFile)

"""Parsing without libcst's node validation: same trees, and validation is back afterwards."""

from __future__ import annotations

import threading

import libcst as cst

from codegen.diagnostics import Finding
from codegen.scan import parse

SOURCE = b"""\
from runtime_stub import agent


@agent(mount="/a/{name}")
class A:
    def f(self, x: list[int] | None = None) -> int:
        return (x or [1])[0]  # comment
"""


def validation_is_on() -> bool:
    try:
        cst.Name("not an identifier")
    except cst.CSTValidationError:
        return True
    return False


def test_libcst_hook_is_the_validation_the_parser_skips() -> None:
    """If a libcst release changes what the hook does, parsing falls back to validating."""
    assert parse._SKIP_VALIDATION


def test_trees_equal_validated_parses() -> None:
    tree = parse.parse(SOURCE, "a.py")
    assert isinstance(tree, cst.Module)
    assert tree.code == SOURCE.decode()
    assert tree.deep_equals(cst.parse_module(SOURCE))
    assert validation_is_on()


def test_validation_is_back_after_a_failed_parse() -> None:
    finding = parse.parse(b"def broken(:\n", "b.py")
    assert isinstance(finding, Finding) and finding.code == "GLM900"
    assert validation_is_on()


def test_overlapping_parses_in_threads_restore_validation() -> None:
    threads = 4
    results: list[object] = []
    barrier = threading.Barrier(threads)

    def work() -> None:
        barrier.wait()
        for _ in range(20):
            results.append(parse.parse(SOURCE, "a.py"))

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(results) == threads * 20
    assert all(isinstance(result, cst.Module) for result in results)
    assert validation_is_on()


def test_syntax_errors_are_located_where_cpython_sees_them() -> None:
    finding = parse.parse(b"x = 1\ndef f(self -> int:\n    pass\n", "c.py")
    assert isinstance(finding, Finding) and finding.span is not None
    assert (finding.code, finding.span.line, finding.span.column) == ("GLM900", 2, 12)
    assert "invalid syntax" in finding.message

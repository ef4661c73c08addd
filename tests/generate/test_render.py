"""Rendering pieces: Python literals, ruff-stable layout, the header hash, import names."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codegen.generate.names import Names, relative_module
from codegen.generate.pysource import (
    WIDTH,
    Group,
    call,
    comment_text,
    py_str,
    render,
    tuple_of,
    width,
)
from codegen.generate.records import Signature
from codegen.generate.render import HEADER_MARK, read_header, same_module, with_header
from tests.generate.support import ROOT

ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=30)


@settings(max_examples=300)
@given(ANY_TEXT)
def test_string_literals_evaluate_back_to_the_same_text(value: str) -> None:
    literal = py_str(value)
    assert ast.literal_eval(literal) == value
    assert "\n" not in literal and "\r" not in literal and "\u2028" not in literal


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("plain", '"plain"'),
        ("it's", '"it\'s"'),
        ('say "hi"', "'say \"hi\"'"),
        ("a'b\"c", '"a\'b\\"c"'),
        ('"""', '\'"""\''),
        ("back\\slash", '"back\\\\slash"'),
        ("line\u2028break\x00é😀", '"line\\u2028break\\x00é😀"'),
    ],
)
def test_string_literals_use_the_quotes_ruff_prefers(value: str, literal: str) -> None:
    assert py_str(value) == literal


def test_comment_text_cannot_end_the_comment() -> None:
    assert comment_text("a\nb\rc\u2028d") == "a\\nb\\rc\\u2028d"


def test_width_counts_wide_characters_twice() -> None:
    assert width("abc") == 3 and width("日本") == 4 and width("é") == 1


def test_fragments_stay_on_one_line_when_they_fit() -> None:
    fragment = call("f", "a", tuple_of(["b"]))
    assert render(fragment, 4, ",", "x = ") == "x = f(a, (b,)),"


def test_fragments_explode_with_a_magic_trailing_comma() -> None:
    fragment = call("f", "a" * 40, Group("", ("b" * 40, "c"), "[]"))
    assert render(fragment, 4) == (
        "f(\n"
        + " " * 8 + "a" * 40 + ",\n"
        + " " * 8 + "[" + "b" * 40 + ", c],\n"
        + "    )"
    )  # fmt: skip


def test_signatures_explode_then_fall_back_to_any() -> None:
    short = Signature("f", ("data: object",), "int")
    assert short.text() == "def f(data: object) -> int:"
    long_name = "g" * 60
    exploded = Signature(long_name, ("data: object",), "dict[str, int]")
    assert exploded.text() == f"def {long_name}(\n    data: object,\n) -> dict[str, int]:"
    wide = Signature("h", ("data: object",), "tuple[" + ", ".join(["LineItem"] * 12) + "]")
    assert wide.text().endswith(") -> Any:") and wide.needs_any


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is not installed")
@pytest.mark.parametrize("line_length", [WIDTH, 88, 120])
def test_rendered_layouts_are_what_ruff_writes(
    tmp_path: pytest.TempPathFactory, line_length: int
) -> None:
    fragments = [
        call("x = f", "a" * 30, "b" * 30, "c"),
        call("y = g", tuple_of(['"' + "q" * 20 + '"']), call("h", "z" * 70)),
        tuple_of(["1"], "t = "),
        tuple_of([call("_rt.ParamInfo", '"name"', '"' + "t" * 60 + '"')], "u = "),
        Group("v = ", ('"' + "w" * 80 + '"',), "[]"),
        Group("s = ", tuple(f'"{n}"' for n in "abcdefghijklmnopqrstuvwxyz"), "{}"),
    ]
    source = "".join(render(fragment, 0) + "\n" for fragment in fragments)
    path = tmp_path / "layout.py"  # type: ignore[operator]
    path.write_text(source, encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "format",
            "--isolated",
            "--line-length",
            str(line_length),
            "--diff",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --------------------------------------------------------------------------- header


MODEL = "ab" * 32
OTHER_MODEL = "cd" * 32


def test_header_hash_detects_edits() -> None:
    text = with_header("body = 1\n", ("counter.py",), MODEL)
    assert text.startswith(HEADER_MARK + "\n# Sources: counter.py\n# model-hash: sha256:abab")
    assert read_header(text).generated and read_header(text).intact
    assert not read_header(text.replace("body = 1", "body = 2")).intact
    assert not read_header(text.replace("counter.py", "other.py")).intact
    assert not read_header(text.replace(MODEL, OTHER_MODEL)).intact  # the model hash is covered
    assert read_header(text.replace("\n", "\r\n")).intact  # a checkout with CRLF line ends


def test_the_model_hash_is_read_from_intact_modules_only() -> None:
    text = with_header("body = 1\n", ("counter.py",), MODEL)
    assert read_header(text).model_hash == MODEL
    assert read_header(text.replace("body = 1", "body = 2")).model_hash is None


def test_modules_differing_only_in_hash_values_are_the_same() -> None:
    text = with_header("body = 1\n", ("counter.py",), MODEL)
    assert same_module(text, with_header("body = 1\n", ("counter.py",), OTHER_MODEL))
    assert not same_module(text, with_header("body = 2\n", ("counter.py",), MODEL))
    without_model_line = "\n".join(line for line in text.split("\n") if "model-hash" not in line)
    assert not same_module(without_model_line, text)  # an older header format is stale


def test_files_without_the_marker_are_not_ours() -> None:
    assert not read_header("# my own wiring\n").generated
    assert not read_header("").generated
    marker_only = HEADER_MARK + "\nx = 1\n"
    assert read_header(marker_only).generated and not read_header(marker_only).intact


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("module", "package", "spelled"),
    [
        ("shop.counter", "shop", ".counter"),
        ("shop.models", "shop.billing", "..models"),
        ("shop", "shop", "."),
        ("shop", "shop.billing", ".."),
        ("a.b.c.d", "a.x.y", "...b.c.d"),
        ("other.models", "shop", "other.models"),
        ("counter", "", "counter"),
    ],
)
def test_relative_imports_inside_packages(module: str, package: str, spelled: str) -> None:
    assert relative_module(module, package) == spelled


def test_colliding_user_classes_are_aliased() -> None:
    names = Names()
    assert names.user_class("app.a", "Item") == "Item"
    assert names.user_class("app.b", "Item") == "Item_2"
    assert names.user_class("app.c", "datetime") == "datetime_2"
    assert names.user_class("app.a", "Item") == "Item"
    names.stdlib("Decimal")
    lines = [line.text() for line in names.imports("app")]
    assert lines == [
        "from decimal import Decimal",
        "from .a import Item",
        "from .b import Item as Item_2",
        "from .c import datetime as datetime_2",
    ]


def test_helper_names_stay_short() -> None:
    names = Names()
    assert names.claim("_load_" + "x" * 60, "_load_dataclass") == "_load_dataclass"
    assert names.claim("_load_" + "y" * 60, "_load_dataclass") == "_load_dataclass_2"


def test_the_model_hash_does_not_depend_on_the_process(tmp_path: Path) -> None:
    """String hashing is randomized per process: the hash must not follow it."""
    script = (
        "import sys\n"
        "from codegen.api import Options, scan\n"
        "from codegen.generate.plan import directories\n"
        "from codegen.generate.render import model_hash\n"
        "from codegen.generate.wiring import build_module\n"
        "project = scan([sys.argv[1]], options=Options(cache=False)).project\n"
        "for agents in directories(project):\n"
        "    print(model_hash(build_module(project, agents)))\n"
    )
    project = ROOT / "fixtures" / "generator" / "all_types"
    runs = [
        subprocess.run(
            [sys.executable, "-c", script, str(project)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            cwd=tmp_path,
        ).stdout.split()
        for seed in ("1", "2")
    ]
    committed = [
        read_header(path.read_text(encoding="utf-8")).model_hash
        for path in sorted(project.rglob("golem_agents.py"))
    ]
    assert runs[0] == runs[1] == committed

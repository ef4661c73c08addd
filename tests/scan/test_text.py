"""The scanner's cheap source text of annotations agrees with what libcst prints."""

from __future__ import annotations

import ast
import warnings

import libcst as cst
from hypothesis import given, settings
from hypothesis import strategies as st

from codegen.scan.context import _plain_text

NAMES = st.sampled_from(["int", "str", "Order", "typing.Optional", "a.b.c", "'Fwd'", "1", "None"])
SPACE = st.sampled_from(["", " ", "  "])


@st.composite
def annotations(draw: st.DrawFn, depth: int = 3) -> str:
    if depth == 0 or draw(st.booleans()):
        return draw(NAMES)
    if draw(st.booleans()):
        left, right = draw(annotations(depth - 1)), draw(annotations(depth - 1))
        return f"{left}{draw(SPACE)}|{draw(SPACE)}{right}"
    items = draw(st.lists(annotations(depth - 1), min_size=1, max_size=3))
    separator = "," + draw(SPACE)
    inner = draw(SPACE) + separator.join(items) + draw(st.sampled_from(["", ","])) + draw(SPACE)
    text = f"{draw(NAMES)}[{inner}]"
    return f"({text})" if draw(st.integers(0, 5)) == 0 else text


@settings(max_examples=400)
@given(annotations())
def test_plain_text_is_the_text_libcst_prints(annotation: str) -> None:
    module = cst.parse_module(f"x: {annotation}\n")
    statement = module.body[0]
    assert isinstance(statement, cst.SimpleStatementLine)
    assign = statement.body[0]
    assert isinstance(assign, cst.AnnAssign)
    node = assign.annotation.annotation
    plain = _plain_text(node)
    if plain is not None:
        assert plain == module.code_for_node(node).strip()


def test_usual_annotations_take_the_cheap_path() -> None:
    for annotation in ("dict[str, list[Order]]", "Order | None", "a.b.C", "Literal['x', 1]"):
        module = cst.parse_module(f"x: {annotation}\n")
        statement = module.body[0]
        assert isinstance(statement, cst.SimpleStatementLine)
        assign = statement.body[0]
        assert isinstance(assign, cst.AnnAssign)
        assert _plain_text(assign.annotation.annotation) == annotation


STRINGS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@settings(max_examples=300)
@given(STRINGS, st.sampled_from(['"', "'", '"""', "'''", 'r"', "b'", "u'"]))
def test_string_literal_values_match_python(value: str, opening: str) -> None:
    from codegen.scan.context import literal_value

    literal_text = f"{opening}{value}{opening.lstrip('rbu')}"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes: deprecated, still literals
            expected = ast.literal_eval(literal_text)
            module = cst.parse_module(f"x = {literal_text}\n")
    except Exception:
        return  # not a valid literal (its quote or a line break inside it, say)
    statement = module.body[0]
    assert isinstance(statement, cst.SimpleStatementLine)
    assign = statement.body[0]
    assert isinstance(assign, cst.Assign)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the same invalid escapes, evaluated by libcst
        literal, found = literal_value(assign.value)
    if isinstance(expected, str):
        assert (literal, found) == (True, expected)
    else:
        assert not literal  # bytes are not a literal of the agent API

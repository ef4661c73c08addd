"""Applying fixes as text edits: whole fixes only, overlapping ones wait, shared edits count once."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from codegen.diagnostics import Edit, Fix
from codegen.fix import apply_fixes
from codegen.fix.tree import SourceText
from codegen.model import Span

TEXT = "alpha = 1\nbeta = 2\r\ngamma = 3\n"


def edit(line: int, column: int, end_line: int, end_column: int, content: str) -> Edit:
    return Edit(Span(line, column, end_line, end_column), content)


def fix(*edits: Edit) -> Fix:
    return Fix("safe", "test", edits)


def test_fixes_that_do_not_overlap_all_apply_whatever_their_order() -> None:
    first = fix(edit(1, 1, 1, 6, "a"))
    second = fix(edit(3, 1, 3, 6, "g"))
    assert apply_fixes(TEXT, [second, first]) == ("a = 1\nbeta = 2\r\ng = 3\n", 2)


def test_an_overlapping_fix_waits_for_the_next_round_whole() -> None:
    first = fix(edit(1, 1, 1, 6, "a"))
    overlapping = fix(edit(1, 3, 1, 8, "X"), edit(3, 1, 3, 6, "g"))  # its second edit waits too
    assert apply_fixes(TEXT, [overlapping, first]) == ("a = 1\nbeta = 2\r\ngamma = 3\n", 1)


def test_an_edit_two_fixes_share_is_made_once() -> None:
    shared = edit(1, 1, 1, 1, "import x\n")
    first = fix(edit(2, 1, 2, 5, "b"), shared)
    second = fix(edit(3, 1, 3, 6, "g"), shared)
    assert apply_fixes(TEXT, [first, second]) == ("import x\nalpha = 1\nb = 2\r\ng = 3\n", 2)


def test_two_different_insertions_at_one_point_overlap() -> None:
    first = fix(edit(2, 1, 2, 1, "one\n"))
    second = fix(edit(2, 1, 2, 1, "two\n"))
    assert apply_fixes(TEXT, [first, second]) == ("alpha = 1\none\nbeta = 2\r\ngamma = 3\n", 1)


def test_an_insertion_right_after_a_replacement_is_not_an_overlap() -> None:
    replaced = fix(edit(1, 1, 1, 6, "a"))
    inserted = fix(edit(1, 6, 1, 6, "_b"))
    assert apply_fixes(TEXT, [replaced, inserted]) == ("a_b = 1\nbeta = 2\r\ngamma = 3\n", 2)


def test_positions_count_characters_and_every_line_break() -> None:
    source = SourceText("é = 1\r\nß = 2\rz = 3")
    assert source.offset(2, 1) == 7 and source.offset(3, 1) == 13
    assert source.position(13) == (3, 1) and source.lines == 3
    assert source.line(1) == "é = 1" and source.line(3) == "z = 3" and source.line(4) == ""


@given(st.text(alphabet="ab\n\r é"), st.text(alphabet="ab\n\r é"))
def test_the_edit_between_two_texts_turns_one_into_the_other(old: str, new: str) -> None:
    change = SourceText(old).edit_to(new)
    assert apply_fixes(old, [fix(change)])[0] == new or old == new

"""GLM902: suppressions that suppress nothing, or name no code, are reported; used ones are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen.api import Options, check

AGENT = """\
import time

from runtime_stub import agent


@agent{decorator_comment}
class ClockAgent:
    def __init__(self, name: str) -> None:
        self.name = name

    def tick(self) -> float:
        return time.time(){tick_comment}

    def count(self) -> int:
        return len(self.name){count_comment}

    def doc(self) -> str:
        return "# golem: ignore[GLM030] inside a string is text"
"""


def found(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    decorator_comment: str = "",
    tick_comment: str = "  # golem: ignore[GLM033]",
    count_comment: str = "",
    select: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
) -> list[tuple[int, int, str, str]]:
    source = AGENT.format(
        decorator_comment=decorator_comment, tick_comment=tick_comment, count_comment=count_comment
    )
    (tmp_path / "agents.py").write_text(source, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = check(["."], select=select, ignore=ignore, options=Options(cache=False))
    return [(d.line, d.column, d.code, d.message) for d in result.diagnostics]


def test_used_suppressions_are_quiet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert found(tmp_path, monkeypatch) == []
    assert found(tmp_path, monkeypatch, tick_comment="  # golem: ignore[glm03]") == []
    assert found(tmp_path, monkeypatch, tick_comment="  # golem: ignore") == []
    assert found(tmp_path, monkeypatch, decorator_comment="  # golem: ignore[GLM033]") == []


def test_an_entry_that_suppresses_nothing_is_reported_at_the_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    comment = "  # golem: ignore[GLM033, GLM031]"
    ((line, column, code, message),) = found(tmp_path, monkeypatch, tick_comment=comment)
    assert (line, code) == (12, "GLM902")
    assert column == len("        return time.time()  # golem: ignore[GLM033, ") + 1
    assert (
        message == '"GLM031" in `# golem: ignore[...]` suppresses nothing on this line; remove it'
    )


def test_bare_and_decorator_suppressions_that_suppress_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reported = found(
        tmp_path,
        monkeypatch,
        decorator_comment="  # golem: ignore[GLM011]",
        tick_comment="  # golem: ignore[GLM033]",
        count_comment="  # noqa: E501  # golem: ignore",
    )
    assert [(line, code) for line, _, code, _ in reported] == [(6, "GLM902"), (15, "GLM902")]
    assert reported[1][3] == "`# golem: ignore` suppresses nothing on this line; remove it"


def test_codes_that_do_not_exist_are_named_with_a_close_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reported = found(tmp_path, monkeypatch, count_comment="  # golem: ignore[GLM0033]")
    ((_, _, code, message),) = reported
    assert code == "GLM902" and message.startswith('"GLM0033" in `# golem: ignore[...]` is not a')
    assert "(did you mean GLM033, GLM003" in message and message.endswith("or correct it")


def test_codes_the_run_does_not_report_are_not_judged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    comment = "  # golem: ignore[GLM031]"
    assert found(tmp_path, monkeypatch, count_comment=comment, ignore=("GLM031",)) == []
    bare = "  # golem: ignore"
    assert found(tmp_path, monkeypatch, count_comment=bare, select=("GLM9",)) == []
    assert found(tmp_path, monkeypatch, count_comment=comment, ignore=("GLM902",)) == []


def test_a_file_that_does_not_parse_gets_no_glm902(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = "from runtime_stub import agent\nx = (  # golem: ignore[GLM031]\n"
    (tmp_path / "broken.py").write_text(broken, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    codes = {d.code for d in check(["."], options=Options(cache=False)).diagnostics}
    assert codes == {"GLM900"}


def test_suppressions_in_files_without_agents_are_judged_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "helpers.py").write_text("X = 1  # golem: ignore[GLM033]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    found = check(["."], options=Options(cache=False)).diagnostics
    assert [(d.path, d.line, d.code) for d in found] == [("helpers.py", 1, "GLM902")]

"""Arbitrary strings in agent names, mount paths, docstrings and Literal values: the generated
module must compile, and hold exactly the same values (property test over the whole pipeline)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runtime_stub import registry
from tests.generate.support import run_generate

TEXT = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=12)
SEGMENT = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="{}/").filter(
        lambda c: not c.isspace()
    ),
    min_size=1,
    max_size=8,
)

SOURCE = '''\
"""{doc}"""

from dataclasses import dataclass, field
from typing import Literal

from runtime_stub import agent


@agent(name={name!r}, mount={mount!r}, snapshotting="every(1)")
@dataclass
class OddAgent:
    """{doc}"""

    key: str
    choice: Literal[{choices}] = field(default={first!r}, init=False)
'''


@pytest.fixture
def clean_imports() -> Iterator[None]:
    before, saved = set(sys.modules), dict(registry._types)
    yield
    for name in set(sys.modules) - before:
        del sys.modules[name]
    registry._types.clear()
    registry._types.update(saved)


def _docstring(text: str) -> str:
    """Text for a triple-quoted docstring of the user's source (line separators left raw)."""
    kept = (
        char if char.isprintable() or char in "\u2028\u2029" else repr(char)[1:-1] for char in text
    )
    return "".join(kept).replace("\\", "\\\\").replace('"', '\\"')


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=TEXT.filter(str.strip),  # a blank type name is GLM005, not something to generate
    segment=SEGMENT,
    doc=TEXT,
    choices=st.lists(TEXT, min_size=1, max_size=3, unique=True),
)
@pytest.mark.usefixtures("clean_imports")
def test_any_strings_survive_generation(
    tmp_path_factory: pytest.TempPathFactory, name: str, segment: str, doc: str, choices: list[str]
) -> None:
    root = tmp_path_factory.mktemp("odd")
    mount = f"/{segment}/{{key}}"
    source = SOURCE.format(
        doc=_docstring(doc),
        name=name,
        mount=mount,
        choices=", ".join(map(repr, choices)),
        first=choices[0],
    )
    (root / "odd").mkdir()
    (root / "odd" / "__init__.py").write_text("", encoding="utf-8")
    (root / "odd" / "agents.py").write_text(source, encoding="utf-8")
    result = run_generate(root)
    assert not result.refused, [d.message for d in result.diagnostics]
    generated = (root / "odd" / "golem_agents.py").read_text(encoding="utf-8")
    compile(generated, "golem_agents.py", "exec")
    sys.path.insert(0, str(root))
    try:
        for module in [m for m in sys.modules if m == "odd" or m.startswith("odd.")]:
            del sys.modules[module]
        wiring = importlib.import_module("odd.golem_agents")
    finally:
        sys.path.remove(str(root))
    (agent_type,) = wiring.AGENTS
    assert (agent_type.type_name, agent_type.mount) == (name, mount)
    instance = agent_type.agent_class("k")
    instance.choice = choices[-1]
    restored = agent_type.agent_class("other")
    agent_type.load_snapshot(restored, agent_type.save_snapshot(instance).payload)
    assert (restored.key, restored.choice) == ("k", choices[-1])


def test_the_fixture_directory_is_not_touched(tmp_path: Path) -> None:
    """Generation writes only golem_agents.py next to the agents, and the state lock at the root."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    source = SOURCE.format(doc="d", name="n", mount="/m/{key}", choices="'a'", first="a")
    (tmp_path / "pkg" / "agents.py").write_text(source, encoding="utf-8")
    run_generate(tmp_path)
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert files == ["golem-state.lock", "pkg/__init__.py", "pkg/agents.py", "pkg/golem_agents.py"]

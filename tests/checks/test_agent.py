"""GLM005-GLM007 and GLM012: @agent options, mode, ephemeral snapshots, unique type names."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.checks.support import Tree


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Tree:
    return Tree(tmp_path, monkeypatch)


def agent_module(decorator: str, name: str = "CounterAgent", header: str = "") -> str:
    return f"""\
from runtime_stub import agent
{header}

{decorator}
class {name}:
    def __init__(self, name: str) -> None:
        self.name = name
"""


@pytest.mark.parametrize(
    ("decorator", "expected"),
    [
        ("@agent(name=NAME)", "option name=NAME is not a literal; options are read without"),
        ('@agent(mode=MODES["a"])', 'e.g. mode="durable"'),
        ('@agent(snapshotting=f"every({N})")', "is not a literal"),
        ('@agent(mount="/a/" + NAME)', "is not a literal"),
        ('@agent("counter")', "@agent takes no positional argument"),
        ('@agent(snapshoting="every(5)")', '@agent has no option "snapshoting"; did you mean'),
        ("@agent(timeout=3)", "(accepted: name=, mode=, snapshotting=, mount=, state_version=)"),
        ('@agent(name="")', "must be a non-empty string"),
        ("@agent(name=3)", "must be a non-empty string"),
    ],
)
def test_glm005_for_computed_positional_and_unknown_options(
    tree: Tree, decorator: str, expected: str
) -> None:
    tree.write({"agents.py": agent_module(decorator, header='NAME = "c"\nN = 3\nMODES = {}')})
    (found,) = tree.check()
    assert (found.code, found.line) == ("GLM005", 6)
    assert found.message.startswith("CounterAgent: ") and expected in found.message


@pytest.mark.parametrize(
    "decorator",
    [
        "@agent",
        "@agent()",
        '@agent(name="counter", mode="ephemeral", mount=None)',
        '@agent(mode="durable", snapshotting="disabled")',
        "@agent(name='counter' 'agent')",
    ],
)
def test_literal_options_are_fine(tree: Tree, decorator: str) -> None:
    tree.write({"agents.py": agent_module(decorator)})
    assert tree.check() == []


@pytest.mark.parametrize(
    ("mode", "hint"),
    [('"Durable"', 'did you mean "durable"?'), ('"ephemral"', 'did you mean "ephemeral"?'),
     ('"forever"', 'use "durable"'), ("True", 'use "durable"')],
)  # fmt: skip
def test_glm006_invalid_mode_with_a_suggestion(tree: Tree, mode: str, hint: str) -> None:
    tree.write({"agents.py": agent_module(f"@agent(mode={mode})")})
    (found,) = tree.check()
    assert found.code == "GLM006" and hint in found.message


def test_glm007_ephemeral_with_snapshots_only_when_enabled(tree: Tree) -> None:
    tree.write(
        {
            "a.py": agent_module('@agent(mode="ephemeral", snapshotting="every(5)")', "A"),
            "b.py": agent_module('@agent(mode="ephemeral", snapshotting="disabled")', "B"),
            "c.py": agent_module('@agent(mode="ephemeral", snapshotting="periodic(5)")', "C"),
        }
    )
    found = tree.check()
    assert [(d.path, d.code) for d in found] == [("a.py", "GLM007"), ("c.py", "GLM004")]
    assert found[0].severity.value == "error" and 'snapshotting="every(5)"' in found[0].message
    assert "Golem 1.6 refuses" in found[0].message
    legacy = tree.check(golem_version="1.5")
    assert (legacy[0].path, legacy[0].code, legacy[0].severity.value) == (
        "a.py",
        "GLM007",
        "warning",
    )


def test_glm012_reports_each_duplicate_naming_the_others(tree: Tree) -> None:
    tree.write(
        {
            "billing.py": agent_module('@agent(name="ledger")', "BillingLedger"),
            "stock.py": agent_module('@agent(name="ledger")', "StockLedger"),
            "other.py": agent_module("@agent", "ledger"),
            "fine.py": agent_module("@agent", "FineAgent"),
        }
    )
    found = tree.check()
    assert [(d.path, d.code) for d in found] == [
        ("billing.py", "GLM012"),
        ("other.py", "GLM012"),
        ("stock.py", "GLM012"),
    ]
    assert "StockLedger in stock.py" in found[0].message
    assert "BillingLedger in billing.py" in found[1].message
    assert found[1].column == 7  # no name= option: the class name is the type name


def test_any_import_spelling_of_agent_is_checked(tree: Tree) -> None:
    tree.write(
        {
            "a.py": "import runtime_stub as rs\n\n\n@rs.agent(mode='x')\nclass A:\n    pass\n",
            "b.py": "from runtime_stub import agent as ag\n\n\n@ag(mode='x')\nclass B:\n    pass\n",
            "c.py": "import runtime_stub\n\n\n@runtime_stub.agent(mode='x')\nclass C:\n    pass\n",
        }
    )
    assert [(d.path, d.code) for d in tree.check()] == [
        ("a.py", "GLM006"),
        ("b.py", "GLM006"),
        ("c.py", "GLM006"),
    ]


def test_a_golem_ignore_on_the_decorator_line_suppresses_findings_of_the_agent(
    tree: Tree,
) -> None:
    source = agent_module('@agent(mode="ephemeral", snapshotting="every(5)")  # golem: ignore')
    source += "\n    def greet(self, who) -> str:\n        return who\n"
    tree.write({"agents.py": source})
    assert tree.check() == []
    tree.write({"agents.py": source.replace("golem: ignore", "golem: ignore[GLM007]")})
    assert [d.code for d in tree.check()] == ["GLM011"]

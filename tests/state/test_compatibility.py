"""Property: a change the gate calls compatible lets every old payload load into the new code.

A random dataclass state and a random edit are written as two real agent modules, both are
generated, a state is saved with the old wiring and loaded with the new one.
"""

from __future__ import annotations

import importlib
import itertools
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegen.api import Options, generate, scan
from codegen.state.diff import compare
from codegen.state.schema import state_schema
from tests.generate.support import working_directory

PRELUDE = """\
import enum
from dataclasses import dataclass, field
from typing import Literal

from runtime_stub import agent


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"
{extra_member}

@dataclass
class Inner:
    x: int
"""


@dataclass(frozen=True)
class Kind:
    annotation: str
    value: str
    """A Python expression of a value of this type (evaluated in the agent module)."""


KINDS = {
    "str": Kind("str", "'s'"),
    "int": Kind("int", "3"),
    "float": Kind("float", "1.5"),
    "bool": Kind("bool", "True"),
    "opt_str": Kind("str | None", "'o'"),
    "list_int": Kind("list[int]", "[1, 2]"),
    "set_int": Kind("set[int]", "{2, 1}"),
    "dict": Kind("dict[str, int]", "{'a': 1}"),
    "literal": Kind("Literal['a', 'b']", "'a'"),
    "enum": Kind("Color", "Color.RED"),
    "nested": Kind("Inner", "Inner(1)"),
}
WIDER = {"int": "float", "set_int": "list_int", "str": "opt_str"}


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    default: bool


def source(fields: list[Field], extra_member: bool = False, literal_c: bool = False) -> str:
    lines = [PRELUDE.format(extra_member='    GREEN = "green"' if extra_member else "")]
    lines += ["", '@agent(snapshotting="every(1)")', "@dataclass", "class S:"]
    for f in sorted(fields, key=lambda f: f.default):  # dataclasses: defaults last
        annotation = KINDS[f.kind].annotation
        if literal_c:
            annotation = annotation.replace("Literal['a', 'b']", "Literal['a', 'b', 'c']")
        default = f" = field(default_factory=lambda: {KINDS[f.kind].value})" if f.default else ""
        lines.append(f"    {f.name}: {annotation}{default}")
    return "\n".join(lines) + "\n"


fields_strategy = st.lists(
    st.builds(
        Field, st.sampled_from(["a", "b", "c", "d"]), st.sampled_from(sorted(KINDS)), st.booleans()
    ),
    min_size=1,
    max_size=4,
    unique_by=lambda f: f.name,
)
EDITS = (
    "add_default",
    "add_required",
    "remove",
    "retype",
    "widen",
    "enum_member",
    "literal_value",
    "drop_default",
)


def edit(fields: list[Field], how: str, data: st.DataObject) -> tuple[list[Field], dict[str, bool]]:
    new = list(fields)
    flags = {"extra_member": False, "literal_c": False}
    target = data.draw(st.sampled_from(fields))
    index = new.index(target)
    if how == "add_default":
        new.append(Field("e", data.draw(st.sampled_from(sorted(KINDS))), True))
    elif how == "add_required":
        new.append(Field("e", data.draw(st.sampled_from(sorted(KINDS))), False))
    elif how == "remove" and len(new) > 1:
        new.pop(index)
    elif how == "retype":
        new[index] = Field(target.name, data.draw(st.sampled_from(sorted(KINDS))), target.default)
    elif how == "widen":
        new[index] = Field(target.name, WIDER.get(target.kind, target.kind), target.default)
    elif how == "enum_member":
        flags["extra_member"] = True
    elif how == "literal_value":
        flags["literal_c"] = True
    elif how == "drop_default":
        new[index] = Field(target.name, target.kind, False)
    return new, flags


_counter = itertools.count()
pytestmark = pytest.mark.filterwarnings("ignore::runtime_stub.registry.RegistryWarning")
"""Every example registers its own `S`, replacing the last one, on purpose."""


def build(root: Path, text: str) -> tuple[Any, dict[str, Any]]:
    """Generate `text` as a fresh package; its AgentType and its JSON Schema."""
    package = f"compat_{next(_counter)}"
    root = root / package  # a project of its own: every example's lock starts empty
    (root / package).mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname='compat'\n", encoding="utf-8")
    (root / package / "__init__.py").write_text("", encoding="utf-8")
    (root / package / "agent.py").write_text(text, encoding="utf-8")
    sys.path.insert(0, str(root))
    with working_directory(root):
        result = generate([package], options=Options(cache=False))
        assert not result.refused, [d.message for d in result.diagnostics]
        project = scan([package], options=Options(cache=False)).project
    (agent,) = project.agents
    schema = state_schema(agent, project)
    (agent_type,) = importlib.import_module(f"{package}.golem_agents").AGENTS
    return agent_type, schema


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("compat")
    before = list(sys.path)
    yield path
    sys.path[:] = before


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(fields=fields_strategy, how=st.sampled_from(EDITS), data=st.data())
def test_compatible_changes_load_every_old_payload(
    root: Path, fields: list[Field], how: str, data: st.DataObject
) -> None:
    new_fields, flags = edit(fields, how, data)
    old_type, old_schema = build(root, source(fields))
    new_type, new_schema = build(root, source(new_fields, **flags))
    changes = compare(old_schema, new_schema)
    compatible = all(change.compatible for change in changes)
    if how in ("add_default", "enum_member", "literal_value", "widen"):
        assert compatible, changes
    if how in ("add_required",) or (how == "remove" and len(fields) > 1):
        assert not compatible, changes
    if not compatible:
        return
    module = sys.modules[old_type.agent_class.__module__]
    values = {f.name: eval(KINDS[f.kind].value, vars(module)) for f in fields}
    payload = old_type.save_snapshot(old_type.agent_class(**values)).payload
    target = object.__new__(new_type.agent_class)
    new_type.load_snapshot(target, payload)  # must not raise
    for f in fields:
        loaded = getattr(target, f.name)
        expected = values[f.name]
        if isinstance(expected, set) and isinstance(loaded, list):
            expected = sorted(expected)
        if hasattr(expected, "value") and hasattr(loaded, "value"):
            assert loaded.value == expected.value
        elif hasattr(expected, "x"):
            assert loaded.x == expected.x
        else:
            assert loaded == expected

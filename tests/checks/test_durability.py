"""GLM030-GLM033: atomic regions, persistence level, idempotence mode, non-deterministic calls."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen.checks.durability import durable_stand_in
from tests.checks.support import Tree, line_of


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Tree:
    return Tree(tmp_path, monkeypatch)


ACCOUNT = """\
import requests
from dataclasses import dataclass, field

import runtime_stub as rs
from runtime_stub import agent, atomically, durable_call, now


def charge(account: str, cents: int) -> str:
    return account


@dataclass
class Entry:
    cents: int


@agent{options}
@dataclass
class AccountAgent:
    name: str
    balance: int = field(default=0, init=False)
    history: list[int] = field(default_factory=list, init=False)
    entries: list[Entry] = field(default_factory=list, init=False)
    client: object = rs.transient(default=None)

    def method(self, cents: int) -> int:
{body}
        return self.balance

    def _in_memory(self) -> None:
        self.history.clear()

    def _external(self) -> None:
        durable_call(charge, self.name, 1)
"""


def account(body: str, options: str = "") -> str:
    indented = "\n".join(f"        {line}" if line else "" for line in body.strip("\n").split("\n"))
    return ACCOUNT.format(body=indented, options=options)


@pytest.mark.parametrize(
    "body",
    [
        "with atomically():\n    self.balance += cents",
        "with atomically():\n    self.history.append(cents)\n    self.history.sort()",
        "with atomically():\n    self.entries.append(Entry(cents))\n    stamp = now()",
        "with atomically():\n    seen = set()\n    seen.add(len(self.history))",
        "with rs.atomically():\n    self._in_memory()",
        "with atomically():\n    self.balance = max(sorted(self.history, key=abs), default=0)",
    ],
)
def test_glm030_for_regions_with_only_in_memory_calls(tree: Tree, body: str) -> None:
    source = account(body)
    tree.write({"agents.py": source})
    (found,) = tree.check()
    assert (found.code, found.line) == ("GLM030", line_of(source, "atomically()"))
    assert 'region in method "method"' in found.message and found.severity.value == "warning"


@pytest.mark.parametrize(
    "body",
    [
        "with atomically():\n    durable_call(charge, self.name, cents)",
        "with atomically():\n    self.balance += cents\n    charge(self.name, cents)",
        "with atomically():\n    requests.post('https://example.com')",
        "with atomically():\n    self._external()",
        "with atomically():\n    self.client.send(cents)",
        "with atomically():\n    self.undefined_helper()",
        "with atomically():\n    self.history.append(rs.durable_call(charge, self.name, 1))",
    ],
)
def test_no_glm030_when_a_call_may_reach_outside(tree: Tree, body: str) -> None:
    tree.write({"agents.py": account(body)})
    assert tree.check() == []


def test_glm030_for_an_atomically_decorated_method(tree: Tree) -> None:
    source = account("pass").replace(
        "    def _in_memory(self)", "    @atomically()\n    def reset(self) -> None:\n"
        "        self._in_memory()\n\n    def _in_memory(self)"
    )  # fmt: skip
    tree.write({"agents.py": source})
    assert tree.codes() == [("agents.py", line_of(source, "@atomically()"), "GLM030")]


def test_glm031_and_glm032_for_the_controls(tree: Tree) -> None:
    body = """\
rs.persistence_level(rs.PersistenceLevel.PERSIST_NOTHING)
rs.persistence_level(rs.PersistenceLevel.SMART)
rs.idempotence_mode(True)
rs.idempotence_mode(False)"""
    source = account(body)
    tree.write({"agents.py": source})
    found = tree.check(golem_version="1.5")
    assert [(d.code, d.line, d.severity.value) for d in found] == [
        ("GLM031", line_of(source, "PERSIST_NOTHING"), "warning"),
        ("GLM032", line_of(source, "idempotence_mode(True)"), "warning"),
    ]
    assert "snapshotting" in found[0].message and "already the default" in found[1].message
    found = tree.check()  # Golem 1.6 (the default) removed persistence levels: any is an error
    assert [(d.code, d.line, d.severity.value) for d in found] == [
        ("GLM031", line_of(source, "PERSIST_NOTHING"), "error"),
        ("GLM031", line_of(source, "SMART"), "error"),
        ("GLM032", line_of(source, "idempotence_mode(True)"), "warning"),
    ]
    assert "persistence_level(SMART)" in found[1].message and "removed" in found[1].message


CLOCKS = """\
import datetime as dt
import os
import random
import secrets
import time
import uuid
from datetime import date, datetime
from random import randint
from time import time as clock

from runtime_stub import agent, now, uuid4
from runtime_stub import random as durable_random


@agent{options}
class AuditAgent:
    def __init__(self, name: str) -> None:
        self.name = name
        self.started = time.monotonic()

    def record(self) -> str:
        a = clock()
        b = datetime.now()
        c = dt.datetime.utcnow()
        d = date.today()
        e = random.random()
        f = randint(1, 6)
        g = uuid.uuid4()
        h = os.urandom(4)
        i = secrets.token_hex(4)
        j = time.perf_counter_ns()
        return f"{{a}}{{b}}{{c}}{{d}}{{e}}{{f}}{{g}}{{h}}{{i}}{{j}}{{now()}}{{uuid4()}}{{durable_random()}}"
"""


def test_glm033_for_every_non_deterministic_spelling(tree: Tree) -> None:
    source = CLOCKS.format(options="")
    tree.write({"agents.py": source})
    found = tree.check()
    assert [d.code for d in found] == ["GLM033"] * 11
    assert [d.line for d in found] == sorted(
        line_of(source, needle)
        for needle in ("time.monotonic", *(f" {letter} = " for letter in "abcdefghij"))
    )
    by_line = {d.line: d.message for d in found}
    assert 'time.time() in method "record"' in by_line[line_of(source, " a = ")]
    assert "use the durable stand-in runtime_stub.now()" in by_line[line_of(source, " b = ")]
    assert "durable_call(random.randint, ...)" in by_line[line_of(source, " f = ")]
    assert "runtime_stub.uuid4()" in by_line[line_of(source, " g = ")]
    assert "durable_call(" in by_line[line_of(source, " i = ")]


def test_glm033_not_in_ephemeral_agents(tree: Tree) -> None:
    tree.write({"agents.py": CLOCKS.format(options='(mode="ephemeral")')})
    assert tree.check() == []


@pytest.mark.parametrize(
    ("callee", "stand_in"),
    [
        ("time.time_ns", "runtime_stub.now()"),
        ("datetime.date.today", "runtime_stub.now()"),
        ("random.Random", "runtime_stub.random()"),
        ("random.SystemRandom", "runtime_stub.random()"),
        ("uuid.uuid1", "runtime_stub.uuid4()"),
        ("os.urandom", "durable_call(os.urandom, n)"),
        ("secrets.choice", "durable_call(secrets.choice, ...)"),
        ("random.randint", "durable_call(random.randint, ...)"),
        ("random.random", "runtime_stub.random()"),
        (
            "random.shuffle",
            "random.Random(runtime_stub.random()).shuffle(...)",
        ),
        ("secrets.compare_digest", None),
        ("uuid.UUID", None),
        ("datetime.datetime.fromisoformat", None),
        ("runtime_stub.random", None),
        ("randomness.pick", None),
    ],
)
def test_durable_stand_ins(callee: str, stand_in: str | None) -> None:
    assert durable_stand_in(callee) == stand_in


CONTROLS = """\
from runtime_stub import PersistenceLevel
from runtime_stub import PersistenceLevel as PL
from runtime_stub import agent, idempotence_mode, persistence_level
from runtime_stub import idempotence_mode as im


@agent()
class ControlAgent:
    def __init__(self, name: str) -> None:
        self.name = name

    def method(self) -> None:
        with {control}:
            pass
"""


@pytest.mark.parametrize(
    ("control", "code"),
    [
        ("persistence_level(PersistenceLevel.PERSIST_NOTHING)", "GLM031"),
        ("persistence_level(level=PersistenceLevel.PERSIST_NOTHING)", "GLM031"),
        ("persistence_level(level=PL.PERSIST_NOTHING)", "GLM031"),
        ("persistence_level(PL.PERSIST_NOTHING)", "GLM031"),
        ("persistence_level(level=PL.SMART)", None),
        ("persistence_level(PersistenceLevel.SMART)", None),
        ("idempotence_mode(True)", "GLM032"),
        ("idempotence_mode(enabled=True)", "GLM032"),
        ("im(True)", "GLM032"),
        ("im(enabled=True)", "GLM032"),
        ("idempotence_mode(enabled=False)", None),
        ("idempotence_mode(disabled=True)", None),
    ],
)
def test_glm031_and_glm032_by_position_by_keyword_and_through_aliases(
    tree: Tree, control: str, code: str | None
) -> None:
    source = CONTROLS.format(control=control)
    tree.write({"agents.py": source})
    expected = [] if code is None else [(code, line_of(source, control))]
    assert [(d.code, d.line) for d in tree.check(golem_version="1.5")] == expected
    if control.startswith("persistence_level"):  # any level is GLM031 under Golem 1.6
        expected = [("GLM031", line_of(source, control))]
    assert [(d.code, d.line) for d in tree.check()] == expected


def test_control_keywords_are_the_runtime_parameter_names() -> None:
    import inspect

    from codegen.checks.durability import ENABLED, LEVEL
    from runtime_stub import idempotence_mode, persistence_level

    assert [LEVEL] == list(inspect.signature(persistence_level).parameters) == ["level"]
    assert [ENABLED] == list(inspect.signature(idempotence_mode).parameters) == ["enabled"]

"""Checking directory by directory: a run that reuses the last run's directories answers exactly
as a run that checks everything, whatever was edited in between, and reuses what it can."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegen import api
from codegen.run.pipeline import Options, Run

SHARED = {
    "ok": """\
from dataclasses import dataclass


@dataclass
class Address:
    street: str
    zip: str
""",
    "resource": """\
import threading
from dataclasses import dataclass


@dataclass
class Address:
    street: str
    guard: threading.Lock
""",
    "widened": """\
from dataclasses import dataclass


@dataclass
class Address:
    street: str
    zip: str
    country: str = "NL"
""",
    "gone": None,
}

ORDERS = {
    "ok": """\
from dataclasses import dataclass, field

from runtime_stub import agent

from models.shared import Address


@agent(snapshotting="every(5)")
@dataclass
class OrderAgent:
    name: str
    ship_to: list[Address] = field(default_factory=list, init=False)

    def add(self, address: Address) -> int:
        self.ship_to.append(address)
        return len(self.ship_to)
""",
    "clash": """\
from dataclasses import dataclass

from runtime_stub import agent

from models.shared import Address


@agent(name="BillingAgent", snapshotting="every(5)")
@dataclass
class OrderAgent:
    name: str

    def where(self, address: Address) -> str:
        return address.street
""",
    "bad_snapshotting": """\
from runtime_stub import agent


@agent(snapshotting="sometimes")
class OrderAgent:
    def __init__(self, name: str) -> None:
        self.name = name
""",
    "helper": """\
import random

from runtime_stub import agent

from app.helpers import pick


@agent()
class OrderAgent:
    def __init__(self, name: str) -> None:
        self.name = name

    def roll(self) -> int:
        return pick() + random.randint(1, 6)
""",
    "syntax_error": "from runtime_stub import agent\n\n@agent(\nclass OrderAgent:\n",
}

HELPERS = {
    "absent": None,
    "pure": "def pick() -> int:\n    return 4\n",
    "random": "import random\n\n\ndef pick() -> int:\n    return random.randint(1, 6)\n",
}

BILLING = {
    "ok": """\
from runtime_stub import agent

from models.shared import Address


@agent()
class BillingAgent:
    def __init__(self, account: str) -> None:
        self.account = account

    def send(self, address: Address) -> bool:
        return bool(address.street)
""",
    "ignored": """\
from runtime_stub import agent


@agent(snapshotting="sometimes")  # golem: ignore[GLM004]
class BillingAgent:
    def __init__(self, account: str) -> None:
        self.account = account
""",
    "more": """\
from runtime_stub import agent


@agent()
class BillingAgent:
    def __init__(self, account: str) -> None:
        self.account = account

    def refund(self, cents: int) -> bool:
        return cents > 0
""",
    "gone": None,
}

NEW = {
    "absent": None,
    "agent": """\
from runtime_stub import agent


@agent(mount="/new/{name}")
class NewAgent:
    def __init__(self, name: str) -> None:
        self.name = name

    def hello(self) -> str:
        return self.name
""",
}

FILES: dict[str, dict[str, str | None]] = {
    "models/shared.py": SHARED,
    "app/orders.py": ORDERS,
    "app/helpers.py": HELPERS,
    "other/billing.py": BILLING,
    "extra/new.py": NEW,
}
EDITS = [(path, variant) for path, variants in FILES.items() for variant in variants]


def write(root: Path, path: str, variant: str) -> None:
    text = FILES[path][variant]
    target = root / path
    if text is None:
        target.unlink(missing_ok=True)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def make_project(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text("[tool.golem-codegen]\n", encoding="utf-8")
    for package in ("models", "app", "other"):
        (root / package).mkdir()
        (root / package / "__init__.py").write_text("", encoding="utf-8")
    for path in ("models/shared.py", "app/orders.py", "other/billing.py"):
        write(root, path, "ok")
    return root


def checked(root: Path, *, cache: bool) -> tuple[api.Diagnostic, ...]:
    return api.check([root], options=Options(cache=cache, jobs=1)).diagnostics


def planned(root: Path, *, cache: bool) -> tuple[object, ...]:
    """What `generate --check` would do: each module's path, action and new text, the
    diagnostics, and whether it refuses (a refusing run writes nothing: its plan is not shown)."""
    result = api.generate([root], check_only=True, options=Options(cache=cache, jobs=1))
    if result.refused:
        return result.diagnostics, result.refused
    texts = {(str(c.path.resolve()), c.action, c.new) for c in result.pending}
    actions = sorted((str(c.path.resolve()), c.action) for c in result.changes)
    return actions, sorted(texts, key=str), result.diagnostics, result.refused


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_project(tmp_path / "project")
    monkeypatch.chdir(root)
    return root


def resolved_directories(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the directory of every unit a run resolves."""
    seen: list[str] = []
    original = Run.resolve_unit

    def spy(self: Run, scans: list[api.ModuleScan]) -> object:
        seen.append(Path(scans[0].path).parent.name)
        return original(self, scans)

    monkeypatch.setattr(Run, "resolve_unit", spy)
    return seen


def test_a_one_file_change_resolves_only_the_directories_that_read_it(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.generate(["."])
    checked(project, cache=True)
    seen = resolved_directories(monkeypatch)
    checked(project, cache=True)
    assert seen == []  # nothing changed: the whole run was stored
    write(project, "models/shared.py", "widened")  # read by both directories
    checked(project, cache=True)
    assert sorted(seen) == ["app", "other"]
    seen.clear()
    write(project, "other/billing.py", "ignored")
    checked(project, cache=True)
    assert seen == ["other"]
    seen.clear()
    write(project, "models/shared.py", "ok")  # no longer read by other/
    checked(project, cache=True)
    assert seen == ["app"]


def test_a_module_that_appears_is_read_by_the_directories_that_looked_for_it(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(project, "app/orders.py", "helper")  # imports app.helpers, which is not there
    before = checked(project, cache=True)
    assert not any("app.helpers" in d.message for d in before)
    seen = resolved_directories(monkeypatch)
    write(project, "app/helpers.py", "random")
    after = checked(project, cache=True)
    assert seen == ["app"]
    assert after == checked(project, cache=False)
    assert ["app.helpers.pick() in" in d.message for d in after if d.code == "GLM033"] == [
        True,
        False,
    ]


def test_a_clash_across_directories_is_found_when_only_one_side_changed(project: Path) -> None:
    checked(project, cache=True)
    write(project, "app/orders.py", "clash")
    found = checked(project, cache=True)
    assert [d.path for d in found if d.code == "GLM012"] == ["app/orders.py", "other/billing.py"]
    write(project, "app/orders.py", "ok")
    assert [d for d in checked(project, cache=True) if d.code == "GLM012"] == []


def test_a_hand_edited_generated_module_is_reported_though_its_directory_is_reused(
    project: Path,
) -> None:
    api.generate(["."])
    checked(project, cache=True)
    generated = project / "other" / "golem_agents.py"
    generated.write_text(generated.read_text(encoding="utf-8") + "x = 1\n", encoding="utf-8")
    found = checked(project, cache=True)
    assert [(d.path, d.code) for d in found] == [("other/golem_agents.py", "GLM041")]
    assert found == checked(project, cache=False)


_counter = itertools.count()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    edits=st.lists(st.sampled_from(EDITS), min_size=1, max_size=6),
    generate_at=st.integers(min_value=-1, max_value=5),
)
def test_any_edits_are_checked_as_if_everything_was_checked(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    edits: list[tuple[str, str]],
    generate_at: int,
) -> None:
    with _project_in(tmp_path / f"p{next(_counter)}", monkeypatch) as root:
        checked(root, cache=True)
        for step, (path, variant) in enumerate(edits):
            write(root, path, variant)
            if step == generate_at:
                api.generate(["."])
            assert checked(root, cache=True) == checked(root, cache=False), (step, path, variant)
            assert planned(root, cache=True) == planned(root, cache=False), (step, path, variant)


@contextmanager
def _project_in(root: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh project as the working directory, removed afterwards (hypothesis examples)."""
    make_project(root)
    monkeypatch.chdir(root)
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_generate_after_a_one_file_change_resolves_only_that_directory(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.generate(["."])
    checked(project, cache=True)
    seen = resolved_directories(monkeypatch)
    write(project, "other/billing.py", "more")  # a method more: other/'s wiring changes
    result = api.generate(["."])
    assert seen == ["other"]
    assert [c.path.as_posix() for c in result.written] == ["other/golem_agents.py"]
    assert planned(project, cache=True) == planned(project, cache=False)


def test_records_of_a_tree_without_generated_modules_are_not_reused_once_it_has_some(
    project: Path,
) -> None:
    api.generate(["."])  # its records were judged before any module was generated
    (project / "golem-state.lock").unlink()  # the same lock text as then: none
    assert planned(project, cache=True) == planned(project, cache=False)
    assert [d.code for d in checked(project, cache=True)] == ["GLM053"]


def test_a_broken_lock_fails_the_run_though_every_directory_is_reused(project: Path) -> None:
    from codegen.state.lock import LockError

    api.generate(["."])
    checked(project, cache=True)
    lock = project / "golem-state.lock"
    lock.write_text(lock.read_text(encoding="utf-8").replace("lockVersion", "lockversion"))
    with pytest.raises(LockError, match="not a state lock"):
        checked(project, cache=True)

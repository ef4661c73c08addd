"""GLM001-GLM004: the snapshot pair, automatic JSON snapshots and the snapshotting value."""

from __future__ import annotations

from ...diagnostics import Rule, Severity

ERROR = Severity.ERROR

RULES = (
    Rule(
        code="GLM001",
        severity=ERROR,
        name="unpaired-snapshot-method",
        title="only one of save_snapshot / load_snapshot is defined",
        summary=(
            "A custom snapshot is a pair: the platform stores what save_snapshot returns and hands it "
            "to load_snapshot on recovery or update. With only one of them the agent can neither be "
            "recovered from its snapshots nor updated through them."
        ),
        fix=(
            "Define the missing method, or (on a @dataclass agent only: automatic snapshots need "
            "one) remove the one that is there to use automatic snapshots."
        ),
        bad="""\
from runtime_stub import agent


@agent(snapshotting="every(5)")
class CounterAgent:
    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0

    def increment(self) -> int:
        self.count += 1
        return self.count

    def save_snapshot(self) -> bytes:  # expect: GLM001
        return self.count.to_bytes(4, "big")
""",
        good="""\
from runtime_stub import agent


@agent(snapshotting="every(5)")
class CounterAgent:
    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0

    def increment(self) -> int:
        self.count += 1
        return self.count

    def save_snapshot(self) -> bytes:
        return self.count.to_bytes(4, "big")

    def load_snapshot(self, data: bytes) -> None:
        self.count = int.from_bytes(data, "big")
""",
    ),
    Rule(
        code="GLM002",
        severity=ERROR,
        name="snapshot-signature",
        title="wrong save_snapshot / load_snapshot signature",
        summary=(
            "The platform calls `save_snapshot(self) -> bytes` and `load_snapshot(self, data: bytes) "
            "-> None` (either may be async). Any other signature cannot be wired: the snapshot would "
            "not be bytes, or load_snapshot could not be called with the stored payload."
        ),
        fix=(
            "Write `def save_snapshot(self) -> bytes` and `def load_snapshot(self, data: bytes) -> "
            "None`; signal a payload load_snapshot cannot read by raising."
        ),
        bad="""\
from runtime_stub import agent


@agent(snapshotting="every(5)")
class CounterAgent:
    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0

    def increment(self) -> int:
        self.count += 1
        return self.count

    def save_snapshot(self) -> str:  # expect: GLM002
        return str(self.count)

    def load_snapshot(self, data: str) -> None:  # expect: GLM002
        self.count = int(data)
""",
        good="""\
from runtime_stub import agent


@agent(snapshotting="every(5)")
class CounterAgent:
    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0

    def increment(self) -> int:
        self.count += 1
        return self.count

    def save_snapshot(self) -> bytes:
        return str(self.count).encode()

    def load_snapshot(self, data: bytes) -> None:
        self.count = int(data.decode())
""",
    ),
    Rule(
        code="GLM003",
        severity=ERROR,
        name="state-not-serializable",
        title="snapshotting is enabled but the state cannot be saved automatically",
        summary=(
            "Without a custom save_snapshot/load_snapshot pair, snapshots are generated as JSON from "
            "the agent's dataclass fields. That needs the agent class to be a dataclass whose "
            "fields (minus transient() ones and ClassVars) all have supported types; one diagnostic "
            "is reported per offending field, naming the path inside it and the reason. A bad "
            "field inside a project dataclass is reported once, at that field, with every agent "
            "field and signature that reaches it as a related location; an inherited field is "
            "reported on the agent, with the base class's declaration as a related location. A "
            "resource (a threading.Lock, a connection, a file) is state of no kind: the fix "
            "offered first is transient(). An enum.Flag cannot be decoded (a combination of "
            "members is no member)."
        ),
        fix=(
            "Make the field serializable (a supported type, e.g. a @dataclass instead of a plain "
            "class) or mark it `transient()` so it is left out of the snapshot; or write your own "
            "save_snapshot/load_snapshot pair."
        ),
        bad="""\
from dataclasses import dataclass, field
from threading import Lock

from runtime_stub import agent


class Owner:
    def __init__(self, name: str) -> None:
        self.name = name


@dataclass
class Seat:
    owner: Owner  # expect: GLM003
    row: int


@agent(snapshotting="every(10)")
@dataclass
class TeamAgent:
    team: str
    owners: list[Owner] = field(default_factory=list, init=False)  # expect: GLM003
    seats: list[Seat] = field(default_factory=list, init=False)
    lock: Lock = field(default_factory=Lock, init=False)  # expect: GLM003

    def size(self) -> int:
        return len(self.owners)
""",
        good="""\
from dataclasses import dataclass, field
from threading import Lock

from runtime_stub import agent, transient


@dataclass
class Owner:
    name: str


@dataclass
class Seat:
    owner: Owner
    row: int


@agent(snapshotting="every(10)")
@dataclass
class TeamAgent:
    team: str
    owners: list[Owner] = field(default_factory=list, init=False)
    seats: list[Seat] = field(default_factory=list, init=False)
    lock: Lock = transient(default_factory=Lock)

    def size(self) -> int:
        return len(self.owners)
""",
    ),
    Rule(
        code="GLM004",
        severity=ERROR,
        name="invalid-snapshotting",
        title="invalid snapshotting value",
        summary=(
            'snapshotting is one of "disabled" (the default), "enabled", "every(N)" with '
            '1 <= N <= 65535, or "periodic(D)" with a humantime duration such as 30s, 5m or '
            "1h 30m. Any other value would fail when the agent module is imported."
        ),
        fix="Use one of the valid forms; the message suggests the intended one where it is obvious.",
        bad="""\
from dataclasses import dataclass

from runtime_stub import agent


@agent(snapshotting="every_n(5)")  # expect: GLM004
@dataclass
class CounterAgent:
    name: str
    count: int = 0

    def increment(self) -> int:
        self.count += 1
        return self.count
""",
        good="""\
from dataclasses import dataclass

from runtime_stub import agent


@agent(snapshotting="every(5)")
@dataclass
class CounterAgent:
    name: str
    count: int = 0

    def increment(self) -> int:
        self.count += 1
        return self.count
""",
    ),
)

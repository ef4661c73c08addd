"""The fix of each fixable code (SPEC §13): when it is safe, and a before and an after.

`checks.rules` attaches them to the rules; the tests run `check --fix` (with `--unsafe-fixes`
unless the fix is safe) on each `before` and compare the result with `after` byte for byte.
"""

from __future__ import annotations

from ...diagnostics import AutoFix

AUTOFIXES = {
    "GLM004": AutoFix(
        applicability="safe",
        summary="When the message suggests one value, the string becomes that value (its quotes kept).",
        before="""\
from dataclasses import dataclass

from runtime_stub import agent


@agent(snapshotting="Every(5)")
@dataclass
class CounterAgent:
    name: str
    count: int = 0
""",
        after="""\
from dataclasses import dataclass

from runtime_stub import agent


@agent(snapshotting="every(5)")
@dataclass
class CounterAgent:
    name: str
    count: int = 0
""",
    ),
    "GLM030": AutoFix(
        applicability="unsafe",
        summary="The atomically() block is unwrapped: its statements take its place, comments above it and on its line move above them; @atomically() on a method is removed. Unsafe: if the block did have an effect this tool cannot see, it is no longer atomic.",
        before="""\
from runtime_stub import agent, atomically


@agent
class AccountAgent:
    def __init__(self, name: str) -> None:
        self.name = name
        self.balance = 0

    def deposit(self, amount: int) -> int:
        # the balance and its history change together
        with atomically():
            self.balance += amount
        return self.balance
""",
        after="""\
from runtime_stub import agent


@agent
class AccountAgent:
    def __init__(self, name: str) -> None:
        self.name = name
        self.balance = 0

    def deposit(self, amount: int) -> int:
        # the balance and its history change together
        self.balance += amount
        return self.balance
""",
    ),
    "GLM031": AutoFix(
        applicability="unsafe",
        summary="The persistence_level(...) wrapper is removed (a `with` block is unwrapped, a bare call deleted). Unsafe: what the block did is persisted again, which changes what replay does.",
        before="""\
from runtime_stub import PersistenceLevel, agent, persistence_level


@agent
class ImportAgent:
    def __init__(self, name: str) -> None:
        self.name = name
        self.rows = 0

    def load(self, count: int) -> int:
        with persistence_level(PersistenceLevel.PERSIST_NOTHING):
            self.rows += count
        return self.rows
""",
        after="""\
from runtime_stub import agent


@agent
class ImportAgent:
    def __init__(self, name: str) -> None:
        self.name = name
        self.rows = 0

    def load(self, count: int) -> int:
        self.rows += count
        return self.rows
""",
    ),
    "GLM032": AutoFix(
        applicability="safe",
        summary="The idempotence_mode(True) wrapper is removed (a `with` block is unwrapped, a bare call deleted). Unsafe instead when it sits inside another idempotence_mode(...) block, where it restores the default.",
        before="""\
from runtime_stub import agent, durable_call, idempotence_mode


def notify(user: str) -> bool:
    return bool(user)


@agent
class NotifierAgent:
    def __init__(self, user: str) -> None:
        self.user = user

    def ping(self) -> bool:
        with idempotence_mode(True):
            return durable_call(notify, self.user)
""",
        after="""\
from runtime_stub import agent, durable_call


def notify(user: str) -> bool:
    return bool(user)


@agent
class NotifierAgent:
    def __init__(self, user: str) -> None:
        self.user = user

    def ping(self) -> bool:
        return durable_call(notify, self.user)
""",
    ),
    "GLM033": AutoFix(
        applicability="sometimes",
        summary="The call becomes its durable stand-in and the import is added: safe for uuid.uuid4() -> uuid4(), random.random() -> random(), time.time() -> now().timestamp(), datetime.now(timezone.utc) -> now() and datetime.now(tz) -> now().astimezone(tz); unsafe where the value changes meaning (datetime.now() and utcnow() are naive, now() is aware UTC; uuid1 becomes uuid4) and for the calls wrapped in durable_call(f, ...) (other random, secrets, os.urandom and clock functions), which retries them too. Imports left unused go.",
        before="""\
import time
import uuid
from datetime import datetime, timezone

from runtime_stub import agent


@agent
class AuditAgent:
    def __init__(self, name: str) -> None:
        self.name = name
        self.events: list[str] = []

    def record(self) -> str:
        event = f"{uuid.uuid4()} at {datetime.now(timezone.utc)} ({time.time()})"
        self.events.append(event)
        return event
""",
        after="""\

from runtime_stub import agent, uuid4, now


@agent
class AuditAgent:
    def __init__(self, name: str) -> None:
        self.name = name
        self.events: list[str] = []

    def record(self) -> str:
        event = f"{uuid4()} at {now()} ({now().timestamp()})"
        self.events.append(event)
        return event
""",
    ),
    "GLM902": AutoFix(
        applicability="safe",
        summary="The unused entry is removed from the list; a suppression left with nothing goes, with its `#` when no other comment shares it.",
        before="""\
from runtime_stub import agent


@agent
class ClockAgent:
    def __init__(self, name: str) -> None:
        self.name = name

    def tick(self) -> int:
        return len(self.name)  # golem: ignore[GLM033, GLM032]  # counted, not timed
""",
        after="""\
from runtime_stub import agent


@agent
class ClockAgent:
    def __init__(self, name: str) -> None:
        self.name = name

    def tick(self) -> int:
        return len(self.name)  # counted, not timed
""",
    ),
}
"""Code -> its fix."""

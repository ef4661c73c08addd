"""GLM030-GLM033: misuse of the durability controls and non-deterministic calls."""

from __future__ import annotations

from ...diagnostics import Rule, Severity

ERROR, WARNING = Severity.ERROR, Severity.WARNING

RULES = (
    Rule(
        code="GLM030",
        severity=WARNING,
        name="atomically-without-effects",
        title="atomically() block containing no call that can have an external effect",
        summary=(
            "An atomic region makes a group of external effects (durable_call, other services) "
            "happen together: after a crash inside it, the whole region runs again. In-memory "
            "updates need no such protection, because replay rebuilds them anyway; the region only "
            "adds oplog entries. Calls counted as in-memory: methods of builtin containers on "
            "attributes and locals (append, update, add, pop, ...), builtins such as len or sorted, "
            "constructors of project dataclasses, the durable stand-ins now()/random()/uuid4(), "
            "and helper methods that only make such calls (the agent's own or inherited from a "
            "base class in any module of the tree)."
        ),
        fix="Remove the atomically() region, or move the external calls that belong together into it.",
        bad="""\
from dataclasses import dataclass, field

from runtime_stub import agent, atomically


@agent
@dataclass
class AccountAgent:
    name: str
    balance: int = field(default=0, init=False)
    history: list[int] = field(default_factory=list, init=False)

    def deposit(self, amount: int) -> int:
        with atomically():  # expect: GLM030
            self.balance += amount
            self.history.append(amount)
        return self.balance
""",
        good="""\
from dataclasses import dataclass, field

from runtime_stub import agent, atomically, durable_call


def debit(account: str, amount: int) -> str:
    return f"debit:{account}:{amount}"


def credit(account: str, amount: int) -> str:
    return f"credit:{account}:{amount}"


@agent
@dataclass
class TransferAgent:
    name: str
    transfers: list[str] = field(default_factory=list, init=False)

    def transfer(self, source: str, target: str, amount: int) -> str:
        with atomically():
            durable_call(debit, source, amount)
            receipt = durable_call(credit, target, amount)
        self.transfers.append(receipt)
        return receipt
""",
    ),
    Rule(
        code="GLM031",
        severity=ERROR,
        name="persist-nothing",
        title="persistence_level(...) in agent code",
        summary=(
            "Golem 1.6 removed persistence levels: any persistence_level(...) is an error. With "
            'golem-version = "1.5" only PERSIST_NOTHING is reported, as a warning: the oplog '
            "entries of what follows are still written, but replay does not use them, so after a "
            "crash those calls run again (their effects may repeat and their results may differ). "
            "It is a knob for library authors; to cut the cost of replaying long-lived agents, use "
            "snapshotting instead."
        ),
        fix='Remove the call and set snapshotting on the agent (e.g. snapshotting="every(100)").',
        bad="""\
from runtime_stub import PersistenceLevel, agent, persistence_level


@agent
class ImportAgent:
    def __init__(self, name: str) -> None:
        self.name = name
        self.rows = 0

    def load(self, count: int) -> int:
        persistence_level(PersistenceLevel.PERSIST_NOTHING)  # expect: GLM031
        self.rows += count
        return self.rows
""",
        good="""\
from dataclasses import dataclass

from runtime_stub import agent


@agent(snapshotting="every(100)")
@dataclass
class ImportAgent:
    name: str
    rows: int = 0

    def load(self, count: int) -> int:
        self.rows += count
        return self.rows
""",
    ),
    Rule(
        code="GLM032",
        severity=WARNING,
        name="idempotence-default",
        title="idempotence_mode(True) is already the default",
        summary=(
            "External calls are assumed idempotent unless you say otherwise, so "
            "idempotence_mode(True) changes nothing unless it restores an earlier "
            "idempotence_mode(False) — and then a `with`-style scope says it more clearly."
        ),
        fix="Remove the call; use idempotence_mode(False) only around calls that must not be retried.",
        bad="""\
from runtime_stub import agent, durable_call, idempotence_mode


def notify(user: str) -> bool:
    return bool(user)


@agent
class NotifierAgent:
    def __init__(self, user: str) -> None:
        self.user = user

    def ping(self) -> bool:
        idempotence_mode(True)  # expect: GLM032
        return durable_call(notify, self.user)
""",
        good="""\
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
    Rule(
        code="GLM033",
        severity=WARNING,
        name="non-deterministic-call",
        title="non-deterministic call in a durable agent",
        summary=(
            "A durable agent is recovered by replaying its invocations; a call such as time.time(), "
            "datetime.now(), random.random(), uuid.uuid4(), os.urandom() or secrets.token_hex() "
            "returns something else during replay, so the rebuilt state diverges from the original. "
            "The same holds for such calls in inherited methods, in the module-level helpers "
            "agent methods call "
            "(followed three calls deep, reported at the agent's call with the helper's call as a "
            "note) and for a state field's default_factory (the constructor runs again on "
            "recovery). The durable stand-ins record the value once and answer it from the oplog "
            "on replay; calls inside durable_call(...) arguments and a seeded random.Random(seed) "
            "are not reported."
        ),
        fix=(
            "Use runtime_stub.now() for the time, runtime_stub.random() and runtime_stub.uuid4() "
            "for random values (also as a default_factory), and durable_call(fn, ...) for anything "
            "else, a helper included."
        ),
        bad="""\
import time
import uuid
from dataclasses import dataclass, field

from runtime_stub import agent


def label(name: str) -> str:
    return f"{name}@{time.time()}"


@agent(snapshotting="every(10)")
@dataclass
class AuditAgent:
    name: str
    token: uuid.UUID = field(default_factory=uuid.uuid4)  # expect: GLM033
    events: list[str] = field(default_factory=list)

    def record(self) -> float:
        stamp = time.time()  # expect: GLM033
        self.events.append(label(self.name))  # expect: GLM033
        return stamp
""",
        good="""\
import random
import time
import uuid
from dataclasses import dataclass, field

from runtime_stub import agent, durable_call, now, uuid4


def label(name: str) -> str:
    return f"{name}@{time.time()}"


@agent(snapshotting="every(10)")
@dataclass
class AuditAgent:
    name: str
    token: uuid.UUID = field(default_factory=uuid4)
    events: list[str] = field(default_factory=list)
    seed: int = 7

    def record(self) -> float:
        stamp = now().timestamp()
        self.events.append(durable_call(label, self.name))
        self.events.append(durable_call(lambda: str(uuid.uuid4())))
        self.events.append(str(random.Random(self.seed).random()))
        return stamp
""",
    ),
)

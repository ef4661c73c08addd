"""GLM005-GLM012: the @agent declaration, the constructor and the method signatures."""

from __future__ import annotations

from ...diagnostics import Rule, Severity

ERROR, WARNING = Severity.ERROR, Severity.WARNING
SUPPORTED_TYPES = (
    "Supported types: str, int, float, bool, None, bytes, datetime, date, time, timedelta, "
    "Decimal, UUID, Enum, Literal[...] of str/int/bool, list[T], set[T], frozenset[T], "
    "tuple[T, ...], tuple[A, B], dict[K, V] with K a str, int, str/int Enum or UUID, T | None, "
    "Annotated[T, ...], type aliases and NewTypes of these, and dataclasses of the scanned tree "
    "whose fields have supported types."
)

RULES = (
    Rule(
        code="GLM005",
        severity=ERROR,
        name="option-not-literal",
        title="an @agent / @endpoint argument is not a literal, or is not accepted",
        summary=(
            "The options of @agent (name, mode, snapshotting, mount) and @endpoint (get, post, put, "
            "delete, patch) are read statically, without running your code, so their values must be "
            "literals written in place. Positional arguments and unknown option names are not "
            "accepted either."
        ),
        fix="Write the value as a literal (a string, or None for mount) and pass it by keyword.",
        bad="""\
from runtime_stub import agent

NAME = "counter"


@agent(name=NAME)  # expect: GLM005
class CounterAgent:
    def __init__(self, name: str) -> None:
        self.name = name

    def hello(self) -> str:
        return f"hello {self.name}"
""",
        good="""\
from runtime_stub import agent


@agent(name="counter")
class CounterAgent:
    def __init__(self, name: str) -> None:
        self.name = name

    def hello(self) -> str:
        return f"hello {self.name}"
""",
    ),
    Rule(
        code="GLM006",
        severity=ERROR,
        name="invalid-mode",
        title='invalid agent mode (use "durable" or "ephemeral")',
        summary=(
            'An agent is either "durable" (the default: its state survives crashes through the '
            'oplog) or "ephemeral" (a fresh instance per invocation, never recovered).'
        ),
        fix='Write mode="durable" or mode="ephemeral", or leave mode out for a durable agent.',
        bad="""\
from runtime_stub import agent


@agent(mode="persistent")  # expect: GLM006
class CounterAgent:
    def __init__(self, name: str) -> None:
        self.name = name
""",
        good="""\
from runtime_stub import agent


@agent(mode="durable")
class CounterAgent:
    def __init__(self, name: str) -> None:
        self.name = name
""",
    ),
    Rule(
        code="GLM007",
        severity=ERROR,
        name="ephemeral-snapshotting",
        title="ephemeral agent with snapshotting enabled",
        summary=(
            "Ephemeral agents get a fresh instance for every invocation and are never recovered, so "
            "they are never snapshotted: the snapshotting value has no effect. Golem 1.6 refuses "
            'such an agent type (an error); with golem-version = "1.5" it is a warning.'
        ),
        fix="Remove snapshotting, or make the agent durable if its state must survive.",
        bad="""\
from runtime_stub import agent


@agent(mode="ephemeral", snapshotting="every(5)")  # expect: GLM007
class EchoHandler:
    def upper(self, text: str) -> str:
        return text.upper()
""",
        good="""\
from runtime_stub import agent


@agent(mode="ephemeral")
class EchoHandler:
    def upper(self, text: str) -> str:
        return text.upper()
""",
    ),
    Rule(
        code="GLM010",
        severity=ERROR,
        name="constructor-parameter",
        title="constructor parameter unannotated, of unsupported type, or *args/**kwargs",
        summary=(
            "The constructor parameters are the agent's identity: the platform encodes them to "
            "address the agent and passes them again on recovery. Each needs an annotation with a "
            "supported type; *args and **kwargs have no fixed shape. " + SUPPORTED_TYPES
        ),
        fix="Annotate every parameter with a supported type and replace *args/**kwargs by named parameters.",
        bad="""\
from runtime_stub import agent


@agent
class ChatAgent:
    def __init__(
        self,
        room,  # expect: GLM010
        *members: str,  # expect: GLM010
    ) -> None:
        self.room = room
        self.members = list(members)

    def size(self) -> int:
        return len(self.members)
""",
        good="""\
from runtime_stub import agent


@agent
class ChatAgent:
    def __init__(self, room: str, members: list[str]) -> None:
        self.room = room
        self.members = members

    def size(self) -> int:
        return len(self.members)
""",
    ),
    Rule(
        code="GLM011",
        severity=ERROR,
        name="method-signature",
        title="agent method parameter or return unannotated or of unsupported type",
        summary=(
            "Public agent methods are invoked with encoded arguments and their results are recorded "
            "in the oplog, so every parameter and the return need a supported type. A missing return "
            "annotation is an error too (write `-> None` when the method returns nothing). "
            + SUPPORTED_TYPES
        ),
        fix="Annotate the parameter or the return with a supported type, or make the method private (`_name`).",
        bad="""\
from typing import Any

from runtime_stub import agent


@agent
class EchoAgent:
    def __init__(self, name: str) -> None:
        self.name = name

    def echo(self, payload: Any) -> str:  # expect: GLM011
        return repr(payload)

    def shout(self, text: str):  # expect: GLM011
        return text.upper()
""",
        good="""\
from runtime_stub import agent


@agent
class EchoAgent:
    def __init__(self, name: str) -> None:
        self.name = name

    def echo(self, payload: str) -> str:
        return repr(payload)

    def shout(self, text: str) -> str:
        return text.upper()
""",
    ),
    Rule(
        code="GLM012",
        severity=ERROR,
        name="duplicate-agent-type",
        title="two agents with the same type name in the tree",
        summary=(
            "Agents are addressed by type name, so each type name must be unique in the tree. The "
            "type name is the class name unless @agent(name=...) sets it."
        ),
        fix='Rename one of the classes or give one of them another @agent(name="...").',
        bad="""\
from runtime_stub import agent


@agent(name="counter")  # expect: GLM012
class FastCounter:
    def __init__(self, name: str) -> None:
        self.name = name


@agent(name="counter")  # expect: GLM012
class SlowCounter:
    def __init__(self, name: str) -> None:
        self.name = name
""",
        good="""\
from runtime_stub import agent


@agent(name="fast-counter")
class FastCounter:
    def __init__(self, name: str) -> None:
        self.name = name


@agent(name="slow-counter")
class SlowCounter:
    def __init__(self, name: str) -> None:
        self.name = name
""",
    ),
)

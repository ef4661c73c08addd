"""GLM050-GLM055: state schema evolution, the lock, and migrations (SPEC §10)."""

from __future__ import annotations

from ...diagnostics import Rule, Severity

ERROR = Severity.ERROR

RULES = (
    Rule(
        code="GLM050",
        severity=ERROR,
        name="state-changed-incompatibly",
        title="the state of a locked state version changed incompatibly",
        summary=(
            "golem-state.lock records the JSON Schema of every locked state version. When the "
            "state of the current state_version no longer accepts every payload the locked "
            "schema accepts (a field removed or renamed, a type changed or narrowed, a field "
            "added without a default), deployed agents could not load their snapshots after the "
            "update: it would be stuck."
        ),
        fix=(
            "Bump state_version to N+1 and add @migration(from_version=N), a pure function that "
            "turns the state object of version N into that of N+1; or revert the change."
        ),
        bad=(
            "CartAgent is locked at state version 1 with `lines: list[Line]`; the code now has "
            "`items: dict[str, Item]` and still says state_version=1: state.lines was removed and "
            "state.items added without a default."
        ),
        good=(
            "The code says state_version=2 and defines @migration(from_version=1) "
            "`_lines_to_items(state)`, which builds `items` from `lines`."
        ),
        examples="prose",
    ),
    Rule(
        code="GLM051",
        severity=ERROR,
        name="migration-chain-broken",
        title="the migrations do not form a chain",
        summary=(
            "A snapshot of any locked state version must reach the current one, one migration per "
            "step: every locked version below state_version needs a migration, a migration must "
            "start at a locked version below state_version, one migration per version, and "
            "state_version never goes below the highest locked version nor skips one."
        ),
        fix=(
            "Add the missing @migration(from_version=N), fix from_version, or set state_version "
            "to the next version after the highest locked one."
        ),
        bad="""\
from dataclasses import dataclass, field
from typing import Any

from runtime_stub import agent, migration


@agent(snapshotting="every(10)", state_version=2)
@dataclass
class CartAgent:
    user: str
    items: list[str] = field(default_factory=list, init=False)

    @migration(from_version=2)
    def _add_items(state: dict[str, Any]) -> dict[str, Any]:  # expect: GLM051
        return {**state, "items": []}
""",
        good="""\
from dataclasses import dataclass, field
from typing import Any

from runtime_stub import agent, migration


@agent(snapshotting="every(10)", state_version=2)
@dataclass
class CartAgent:
    user: str
    items: list[str] = field(default_factory=list, init=False)

    @migration(from_version=1)
    def _add_items(state: dict[str, Any]) -> dict[str, Any]:
        return {**state, "items": []}
""",
    ),
    Rule(
        code="GLM052",
        severity=ERROR,
        name="migration-not-pure",
        title="a migration has the wrong signature or is not pure",
        summary=(
            "A migration is a pure function of the decoded JSON state: exactly one parameter, no "
            "self. Golem loads snapshots read-only, so a migration may not call the Golem runtime "
            "(durability controls, durable stand-ins), non-deterministic functions or I/O."
        ),
        fix=(
            "Write `@migration(from_version=N)` on `def name(state: dict[str, Any]) -> "
            "dict[str, Any]` and compute the new state from the old one alone."
        ),
        bad="""\
import uuid
from dataclasses import dataclass, field
from typing import Any

from runtime_stub import agent, migration


@agent(snapshotting="every(10)", state_version=2)
@dataclass
class CartAgent:
    user: str
    cart_id: str = field(default="", init=False)

    @migration(from_version=1)
    def _add_id(self, state: dict[str, Any]) -> dict[str, Any]:  # expect: GLM052
        return {**state, "cart_id": str(uuid.uuid4())}  # expect: GLM052
""",
        good="""\
from dataclasses import dataclass, field
from typing import Any

from runtime_stub import agent, migration


@agent(snapshotting="every(10)", state_version=2)
@dataclass
class CartAgent:
    user: str
    cart_id: str = field(default="", init=False)

    @migration(from_version=1)
    def _add_id(state: dict[str, Any]) -> dict[str, Any]:
        return {**state, "cart_id": "cart-" + state["user"]}
""",
    ),
    Rule(
        code="GLM053",
        severity=ERROR,
        name="state-lock-stale",
        title="golem-state.lock is missing or stale",
        summary=(
            "The lock must record the state schema of every locked agent's current state_version. "
            "A new agent, a bumped state_version or a backward-compatible change (a field added "
            "with a default, `T` widened to `T | None`, enum values added) is accepted, but only "
            "`golem-codegen generate` records it; until then the committed lock is stale. A "
            "missing lock is reported only where the tree already holds generated modules."
        ),
        fix="Run `golem-codegen generate` and commit golem-state.lock.",
        bad=(
            "CartAgent gained `coupon: str | None = None`; golem-state.lock still records its "
            "state without `coupon`."
        ),
        good="`golem-codegen generate` was run: the lock records `coupon` for the same version.",
        examples="prose",
    ),
    Rule(
        code="GLM054",
        severity=ERROR,
        name="state-version-without-json",
        title="state_version or @migration on an agent without automatic JSON snapshots",
        summary=(
            "State versions and migrations apply to automatic JSON snapshots, which the generated "
            "code writes and loads. An agent with its own save_snapshot/load_snapshot pair "
            "versions its own bytes; an agent without snapshots has nothing to migrate."
        ),
        fix=(
            "Remove state_version and the @migration functions, or drop the custom pair so that "
            "the state is saved as automatic JSON."
        ),
        bad="""\
from runtime_stub import agent


@agent(snapshotting="every(10)", state_version=2)  # expect: GLM054
class CustomAgent:
    def save_snapshot(self) -> bytes:
        return b""

    def load_snapshot(self, data: bytes) -> None:
        pass
""",
        good="""\
from runtime_stub import agent


@agent(snapshotting="every(10)")
class CustomAgent:
    def save_snapshot(self) -> bytes:
        return b"v2:"

    def load_snapshot(self, data: bytes) -> None:
        pass
""",
    ),
    Rule(
        code="GLM055",
        severity=ERROR,
        name="locked-agent-gone",
        title="an agent type recorded in golem-state.lock no longer exists",
        summary=(
            "The lock keys its history by agent type name. When no agent of a locked type is left "
            "(the class was renamed, or its `@agent(name=...)` changed, or it was removed), the "
            "deployed agents of that type would be orphaned by the update. Judged only by a run "
            "that covers the project root."
        ),
        fix=(
            'Keep the old type name with @agent(name="OldName"), or, if the type is really gone, '
            "drop its history with `golem-codegen state forget OldName`."
        ),
        bad="CartAgent was renamed ShoppingCart; the lock still records CartAgent.",
        good='The class is ShoppingCart, declared with @agent(name="CartAgent").',
        examples="prose",
    ),
)

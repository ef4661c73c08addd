"""GLM020-GLM026: HTTP mounts and endpoints."""

from __future__ import annotations

from ...diagnostics import Rule, Severity

ERROR = Severity.ERROR

RULES = (
    Rule(
        code="GLM020",
        severity=ERROR,
        name="malformed-path",
        title="malformed mount or endpoint path",
        summary=(
            'A path starts with "/", has no empty segment ("//") and no whitespace, and each '
            'segment is either literal text or exactly one variable "{name}" (a Python identifier) '
            "with balanced braces."
        ),
        fix='Write the path like "/counters/{name}/increment".',
        bad="""\
from runtime_stub import agent, endpoint


@agent(mount="counters/{name}")  # expect: GLM020
class CounterAgent:
    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0

    @endpoint(post="/increment//by/{amount}")  # expect: GLM020
    def increment(self, amount: int) -> int:
        self.count += amount
        return self.count
""",
        good="""\
from runtime_stub import agent, endpoint


@agent(mount="/counters/{name}")
class CounterAgent:
    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0

    @endpoint(post="/increment/by/{amount}")
    def increment(self, amount: int) -> int:
        self.count += amount
        return self.count
""",
    ),
    Rule(
        code="GLM021",
        severity=ERROR,
        name="unknown-mount-variable",
        title="mount variable that is not a constructor parameter",
        summary=(
            "The variables of the mount path are the agent's constructor parameters: a request to "
            "/users/alice addresses the agent constructed with name='alice'. A variable that no "
            "constructor parameter has cannot be bound. A variable that misspells a parameter "
            "({warehouseId} for warehouse_id) is one diagnostic with a did-you-mean (and no "
            "GLM022 for the parameter)."
        ),
        fix="Rename the variable to a constructor parameter, or add that parameter to the constructor.",
        bad="""\
from runtime_stub import agent


@agent(mount="/users/{user}/{name}")  # expect: GLM021
class ProfileAgent:
    def __init__(self, name: str) -> None:
        self.name = name


@agent(mount="/warehouses/{warehouseId}")  # expect: GLM021
class WarehouseAgent:
    def __init__(self, warehouse_id: str) -> None:
        self.warehouse_id = warehouse_id
""",
        good="""\
from runtime_stub import agent


@agent(mount="/users/{name}")
class ProfileAgent:
    def __init__(self, name: str) -> None:
        self.name = name


@agent(mount="/warehouses/{warehouse_id}")
class WarehouseAgent:
    def __init__(self, warehouse_id: str) -> None:
        self.warehouse_id = warehouse_id
""",
    ),
    Rule(
        code="GLM022",
        severity=ERROR,
        name="unbound-constructor-parameter",
        title="constructor parameter not bound by the mount",
        summary=(
            "An agent reached over HTTP is constructed from the mount path alone, so every "
            "constructor parameter must appear in the mount as a {variable}."
        ),
        fix="Add the parameter to the mount path as {name}, or remove it from the constructor.",
        bad="""\
from runtime_stub import agent


@agent(mount="/carts/{user}")
class CartAgent:
    def __init__(
        self,
        user: str,
        region: str,  # expect: GLM022
    ) -> None:
        self.user = user
        self.region = region
""",
        good="""\
from runtime_stub import agent


@agent(mount="/carts/{region}/{user}")
class CartAgent:
    def __init__(
        self,
        user: str,
        region: str,
    ) -> None:
        self.user = user
        self.region = region
""",
    ),
    Rule(
        code="GLM023",
        severity=ERROR,
        name="endpoint-without-mount",
        title="@endpoint on an agent without mount",
        summary=(
            "Endpoint paths are relative to the agent's mount; an agent without a mount is not "
            "reachable over HTTP, so its endpoints would never be served. The suggested mount "
            "holds the constructor parameters one path segment can carry; a list, dict or "
            "dataclass parameter is named as one to make a method parameter instead."
        ),
        fix='Give the agent a mount, e.g. @agent(mount="/counters/{name}"), or remove the @endpoint.',
        bad="""\
from runtime_stub import agent, endpoint


@agent
class CounterAgent:
    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0

    @endpoint(post="/increment")  # expect: GLM023
    def increment(self) -> int:
        self.count += 1
        return self.count
""",
        good="""\
from runtime_stub import agent, endpoint


@agent(mount="/counters/{name}")
class CounterAgent:
    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0

    @endpoint(post="/increment")
    def increment(self) -> int:
        self.count += 1
        return self.count
""",
    ),
    Rule(
        code="GLM024",
        severity=ERROR,
        name="unknown-endpoint-variable",
        title="endpoint variable that is not a parameter of the method",
        summary=(
            "Each {variable} of an endpoint path is passed to the method parameter of that name; "
            "a variable without such a parameter cannot be passed anywhere."
        ),
        fix="Rename the variable or the method parameter so that they match.",
        bad="""\
from runtime_stub import agent, endpoint


@agent(mount="/stores/{name}")
class StoreAgent:
    def __init__(self, name: str) -> None:
        self.name = name
        self.prices: dict[str, int] = {}

    @endpoint(get="/prices/{sku}")  # expect: GLM024
    def price(self, item: str) -> int:
        return self.prices.get(item, 0)
""",
        good="""\
from runtime_stub import agent, endpoint


@agent(mount="/stores/{name}")
class StoreAgent:
    def __init__(self, name: str) -> None:
        self.name = name
        self.prices: dict[str, int] = {}

    @endpoint(get="/prices/{sku}")
    def price(self, sku: str) -> int:
        return self.prices.get(sku, 0)
""",
    ),
    Rule(
        code="GLM025",
        severity=ERROR,
        name="duplicate-endpoint",
        title="two endpoints of one agent with the same verb and path",
        summary=(
            "A request is routed by verb and path; two endpoints with the same verb and the same "
            "path (variable names aside) make the route ambiguous. The second one is reported."
        ),
        fix="Change the path or the verb of one of them.",
        bad="""\
from runtime_stub import agent, endpoint


@agent(mount="/counters/{name}")
class CounterAgent:
    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0

    @endpoint(get="/value")
    def value(self) -> int:
        return self.count

    @endpoint(get="/value")  # expect: GLM025
    def doubled(self) -> int:
        return 2 * self.count
""",
        good="""\
from runtime_stub import agent, endpoint


@agent(mount="/counters/{name}")
class CounterAgent:
    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0

    @endpoint(get="/value")
    def value(self) -> int:
        return self.count

    @endpoint(get="/doubled")
    def doubled(self) -> int:
        return 2 * self.count
""",
    ),
    Rule(
        code="GLM026",
        severity=ERROR,
        name="endpoint-verb",
        title="@endpoint with no verb or several verbs",
        summary=(
            "An endpoint maps exactly one HTTP verb and path to a method: write exactly one of "
            "get=, post=, put=, delete=, patch=. A path passed by position, or under another "
            "keyword (head=, gett=), names no verb: that is this problem too."
        ),
        fix="Keep exactly one verb; use a second method for a second route.",
        bad="""\
from runtime_stub import agent, endpoint


@agent(mount="/counters/{name}")
class CounterAgent:
    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0

    @endpoint()  # expect: GLM026
    def value(self) -> int:
        return self.count

    @endpoint(post="/reset", delete="/reset")  # expect: GLM026
    def reset(self) -> None:
        self.count = 0
""",
        good="""\
from runtime_stub import agent, endpoint


@agent(mount="/counters/{name}")
class CounterAgent:
    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0

    @endpoint(get="/value")
    def value(self) -> int:
        return self.count

    @endpoint(post="/reset")
    def reset(self) -> None:
        self.count = 0
""",
    ),
)

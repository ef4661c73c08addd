"""Writes a synthetic project where every module defines an agent (for the benchmarks)."""

from __future__ import annotations

from pathlib import Path

MODULE = '''"""Agent number {n}: a small order book with nested state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum

from runtime_stub import agent, durable_call, endpoint, now

from .shared import Address


class Side{n}(Enum):
    BUY = "buy"
    SELL = "sell"


@dataclass
class Order{n}:
    id: str
    side: Side{n}
    quantity: int
    price: Decimal
    placed_at: datetime
    tags: list[str] = field(default_factory=list)


def notify(account: str, message: str) -> bool:
    return bool(account and message)


@agent(mount="/books{n}/{{name}}", snapshotting="every({every})")
@dataclass
class Book{n}Agent:
    name: str
    orders: list[Order{n}] = field(default_factory=list, init=False)
    owners: dict[str, Address] = field(default_factory=dict, init=False)
    volume: int = field(default=0, init=False)

    @endpoint(post="/orders")
    def place(self, id: str, side: Side{n}, quantity: int, price: Decimal) -> int:
        order = Order{n}(id, side, quantity, price, now())
        self.orders.append(order)
        self.volume += quantity
        return len(self.orders)

    @endpoint(get="/orders/{{id}}")
    def find(self, id: str) -> Order{n} | None:
        for order in self.orders:
            if order.id == id:
                return order
        return None

    @endpoint(delete="/orders/{{id}}")
    def cancel(self, id: str) -> bool:
        before = len(self.orders)
        self.orders = [o for o in self.orders if o.id != id]
        return len(self.orders) < before

    def register_owner(self, account: str, address: Address) -> None:
        self.owners[account] = address
        durable_call(notify, account, "registered")

    def total(self) -> Decimal:
        return sum((o.price * o.quantity for o in self.orders), Decimal(0))
'''

SHARED = '''"""Plain data shared by the agents."""

from dataclasses import dataclass


@dataclass
class Address:
    street: str
    city: str
    zip_code: str | None = None
'''


def write_agent_tree(root: Path, modules: int, packages: int = 10) -> Path:
    """`modules` agent modules spread over `packages` packages under `root/agents_tree`."""
    tree = root / "agents_tree"
    for p in range(packages):
        package = tree / f"pkg{p}"
        package.mkdir(parents=True, exist_ok=True)
        (package / "__init__.py").write_text("", encoding="utf-8")
        (package / "shared.py").write_text(SHARED, encoding="utf-8")
    for n in range(modules):
        package = tree / f"pkg{n % packages}"
        source = MODULE.format(n=n, every=1 + n % 100)
        (package / f"agent_{n}.py").write_text(source, encoding="utf-8")
    return tree

"""Helpers for the state tests: a project with a pyproject.toml root, an agent in three versions."""

from __future__ import annotations

import textwrap
from pathlib import Path

from click.testing import CliRunner, Result

from codegen.api import Options, check, generate
from codegen.cli import main
from codegen.diagnostics import Diagnostic
from tests.generate.support import working_directory

HEADER = """\
from dataclasses import dataclass, field
from typing import Any

from runtime_stub import agent, migration
"""

CART_V1 = (
    HEADER
    + """

@dataclass
class Line:
    sku: str
    quantity: int


@agent(snapshotting="every(2)")
@dataclass
class CartAgent:
    user: str
    lines: list[Line] = field(default_factory=list, init=False)

    def add(self, sku: str, quantity: int) -> int:
        self.lines.append(Line(sku, quantity))
        return self.total()

    def total(self) -> int:
        return sum(line.quantity for line in self.lines)
"""
)

CART_V2 = (
    HEADER
    + """

@dataclass
class Item:
    sku: str
    quantity: int


@agent(snapshotting="every(2)", state_version=2)
@dataclass
class CartAgent:
    user: str
    items: dict[str, Item] = field(default_factory=dict, init=False)

    @migration(from_version=1)
    def _lines_to_items(state: dict[str, Any]) -> dict[str, Any]:
        items: dict[str, Any] = {}
        for line in state.pop("lines"):
            known = items.setdefault(line["sku"], {"sku": line["sku"], "quantity": 0})
            known["quantity"] += line["quantity"]
        return {**state, "items": items}

    def add(self, sku: str, quantity: int) -> int:
        item = self.items.setdefault(sku, Item(sku, 0))
        item.quantity += quantity
        return self.total()

    def total(self) -> int:
        return sum(item.quantity for item in self.items.values())
"""
)

CART_V3 = (
    CART_V2.replace("state_version=2", "state_version=3")
    .replace(
        "    items: dict[str, Item] = field(default_factory=dict, init=False)\n",
        "    items: dict[str, Item] = field(default_factory=dict, init=False)\n"
        "    coupon: str = field(default='', init=False)\n",
    )
    .replace(
        "    def add(self",
        "    @migration(from_version=2)\n"
        "    def _add_coupon(state: dict[str, Any]) -> dict[str, Any]:\n"
        '        return {**state, "coupon": "WELCOME" if state["items"] else ""}\n\n'
        "    def add(self",
    )
)


class Project:
    """A throw-away project: pyproject.toml at its root (where golem-state.lock lives)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        (root / "pyproject.toml").write_text('[project]\nname = "demo"\n', encoding="utf-8")
        (root / "cart").mkdir(exist_ok=True)
        (root / "cart" / "__init__.py").write_text("", encoding="utf-8")

    @property
    def lock(self) -> Path:
        return self.root / "golem-state.lock"

    def write(self, files: dict[str, str]) -> Project:
        for relative, source in files.items():
            path = self.root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(source), encoding="utf-8")
        return self

    def agent(self, source: str) -> Project:
        return self.write({"cart/agent.py": source})

    def check(self, *paths: str) -> list[Diagnostic]:
        """Diagnostics but GLM040 (a changed agent makes its generated module stale, as it should)."""
        with working_directory(self.root):
            found = check(list(paths) or ["."], ignore=["GLM040"], options=Options(cache=False))
        return list(found.diagnostics)

    def codes(self, *paths: str) -> list[str]:
        return [d.code for d in self.check(*paths)]

    def generate(self, *paths: str) -> list[str]:
        """Generate; the codes of whatever stopped it ([] when it wrote)."""
        with working_directory(self.root):
            result = generate(list(paths) or ["."], options=Options(cache=False))
        codes = [d.code for d in result.diagnostics if d.code != "GLM040"]
        return codes if result.refused else []

    def cli(self, *args: str) -> Result:
        with working_directory(self.root):
            return CliRunner().invoke(main, [*args, "--no-cache"] if args[0] != "explain" else args)

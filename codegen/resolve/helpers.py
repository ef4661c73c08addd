"""Module-level functions of the tree that agent code calls (helpers), followed a bounded depth.

A callee is a helper when its qualified name leads, through the modules of the tree and their
re-exports, to a top-level `def`. Names are only followed when their head is the calling module or
one it imports: an unbound head (`client.get` on a local variable) is no module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ..model import CallSite, FunctionDef, ModuleScan

__all__ = ["HELPER_DEPTH", "Helper", "Helpers"]

HELPER_DEPTH = 3
"""How many helper calls deep a chain from an agent method is followed."""
_REEXPORT_HOPS = 8
RUNTIME = "runtime_stub."

ModuleGetter = Callable[[str], ModuleScan | None]


@dataclass(frozen=True, slots=True)
class Helper:
    """A top-level function of the tree and the scan of its module."""

    scan: ModuleScan
    function: FunctionDef


class Helpers:
    """Finds the helper a call leads to; `module` returns a module of the tree (or None)."""

    def __init__(self, module: ModuleGetter) -> None:
        self._module = module
        self._heads: dict[str, frozenset[str]] = {}
        """Per module path: its own name's head and the heads of the modules it imports."""

    def find(self, name: str, home: ModuleScan) -> Helper | None:
        """The helper `name` (as qualified in `home`) leads to, else None."""
        if not self._followed(name, home):
            return None
        for _ in range(_REEXPORT_HOPS):
            module, _, head = name.rpartition(".")
            scan = home if module == home.module else self._module(module) if module else None
            if scan is None:
                return None
            function = next((f for f in scan.functions if f.name == head), None)
            if function is not None:
                return Helper(scan, function)
            target = dict(scan.imports).get(head)
            if target is None:
                return None
            name, home = target, scan
        return None

    def _followed(self, name: str, home: ModuleScan) -> bool:
        """Whether the head of `name` is the home module or a module it imports."""
        if name.startswith(RUNTIME):
            return False
        if name.startswith(f"{home.module}."):
            return True
        heads = self._heads.get(home.path)
        if heads is None:
            heads = frozenset(qualified.partition(".")[0] for _, qualified in home.imports)
            self._heads[home.path] = heads
        return name.partition(".")[0] in heads

    def reached(self, calls: Iterable[CallSite], home: ModuleScan) -> Iterator[Helper]:
        """Every helper reachable from `calls` within HELPER_DEPTH, each once (loads modules)."""
        seen: set[tuple[str, str]] = set()
        frontier = [(call, home) for call in calls]
        for _ in range(HELPER_DEPTH):
            following = []
            for call, scan in frontier:
                helper = self.find(call.name, scan)
                if helper is None or (helper.scan.path, helper.function.name) in seen:
                    continue
                seen.add((helper.scan.path, helper.function.name))
                yield helper
                following += [(inner, helper.scan) for inner in helper.function.calls]
            frontier = following

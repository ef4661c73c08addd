"""The generated module's namespace and imports: every top-level name is claimed exactly once."""

from __future__ import annotations

import builtins
import keyword
import re
from dataclasses import dataclass

from .pysource import Group, fits, render, width

__all__ = ["ImportLine", "Names", "relative_module"]

MAX_NAME_WIDTH = 34
"""Generated helper names stay short so that every fixed-shape line fits the layout width."""

FIXED_NAMES = ("AGENTS", "_register", "_rt", "_sj", "annotations")
LOCAL_NAMES = ("agent", "data", "error", "key", "payload", "result", "state", "value")
"""Parameters and locals of the generated functions: a user class of that name would be shadowed."""
FIELD_LOCAL = re.compile(r"f\d+")
"""`f0`, `f1`...: the locals decoded fields are held in."""
_STRING = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'")
_WORD = re.compile(r"[^\W\d]\w*")
STDLIB_NAMES = {
    "datetime": "datetime",
    "date": "datetime",
    "time": "datetime",
    "timedelta": "datetime",
    "Decimal": "decimal",
    "UUID": "uuid",
    "Any": "typing",
    "Literal": "typing",
}
"""Names the generated code may import from the standard library, claimed before user names."""


class Names:
    """Allocates top-level names; user classes that collide are imported under an alias."""

    def __init__(self) -> None:
        self._taken: set[str] = {
            *keyword.kwlist, *dir(builtins), *FIXED_NAMES, *LOCAL_NAMES, *STDLIB_NAMES
        }  # fmt: skip
        self._classes: dict[tuple[str, str], str] = {}
        self.used_stdlib: set[str] = set()

    def claim(self, wanted: str, fallback: str = "", limit: int = MAX_NAME_WIDTH) -> str:
        """A free name close to `wanted` (`fallback` when wider than `limit`), suffixed if taken."""
        base = wanted if width(wanted) <= limit or not fallback else fallback
        name, counter = base, 1
        while name in self._taken or FIELD_LOCAL.fullmatch(name):
            counter += 1
            name = f"{base}_{counter}"
        self._taken.add(name)
        return name

    def user_class(self, module: str, name: str) -> str:
        """The local name of class `name` of `module` (claimed on first use)."""
        key = (module, name)
        if key not in self._classes:
            self._classes[key] = self.claim(name)
        return self._classes[key]

    def stdlib(self, name: str) -> str:
        """A standard-library name (`datetime`, `Decimal`, `Any`...) the module imports."""
        self.used_stdlib.add(name)
        return name

    def keep_stdlib(self, annotations: str) -> None:
        """Import only the standard-library names `annotations` mention (outside string literals):
        a codec may claim one that no written annotation ends up using."""
        words = set(_WORD.findall(_STRING.sub("", annotations)))
        self.used_stdlib &= words

    def imports(self, package: str) -> tuple[ImportLine, ...]:
        """Import lines: standard library first, then the user's modules by import spelling."""
        lines: list[ImportLine] = []
        by_module: dict[str, list[str]] = {}
        for name in sorted(self.used_stdlib):
            by_module.setdefault(STDLIB_NAMES[name], []).append(name)
        lines += [
            ImportLine(module, tuple(names), "stdlib")
            for module, names in sorted(by_module.items())
        ]
        user: dict[str, list[tuple[str, str]]] = {}
        for (module, name), local in self._classes.items():
            user.setdefault(relative_module(module, package), []).append((name, local))
        for module in sorted(user, key=_import_order):
            lines += _user_imports(module, user[module])
        return tuple(lines)


@dataclass(frozen=True, slots=True)
class ImportLine:
    """`from module import names`, laid out by the template."""

    module: str
    names: tuple[str, ...]
    group: str

    def text(self) -> str:
        """One line, or the parenthesized form when the names do not fit on one."""
        flat = f"from {self.module} import {', '.join(self.names)}"
        if fits(flat):
            return flat
        return render(Group(f"from {self.module} import ", self.names), 0)


def _user_imports(module: str, names: list[tuple[str, str]]) -> list[ImportLine]:
    """The import lines of one module the way isort (ruff's `I`, default settings) writes them:
    plain names together, each `name as alias` on its own line, lines ordered by first name."""
    plain = tuple(sorted((name for name, local in names if name == local), key=_member_order))
    lines = [ImportLine(module, plain, "user")] if plain else []
    for name, local in names:
        if name != local:
            lines.append(ImportLine(module, (f"{name} as {local}",), "user"))
    return sorted(lines, key=lambda line: _member_order(line.names[0].split(" ")[0]))


def _member_order(name: str) -> tuple[int, str, str]:
    """isort's `order-by-type`: CONSTANTS, then Classes, then other names; case-insensitive."""
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return kind, name.lower(), name


def _import_order(module: str) -> tuple[int, str]:
    """Absolute imports first, then relative ones from the farthest (`..`) to the nearest (`.`)."""
    dots = len(module) - len(module.lstrip("."))
    return (0, module) if dots == 0 else (1, f"{100 - dots:03d}{module}")


def relative_module(module: str, package: str) -> str:
    """How the generated module (in `package`; "" outside any package) imports `module`."""
    if not package:
        return module
    target, here = module.split("."), package.split(".")
    common = 0
    while common < min(len(target), len(here)) and target[common] == here[common]:
        common += 1
    if common == 0:
        return module
    return "." * (len(here) - common + 1) + ".".join(target[common:])

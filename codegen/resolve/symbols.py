"""Where a qualified name leads across the scanned tree: the symbol table and class hierarchies.

The scanner qualifies every name through its own file's imports; this module follows those names
into other modules of the tree (loading them on demand), through re-exports, import chains and
star imports, and knows which names belong to the handful of standard modules the type rules
understand.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from ..model import AliasDef, ClassDef, EnumInfo, FieldDef, ModuleScan, TypeExpr

ModuleLoader = Callable[[str], ModuleScan | None]
"""Returns the scan of a module of the scanned tree by dotted name, or None outside the tree."""
BrokenModules = Mapping[str, str] | None
"""Modules of the tree that could not be scanned -> why (`` `a/b.py` has a syntax error``)."""

KNOWN_MODULES = frozenset(
    {
        "builtins",
        "typing",
        "typing_extensions",
        "collections",
        "collections.abc",
        "dataclasses",
        "datetime",
        "decimal",
        "enum",
        "types",
        "uuid",
    }
)
"""Standard modules whose names the type rules decide on without loading anything."""

ENUM_BASES = frozenset(
    {"enum.Enum", "enum.IntEnum", "enum.StrEnum", "enum.Flag", "enum.IntFlag", "enum.ReprEnum"}
)
_AUTO = re.compile(r"(?:[\w.]+\.)?auto\(\s*\)")

EnumFlavor = Literal["plain", "int", "str", "str_mixin", "flag"]


@dataclass(frozen=True, slots=True)
class ClassSym:
    """A class of the scanned tree, with the scan of the module that defines it."""

    scan: ModuleScan
    cls: ClassDef


@dataclass(frozen=True, slots=True)
class AliasSym:
    """A type alias or NewType of the scanned tree."""

    scan: ModuleScan
    alias: AliasDef


@dataclass(frozen=True, slots=True)
class ExternalSym:
    """A name outside the tree; `known` when its module is one the type rules understand."""

    name: str
    known: bool


@dataclass(frozen=True, slots=True)
class MissingSym:
    """A name that leads nowhere; `reason` says why, for messages."""

    reason: str


Symbol = ClassSym | AliasSym | ExternalSym | MissingSym
ClassKey = tuple[str, str]


def class_key(sym: ClassSym) -> ClassKey:
    """Identifies a class even when two files of a run share a module name."""
    return sym.scan.path, sym.cls.qualname


def canonical(name: str) -> str:
    """`typing_extensions.X` is `typing.X` for every rule."""
    if name.startswith("typing_extensions."):
        return "typing." + name[len("typing_extensions.") :]
    return name


def _is_dotted_name(name: str) -> bool:
    return all(part.isidentifier() for part in name.split("."))


class SymbolTable:
    """Looks names up across the modules of the tree, loading modules on first use."""

    def __init__(
        self, scans: Sequence[ModuleScan], load: ModuleLoader, broken: BrokenModules = None
    ) -> None:
        self._load = load
        self._broken = {} if broken is None else broken
        self._modules: dict[str, ModuleScan | None] = {}
        for scan in scans:
            self._modules.setdefault(scan.module, scan)
        self._scans = list(scans)
        self._symbols: dict[tuple[str, str], Symbol] = {}
        self._mros: dict[ClassKey, tuple[ClassSym, ...]] = {}

    @property
    def scans(self) -> tuple[ModuleScan, ...]:
        """The input scans, then every scan loaded on demand, in load order."""
        return tuple(self._scans)

    def module(self, name: str, home: ModuleScan | None = None) -> ModuleScan | None:
        """The scan of module `name` (`home` when it is that module), loading it once, or None."""
        if home is not None and name == home.module:
            return home
        if name not in self._modules:
            scan = self._load(name) if _is_dotted_name(name) else None
            self._modules[name] = scan
            if scan is not None:
                self._scans.append(scan)
        return self._modules[name]

    def lookup(self, qualname: str, home: ModuleScan | None = None) -> Symbol:
        """Follow a qualified name through modules, re-exports and imports to what defines it.

        `home` is the scan the name was written in: its own names are looked up there even when
        another file of the run has the same module name (top-level scripts of two directories).
        """
        local = home is not None and qualname.startswith(home.module + ".")
        key = (home.path if home is not None and local else "", qualname)
        if key not in self._symbols:
            self._symbols[key] = self._follow(qualname, home if local else None)
        return self._symbols[key]

    def _follow(self, qualname: str, home: ModuleScan | None) -> Symbol:
        seen: set[str] = set()
        name = canonical(qualname)
        while name not in seen:
            seen.add(name)
            module, _, _ = name.rpartition(".")
            if module in KNOWN_MODULES:
                return ExternalSym(name, known=True)
            if "." not in name or not _is_dotted_name(name):
                return MissingSym(f"unknown name {name}")
            found = self._split(name, home)
            if isinstance(found, MissingSym):
                return found
            if found is None:
                return ExternalSym(name, known=False)
            scan, head, rest = found
            symbol = _defined(scan, head, rest)
            if symbol is not None:
                return symbol
            target = dict(scan.imports).get(head) or self._star_target(scan, head)
            if target is None:
                return self._missing(name, scan, head, rest)
            name, home = canonical(".".join((target, *rest))), scan
        return MissingSym(f"import cycle at {name}")

    def _split(
        self, name: str, home: ModuleScan | None
    ) -> tuple[ModuleScan, str, tuple[str, ...]] | MissingSym | None:
        """The longest module prefix of `name` in the tree, the next part, and the parts after it;
        a MissingSym when that prefix is a module of the tree that could not be scanned."""
        parts = name.split(".")
        for end in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:end])
            scan = self.module(module, home)
            if scan is not None:
                return scan, parts[end], tuple(parts[end + 1 :])
            if module in self._broken:
                reason = f"cannot resolve `{name}`: {self._broken[module]} (fix it first)"
                return MissingSym(reason)
        return None

    def _star_target(self, scan: ModuleScan, head: str) -> str | None:
        """`module.head` when a star import of `scan` binds `head`, else None.

        Python lets the last binding win, so the last star-imported module of the tree that exports
        `head` is taken; failing that, the last one from outside the tree (what it exports cannot
        be known, and it is the only place the name can come from) for a public name.
        """
        outside = None
        for star in reversed(scan.stars):
            source = self.module(star, scan)
            if source is None:
                outside = outside or star
            elif self._exports(source, head, set()):
                return f"{star}.{head}"
        return f"{outside}.{head}" if outside and not head.startswith("_") else None

    def _exports(self, scan: ModuleScan, head: str, seen: set[str]) -> bool:
        """Whether `from <scan> import *` binds `head`: listed in a literal `__all__`, else public
        and bound in the module (class, alias, import, or its own star imports; `seen` ends cycles).
        """
        if scan.exports is not None:
            return head in scan.exports
        if head.startswith("_") or scan.module in seen:
            return False
        seen.add(scan.module)
        if _defined(scan, head, ()) is not None or any(local == head for local, _ in scan.imports):
            return True
        sources = (self.module(star, scan) for star in scan.stars)
        return any(source is not None and self._exports(source, head, seen) for source in sources)

    def _missing(self, name: str, scan: ModuleScan, head: str, rest: tuple[str, ...]) -> MissingSym:
        if self.module(name) is not None:
            return MissingSym(f"{name} is a module, not a type")
        if rest:
            return MissingSym(f"cannot find {name}: no module {scan.module}.{head} in the tree")
        stars = (
            f" (not exported by its star imports: {', '.join(scan.stars)})" if scan.stars else ""
        )
        return MissingSym(f"unknown name {head} in {scan.module}{stars}")

    def class_of(self, qualname: str, home: ModuleScan | None = None) -> ClassSym | None:
        """The project class `qualname` leads to, also through aliases like `Base = OtherClass`."""
        symbol = self.lookup(qualname, home)
        seen: set[str] = set()
        while isinstance(symbol, AliasSym) and symbol.alias.qualname not in seen:
            seen.add(symbol.alias.qualname)
            target = symbol.alias.target
            if target.kind != "name" or symbol.alias.is_newtype:
                return None
            symbol = self.lookup(target.name, symbol.scan)
        return symbol if isinstance(symbol, ClassSym) else None

    def external_name(self, expr: TypeExpr, home: ModuleScan | None = None) -> str:
        """The known outside name a name/generic expression refers to, or ""."""
        if expr.kind not in ("name", "generic"):
            return ""
        symbol = self.lookup(expr.name, home)
        return symbol.name if isinstance(symbol, ExternalSym) else ""

    def bases(self, sym: ClassSym) -> list[ClassSym]:
        """The project classes among the direct bases (self-inheritance and repeats dropped)."""
        found: dict[ClassKey, ClassSym] = {}
        for base in sym.cls.bases:
            cls = self.class_of(base, sym.scan)
            if cls is not None and class_key(cls) != class_key(sym):
                found.setdefault(class_key(cls), cls)
        return list(found.values())

    def mro(self, sym: ClassSym) -> tuple[ClassSym, ...]:
        """The project classes of the method resolution order, `sym` first (C3, cycles cut)."""
        active: set[ClassKey] = set()
        stack = [sym]
        while stack:
            top = stack[-1]
            key = class_key(top)
            if key in self._mros:
                stack.pop()
                continue
            active.add(key)
            bases = self.bases(top)
            todo = [
                b for b in bases if class_key(b) not in self._mros and class_key(b) not in active
            ]
            if todo:
                stack.extend(todo)
                continue
            done = [b for b in bases if class_key(b) in self._mros]
            self._mros[key] = _c3(top, [self._mros[class_key(b)] for b in done], done)
            active.discard(key)
            stack.pop()
        return self._mros[class_key(sym)]

    def external_bases(self, sym: ClassSym) -> set[str]:
        """Known outside names among the bases of every project class in the MRO."""
        names: set[str] = set()
        for cls in self.mro(sym):
            for base in cls.cls.bases:
                symbol = self.lookup(base, cls.scan)
                if isinstance(symbol, ExternalSym) and symbol.known:
                    names.add(symbol.name)
        return names

    def dataclass_fields(self, sym: ClassSym) -> list[tuple[ModuleScan, FieldDef]]:
        """Fields in dataclass order: bases first, an override keeps its base position; no ClassVars."""
        fields: dict[str, tuple[ModuleScan, FieldDef]] = {}
        for cls in reversed(self.mro(sym)):
            if not cls.cls.is_dataclass:
                continue
            for field in cls.cls.fields:
                classvar = self.external_name(field.annotation, cls.scan) == "typing.ClassVar"
                if not (field.classvar or classvar):
                    fields[field.name] = (cls.scan, field)
        return list(fields.values())

    def enum_flavor(self, sym: ClassSym) -> EnumFlavor | None:
        """How an enum's `auto()` values come out, or None when the class is not an enum."""
        names = self.external_bases(sym)
        if not names & ENUM_BASES:
            return None
        if "enum.StrEnum" in names:
            return "str"
        if names & {"enum.Flag", "enum.IntFlag"}:
            return "flag"
        if "builtins.str" in names:
            return "str_mixin"
        if names & {"enum.IntEnum", "builtins.int"}:
            return "int"
        return "plain"


def _defined(scan: ModuleScan, head: str, rest: tuple[str, ...]) -> Symbol | None:
    """What module `scan` itself defines as `head` (classes first, then aliases)."""
    for cls in scan.classes:
        if cls.name == head:
            if rest:
                return MissingSym(f"{cls.qualname}.{'.'.join(rest)} is nested in a class")
            return ClassSym(scan, cls)
    for alias in scan.aliases:
        if alias.name == head:
            if rest:
                return MissingSym(f"{alias.qualname}.{'.'.join(rest)} is not a type")
            return AliasSym(scan, alias)
    return None


def _c3(
    sym: ClassSym, base_mros: list[tuple[ClassSym, ...]], bases: list[ClassSym]
) -> tuple[ClassSym, ...]:
    """C3 linearization; an inconsistent hierarchy falls back to depth-first order."""
    if len(bases) <= 1:
        return (sym, *(base_mros[0] if base_mros else ()))
    result = [sym]
    pending = [list(m) for m in base_mros] + [list(bases)]
    while any(pending):
        heads = [seq[0] for seq in pending if seq]
        tails = {class_key(c) for seq in pending for c in seq[1:]}
        head = next((h for h in heads if class_key(h) not in tails), None)
        if head is None:
            return _first_seen([sym], *base_mros)
        result.append(head)
        pending = [[c for c in seq if class_key(c) != class_key(head)] for seq in pending]
    return tuple(result)


def _first_seen(*groups: Iterable[ClassSym]) -> tuple[ClassSym, ...]:
    found: dict[ClassKey, ClassSym] = {}
    for group in groups:
        for cls in group:
            found.setdefault(class_key(cls), cls)
    return tuple(found.values())


def enum_info(sym: ClassSym, flavor: EnumFlavor) -> EnumInfo | str:
    """The members and value kind of a project enum, or the reason it cannot be encoded."""
    if flavor == "flag":  # Perm.R | Perm.W has the value 3, which no member has
        return (
            f"enum {sym.cls.name} is an enum.Flag: a combination of members is not a member, so "
            "it cannot be decoded by value; use a plain Enum and a set of its members instead"
        )
    members: list[tuple[str, str | int]] = []
    last_int: int | None = None
    for name, written in sym.cls.enum_members:
        value = written
        if written is None or (isinstance(written, str) and _AUTO.fullmatch(written)):
            raw = _auto_value(name, flavor, last_int)
            last_int = raw if isinstance(raw, int) else last_int
            value = str(raw) if flavor == "str_mixin" else raw
        elif isinstance(written, int) and not isinstance(written, bool):
            last_int = written
        if isinstance(value, bool) or not isinstance(value, str | int):
            return (
                f"enum {sym.cls.name} member {name} has the value {value!r}; use str or int values"
            )
        members.append((name, value))
    kinds = {type(value) for _, value in members}
    if len(kinds) > 1:
        return f"enum {sym.cls.name} mixes str and int values; use one kind of value"
    kind: Literal["str", "int"] = (
        "str" if kinds == {str} or (not kinds and flavor == "str") else "int"
    )
    return EnumInfo(sym.cls.qualname, sym.scan.module, sym.cls.name, tuple(members), kind)


def _auto_value(name: str, flavor: EnumFlavor, last_int: int | None) -> str | int:
    """The value `auto()` gives a member, as the enum module computes it."""
    if flavor == "str":
        return name.lower()
    if flavor == "flag":
        return 1 if last_int is None or last_int < 1 else 2 ** last_int.bit_length()
    return 1 if last_int is None else last_int + 1

"""The scanner's own import table: qualifies names without libcst's costly QualifiedNameProvider.

One module-level pass records what every top-level name is bound to (imports, also inside top-level
`if`/`try` blocks, and the module's own definitions); annotations, decorators and calls are then
qualified by looking up the head of their dotted name. A star import of `runtime_stub` binds its
`__all__` (known without reading any file); other star imports are only recorded, because what they
bind depends on another module, which the resolver reads on demand.
"""

from __future__ import annotations

import builtins

import libcst as cst

import runtime_stub

__all__ = [
    "BUILTIN_TYPES",
    "ImportTable",
    "canonical",
    "dotted_parts",
    "import_bindings",
    "star_source",
]

BUILTINS = frozenset(dir(builtins))
BUILTIN_TYPES = frozenset(
    f"builtins.{name}"
    for name in (
        "int",
        "list",
        "dict",
        "set",
        "frozenset",
        "tuple",
        "str",
        "bytes",
        "bytearray",
        "float",
        "complex",
        "bool",
        "object",
        "type",
    )
)
RUNTIME = "runtime_stub"
RUNTIME_EXPORTS = frozenset(runtime_stub.__all__)
_RUNTIME_STAR = tuple(sorted(RUNTIME_EXPORTS))
"""What `from runtime_stub import *` binds, in a fixed order (scans must be deterministic)."""
INIT_FILES = ("__init__.py", "__init__.pyi")


def dotted_parts(expr: cst.BaseExpression) -> list[str] | None:
    """`a.b.c` -> ["a", "b", "c"]; None when `expr` is not a chain of plain names."""
    parts: list[str] = []
    while type(expr) is cst.Attribute:  # exact types: a failed isinstance on an ABC is slow
        parts.append(expr.attr.value)
        expr = expr.value
    if type(expr) is not cst.Name:
        return None
    parts.append(expr.value)
    parts.reverse()
    return parts


def canonical(qualified: str) -> str:
    """`runtime_stub.durability.atomically` -> `runtime_stub.atomically` (the public spelling)."""
    if not qualified.startswith(RUNTIME + "."):
        return qualified
    parts = qualified.split(".")
    if len(parts) >= 3 and parts[1] not in RUNTIME_EXPORTS and parts[2] in RUNTIME_EXPORTS:
        del parts[1]
        return ".".join(parts)
    return qualified


def _package_parts(module: str, is_package: bool) -> list[str]:
    parts = module.split(".") if module else []
    return parts if is_package else parts[:-1]


def _absolute(module: str, is_package: bool, level: int, name: str) -> str:
    """Resolve `from <level dots><name> import ...` against the importing module."""
    if level == 0:
        return name
    base = _package_parts(module, is_package)
    base = base[: max(0, len(base) - (level - 1))]
    return ".".join([*base, name] if name else base)


def _from_module(node: cst.ImportFrom, module: str, is_package: bool) -> str:
    name = "" if node.module is None else ".".join(dotted_parts(node.module) or ())
    return _absolute(module, is_package, len(node.relative), name)


def import_bindings(
    node: cst.Import | cst.ImportFrom, module: str, is_package: bool
) -> list[tuple[str, str]]:
    """The `(local name, qualified name)` pairs an import statement binds (a star import binds
    `runtime_stub`'s `__all__`, and nothing for other modules: see `star_source`)."""
    bindings: list[tuple[str, str]] = []
    if isinstance(node, cst.Import):
        for alias in node.names:
            parts = dotted_parts(alias.name) or []
            local = _as_name(alias)
            if local is not None:
                bindings.append((local, ".".join(parts)))
            elif parts:
                bindings.append((parts[0], parts[0]))
        return bindings
    source = _from_module(node, module, is_package)
    if isinstance(node.names, cst.ImportStar):
        return [(name, f"{RUNTIME}.{name}") for name in _RUNTIME_STAR] if source == RUNTIME else []
    if source == "__future__":
        return bindings
    for alias in node.names:
        name = ".".join(dotted_parts(alias.name) or ())
        local = _as_name(alias) or name
        bindings.append((local, f"{source}.{name}" if source else name))
    return bindings


def star_source(node: cst.ImportFrom, module: str, is_package: bool) -> str | None:
    """The absolute module of a star import whose names are found on demand (not the runtime's)."""
    if not isinstance(node.names, cst.ImportStar):
        return None
    source = _from_module(node, module, is_package)
    return None if source in (RUNTIME, "") else source


def _as_name(alias: cst.ImportAlias) -> str | None:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return None


class ImportTable:
    """Module-level bindings of one file, and the three ways the scanner qualifies names with them."""

    def __init__(self, module: str, path: str) -> None:
        self.module = module
        self.is_package = path.replace("\\", "/").rpartition("/")[2] in INIT_FILES
        self.bindings: dict[str, str] = {}
        self.imported: dict[str, str] = {}
        self.classes: set[str] = set()
        self.stars: list[str] = []
        """Star-imported modules other than the runtime, in source order, each once."""

    def bind_import(self, node: cst.Import | cst.ImportFrom, *, override: bool = True) -> None:
        """Record an import statement; later bindings win unless `override` is False."""
        if isinstance(node, cst.ImportFrom):
            star = star_source(node, self.module, self.is_package)
            if star is not None and star not in self.stars:
                self.stars.append(star)
        for local, qualified in import_bindings(node, self.module, self.is_package):
            if override or local not in self.bindings:
                self.bindings[local] = canonical(qualified)
                self.imported[local] = canonical(qualified)

    def define(self, name: str, *, override: bool = True) -> None:
        """Record a module-level definition (class, function, assignment) of `name`."""
        if override or name not in self.bindings:
            self.bindings[name] = f"{self.module}.{name}"
            self.imported.pop(name, None)

    def qualify(self, parts: list[str]) -> str:
        """Qualify a name used as a type: builtins, imports, else a name of this module."""
        head = parts[0]
        bound = self.bindings.get(head)
        if bound is None:
            bound = f"builtins.{head}" if head in BUILTINS else f"{self.module}.{head}"
        return canonical(".".join([bound, *parts[1:]]) if len(parts) > 1 else bound)

    def callee(self, parts: list[str], local: dict[str, str] | None = None) -> str:
        """Qualify a callee or argument: an unbound head (`self`, a local variable) stays as written."""
        head = parts[0]
        bound = (local or {}).get(head) or self.bindings.get(head)
        if bound is None:
            return ".".join(parts)
        return canonical(".".join([bound, *parts[1:]]) if len(parts) > 1 else bound)

    def is_imported(self, parts: list[str]) -> bool:
        """Whether the head of a dotted name was bound by an import."""
        return parts[0] in self.imported

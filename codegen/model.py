"""The vocabulary every stage shares: frozen records from file bytes to the rendered module.

Two layers:

* *Syntax* (`ModuleScan` and what it holds) is what one file says, produced by `scan/` without
  looking at any other file. Names in annotations are already qualified through the file's imports
  (`list` -> `builtins.list`, `Item` imported from `.models` -> `pkg.models.Item`).
* *Semantics* (`Agent`, `TypeRef`, `Project`) is produced by `types.py`, which resolves qualified names
  across the modules of the scanned tree.

Source positions are not computed while scanning (libcst positions cost several parses). Instead each
located element carries an `Anchor`: the index of its CST node in the order the scanner recorded it.
Scanning is deterministic, so re-scanning the same bytes yields the same anchors; `locate()` turns the
anchors of the files that actually have diagnostics into `Span`s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .records import pickled_by_fields

Anchor = int
"""Index of a recorded CST node within its file's scan (see module docstring)."""

NO_ANCHOR: Anchor = -1


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Span:
    """A 1-based source range; `end_column` is exclusive, like LSP and SARIF."""

    line: int
    column: int
    end_line: int
    end_column: int


# --------------------------------------------------------------------------- syntax: one file

LiteralValue = str | int | float | bool | None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class TypeExpr:
    """An annotation as written, with names qualified through the module's imports.

    kind:
      * "name":     `name` is a qualified name (`builtins.int`, `pkg.models.Item`, `typing.Any`).
      * "generic":  `name` is the qualified origin, `args` its parameters (`builtins.dict[str, int]`).
                    `typing.Literal[...]` is a generic whose args are "literal" exprs.
      * "union":    `A | B | ...` (also produced for `typing.Union[...]` and `typing.Optional[X]`).
      * "none":     `None`.
      * "literal":  a literal value inside `Literal[...]` (`value`).
      * "ellipsis": `...` (in `tuple[int, ...]`).
      * "invalid":  anything else (`text` says what); never serializable.
    `text` is the source text of the expression, for messages.
    """

    kind: Literal["name", "generic", "union", "none", "literal", "ellipsis", "invalid"]
    text: str
    name: str = ""
    args: tuple[TypeExpr, ...] = ()
    value: LiteralValue = None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Option:
    """One keyword argument of `@agent(...)` / `@endpoint(...)`.

    `name` is "" for a positional argument. `literal` is False when the value is not a literal
    (then `value` is None and `text` is the source text). `None` written literally is a literal.
    """

    name: str
    value: LiteralValue
    literal: bool
    text: str
    anchor: Anchor


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class FieldDef:
    """A class-level annotated assignment of a dataclass (or agent) body."""

    name: str
    annotation: TypeExpr
    anchor: Anchor
    has_default: bool = False
    default_factory: bool = False
    init: bool = True
    kw_only: bool = False
    transient: bool = False
    classvar: bool = False
    factory_calls: tuple[CallSite, ...] = ()
    """What `default_factory=` calls: the factory when it is a dotted name, else the calls in it."""


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class ParamDef:
    """A function parameter other than `self`/`cls`; `annotation` is None when unannotated."""

    name: str
    annotation: TypeExpr | None
    kind: Literal["positional_only", "positional", "keyword_only", "var_positional", "var_keyword"]
    has_default: bool
    anchor: Anchor


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class EndpointDef:
    """One `@endpoint(...)` decorator as written (its verbs are checked, not assumed)."""

    options: tuple[Option, ...]
    anchor: Anchor


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class CallSite:
    """A call in an agent's code: the callee as a qualified dotted name (`time.time`,
    `runtime_stub.durable_call`, `self.items.append`), and its positional arguments rendered the
    same way (dotted names qualified, literals as source text, anything else "")."""

    name: str
    args: tuple[str, ...]
    anchor: Anchor
    keywords: tuple[tuple[str, str], ...] = ()
    """`(name, value)` of each keyword argument, values rendered like `args`."""
    durable: bool = False
    """Inside `durable_call(...)`'s arguments (lambdas included): the result is recorded."""


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class AtomicRegion:
    """A `with atomically():` block or an `@atomically()`-decorated method and the calls inside it."""

    calls: tuple[CallSite, ...]
    anchor: Anchor


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class MethodDef:
    """A function defined in a class body."""

    name: str
    params: tuple[ParamDef, ...]
    returns: TypeExpr | None
    is_async: bool
    kind: Literal["instance", "static", "class", "property"]
    endpoints: tuple[EndpointDef, ...]
    calls: tuple[CallSite, ...]
    atomic_regions: tuple[AtomicRegion, ...]
    anchor: Anchor
    """Anchors the method name."""
    migration: tuple[Option, ...] | None = None
    """The options of its `@migration(...)` decorator (SPEC §10), None without one."""


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class FunctionDef:
    """A module-level function: the calls of its body, for helpers that agent methods call."""

    name: str
    calls: tuple[CallSite, ...]
    anchor: Anchor


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class ClassDef:
    """A module-level class (also in a top-level `if`/`try`): agent, dataclass, enum or other."""

    name: str
    qualname: str
    bases: tuple[str, ...]
    """Qualified names of the base classes (unresolvable bases as their source text)."""
    is_dataclass: bool
    frozen: bool
    fields: tuple[FieldDef, ...]
    """Own annotated class-level fields, in declaration order (ClassVars included, flagged)."""
    methods: tuple[MethodDef, ...]
    enum_members: tuple[tuple[str, LiteralValue], ...]
    """For classes deriving from an Enum: member name and literal value (non-literal -> text)."""
    agent: AgentDecl | None
    anchor: Anchor
    """Anchors the class name."""


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class AgentDecl:
    """The `@agent` decorator on a class: its options exactly as written."""

    options: tuple[Option, ...]
    anchor: Anchor
    """Anchors the decorator expression."""


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class AliasDef:
    """A module-level type alias or `NewType` (resolved through to its target)."""

    name: str
    qualname: str
    target: TypeExpr
    is_newtype: bool
    anchor: Anchor


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class ModuleScan:
    """Everything one file says that the later stages need. Picklable, no CST inside."""

    module: str
    """Dotted module name (`pkg.agents`), derived from the package layout."""
    path: str
    """The path as the user spelled it / as discovered (for reports)."""
    classes: tuple[ClassDef, ...]
    aliases: tuple[AliasDef, ...]
    imports: tuple[tuple[str, str], ...]
    """Module-level `local name -> qualified name` bindings (follows re-exports in `__init__`)."""
    mentions_runtime: bool
    """Whether the file mentions `runtime_stub` at all (only such files can define agents)."""
    stars: tuple[str, ...] = ()
    """Modules star-imported at module level (`from .sub import *`), absolute, in source order;
    their names are found on demand (star imports of `runtime_stub` are bound in `imports`)."""
    exports: tuple[str, ...] | None = None
    """The literal `__all__`; None when there is none or it is computed (then every public name)."""
    functions: tuple[FunctionDef, ...] = ()
    """Top-level (unconditional) functions, with their calls."""


# --------------------------------------------------------------------------- semantics: the tree

PrimitiveKind = Literal[
    "str",
    "int",
    "float",
    "bool",
    "none",
    "bytes",
    "datetime",
    "date",
    "time",
    "timedelta",
    "decimal",
    "uuid",
]
ContainerKind = Literal["list", "set", "frozenset", "tuple", "tuple_var", "dict", "optional"]
TypeKind = PrimitiveKind | ContainerKind | Literal["literal", "enum", "dataclass", "unsupported"]


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class TypeRef:
    """A resolved type.

    * primitives: no args.
    * "list"/"set"/"frozenset"/"tuple_var": one arg; "tuple": one arg per element;
      "dict": (key, value); "optional": (inner,).
    * "literal": `values` are the allowed str/int/bool values.
    * "enum"/"dataclass": `name` is the qualified class name (look it up in `Project`).
    * a primitive reached through a `NewType`: `name` is the NewType's qualified name.
    * "unsupported": `reason` says why it cannot be proven serializable.
    `text` is the annotation as written (for messages and the registered metadata).
    """

    kind: TypeKind
    text: str
    args: tuple[TypeRef, ...] = ()
    name: str = ""
    values: tuple[str | int | bool, ...] = ()
    reason: str = ""


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class EnumInfo:
    """A resolved Enum: members with their values; `value_kind` decides how it encodes."""

    qualname: str
    module: str
    name: str
    members: tuple[tuple[str, str | int], ...]
    value_kind: Literal["str", "int", "mixed"]


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class StateField:
    """A resolved dataclass field, in declaration order (inherited fields first)."""

    name: str
    type: TypeRef
    anchor: Anchor
    path: str
    """Path of the file that declares the field (inherited fields may live elsewhere)."""
    init: bool
    has_default: bool
    transient: bool


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class DataclassInfo:
    """A resolved project dataclass (nested state, or an agent's own state)."""

    qualname: str
    module: str
    name: str
    frozen: bool
    fields: tuple[StateField, ...]
    """ClassVars excluded; transient fields included (flagged)."""


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Param:
    """A resolved constructor or method parameter; `type` is None when unannotated."""

    name: str
    type: TypeRef | None
    kind: Literal["positional_only", "positional", "keyword_only", "var_positional", "var_keyword"]
    has_default: bool
    anchor: Anchor
    path: str


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Method:
    """A resolved public agent method."""

    name: str
    params: tuple[Param, ...]
    returns: TypeRef | None
    is_async: bool
    endpoints: tuple[EndpointDef, ...]
    anchor: Anchor
    path: str = ""
    """Path of the file declaring the method (inherited methods may live elsewhere)."""


SnapshotKind = Literal["json", "binary", "none"]


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Agent:
    """A resolved agent: the declaration plus everything derived across modules."""

    scan: ModuleScan
    cls: ClassDef
    decl: AgentDecl
    type_name: str
    mode: str
    snapshotting: str
    mount: str | None
    constructor: tuple[Param, ...]
    """`__init__` parameters, or the dataclass's init fields (inherited first)."""
    methods: tuple[Method, ...]
    state: DataclassInfo | None
    """The agent's own dataclass view, or None when the agent class is not a dataclass."""
    save_snapshot: MethodDef | None
    load_snapshot: MethodDef | None
    snapshot_kind: SnapshotKind
    """"binary" with a custom pair, "json" when the state is serializable (and no pair), else "none"."""
    state_version: int = 1
    """`@agent(state_version=N)` when a valid literal, else 1 (SPEC §10)."""


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Project:
    """The scanned tree after resolution: agents plus every dataclass and enum they reach."""

    scans: tuple[ModuleScan, ...]
    agents: tuple[Agent, ...]
    dataclasses: dict[str, DataclassInfo] = field(default_factory=dict, hash=False)
    enums: dict[str, EnumInfo] = field(default_factory=dict, hash=False)

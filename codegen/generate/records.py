"""The vocabulary of the generated module's codecs: expressions, codecs and the records templates lay out.

`codecs.py` builds these; `templates/codecs.py.j2` has one macro per record `kind`. Fragments
(`pysource.Group`) keep layout decisions (one line or exploded) out of both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .pysource import Fragment, Group, fits

__all__ = [
    "PRIMITIVES",
    "SAME",
    "SEQUENCES",
    "STDLIB_ANNOTATIONS",
    "Codec",
    "Constant",
    "Expr",
    "LoadDataclass",
    "LoadField",
    "Record",
    "SaveDataclass",
    "Signature",
    "Wrapper",
]


@dataclass(frozen=True, slots=True)
class Expr:
    """An expression over a value: `head(value, *extra)`, or `value + suffix` when no head."""

    head: str = ""
    extra: tuple[Fragment, ...] = ()
    suffix: str = ""

    def apply(self, value: str, prefix: str = "") -> Fragment:
        """The expression on `value`, as a layout fragment (`prefix` goes in front)."""
        if self.head:
            return Group(prefix + self.head, (value, *self.extra))
        return f"{prefix}{value}{self.suffix}"

    @property
    def callable(self) -> str:
        """The callable doing the same, when the expression is a plain call ("" otherwise)."""
        if self.head and not self.extra:
            return self.head
        return "_sj.same" if not self.head and not self.suffix else ""


SAME = Expr()


@dataclass(frozen=True, slots=True)
class Codec:
    """How values of one type are saved and loaded by the generated code."""

    key: object
    annotation: str
    save: Expr
    load: Expr
    save_fn: str = ""
    """A callable for nesting when `save` is not a plain call ("" = generate a wrapper)."""
    check: str = ""
    """Loading is only a type check (`str`, `int`, `bool`, `None`), inlined in decoders."""
    nullable: bool = False
    expected: str = ""
    order: str = ""
    """`plain` when encoded values sort among themselves (sets are saved sorted)."""
    loose: bool = False
    """The loader returns Any (Literal values): a wrapper of it is annotated `Any`."""


def _primitive(
    kind: str,
    annotation: str,
    save: Expr,
    load: str,
    check: str = "",
    expected: str = "",
    order: str = "",
) -> Codec:
    return Codec(kind, annotation, save, Expr(load), save.callable, check, False, expected, order)


PRIMITIVES: dict[str, Codec] = {
    "str": _primitive("str", "str", SAME, "_sj.load_str", "str", '"a string"', "plain"),
    "int": _primitive("int", "int", SAME, "_sj.load_int", "int", '"an integer"', "plain"),
    "bool": _primitive("bool", "bool", SAME, "_sj.load_bool", "bool", '"true or false"', "plain"),
    "none": _primitive("none", "None", SAME, "_sj.load_none", "None", '"null"'),
    "float": _primitive("float", "float", Expr("_sj.save_float"), "_sj.load_float", order="plain"),
    "bytes": _primitive("bytes", "bytes", Expr("_sj.save_bytes"), "_sj.load_bytes", order="plain"),
    "datetime": _primitive("datetime", "datetime", Expr("_sj.save_datetime"), "_sj.load_datetime"),
    "date": _primitive("date", "date", Expr("_sj.save_date"), "_sj.load_date"),
    "time": _primitive("time", "time", Expr("_sj.save_time"), "_sj.load_time"),
    "timedelta": _primitive("timedelta", "timedelta", Expr("_sj.save_timedelta"), "_sj.load_timedelta", order="plain"),
    "decimal": _primitive("decimal", "Decimal", Expr("str"), "_sj.load_decimal", order="plain"),
    "uuid": _primitive("uuid", "UUID", SAME, "_sj.load_uuid", order="plain"),
}  # fmt: skip
STDLIB_ANNOTATIONS = {"datetime", "date", "time", "timedelta", "Decimal", "UUID"}
SEQUENCES = {
    "list": ("list[{}]", "_sj.load_list"),
    "tuple_var": ("tuple[{}, ...]", "_sj.load_tuple_var"),
    "set": ("set[{}]", "_sj.load_set"),
    "frozenset": ("frozenset[{}]", "_sj.load_frozenset"),
}


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class Record:
    """A constant or function of the generated module; `kind` names its template macro."""

    kind: ClassVar[str] = ""
    name: str


@dataclass(frozen=True, slots=True)
class Constant(Record):
    """A module-level constant: field keys, enum member tables, literal values, defaults."""

    kind: ClassVar[str] = "constant"
    value: Fragment
    annotation: str = ""


@dataclass(frozen=True, slots=True)
class Wrapper(Record):
    """A typed one-expression function: a container codec needed as a callable."""

    kind: ClassVar[str] = "wrapper"
    signature: Signature
    doc: str
    body: Fragment


@dataclass(frozen=True, slots=True)
class Signature:
    """`def name(params) -> returns:` on one line, or exploded the way ruff formats it."""

    name: str
    params: tuple[str, ...]
    returns: str

    def text(self) -> str:
        """The `def` line(s); a return annotation too wide even for the exploded form is `Any`."""
        flat = f"def {self.name}({', '.join(self.params)}) -> {self.returns}:"
        if fits(flat):
            return flat
        body = "".join(f"    {param},\n" for param in self.params)
        return f"def {self.name}(\n{body}) -> {self._returns()}:"

    @property
    def needs_any(self) -> bool:
        """Whether the text falls back to `Any` (the module must import it)."""
        return self._returns() == "Any" and self.returns != "Any"

    def _returns(self) -> str:
        flat = f"def {self.name}({', '.join(self.params)}) -> {self.returns}:"
        if fits(flat) or fits(f") -> {self.returns}:"):
            return self.returns
        return "Any"


@dataclass(frozen=True, slots=True)
class LoadField:
    """One field read by a dataclass decoder into the local `f<index>`."""

    key: str
    attribute: str
    local: str
    value: Fragment
    """The decoding statement `f<index> = ...(data[key])` (unused when `check` is set)."""
    check: str
    nullable: bool
    expected: str
    default: Fragment = ""
    """For a field with a default: the expression of that default, used when the key is absent."""


@dataclass(frozen=True, slots=True)
class SaveDataclass(Record):
    """An encoder of one dataclass: a dict display of its stored fields."""

    kind: ClassVar[str] = "save_dataclass"
    signature: Signature
    qualname: str
    body: Fragment
    """`return {...}`: the state object, keys in field declaration order."""
    locate: Fragment | None
    """The slow path naming the failed field (None without fields)."""


@dataclass(frozen=True, slots=True)
class LoadDataclass(Record):
    """A decoder that constructs the dataclass (`state_of` set: returns the values instead)."""

    kind: ClassVar[str] = "load_dataclass"
    signature: Signature
    qualname: str
    keys: str
    fields: tuple[LoadField, ...]
    construct: tuple[Fragment, ...]
    """The statements after validation: construct and return (or return the values)."""
    state_of: bool = False
    check_keys: Fragment = ""
    """When fields with defaults may be absent: the call that checks an object's keys."""

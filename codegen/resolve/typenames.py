"""What the standard names the type rules know stand for, and why the others cannot be used."""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from ..model import AliasDef, PrimitiveKind, TypeExpr, TypeRef
from .symbols import ExternalSym

PRIMITIVES: dict[str, PrimitiveKind] = {
    "builtins.str": "str",
    "builtins.int": "int",
    "builtins.float": "float",
    "builtins.bool": "bool",
    "builtins.bytes": "bytes",
    "types.NoneType": "none",
    "datetime.datetime": "datetime",
    "datetime.date": "date",
    "datetime.time": "time",
    "datetime.timedelta": "timedelta",
    "decimal.Decimal": "decimal",
    "uuid.UUID": "uuid",
}
SequenceKind = Literal["list", "set", "frozenset"]
SEQUENCES: dict[str, SequenceKind] = {
    "builtins.list": "list",
    "typing.List": "list",
    "builtins.set": "set",
    "typing.Set": "set",
    "builtins.frozenset": "frozenset",
    "typing.FrozenSet": "frozenset",
}
TUPLES = frozenset({"builtins.tuple", "typing.Tuple"})
DICTS = frozenset({"builtins.dict", "typing.Dict"})
UNWRAPPED = frozenset({"typing.Annotated", "typing.Final", "dataclasses.InitVar"})
"""Generic forms that stand for their first argument."""
NEEDS_ARGUMENTS = frozenset({"typing.Optional", "typing.Union", "typing.Literal", *UNWRAPPED})

FIXED_REASONS = {
    "typing.Any": "Any cannot be proven serializable",
    "builtins.object": "object cannot be proven serializable",
    "typing.Callable": "Callable cannot be serialized",
    "collections.abc.Callable": "Callable cannot be serialized",
}
_LIST, _DICT, _SET = "list[T]", "dict[K, V]", "set[T]"
INTERFACES = {
    **dict.fromkeys(("Sequence", "MutableSequence", "Iterable", "Collection", "Iterator"), _LIST),
    **dict.fromkeys(("Mapping", "MutableMapping"), _DICT),
    **dict.fromkeys(("Set", "MutableSet"), _SET),
}
CONCRETE_LOOKALIKES = {
    "typing.AbstractSet": _SET,
    "typing.Deque": _LIST,
    "collections.deque": _LIST,
    "typing.DefaultDict": _DICT,
    "typing.OrderedDict": _DICT,
    "typing.Counter": _DICT,
    "collections.defaultdict": _DICT,
    "collections.OrderedDict": _DICT,
    "collections.Counter": _DICT,
}
NOT_DATACLASS = {
    "typing.NamedTuple": "{name} is a NamedTuple; make it a @dataclass",
    "typing.TypedDict": "{name} is a TypedDict; make it a @dataclass",
    "typing.Protocol": "{name} is a Protocol; annotate with a concrete @dataclass",
}


LITERAL_INT_BOUND = 2**63 - 1
"""mypy reads a larger int in a Literal annotation as an arbitrary expression and rejects it."""


def in_bounds(arg: TypeExpr) -> bool:
    """Whether a Literal value can be written where type checkers read it."""
    return type(arg.value) is not int or abs(arg.value) <= LITERAL_INT_BOUND


def literal_reason(arg: TypeExpr) -> str:
    """Why `arg` cannot be a Literal value."""
    if isinstance(arg.value, int) and not in_bounds(arg):
        return f"Literal ints must lie within ±(2**63 - 1) (type checkers refuse larger ones): {arg.text}"
    return f"Literal values must be str, int or bool; {arg.text} is not"


def newtype_of(alias: AliasDef, target: TypeRef) -> TypeRef:
    """A primitive reached through a NewType remembers it (`name`): typed code must not pass
    the base type where the NewType is declared (`list[int]` is no `list[UserId]`)."""
    if alias.is_newtype and target.kind in PRIMITIVES.values() and target.kind != "none":
        return replace(target, name=alias.qualname)
    return target


def short_name(name: str) -> str:
    """`typing.Sequence` -> `Sequence`, for messages."""
    return name.rpartition(".")[2]


def external_ref(sym: ExternalSym, text: str) -> TypeRef:
    """A name from outside the tree: a primitive, or the reason it cannot be used."""
    name = sym.name
    if name in PRIMITIVES:
        return TypeRef(PRIMITIVES[name], text)
    if not sym.known:
        return TypeRef("unsupported", text, reason=f"{name} comes from outside the scanned tree")
    return TypeRef("unsupported", text, reason=external_reason(name))


def external_reason(name: str) -> str:
    """Why a known standard name is not a serializable type, with the fix where there is one."""
    short = short_name(name)
    if name in FIXED_REASONS:
        return FIXED_REASONS[name]
    if name in SEQUENCES:
        kind = SEQUENCES[name]
        return f"{kind} needs an element type: {kind}[T]"
    if name in TUPLES:
        return "tuple needs element types: tuple[T, ...] or tuple[A, B]"
    if name in DICTS:
        return "dict needs key and value types: dict[K, V]"
    if name in NEEDS_ARGUMENTS:
        return f"{short} needs a type argument"
    hint = CONCRETE_LOOKALIKES.get(name)
    if hint is None and name.startswith(("typing.", "collections.abc.")):
        hint = INTERFACES.get(short)
    if hint is not None:
        return f"{short} cannot be decoded; use {hint}"
    if name.startswith("enum."):
        return f"{short} is not a concrete enum; use an Enum class of the project"
    return f"{name} is not a supported type"

"""Agent methods and constructors as the executor calls them: found by name, arguments checked.

`invoke` hands its arguments over the way Golem does: each one is decoded against the declared
parameter type (an enum from its value, a dataclass from an object of its fields, ...), so the
method receives typed values and the oplog keeps their JSON. Types come from the class's own
annotations, resolved once per method.
"""

from __future__ import annotations

import difflib
import inspect
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, is_dataclass
from typing import Any

from ..registry import AgentType, ParamInfo
from ..values import ANY, ValueType, encode, generated, problem, shown, value_type

__all__ = ["ArgumentError", "Signature", "Signatures", "UnknownMethodError", "check_sequence"]

_NOT_METHODS = frozenset({"save_snapshot", "load_snapshot"})


class ArgumentError(TypeError, ValueError):
    """Arguments that do not fit a method's or constructor's declared parameters (a wrong count
    or type is a `TypeError`; a wrong value, such as an unknown enum value, reads as a `ValueError`)."""


class UnknownMethodError(AttributeError):
    """A method name the agent type does not have (the message suggests the closest one)."""


@dataclass(frozen=True, slots=True)
class Signature:
    """A callable's parameters and result as the oplog records them."""

    owner: str
    """`Counter.add`, or `Counter(...)` for a constructor: how messages name it."""
    params: tuple[tuple[str, ValueType], ...]
    required: int
    variadic: ValueType | None
    result: ValueType

    def _types(self, count: int) -> list[tuple[str, ValueType]]:
        if count < self.required or (count > len(self.params) and self.variadic is None):
            raise ArgumentError(f"{self.owner} takes {self._arity()}, {count} given")
        extra = [(f"*args[{i}]", self.variadic or ANY) for i in range(count - len(self.params))]
        return [*self.params[:count], *extra]

    def _arity(self) -> str:
        names = ", ".join(f"{name}: {kind.text}" for name, kind in self.params)
        count = len(self.params)
        if self.variadic is not None:
            return f"at least {self.required} arguments ({names}, *args)"
        if self.required == count:
            return f"{count} argument{'s' * (count != 1)} ({names})"
        return f"{self.required} to {count} arguments ({names})"

    def bind(
        self, args: Sequence[Any], *, canonical: bool = False
    ) -> tuple[list[Any], tuple[Any, ...]]:
        """(the JSON trees to record, the decoded values to call with); `ArgumentError` otherwise.

        `canonical` trees are encoded again from the decoded values, so that equal values give
        equal trees (`1` and `1.0` for a float): agent ids are built from them.
        """
        trees, values = [], []
        for (name, kind), arg in zip(self._types(len(args)), args, strict=True):
            try:
                tree, value = kind.record(arg)
                if canonical and not kind.strict:
                    tree = encode(value)
            except Exception as error:  # decoders of the wiring may raise anything
                raise self._refused(name, kind, error) from None
            trees.append(tree)
            values.append(value)
        return trees, tuple(values)

    def load(self, trees: Sequence[Any]) -> tuple[Any, ...]:
        """The recorded arguments decoded again (replay); `ArgumentError` if they no longer fit."""
        values = []
        for (name, kind), tree in zip(self._types(len(trees)), trees, strict=True):
            try:
                values.append(kind.decode(tree))
            except Exception as error:  # decoders of the wiring may raise anything
                raise self._refused(name, kind, error) from None
        return tuple(values)

    def _refused(self, name: str, kind: ValueType, error: Exception) -> ArgumentError:
        subject, reason = problem(error, f"argument {name}")
        return ArgumentError(f"{subject} of {self.owner} ({kind.declared}): {reason}")


def _hints(function: Any) -> dict[str, Any]:
    """Resolved annotations; names that do not resolve at run time count as unannotated."""
    try:
        return typing.get_type_hints(function, include_extras=True)
    except Exception:
        return {}


def _declared(
    params: Sequence[ParamInfo], result: tuple[str, Callable[[Any], Any] | None] | None = None
) -> dict[str, ValueType]:
    """The types the generated wiring carries decoders for, by parameter name (`return`)."""
    found = {p.name: generated(p.type, p.decode) for p in params if p.decode is not None}
    if result is not None and result[1] is not None:
        found["return"] = generated(result[0], result[1])
    return found


def _signature(
    owner: str,
    function: Callable[..., Any],
    hints: dict[str, Any],
    skip: int,
    declared: dict[str, ValueType],
) -> Signature:
    """Arity from the function itself; types from the wiring's decoders, else its annotations."""
    try:
        parameters = list(inspect.signature(function).parameters.values())[skip:]
    except (TypeError, ValueError):  # builtins without a signature: anything goes
        return Signature(owner, (), 0, ANY, ANY)
    params: list[tuple[str, ValueType]] = []
    required, variadic = 0, None
    for parameter in parameters:
        kind = declared.get(parameter.name) or value_type(hints.get(parameter.name, Any))
        if parameter.kind is parameter.VAR_POSITIONAL:
            variadic = kind
        elif parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
            params.append((parameter.name, kind))
            if parameter.default is parameter.empty:
                required = len(params)
    result = declared.get("return") or (value_type(hints["return"]) if "return" in hints else ANY)
    return Signature(owner, tuple(params), required, variadic, result)


class Signatures:
    """Signatures by class and method name, resolved on first use."""

    def __init__(self) -> None:
        self._cache: dict[tuple[type[Any], str], Signature] = {}

    def method(self, agent_type: AgentType, name: str) -> Signature:
        """The signature of an agent method; `UnknownMethodError` with a did-you-mean."""
        cls = agent_type.agent_class
        found = self._cache.get((cls, name))
        if found is None:
            function = _method(agent_type, name)
            owner = f"{agent_type.type_name}.{name}"
            info = next((m for m in agent_type.methods if m.name == name), None)
            declared = _declared(info.params, (info.returns, info.decode_result)) if info else {}
            found = _signature(owner, function, _hints(function), 1, declared)
            self._cache[(cls, name)] = found
        return found

    def constructor(self, agent_type: AgentType) -> Signature:
        """The signature of the agent's constructor (a dataclass's fields, or `__init__`)."""
        cls = agent_type.agent_class
        found = self._cache.get((cls, ""))
        if found is None:
            hints = _hints(cls if is_dataclass(cls) else cls.__init__)
            hints.pop("return", None)
            declared = _declared(agent_type.constructor)
            found = _signature(f"{agent_type.type_name}(...)", cls, hints, 0, declared)
            self._cache[(cls, "")] = found
        return found


def _method(agent_type: AgentType, name: str) -> Callable[..., Any]:
    cls = agent_type.agent_class
    declared = {info.name for info in agent_type.methods}
    attribute = getattr(cls, name, None)
    if (
        name.startswith("_")
        or name in _NOT_METHODS
        or not callable(attribute)
        or (declared and name not in declared)
    ):
        known = sorted(declared or _public_methods(cls))
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        listed = ", ".join(known) or "none"
        raise UnknownMethodError(
            f"{agent_type.type_name} has no agent method {name!r}{hint} (its methods: {listed})"
        )
    function: Callable[..., Any] = attribute
    return function


def _public_methods(cls: type[Any]) -> list[str]:
    return [
        name
        for name in dir(cls)
        if not name.startswith("_") and name not in _NOT_METHODS and callable(getattr(cls, name))
    ]


def check_sequence(constructor_args: Any, type_name: str) -> tuple[Any, ...]:
    """Constructor arguments must be a sequence: a bare string is not split into characters."""
    if isinstance(constructor_args, str | bytes | bytearray) or not isinstance(
        constructor_args, Sequence
    ):
        raise ArgumentError(
            f"the constructor arguments of {type_name} must be a list or tuple of arguments, "
            f"not {shown_value(constructor_args)}: write [{shown_value(constructor_args)}] for a "
            "single argument"
        )
    return tuple(constructor_args)


def shown_value(value: Any) -> str:
    """A value in a message, as JSON where it can be."""
    try:
        return shown(value) if isinstance(value, str | int | float | bool) else repr(value)
    except Exception:
        return repr(value)

"""Specialized JSON codecs per type (SPEC §4, §7): the model decides names and expressions.

`Codecs.codec(ref)` says how a value of one resolved type is saved into the JSON tree and loaded
back: primitives inline, containers through the typed helpers of `runtime_stub.snapshot`
parameterized by their items' codecs, dataclasses through a pair of specialized functions. The
records collected in `records()` are the constants and functions the generated module defines;
each names the template macro that lays it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..model import DataclassInfo, Project, StateField, TypeRef
from .construct import Construction, stored_fields
from .names import Names
from .pysource import Fragment, Group, call, fits, list_of, py_literal, py_str, tuple_of
from .records import (
    PRIMITIVES,
    SAME,
    SEQUENCES,
    STDLIB_ANNOTATIONS,
    Codec,
    Constant,
    Expr,
    LoadDataclass,
    LoadField,
    Record,
    SaveDataclass,
    Signature,
    Wrapper,
    is_nominal,
    nominal_container,
)

__all__ = ["Codecs"]


@dataclass
class Codecs:
    """Builds codecs on demand and collects the records they need, in order of first need."""

    project: Project
    names: Names
    constants: list[Constant] = field(default_factory=list)
    functions: list[Record | None] = field(default_factory=list)
    _cache: dict[object, Codec] = field(default_factory=dict)
    _wrappers: dict[tuple[str, object], str] = field(default_factory=dict)
    _literals: int = 0
    _untyped: dict[str, str] = field(default_factory=dict)
    _seen: dict[int, tuple[TypeRef, Codec]] = field(default_factory=dict)
    """Codecs by the identity of the TypeRef asked for (it is kept alive here)."""

    def __post_init__(self) -> None:
        self._building = Construction(self.project, self.names, self.constants)

    def records(self) -> tuple[Record, ...]:
        """Constants first, then functions in the order they were first needed."""
        return (*self.constants, *(f for f in self.functions if f is not None))

    def codec(self, ref: TypeRef) -> Codec:
        """The codec of `ref`, building (and queueing) its helpers on first use."""
        seen = self._seen.get(id(ref))
        if seen is not None and seen[0] is ref:  # the same object again: no structural key
            return seen[1]
        key = _key(ref)
        found = self._cache.get(key)
        if found is None:
            found = self._build(ref, key)
            self._cache[key] = found
        self._seen[id(ref)] = (ref, found)
        return found

    def agent_state(self, info: DataclassInfo, cls: str) -> tuple[str, str]:
        """(save function, load-state function) of an agent's own state (never constructed)."""
        save = self.names.claim(f"_save_{cls}", "_save_agent")
        load = self.names.claim(f"_load_state_{cls}", "_load_state")
        save_slot, load_slot = self._reserve(), self._reserve()
        self.functions[save_slot] = self._save_dataclass(save, info, cls)
        self.functions[load_slot] = self._load_dataclass(load, info, cls, state_of=True)
        return save, load

    def save_callable(self, codec: Codec) -> str:
        """A callable encoding values of `codec` (a wrapper function is generated if needed)."""
        if codec.save_fn:
            return codec.save_fn
        param = "value: " + codec.annotation
        if not fits(param + ",", 4):  # wider than its own line: ruff would split it
            param = "value: " + self.names.stdlib("Any")
        return self._wrapper("save", codec, (param,), "object")

    def load_callable(self, codec: Codec) -> str:
        """A callable decoding values of `codec` (a wrapper function is generated if needed)."""
        returns = self.names.stdlib("Any") if codec.loose or codec.nominal else codec.annotation
        return codec.load.callable or self._wrapper("load", codec, ("data: object",), returns)

    # ----------------------------------------------------------------------- helpers

    def _reserve(self) -> int:
        self.functions.append(None)
        return len(self.functions) - 1

    def _class_of(self, ref: TypeRef) -> tuple[str, str]:
        info = self.project.dataclasses.get(ref.name) or self.project.enums[ref.name]
        return self.names.user_class(info.module, info.name), info.qualname

    def _wrapper(self, action: str, codec: Codec, params: tuple[str, ...], returns: str) -> str:
        key = (action, codec.key)
        if key not in self._wrappers:
            name = self.names.claim(f"_{action}_{_slug_of(codec)}", f"_{action}_value")
            value = "value" if action == "save" else "data"
            expr = codec.save if action == "save" else codec.load
            doc = f"{'Encode' if action == 'save' else 'Decode'} a `{_doc_type(codec)}` value."
            body = expr.apply(value, "return ")
            self.functions.append(Wrapper(name, Signature(name, params, returns), doc, body))
            self._wrappers[key] = name
        return self._wrappers[key]

    def _build(self, ref: TypeRef, key: object) -> Codec:
        primitive = PRIMITIVES.get(ref.kind)
        if primitive is not None:
            if is_nominal(ref):
                return replace(
                    primitive, key=key, annotation=self.names.stdlib("Any"), nominal=True
                )
            if primitive.annotation in STDLIB_ANNOTATIONS:
                self.names.stdlib(primitive.annotation)
            return primitive
        return nominal_container(self._build_composite(ref, key), ref, self._cache, _key)

    def _build_composite(self, ref: TypeRef, key: object) -> Codec:
        if ref.kind in SEQUENCES:
            return self._sequence(ref, key)
        build = {
            "dataclass": self._dataclass,
            "enum": self._enum,
            "literal": self._literal,
            "optional": self._optional,
            "tuple": self._tuple,
            "dict": self._dict,
        }.get(ref.kind)
        if build is None:
            raise ValueError(f"cannot generate a codec for {ref.text!r}: {ref.reason or ref.kind}")
        return build(ref, key)

    def untyped(self, load: str) -> str:
        """`load` as a module constant typed `Callable[[Any], Any]` (no cost per call)."""
        if load not in self._untyped:
            name = self.names.claim(f"_UNTYPED_{len(self._untyped) + 1}", "_UNTYPED")
            self.constants.append(Constant(name, call("_sj.untyped", load)))
            self._untyped[load] = name
        return self._untyped[load]

    # ----------------------------------------------------------------------- dataclasses

    def _dataclass(self, ref: TypeRef, key: object) -> Codec:
        info = self.project.dataclasses[ref.name]
        cls, _ = self._class_of(ref)
        save = self.names.claim(f"_save_{cls}", "_save_dataclass")
        load = self.names.claim(f"_load_{cls}", "_load_dataclass")
        codec = Codec(key, cls, Expr(save), Expr(load), save)
        self._cache[key] = codec  # recursive types find themselves while being built
        save_slot, load_slot = self._reserve(), self._reserve()
        self.functions[save_slot] = self._save_dataclass(save, info, cls)
        self.functions[load_slot] = self._load_dataclass(load, info, cls)
        return codec

    def _save_dataclass(self, name: str, info: DataclassInfo, cls: str) -> SaveDataclass:
        entries: list[Fragment] = []
        locate: list[Fragment] = []
        for state_field in stored_fields(info):
            codec = self.codec(state_field.type)
            key = py_str(state_field.name)
            entries.append(codec.save.apply(f"value.{state_field.name}", f"{key}: "))
            locate.append(tuple_of([key, *_locator(codec.save)]))
        signature = Signature(name, (f"value: {cls}",), "dict[str, object]")
        body = Group("return ", tuple(entries), "{}")
        slow = (
            call("raise _sj.locate_fields", "error", "value", list_of(locate)) if locate else None
        )
        return SaveDataclass(name, signature, info.qualname, body, slow)

    def _load_dataclass(
        self, name: str, info: DataclassInfo, cls: str, *, state_of: bool = False
    ) -> LoadDataclass:
        stored = stored_fields(info)
        defaults = self._absent_defaults(info, cls)
        fields = tuple(
            self._load_field(i, f, defaults.get(f.name, "")) for i, f in enumerate(stored)
        )
        keys = self.names.claim(f"_KEYS_{cls}", "_KEYS")
        names = tuple(py_str(f.name) for f in stored)
        value = Group("", names, "{}") if names else "set()"
        self.constants.append(Constant(keys, value, "" if names else "set[str]"))
        check_keys: Fragment = ""
        if defaults:
            check_keys = call("_sj.check_keys", "data", keys, self._required_keys(stored, cls))
        if state_of:
            annotations = [self.codec(f.type).annotation for f in stored]
            returns = f"tuple[{', '.join(annotations)}]" if annotations else "tuple[()]"
            construct: tuple[Fragment, ...] = (tuple_of([f.local for f in fields], "return "),)
        else:
            returns, construct = cls, self._building.statements(info, cls, fields)
        signature = Signature(name, ("data: object",), returns)
        return LoadDataclass(
            name, signature, info.qualname, keys, fields, construct, state_of, check_keys
        )

    def _absent_defaults(self, info: DataclassInfo, cls: str) -> dict[str, str]:
        """Fields a payload may lack (they have defaults) -> the expression of their default."""
        names = [f.name for f in stored_fields(info) if f.has_default]
        if not names:
            return {}
        table = self.names.claim(f"_ABSENT_{cls}", "_ABSENT")
        listed = list_of([py_str(n) for n in names])
        self.constants.append(Constant(table, call("_sj.defaults", cls, listed)))
        return {name: f"{table}[{index}]()" for index, name in enumerate(names)}

    def _required_keys(self, stored: list[StateField], cls: str) -> str:
        required = self.names.claim(f"_REQUIRED_{cls}", "_REQUIRED")
        names = tuple(py_str(f.name) for f in stored if not f.has_default)
        value = Group("", names, "{}") if names else "set()"
        self.constants.append(Constant(required, value, "" if names else "set[str]"))
        return required

    def _load_field(self, index: int, state_field: StateField, default: str) -> LoadField:
        codec = self.codec(state_field.type)
        local = f"f{index}"
        if codec.nominal and not codec.check:
            codec = replace(codec, load=Expr(self.load_callable(codec)))
        return LoadField(
            key=py_str(state_field.name),
            attribute=state_field.name,
            local=local,
            value=codec.load.apply("data[key]", f"{local} = "),
            check=codec.check,
            nullable=codec.nullable,
            expected=codec.expected,
            default=default,
        )

    # ----------------------------------------------------------------------- choices

    def _enum(self, ref: TypeRef, key: object) -> Codec:
        cls, _ = self._class_of(ref)
        members = self.names.claim(f"_MEMBERS_{cls}", "_MEMBERS")
        self.constants.append(Constant(members, call("_sj.members", cls)))
        kind = self.project.enums[ref.name].value_kind
        order = "plain" if kind in ("str", "int") else ""
        return Codec(
            key,
            cls,
            Expr(suffix="._value_"),
            Expr("_sj.member", (members,)),
            "_sj.save_enum",
            order=order,
        )

    def _literal(self, ref: TypeRef, key: object) -> Codec:
        values = self._literal_table(ref.values)
        self.names.stdlib("Literal")
        annotation = f"Literal[{', '.join(py_literal(v) for v in ref.values)}]"
        kinds = {type(v) for v in ref.values}
        order = "plain" if len(kinds) == 1 else ""
        load = Expr("_sj.choice", (values,))
        return Codec(key, annotation, SAME, load, "_sj.same", order=order, loose=True)

    def _literal_table(self, values: tuple[str | int | bool, ...]) -> str:
        self._literals += 1
        name = self.names.claim(f"_LITERAL_{self._literals}")
        self.constants.append(Constant(name, list_of([py_literal(v) for v in values])))
        return name

    # ----------------------------------------------------------------------- containers

    def _optional(self, ref: TypeRef, key: object) -> Codec:
        inner = self.codec(ref.args[0])
        annotation = f"{inner.annotation} | None"
        load = Expr("_sj.load_optional", (self.load_callable(inner),))
        check = inner.check if inner.check not in ("", "None") else ""
        if inner.save == SAME:
            return Codec(
                key, annotation, SAME, load, "_sj.same", check, bool(check), inner.expected
            )
        save = Expr("_sj.save_optional", (self.save_callable(inner),))
        return Codec(key, annotation, save, load, "", check, bool(check), inner.expected)

    def _sequence(self, ref: TypeRef, key: object) -> Codec:
        template, loader = SEQUENCES[ref.kind]
        item = self.codec(ref.args[0])
        annotation = template.replace("{}", item.annotation)
        load = Expr(loader, (self.load_callable(item),))
        if ref.kind in ("set", "frozenset"):
            if item.save == SAME and item.order:
                return Codec(key, annotation, Expr("sorted"), load, "sorted")
            helper = "_sj.save_sorted" if item.order else "_sj.save_sorted_json"
            return Codec(key, annotation, Expr(helper, (self.save_callable(item),)), load)
        if item.save == SAME:
            return Codec(key, annotation, SAME, load, "_sj.same")
        return Codec(key, annotation, Expr("_sj.save_list", (self.save_callable(item),)), load)

    def _tuple(self, ref: TypeRef, key: object) -> Codec:
        items = [self.codec(arg) for arg in ref.args]
        annotation = f"tuple[{', '.join(c.annotation for c in items)}]" if items else "tuple[()]"
        loads = tuple_of([self.load_callable(c) for c in items])
        load = Expr("_sj.load_tuple", (loads,))
        if all(c.save == SAME for c in items):
            return Codec(key, annotation, SAME, load, "_sj.same")
        saves = tuple_of([self.save_callable(c) for c in items])
        return Codec(key, annotation, Expr("_sj.save_tuple", (saves,)), load)

    def _dict(self, ref: TypeRef, key: object) -> Codec:
        key_codec, value = self.codec(ref.args[0]), self.codec(ref.args[1])
        annotation = f"dict[{key_codec.annotation}, {value.annotation}]"
        key_save, key_load = self._dict_key(ref.args[0], key_codec)
        load = Expr("_sj.load_dict", (key_load, self.load_callable(value)))
        if key_save == "_sj.same" and value.save == SAME:
            return Codec(key, annotation, Expr("_sj.save_str_dict"), load)
        save = Expr("_sj.save_dict", (key_save, self.save_callable(value)))
        return Codec(key, annotation, save, load)

    def _dict_key(self, ref: TypeRef, codec: Codec) -> tuple[str, str]:
        """(save callable, load callable) of a dict key, which JSON holds as text."""
        if ref.kind in ("str", "int", "uuid"):
            load = {"str": "_sj.same", "int": "_sj.load_int_key", "uuid": "_sj.load_uuid"}
            save = "_sj.same" if ref.kind == "str" else "str"
            return save, self.untyped(load[ref.kind]) if ref.name else load[ref.kind]
        kinds = (
            {self.project.enums[ref.name].value_kind}
            if ref.kind == "enum"
            else {type(v).__name__ for v in ref.values}
        )
        if kinds == {"str"}:
            return ("_sj.save_enum" if ref.kind == "enum" else "_sj.same"), self.load_callable(
                codec
            )
        return self._text_key(ref, codec)

    def _text_key(self, ref: TypeRef, codec: Codec) -> tuple[str, str]:
        """Keys that are not strings (int enum values, int literals) are matched by their text."""
        source = codec.annotation if ref.kind == "enum" else str(codec.load.extra[0])
        table = self.names.claim(f"_KEY_TEXT_{_slug_of(codec)}", "_KEY_TEXT")
        self.constants.append(Constant(table, call("_sj.key_table", source)))
        load = Expr("_sj.by_text", (table,))
        annotation = codec.annotation if ref.kind == "enum" else self.names.stdlib("Any")
        key_codec = Codec(("key", codec.key), annotation, SAME, load)
        save = "_sj.save_enum_key" if ref.kind == "enum" else "str"
        return save, self.load_callable(key_codec)


def _locator(save: Expr) -> tuple[Fragment, ...]:
    """A field's encoder for the slow path: the callable, then its extra arguments."""
    if save.head:
        return (save.head, *save.extra)
    return ("_sj.save_enum",) if save.suffix else ("_sj.same",)


def _slug_of(codec: Codec) -> str:
    """A readable name part for a type: `list_LineItem`, `dict_str_int`, `optional_Order`."""
    text = codec.annotation
    for old, new in (("[", "_"), ("]", ""), (", ", "_"), (" | None", "_or_None"), ("...", "etc")):
        text = text.replace(old, new)
    return text if text.isidentifier() else "value"


def _doc_type(codec: Codec) -> str:
    """The annotation for a docstring, or a neutral word when it holds literal values."""
    return codec.annotation if _slug_of(codec) != "value" else "value"


def _key(ref: TypeRef) -> object:
    """Structural identity of a type (two spellings of `list[int]` share one codec)."""
    values = tuple((type(v).__name__, v) for v in ref.values)
    return (ref.kind, ref.name, values, tuple(_key(arg) for arg in ref.args), is_nominal(ref))

"""How a generated decoder builds a dataclass: `__init__` (positional where certain) or setattr."""

from __future__ import annotations

from ..model import ClassDef, DataclassInfo, Project, StateField
from .names import Names
from .pysource import Fragment, call, list_of, py_str
from .records import Constant, LoadField

__all__ = ["Construction", "stored_fields"]


def stored_fields(info: DataclassInfo) -> list[StateField]:
    """The fields a snapshot holds: every field but the transient ones, in declaration order."""
    return [f for f in info.fields if not f.transient]


class Construction:
    """Decides the construction statements; the constants it needs go to the module's list."""

    def __init__(self, project: Project, names: Names, constants: list[Constant]) -> None:
        self.project = project
        self.names = names
        self.constants = constants
        self._classes: dict[tuple[str, str], ClassDef] | None = None

    def statements(
        self, info: DataclassInfo, cls: str, fields: tuple[LoadField, ...]
    ) -> tuple[Fragment, ...]:
        """Through `__init__` when every stored field is an init field, else __new__ + setattr."""
        if all(f.init for f in stored_fields(info)):
            return (call(f"return {cls}", *self._arguments(info, fields)),)
        statements: list[Fragment] = [f"result = object.__new__({cls})"]
        for f in fields:
            statements.append(call("object.__setattr__", "result", f.key, f.local))
        transient = [f.name for f in info.fields if f.transient]
        if transient:
            defaults = self.names.claim(f"_DEFAULTS_{cls}", "_DEFAULTS")
            listed = list_of([py_str(n) for n in transient])
            self.constants.append(Constant(defaults, call("_sj.defaults", cls, listed)))
            for index, field_name in enumerate(transient):
                default = f"{defaults}[{index}]()"
                statements.append(call("object.__setattr__", "result", py_str(field_name), default))
        return (*statements, "return result")

    def _arguments(self, info: DataclassInfo, fields: tuple[LoadField, ...]) -> list[str]:
        """`__init__` arguments: positional while the order is certain (twice as fast), then keywords.

        The order is certain for the class's own fields, in declaration order, up to the first
        keyword-only field or the first one the decoder leaves out (a transient field).
        """
        local = {f.attribute: f.local for f in fields}
        keyword_only = self._keyword_only(info)
        arguments, positional = [], self._own_fields(info)
        for state_field in info.fields:
            if not state_field.init:
                continue
            if state_field.transient or state_field.name in keyword_only:
                positional = False
            if state_field.name in local:
                name = local[state_field.name]
                arguments.append(name if positional else f"{state_field.name}={name}")
        return arguments

    def _class_def(self, info: DataclassInfo) -> ClassDef | None:
        if self._classes is None:
            self._classes = {}
            for scan in reversed(self.project.scans):  # the first scan of a module wins
                self._classes.update({(scan.module, c.name): c for c in reversed(scan.classes)})
        return self._classes.get((info.module, info.name))

    def _own_fields(self, info: DataclassInfo) -> bool:
        """Whether `__init__` takes exactly the class's own fields (no bases, InitVars, own init)."""
        cls = self._class_def(info)
        if cls is None or any(m.name == "__init__" for m in cls.methods):
            return False
        return [f.name for f in cls.fields if not f.classvar] == [f.name for f in info.fields]

    def _keyword_only(self, info: DataclassInfo) -> set[str]:
        cls = self._class_def(info)
        return {f.name for f in cls.fields if f.kw_only} if cls is not None else set()

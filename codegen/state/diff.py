"""The difference between a locked state schema and the current one, change by change.

A change is *compatible* when every payload valid under the locked schema still loads into the
current code: a field added with a default, `T` widened to `T | None`, enum or literal values
added, `int` widened to `float`, a set read as a list. Anything else is not.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .schema import Schema, canonical

__all__ = ["Change", "compare", "type_text"]

_FORMATS = {
    "date-time": "datetime",
    "date": "date",
    "time": "time",
    "uuid": "UUID",
    "decimal": "Decimal",
    "bytes": "bytes",
}
_TYPES = {
    "string": "str",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "null": "None",
}


@dataclass(frozen=True, slots=True)
class Change:
    """One difference at a field path (`state.items[].sku`), and whether old payloads survive it."""

    path: str
    what: str
    """`str → int`, `added with a default`, `removed`, ..."""
    compatible: bool

    def __str__(self) -> str:
        return f"{self.path}: {self.what}"


def compare(locked: Schema, current: Schema) -> list[Change]:
    """Every change from `locked` to `current`, in field order; [] when they are the same."""
    if canonical(locked) == canonical(current):
        return []  # the common case, decided by one serialization of each
    return list(_Comparison(locked, current).node(locked, current, "state"))


def type_text(node: Schema, schema: Schema) -> str:
    """A schema node as a Python-like type (`list[Item]`, `dict[str, int]`, `str | None`)."""
    return _Texts(schema).text(node, 0)


class _Comparison:
    def __init__(self, locked: Schema, current: Schema) -> None:
        self.old_root, self.new_root = locked, current
        self.seen: set[tuple[str, str]] = set()

    def node(self, old: Schema, new: Schema, path: str) -> Iterator[Change]:
        refs = (old.get("$ref", ""), new.get("$ref", ""))
        if refs[0] and refs[1]:
            if refs in self.seen:
                return  # a recursive type: compared where it was first reached
            self.seen.add(refs)
        old, new = _deref(old, self.old_root), _deref(new, self.new_root)
        if canonical(_plain(old)) == canonical(_plain(new)) and not _has_refs(old):
            return
        if _is_record(old) and _is_record(new):
            yield from self._record(old, new, path)
        elif _optional(new) is not None:
            yield from self._to_optional(old, new, path)
        elif _optional(old) is not None:
            yield self._changed(old, new, path, "no longer accepts null")
        elif "enum" in old and "enum" in new:
            yield from self._enum(old, new, path)
        elif old.get("type") == "array" and new.get("type") == "array":
            yield from self._array(old, new, path)
        elif _is_map(old) and _is_map(new):
            yield from self._map(old, new, path)
        elif _plain(old) == {"type": "integer"} and _plain(new) == {"type": "number"}:
            yield Change(path, "int → float (widened)", True)
        elif canonical(_plain(old)) != canonical(_plain(new)):
            yield self._changed(old, new, path)

    def _changed(self, old: Schema, new: Schema, path: str, why: str = "") -> Change:
        texts = f"{type_text(old, self.old_root)} → {type_text(new, self.new_root)}"
        return Change(path, f"{texts} ({why})" if why else texts, False)

    def _record(self, old: Schema, new: Schema, path: str) -> Iterator[Change]:
        old_fields, new_fields = old["properties"], new["properties"]
        old_required, new_required = set(old.get("required", ())), set(new.get("required", ()))
        for name, node in old_fields.items():
            where = f"{path}.{name}"
            if name not in new_fields:
                yield Change(where, f"removed (was {type_text(node, self.old_root)})", False)
                continue
            yield from self.node(node, new_fields[name], where)
            if name in new_required and name not in old_required:
                yield Change(where, "default removed (old snapshots may lack it)", False)
        for name, node in new_fields.items():
            if name in old_fields:
                continue
            text = type_text(node, self.new_root)
            if name in new_required:
                yield Change(f"{path}.{name}", f"added without a default ({text})", False)
            else:
                yield Change(f"{path}.{name}", f"added with a default ({text})", True)

    def _to_optional(self, old: Schema, new: Schema, path: str) -> Iterator[Change]:
        inner_new = _optional(new)
        assert inner_new is not None
        inner_old = _optional(old)
        if inner_old is not None:
            yield from self.node(inner_old, inner_new, path)
            return
        inner = [] if old == {"type": "null"} else list(self.node(old, inner_new, path))
        if not all(change.compatible for change in inner):
            yield self._changed(old, new, path)
            return
        yield Change(path, f"{self._old(old)} → {self._text(new)} (widened)", True)
        yield from inner

    def _text(self, node: Schema) -> str:
        return type_text(node, self.new_root)

    def _enum(self, old: Schema, new: Schema, path: str) -> Iterator[Change]:
        before, after = old["enum"], new["enum"]
        removed = [value for value in before if value not in after]
        added = [value for value in after if value not in before]
        if removed:
            listed = ", ".join(_value(v) for v in removed)
            yield Change(path, f"values removed: {listed} (old snapshots may hold them)", False)
        elif added:
            yield Change(path, f"values added: {', '.join(_value(v) for v in added)}", True)
        elif _plain(old) != _plain(new):
            yield self._changed(old, new, path)

    def _array(self, old: Schema, new: Schema, path: str) -> Iterator[Change]:
        if "prefixItems" in old or "prefixItems" in new:
            old_items, new_items = old.get("prefixItems"), new.get("prefixItems")
            if old_items is None or new_items is None or len(old_items) != len(new_items):
                yield self._changed(old, new, path)
                return
            for index, (a, b) in enumerate(zip(old_items, new_items, strict=True)):
                yield from self.node(a, b, f"{path}[{index}]")
            return
        if new.get("uniqueItems") and not old.get("uniqueItems"):
            yield self._changed(old, new, path, "old snapshots may hold duplicates")
            return
        if old.get("uniqueItems") and not new.get("uniqueItems"):
            yield Change(path, f"{self._old(old)} → {self._text(new)} (read as a list)", True)
        yield from self.node(old["items"], new["items"], f"{path}[]")

    def _old(self, node: Schema) -> str:
        return type_text(node, self.old_root)

    def _map(self, old: Schema, new: Schema, path: str) -> Iterator[Change]:
        if old.get("propertyNames") != new.get("propertyNames"):
            yield self._changed(old, new, path, "the keys changed")
            return
        yield from self.node(
            old["additionalProperties"], new["additionalProperties"], f"{path}{{}}"
        )


def _deref(node: Schema, root: Schema) -> Schema:
    ref = node.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/$defs/"):
        return node
    found = root.get("$defs", {}).get(ref.removeprefix("#/$defs/"))
    return found if isinstance(found, dict) else node


def _plain(node: Schema) -> Schema:
    """A node without its annotations (a renamed class is not a change of its payloads)."""
    return {key: value for key, value in node.items() if key not in ("title", "$schema", "$defs")}


def _has_refs(node: object) -> bool:
    if isinstance(node, dict):
        return "$ref" in node or any(_has_refs(value) for value in node.values())
    if isinstance(node, list):
        return any(_has_refs(value) for value in node)
    return False


def _is_record(node: Schema) -> bool:
    return node.get("type") == "object" and "properties" in node


def _is_map(node: Schema) -> bool:
    return (
        node.get("type") == "object" and "additionalProperties" in node and "properties" not in node
    )


def _optional(node: Schema) -> Schema | None:
    options = node.get("anyOf")
    if isinstance(options, list) and len(options) == 2 and options[1] == {"type": "null"}:
        inner = options[0]
        return inner if isinstance(inner, dict) else None
    return None


def _value(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)


class _Texts:
    def __init__(self, root: Schema) -> None:
        self.root = root

    def text(self, node: Schema, depth: int) -> str:
        if depth > 8:
            return "..."
        ref = node.get("$ref")
        if isinstance(ref, str):
            target = _deref(node, self.root)
            return str(target.get("title", ref.rpartition("/")[2]))
        inner = _optional(node)
        if inner is not None:
            return f"{self.text(inner, depth + 1)} | None"
        if "enum" in node:
            title = node.get("title")
            return str(title) if title else f"Literal[{', '.join(_value(v) for v in node['enum'])}]"
        if node.get("type") == "array":
            return self._array(node, depth)
        if _is_map(node):
            value = self.text(node["additionalProperties"], depth + 1)
            return f"dict[{self._key(node.get('propertyNames'))}, {value}]"
        if _is_record(node):
            return str(node.get("title", "object"))
        if node.get("description") == "timedelta in microseconds":
            return "timedelta"
        if node.get("format") in _FORMATS:
            return _FORMATS[node["format"]]
        return _TYPES.get(str(node.get("type")), "unknown")

    def _array(self, node: Schema, depth: int) -> str:
        if "prefixItems" in node:
            return f"tuple[{', '.join(self.text(n, depth + 1) for n in node['prefixItems'])}]"
        item = self.text(node["items"], depth + 1)
        return f"set[{item}]" if node.get("uniqueItems") else f"list[{item}]"

    def _key(self, names: object) -> str:
        if not isinstance(names, dict):
            return "str"
        if "pattern" in names:
            return "int"
        if names.get("format") == "uuid":
            return "UUID"
        return "Enum" if "enum" in names else "str"

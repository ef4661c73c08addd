"""The JSON Schema (2020-12) of an agent's automatic-JSON state: what its snapshots hold."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from ..model import Agent, DataclassInfo, Project, TypeRef

__all__ = ["DIALECT", "Schema", "canonical", "fingerprint", "state_schema"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
Schema = dict[str, Any]

_SCALARS: dict[str, Schema] = {
    "str": {"type": "string"},
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "bool": {"type": "boolean"},
    "none": {"type": "null"},
    "bytes": {"type": "string", "format": "bytes", "contentEncoding": "base64"},
    "datetime": {"type": "string", "format": "date-time"},
    "date": {"type": "string", "format": "date"},
    "time": {"type": "string", "format": "time"},
    "timedelta": {"type": "integer", "description": "timedelta in microseconds"},
    "decimal": {"type": "string", "format": "decimal"},
    "uuid": {"type": "string", "format": "uuid"},
}
_INT_KEY = {"pattern": "^-?(0|[1-9][0-9]*)$"}


def canonical(schema: object) -> bytes:
    """Sorted keys, compact: the bytes the fingerprint hashes and comparisons use."""
    return json.dumps(schema, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def fingerprint(schema: Schema) -> str:
    """`sha256:` of the schema's canonical JSON."""
    return "sha256:" + hashlib.sha256(canonical(schema)).hexdigest()


def state_schema(agent: Agent, project: Project) -> Schema:
    """The schema of the state object in `agent`'s JSON snapshots (its stored fields)."""
    assert agent.state is not None, "only agents with automatic JSON snapshots are locked"
    builder = _Builder(project)
    body = builder.object_of(agent.state)
    schema: Schema = {"$schema": DIALECT, "title": f"{agent.type_name} state", **body}
    if builder.defs:
        schema["$defs"] = builder.defs
    return schema


class _Builder:
    """Dataclasses become `$defs` entries named by their class name (made unique in order)."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.defs: dict[str, Schema] = {}
        self._names: dict[str, str] = {}
        self._kinds: dict[str, Callable[[TypeRef], Schema]] = {
            "list": self._array,
            "tuple_var": self._array,
            "set": self._set,
            "frozenset": self._set,
            "tuple": self._tuple,
            "dict": self._dict,
            "optional": self._optional,
            "literal": self._literal,
            "enum": self._enum,
            "dataclass": self._dataclass,
        }

    def object_of(self, info: DataclassInfo) -> Schema:
        stored = [f for f in info.fields if not f.transient]
        return {
            "type": "object",
            "properties": {f.name: self.type_of(f.type) for f in stored},
            "required": [f.name for f in stored if not f.has_default],
            "additionalProperties": False,
        }

    def type_of(self, ref: TypeRef) -> Schema:
        scalar = _SCALARS.get(ref.kind)
        if scalar is not None:
            return dict(scalar)
        build = self._kinds.get(ref.kind)
        if build is None:
            return {"not": {}, "description": f"unsupported: {ref.reason or ref.text}"}
        return build(ref)

    def _array(self, ref: TypeRef) -> Schema:
        return {"type": "array", "items": self.type_of(ref.args[0])}

    def _set(self, ref: TypeRef) -> Schema:
        return {"type": "array", "items": self.type_of(ref.args[0]), "uniqueItems": True}

    def _tuple(self, ref: TypeRef) -> Schema:
        items = [self.type_of(arg) for arg in ref.args]
        size = len(items)
        return {"type": "array", "prefixItems": items, "minItems": size, "maxItems": size}

    def _dict(self, ref: TypeRef) -> Schema:
        key, value = ref.args
        schema: Schema = {"type": "object", "additionalProperties": self.type_of(value)}
        names = self._key_names(key)
        if names is not None:
            schema["propertyNames"] = names
        return schema

    def _key_names(self, key: TypeRef) -> Schema | None:
        if key.kind == "int":
            return dict(_INT_KEY)
        if key.kind == "uuid":
            return {"format": "uuid"}
        if key.kind == "enum":
            return {"enum": [str(value) for value in self._enum_values(key)]}
        return None

    def _optional(self, ref: TypeRef) -> Schema:
        return {"anyOf": [self.type_of(ref.args[0]), {"type": "null"}]}

    def _literal(self, ref: TypeRef) -> Schema:
        return {"enum": list(ref.values)}

    def _enum(self, ref: TypeRef) -> Schema:
        info = self.project.enums.get(ref.name)
        title = info.name if info is not None else ref.name.rpartition(".")[2]
        return {"title": title, "enum": self._enum_values(ref)}

    def _enum_values(self, ref: TypeRef) -> list[str | int]:
        info = self.project.enums.get(ref.name)
        return [value for _, value in info.members] if info is not None else []

    def _dataclass(self, ref: TypeRef) -> Schema:
        name = self._names.get(ref.name)
        if name is None:
            info = self.project.dataclasses[ref.name]
            name = self._claim(info.name)
            self._names[ref.name] = name
            self.defs[name] = {}  # claimed first: recursive types refer to it while it is built
            self.defs[name] = {"title": info.name, **self.object_of(info)}
        return {"$ref": f"#/$defs/{name}"}

    def _claim(self, name: str) -> str:
        candidate, number = name, 1
        while candidate in self.defs:
            number += 1
            candidate = f"{name}_{number}"
        return candidate

"""The JSON Schema of a state: every supported type, nested and recursive dataclasses, fingerprints."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from codegen.api import Options, scan
from codegen.state.schema import DIALECT, canonical, fingerprint, state_schema
from tests.generate.support import working_directory

SOURCE = """\
import enum
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Literal
from uuid import UUID

from runtime_stub import agent, transient


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


@dataclass
class Node:
    name: str
    children: list["Node"] = field(default_factory=list)


@agent(snapshotting="enabled")
@dataclass
class KitchenSink:
    name: str
    when: datetime = field(default_factory=datetime.now, init=False)
    day: date | None = None
    at: time | None = None
    wait: timedelta | None = None
    price: Decimal | None = None
    key: UUID | None = None
    blob: bytes = b""
    ratio: float = 0.0
    flag: bool = False
    color: Color = Color.RED
    level: Literal["low", "high"] = "low"
    tags: set[str] = field(default_factory=set)
    pair: tuple[int, str] = (0, "")
    by_id: dict[int, str] = field(default_factory=dict)
    by_color: dict[Color, int] = field(default_factory=dict)
    tree: Node | None = None
    cache: object = transient(default=None)
"""


def schema_of(tmp_path: Path) -> dict[str, object]:
    (tmp_path / "sink.py").write_text(SOURCE, encoding="utf-8")
    with working_directory(tmp_path):
        project = scan(["."], options=Options(cache=False)).project
    (agent,) = project.agents
    assert agent.snapshot_kind == "json"
    return state_schema(agent, project)


def test_the_schema_describes_every_stored_field(tmp_path: Path) -> None:
    schema = schema_of(tmp_path)
    props = schema["properties"]
    assert isinstance(props, dict)
    assert schema["$schema"] == DIALECT and schema["title"] == "KitchenSink state"
    assert schema["required"] == ["name"] and schema["additionalProperties"] is False
    assert "cache" not in props  # transient
    assert props["when"] == {"type": "string", "format": "date-time"}
    assert props["day"] == {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]}
    assert props["price"]["anyOf"][0] == {"type": "string", "format": "decimal"}
    assert props["key"]["anyOf"][0] == {"type": "string", "format": "uuid"}
    assert props["blob"] == {"type": "string", "format": "bytes", "contentEncoding": "base64"}
    assert props["wait"]["anyOf"][0]["type"] == "integer"
    assert props["color"] == {"title": "Color", "enum": ["red", "blue"]}
    assert props["level"] == {"enum": ["low", "high"]}
    assert props["tags"] == {"type": "array", "items": {"type": "string"}, "uniqueItems": True}
    assert props["pair"]["prefixItems"] == [{"type": "integer"}, {"type": "string"}]
    assert props["by_id"]["propertyNames"] == {"pattern": "^-?(0|[1-9][0-9]*)$"}
    assert props["by_color"]["propertyNames"] == {"enum": ["red", "blue"]}
    assert props["tree"] == {"anyOf": [{"$ref": "#/$defs/Node"}, {"type": "null"}]}
    node = schema["$defs"]["Node"]  # type: ignore[index]
    assert node["properties"]["children"] == {"type": "array", "items": {"$ref": "#/$defs/Node"}}


def test_the_fingerprint_is_the_sha256_of_the_canonical_json(tmp_path: Path) -> None:
    schema = schema_of(tmp_path)
    text = json.dumps(schema, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert canonical(schema) == text.encode()
    assert fingerprint(schema) == "sha256:" + hashlib.sha256(text.encode()).hexdigest()

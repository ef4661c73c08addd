"""`golem-state.lock`: the committed history of every locked agent's state schema.

Deterministic JSON (sorted keys, two-space indent): agent type names -> each locked state version
with the JSON Schema of its state and that schema's fingerprint. It cannot be rebuilt from the
code, so a broken lock is an error to resolve by hand, never something to overwrite.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..discovery import ConfigError, display_path
from .schema import Schema, fingerprint

__all__ = [
    "LOCK_NAME",
    "Gate",
    "Lock",
    "LockError",
    "LockedVersion",
    "agent_line",
    "parse_lock",
    "read_lock",
]

LOCK_NAME = "golem-state.lock"
FORMAT = 1
NOTE = (
    "The locked state schemas of automatic JSON snapshots (golem-codegen, SPEC §10). "
    "`golem-codegen generate` writes it; commit it and never edit it by hand."
)


class LockError(ConfigError):
    """The lock cannot be read or has the wrong shape; the message names the file."""


@dataclass(frozen=True, slots=True)
class LockedVersion:
    """One locked state version of one agent type."""

    version: int
    schema: Schema = field(compare=False)
    fingerprint: str


@dataclass(frozen=True, slots=True)
class Lock:
    """Agent type name -> its locked versions, oldest first."""

    agents: Mapping[str, tuple[LockedVersion, ...]]

    def versions(self, type_name: str) -> tuple[LockedVersion, ...]:
        return self.agents.get(type_name, ())

    def text(self) -> str:
        """The file's content: deterministic, ending in a newline."""
        agents = {
            name: {
                "versions": [
                    {"fingerprint": v.fingerprint, "schema": v.schema, "stateVersion": v.version}
                    for v in versions
                ]
            }
            for name, versions in self.agents.items()
            if versions
        }
        document = {"agents": agents, "lockVersion": FORMAT, "note": NOTE}
        return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def read_lock(path: Path) -> tuple[Lock, str] | None:
    """The lock at `path` and its text; None when there is none. Raises LockError when broken."""
    text = read_lock_text(path)
    return None if text is None else (parse_lock(text, display_path(path)), text)


def read_lock_text(path: Path) -> str | None:
    """The text of the lock at `path`; None when there is none. Raises LockError when unreadable."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise LockError(f"{display_path(path)}: cannot read the state lock: {error}") from None


def parse_lock(text: str, name: str) -> Lock:
    """Parse and validate a lock's text; `name` is the file as messages show it."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        conflict = " (a merge conflict? resolve it by hand, then run `golem-codegen generate`)"
        hint = conflict if "<<<<<<<" in text else ""
        raise LockError(
            f"{name}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}{hint}"
        ) from None
    return _Reader(name).lock(document)


def agent_line(text: str, type_name: str) -> int:
    """The 1-based line where `type_name`'s entry starts in the lock's text (1 if not found)."""
    key = "    " + json.dumps(type_name, ensure_ascii=False) + ":"
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(key):
            return number
    return 1


class _Reader:
    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, problem: str) -> LockError:
        return LockError(
            f"{self.name}: {problem}; the lock is written by `golem-codegen generate` and "
            "its history cannot be rebuilt from the code: restore it from version control"
        )

    def lock(self, document: object) -> Lock:
        if not isinstance(document, dict) or document.get("lockVersion") != FORMAT:
            raise self.fail(f'not a state lock of format {FORMAT} ("lockVersion": {FORMAT})')
        agents = document.get("agents")
        if not isinstance(agents, dict):
            raise self.fail('"agents" must be an object of agent type names')
        return Lock({name: self.versions(name, entry) for name, entry in sorted(agents.items())})

    def versions(self, name: str, entry: object) -> tuple[LockedVersion, ...]:
        versions = entry.get("versions") if isinstance(entry, dict) else None
        if not isinstance(versions, list) or not versions:
            raise self.fail(f'agent "{name}" must have a non-empty "versions" array')
        found = tuple(self.version(name, item) for item in versions)
        numbers = [v.version for v in found]
        if numbers != sorted(set(numbers)):
            raise self.fail(f'the versions of agent "{name}" must be increasing: {numbers}')
        return found

    def version(self, name: str, item: object) -> LockedVersion:
        if not isinstance(item, dict):
            raise self.fail(f'each version of agent "{name}" must be an object')
        number, schema, digest = (
            item.get("stateVersion"),
            item.get("schema"),
            item.get("fingerprint"),
        )
        if type(number) is not int or number < 1:
            raise self.fail(f'agent "{name}": "stateVersion" must be an integer >= 1')
        if not isinstance(schema, dict) or not isinstance(digest, str):
            raise self.fail(f'agent "{name}" version {number} needs a "schema" and a "fingerprint"')
        if fingerprint(schema) != digest:
            raise self.fail(
                f'the schema of agent "{name}" version {number} does not match its fingerprint '
                "(it was edited)"
            )
        return LockedVersion(number, schema, digest)


@dataclass(frozen=True)
class Gate:
    """What the gate reads besides the project: the lock (if any) and where the run stands."""

    lock_text: str
    lock_path: str
    """The lock file as messages show it."""
    covers_root: bool
    """The run covers the project root, so a locked type missing from it is really gone."""
    generated: bool
    """The tree already holds modules generated by this tool (a missing lock is then stale)."""
    found: bool = True
    """Whether there is a lock file (`lock_text` is "" when there is none)."""

    @cached_property
    def lock(self) -> Lock | None:
        """The lock, parsed on first use (a run that reuses every result never needs it);
        raises LockError when it is broken."""
        return parse_lock(self.lock_text, self.lock_path) if self.found else None

    def validate(self) -> None:
        """Raise LockError when the lock is broken (parsing it once)."""
        _ = self.lock

"""Stored snapshots: the samples every later version of an agent must still load (SPEC §11).

`DIR/<TypeName>/v<state_version>-<sha256 prefix>.json` (or `.bin` for custom pairs) holds the raw
payload of one snapshot, exactly what `load_snapshot` takes; the name is a function of the bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from pathlib import Path

from ..registry import AgentType
from .roundtrip import fresh_instance

__all__ = ["DEFAULT_DIRECTORY", "assert_loads", "export_latest", "sample_name", "stored_samples"]

DEFAULT_DIRECTORY = Path("tests") / "golem_snapshots"
JSON = "application/json"


def sample_name(payload: bytes, mime_type: str) -> str:
    """`v<state version>-<12 hex digits of SHA-256>.json|.bin`."""
    digest = hashlib.sha256(payload).hexdigest()[:12]
    if mime_type != JSON:
        return f"v1-{digest}.bin"
    try:
        version = json.loads(payload).get("stateVersion", 1)
    except (ValueError, AttributeError):
        version = 1
    return f"v{version if type(version) is int else 1}-{digest}.json"


def export_latest(store: Path, agent_id: str, directory: Path) -> Path:
    """Write the agent's latest snapshot under `directory/<TypeName>/`; returns the file.

    Raises LookupError when the store has no such agent or no snapshot of it.
    """
    from ..oplog import SqliteOplogStore

    opened = SqliteOplogStore(store)
    try:
        entries = opened.read(agent_id)
    finally:
        opened.close()
    if not entries:
        raise LookupError(f"no agent {agent_id!r} in {store}")
    snapshots = [e for e in entries if e.kind == "snapshot"]
    if not snapshots:
        raise LookupError(
            f"{agent_id} has no snapshot in {store}: run it with snapshotting enabled "
            '(e.g. @agent(snapshotting="every(1)")) before exporting'
        )
    type_name = entries[0].data.get("type_name") or agent_id.partition("(")[0]
    payload = bytes(snapshots[-1].data["payload"])
    target = directory / str(type_name) / sample_name(payload, str(snapshots[-1].data["mime_type"]))
    _write_atomic(target, payload)
    return target


def stored_samples(directory: Path, type_name: str) -> list[Path]:
    """The stored snapshots of one agent type, by name."""
    folder = directory / type_name
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".json", ".bin") and p.is_file())


def assert_loads(agent_type: AgentType, sample: Path) -> None:
    """Load a stored snapshot into a fresh instance of the current code (migrations included)."""
    payload = sample.read_bytes()
    try:
        agent_type.load_snapshot(fresh_instance(agent_type), payload)
    except Exception as error:
        raise AssertionError(
            f"{agent_type.type_name}: the stored snapshot {sample.name} no longer loads: {error}"
        ) from error


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise

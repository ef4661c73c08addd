"""Oplogs: entries with Golem's kind names, their text form, and where they are stored.

`entries` defines entries and `format_oplog`, `store` the in-memory and SQLite stores, `codec`
the JSON form of entry data in SQLite, `command` what `golem-codegen oplog` prints.
"""

from .entries import OplogEntry, format_oplog
from .store import InMemoryOplogStore, OplogStore, SqliteOplogStore

__all__ = ["InMemoryOplogStore", "OplogEntry", "OplogStore", "SqliteOplogStore", "format_oplog"]

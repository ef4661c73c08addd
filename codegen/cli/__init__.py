"""The `golem-codegen` command: parse options, call the api, print, pick the exit status.

Exit status: 0 nothing fails; 1 diagnostics that fail, or `generate --check` found a difference;
2 bad usage, bad configuration, or an internal error. `main` is the click group (`lint`: check,
generate, scan, explain; `agents`: state, verify, snapshots, oplog; `common`: what they share).
"""

from .main import main, run

__all__ = ["main", "run"]

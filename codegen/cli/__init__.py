"""The `golem-codegen` command: parse options, call the api, print, pick the exit status.

Exit status: 0 nothing fails; 1 diagnostics that fail, or `generate --check` found a difference;
2 bad usage, bad configuration, or an internal error. `main` is the click group (`lint`: check,
generate, scan, explain; `agents`: state, verify, snapshots, oplog; `common`: what they share;
`group` the group itself and the process around it).
Importing this package loads none of them: a `check` whose stored answer still holds is replayed
(`replay`) before click and the linter are imported.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # not typing's: see above
if TYPE_CHECKING:
    from .group import main

__all__ = ["main", "run"]


def run() -> None:
    """The `golem-codegen` process (console script and `python -m codegen`)."""
    from .replay import replay

    status = replay(sys.argv[1:])
    if status is not None:
        sys.exit(status)
    from .group import run as run_command

    run_command()


def __getattr__(name: str) -> object:
    if name == "main":
        from .group import main

        return main
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

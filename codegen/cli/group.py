"""The `golem-codegen` group: its commands, and the process around them."""

from __future__ import annotations

import gc
import sys
from typing import Any

import click

from ..discovery import ConfigError
from .agents import oplog, snapshots, state, verify
from .common import (
    EXIT_FAILED,
    debug,
    fail,
)
from .lint import check, explain, generate, scan
from .replay import Capture, record, replayable


class _Group(click.Group):
    """Turns configuration errors and crashes into exit status 2 with one readable line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:  # `golem-codegen check | head`: the reader has gone, quietly
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_FAILED)
        except ConfigError as error:
            fail(f"configuration error: {error}")
        except FileNotFoundError as error:
            fail(str(error))
        except Exception as error:  # the last line of defence: no traceback unless debugging
            detail = f"{type(error).__name__}: {error}"
            if debug():
                import traceback  # ~5 ms: only for the report of a crash

                detail = traceback.format_exc()
            fail(f"internal error: {detail}\nPlease report it with the file that caused it.")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="golem-codegen")
def main() -> None:
    """Check and generate the wiring of Golem durable agents written in Python."""


def run() -> None:
    """The `golem-codegen` process (console script and `python -m codegen`).

    A run builds trees of acyclic objects and exits: cyclic garbage collection would only rescan
    them (about 4% of a check), so the process never starts it. What a plain `check` prints is
    stored for replaying it (`replay`).
    """
    gc.disable()
    argv = sys.argv[1:]
    if replayable(argv) is None:
        main(prog_name="golem-codegen")
        return
    printed: list[tuple[int, str]] = []
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = Capture(out, 0, printed), Capture(err, 1, printed)
    try:
        main(prog_name="golem-codegen")
    except SystemExit as leaving:
        sys.stdout, sys.stderr = out, err
        if isinstance(leaving.code, int):
            record(argv, printed, leaving.code)
        raise
    finally:
        sys.stdout, sys.stderr = out, err


for _command in (check, generate, scan, explain, state, verify, snapshots, oplog):
    main.add_command(_command)

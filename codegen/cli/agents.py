"""Commands about agents at run time: `state`, `verify`, `snapshots export`, `oplog`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import api
from ..diagnostics import Severity
from ..discovery import display_path

if TYPE_CHECKING:
    pass
from .common import (
    EXIT_FAILED,
    EXIT_OK,
    fail,
    options_from,
    paths_argument,
    run_options,
)

store_option = click.option(
    "--store",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path(".golem/oplog.db"),
    show_default=True,
    help="SQLite oplog store of a local executor.",
)


@click.command(context_settings={"ignore_unknown_options": False})
@click.argument("args", nargs=-1)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="Output format.",
)
@run_options
def state(args: tuple[str, ...], output_format: str, no_cache: bool, jobs: int | None) -> None:
    """Per agent: its state_version, locked versions, migrations and the difference from the lock.

    `golem-codegen state [PATH...]` reports; `golem-codegen state forget TYPE [PATH...]` drops an
    agent type that no longer exists from golem-state.lock (SPEC §10).
    """
    if args[:1] == ("forget",):
        _forget(args[1:])
        return
    result = api.state(
        [Path(a) for a in args] or (Path("."),), options=options_from(no_cache, jobs)
    )
    from ..formats import as_record, format_text
    from ..formats.state import state_json, state_text

    if output_format == "json":
        data = json.loads(state_json(result.judged, result.lock_path))
        data["diagnostics"] = [as_record(d) for d in result.diagnostics]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        text = state_text(result.judged, result.lock_path, format_text(result.diagnostics))
        click.echo(text, nl=False)
    failed = any(d.severity is Severity.ERROR for d in result.diagnostics)
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


def _forget(args: tuple[str, ...]) -> None:
    if not args:
        raise click.UsageError("usage: golem-codegen state forget TYPE [PATH...]")
    type_name, paths = args[0], [Path(a) for a in args[1:]] or [Path(".")]
    path = api.forget(type_name, paths)
    click.echo(f"forgot agent type {type_name} in {display_path(path)}", err=True)


@click.command()
@paths_argument
@click.option(
    "--examples",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Hypothesis examples per round trip (recovery uses fewer).",
)
def verify(paths: tuple[Path, ...], examples: int) -> None:
    """Round trips, recovery and stored snapshots of the agents under PATHS.

    Unlike `check`, this imports and runs your agents (it is a test runner): one line per agent,
    exit 1 when any check fails.
    """
    try:
        from ..verify import verify as run_verify

        reports = run_verify(list(paths) or [Path(".")], examples)
    except ModuleNotFoundError as error:
        if error.name != "hypothesis":
            raise
        fail("verify needs hypothesis: pip install 'golem-codegen[verify]'")
    for report in reports:
        click.echo(report.line())
    if not reports:
        click.echo("no generated agents found: run `golem-codegen generate` first", err=True)
    sys.exit(EXIT_FAILED if any(r.failed for r in reports) else EXIT_OK)


@click.group()
def snapshots() -> None:
    """Stored snapshots: the samples every later version of an agent must load."""


@snapshots.command("export")
@click.argument("agent_id")
@store_option
@click.option(
    "--to",
    "directory",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Directory of stored snapshots [default: the `snapshots` key, else tests/golem_snapshots].",
)
def export(agent_id: str, store: Path, directory: Path | None) -> None:
    """Write AGENT_ID's latest snapshot as DIR/<TypeName>/v<state version>-<hash>.json (or .bin)."""
    from runtime_stub.testing.samples import export_latest

    from ..verify import samples_directory

    if not store.is_file():
        raise click.UsageError(f"no oplog store at {display_path(store)}")
    target = directory if directory is not None else samples_directory([Path(".")])
    try:
        written = export_latest(store, agent_id, target)
    except LookupError as error:
        raise click.UsageError(str(error.args[0])) from None
    click.echo(display_path(written))


@click.command()
@click.argument("agent_id", required=False)
@store_option
@click.option("--list", "list_only", is_flag=True, help="List the agents of the store.")
def oplog(agent_id: str | None, store: Path, list_only: bool) -> None:
    """Print an agent's oplog from a local executor store, like `golem agent oplog`.

    Without AGENT_ID (or with --list), list the ids of the store's agents.
    """
    from runtime_stub.errors import RecoveryError
    from runtime_stub.oplog.command import list_agents, print_oplog, suggest_ids

    if not store.is_file():
        raise click.UsageError(f"no oplog store at {display_path(store)}")
    try:
        if agent_id is None or list_only:
            for known in list_agents(store):
                click.echo(known)
            return
        text = print_oplog(store, agent_id)
    except RecoveryError as error:
        fail(str(error))
    if text is None:
        close = suggest_ids(list_agents(store), agent_id)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise click.UsageError(
            f"no agent {agent_id!r} in {display_path(store)}{hint} (ids are the type name and "
            'the constructor arguments as JSON, e.g. PaymentAgent("acc-1"); --list lists them)'
        )
    click.echo(text, nl=not text.endswith("\n"))

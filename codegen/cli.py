"""The `golem-codegen` command: parse options, call the api, print, pick the exit status.

Exit status: 0 nothing fails; 1 diagnostics that fail, or `generate --check` found a difference;
2 bad usage, bad configuration, or an internal error.
"""

from __future__ import annotations

import gc
import json
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from . import api
from .diagnostics import Diagnostic, Severity, unscanned_hint
from .discovery import ConfigError, display_path

if TYPE_CHECKING:
    from .generate.plan import FileChange

FORMATS = ("text", "json", "sarif", "github")
EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2


class _Group(click.Group):
    """Turns configuration errors and crashes into exit status 2 with one readable line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except ConfigError as error:
            _fail(f"configuration error: {error}")
        except FileNotFoundError as error:
            _fail(str(error))
        except Exception as error:  # the last line of defence: no traceback unless debugging
            detail = traceback.format_exc() if _debug() else f"{type(error).__name__}: {error}"
            _fail(f"internal error: {detail}\nPlease report it with the file that caused it.")


def _debug() -> bool:
    import os

    return bool(os.environ.get("GOLEM_CODEGEN_DEBUG"))


def _fail(message: str) -> NoReturn:
    click.echo(f"golem-codegen: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _codes(_ctx: click.Context, _param: click.Parameter, value: Sequence[str]) -> tuple[str, ...]:
    """The comma-separated selectors of every occurrence; one that selects nothing is bad usage."""
    selectors = [code.strip() for item in value for code in item.split(",") if code.strip()]
    for selector in selectors:
        _check_selector(selector)
    return tuple(selector.upper() for selector in selectors)


def _check_selector(selector: str) -> None:
    """Exit 2 for a typo such as `GLM999` instead of silently selecting (or ignoring) nothing."""
    from .checks.rules import SELECTOR_FORMS, selector_problem

    problem = selector_problem(selector)
    if problem is not None:
        raise click.BadParameter(f"{problem} (expected {SELECTOR_FORMS})")


paths_argument = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))


def run_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--no-cache and --jobs, shared by the commands that scan."""
    command = click.option(
        "--no-cache",
        is_flag=True,
        help="Do not read or write the scan cache (kept in the user's cache directory).",
    )(command)
    return click.option(
        "--jobs",
        "-j",
        type=click.IntRange(min=1),
        default=None,
        help="Processes that scan, this one included (default: one per CPU on large trees).",
    )(command)


def _options(no_cache: bool, jobs: int | None) -> api.Options:
    return api.Options(cache=not no_cache, jobs=jobs, progress=_progress_bar())


def _progress_bar() -> Callable[[int, int], None] | None:
    """A progress bar on stderr for long runs in a terminal; nothing otherwise."""
    if not sys.stderr.isatty() or _debug():
        return None
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if total < 200:
            return
        if "bar" not in state:
            state["bar"] = click.progressbar(length=total, label="scanning", file=sys.stderr)
            state["bar"].__enter__()
        state["bar"].update(done - state.get("done", 0))
        state["done"] = done
        if done >= total:
            state.pop("bar").__exit__(None, None, None)

    return update


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="golem-codegen")
def main() -> None:
    """Check and generate the wiring of Golem durable agents written in Python."""


def run() -> None:
    """The `golem-codegen` process (console script and `python -m codegen`).

    A run builds trees of acyclic objects and exits: cyclic garbage collection would only rescan
    them (about 4% of a check), so the process never starts it.
    """
    gc.disable()
    main(prog_name="golem-codegen")


@main.command()
@paths_argument
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text")
@click.option("--select", multiple=True, callback=_codes, help="Only these codes (or prefixes).")
@click.option("--ignore", multiple=True, callback=_codes, help="Skip these codes (or prefixes).")
@click.option("--strict", is_flag=True, help="Warnings fail the run too.")
@run_options
def check(
    paths: tuple[Path, ...],
    output_format: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    strict: bool,
    no_cache: bool,
    jobs: int | None,
) -> None:
    """Scan PATHS, run every check, print diagnostics; writes nothing."""
    options = _options(no_cache, jobs)
    result = api.check(paths or (Path("."),), select=select, ignore=ignore, options=options)
    _print_diagnostics(result.diagnostics, output_format)
    if output_format == "text":
        _summary(result.diagnostics, result.files)
    sys.exit(EXIT_FAILED if result.failed(strict=strict) else EXIT_OK)


def _print_diagnostics(diagnostics: Sequence[Diagnostic], output_format: str) -> None:
    from .formats import FORMATTERS

    text = FORMATTERS[output_format](diagnostics)
    if text:
        click.echo(text, nl=not text.endswith("\n"))


def _summary(diagnostics: Sequence[Diagnostic], files: int) -> None:
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    noun = "file" if files == 1 else "files"
    if diagnostics:
        message = f"Found {errors} error(s) and {warnings} warning(s) in {files} {noun}."
    else:
        message = f"All checks passed ({files} {noun})."
    click.echo(message + unscanned_hint(diagnostics), err=True)


@main.command()
@paths_argument
@click.option(
    "--check", "check_only", is_flag=True, help="Write nothing; fail if anything would change."
)
@click.option("--diff", is_flag=True, help="Print the unified diff of every change.")
@click.option("--force", is_flag=True, help="Overwrite generated files that were edited by hand.")
@click.option(
    "--exit-non-zero-on-fix",
    is_flag=True,
    help="Exit 1 when files were written (for pre-commit: the commit must include them).",
)
@run_options
def generate(
    paths: tuple[Path, ...],
    check_only: bool,
    diff: bool,
    force: bool,
    exit_non_zero_on_fix: bool,
    no_cache: bool,
    jobs: int | None,
) -> None:
    """Write or refresh every golem_agents.py under PATHS."""
    from .generate.plan import unified_diff

    result = api.generate(
        paths or (Path("."),),
        check_only=check_only or diff,
        force=force,
        options=_options(no_cache, jobs),
    )
    if result.refused:
        _print_diagnostics(result.diagnostics, "text")
        errors = sum(d.severity is Severity.ERROR for d in result.diagnostics)
        click.echo(f"golem-codegen: not generating: {errors} error(s); fix them first.", err=True)
        sys.exit(EXIT_FAILED)
    blocked = [c for c in result.changes if c.action in ("foreign", "edited")]
    for change in blocked if not force else [c for c in blocked if c.action == "foreign"]:
        click.echo(_blocked_message(change), err=True)
    if diff:
        for change in result.pending:
            click.echo(unified_diff(change), nl=False)
    if check_only or diff:
        pending = [c for c in result.pending if c.action not in ("foreign",)]
        for change in pending:
            click.echo(f"would {_verb(change.action)} {display_path(change.path)}", err=True)
        sys.exit(EXIT_FAILED if pending else EXIT_OK)
    for change in result.written:
        click.echo(f"{_verb(change.action)} {display_path(change.path)}", err=True)
    fixed = exit_non_zero_on_fix and bool(result.written)
    sys.exit(EXIT_FAILED if fixed or (blocked and not force) else EXIT_OK)


def _verb(action: str) -> str:
    """What a change does, as a verb: the action itself, but "edited" files are overwritten."""
    return "overwrite" if action == "edited" else action


def _blocked_message(change: FileChange) -> str:
    path = display_path(change.path)
    if change.action == "foreign":
        return (
            f"{path}: GLM042 not generated by golem-codegen; left untouched (rename or remove it)"
        )
    return f"{path}: GLM041 edited by hand; left untouched (run with --force to overwrite)"


@main.command()
@paths_argument
@run_options
def scan(paths: tuple[Path, ...], no_cache: bool, jobs: int | None) -> None:
    """Print the scanned model (agents, constructors, methods, endpoints, snapshots) as JSON."""
    from .formats.scan import project_json

    result = api.scan(paths or (Path("."),), options=_options(no_cache, jobs))
    data = project_json(result.project)
    from .formats import as_record

    data["diagnostics"] = [as_record(d) for d in result.diagnostics]
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@main.command(context_settings={"ignore_unknown_options": False})
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
    result = api.state([Path(a) for a in args] or (Path("."),), options=_options(no_cache, jobs))
    from .formats import as_record, format_text
    from .formats.state import state_json, state_text

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


@main.command()
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
        from .verify import verify as run_verify

        reports = run_verify(list(paths) or [Path(".")], examples)
    except ModuleNotFoundError as error:
        if error.name != "hypothesis":
            raise
        _fail("verify needs hypothesis: pip install 'golem-codegen[verify]'")
    for report in reports:
        click.echo(report.line())
    if not reports:
        click.echo("no generated agents found: run `golem-codegen generate` first", err=True)
    sys.exit(EXIT_FAILED if any(r.failed for r in reports) else EXIT_OK)


@main.group()
def snapshots() -> None:
    """Stored snapshots: the samples every later version of an agent must load."""


@snapshots.command("export")
@click.argument("agent_id")
@click.option(
    "--store",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path(".golem/oplog.db"),
    show_default=True,
    help="SQLite oplog store of a local executor.",
)
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

    from .verify import samples_directory

    if not store.is_file():
        raise click.UsageError(f"no oplog store at {display_path(store)}")
    target = directory if directory is not None else samples_directory([Path(".")])
    try:
        written = export_latest(store, agent_id, target)
    except LookupError as error:
        raise click.UsageError(str(error.args[0])) from None
    click.echo(display_path(written))


@main.command()
@click.argument("code")
def explain(code: str) -> None:
    """Print the documentation of a diagnostic code, with a bad and a good example."""
    from .checks.rules import explain as explain_code

    try:
        click.echo(explain_code(code.strip().upper()))
    except KeyError as error:
        raise click.UsageError(str(error.args[0] if error.args else error)) from None


@main.command()
@click.argument("agent_id")
@click.option(
    "--store",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path(".golem/oplog.db"),
    show_default=True,
    help="SQLite oplog store of a local executor.",
)
def oplog(agent_id: str, store: Path) -> None:
    """Print an agent's oplog from a local executor store, like `golem agent oplog`."""
    from runtime_stub.oplog.command import print_oplog

    if not store.is_file():
        raise click.UsageError(f"no oplog store at {display_path(store)}")
    text = print_oplog(store, agent_id)
    if text is None:
        raise click.UsageError(f"no agent {agent_id!r} in {display_path(store)}")
    click.echo(text, nl=not text.endswith("\n"))

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
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from . import api
from .diagnostics import Diagnostic, Severity
from .discovery import GOLEM_VERSIONS, Config, ConfigError, display_path, load_config, read_config

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
        except BrokenPipeError:  # `golem-codegen check | head`: the reader has gone, quietly
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_FAILED)
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
config_option = click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Read [tool.golem-codegen] from this TOML file instead of the nearest pyproject.toml.",
)


def _config(config_file: Path | None, start: Path, golem_version: str | None = None) -> Config:
    """The configuration of a run: `--config FILE`, else the nearest pyproject.toml; then
    `--golem-version` on top."""
    config = read_config(config_file) if config_file else load_config(start)
    return replace(config, golem_version=golem_version) if golem_version else config


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


def version_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """--golem-version: the Golem release the agents are built for (overrides the configuration)."""
    return click.option(
        "--golem-version",
        type=click.Choice(GOLEM_VERSIONS),
        default=None,
        help=f"Golem release the agents target (default: golem-version in pyproject.toml, "
        f"else {GOLEM_VERSIONS[-1]}); 1.5 keeps GLM007/GLM031 as warnings.",
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
@click.option(
    "--select",
    multiple=True,
    callback=_codes,
    help="Only these codes (or prefixes), instead of the configured `select`.",
)
@click.option(
    "--extend-select",
    multiple=True,
    callback=_codes,
    help="These codes (or prefixes) on top of the configured `select`.",
)
@click.option("--ignore", multiple=True, callback=_codes, help="Skip these codes (or prefixes).")
@config_option
@click.option("--strict", is_flag=True, help="Warnings fail the run too.")
@click.option("--fix", is_flag=True, help="Apply the safe fixes, then report what is left.")
@click.option("--unsafe-fixes", is_flag=True, help="Fixes that may change behaviour count too.")
@click.option("--diff", is_flag=True, help="Print the diff of the fixes instead of writing them.")
@version_option
@click.option(
    "--exit-zero",
    is_flag=True,
    help="Exit 0 whatever is found (report-only CI steps); bad usage and errors still exit 2.",
)
@click.option("--statistics", is_flag=True, help="Print a count per code instead of each problem.")
@click.option("--quiet", "-q", is_flag=True, help="No summary line on stderr.")
@run_options
def check(
    paths: tuple[Path, ...],
    output_format: str,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_file: Path | None,
    strict: bool,
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    golem_version: str | None,
    exit_zero: bool,
    statistics: bool,
    quiet: bool,
    no_cache: bool,
    jobs: int | None,
) -> None:
    """Scan PATHS, run every check, print diagnostics; writes nothing unless --fix."""
    from .diagnostics import applicable

    options = _options(no_cache, jobs)
    given = paths or (Path("."),)
    config = _config(config_file, given[0], golem_version)
    if select:  # like ruff: --select replaces the configured selection, --extend-select adds
        config = replace(config, select=())
    if select or config.select:  # an empty selection is every code: extending it adds nothing
        select = (*select, *extend_select)
    if fix or diff:
        result = _fix(given, select, ignore, options, config, unsafe=unsafe_fixes, diff=diff)
    else:
        result = api.check(given, select=select, ignore=ignore, config=config, options=options)
    shown = applicable(result.diagnostics, unsafe_fixes)
    if statistics:
        from .formats.text import format_statistics

        click.echo(format_statistics(shown), nl=False)
    else:
        _print_diagnostics(shown, output_format, given[0])
    if output_format == "text" and not quiet:
        _summary(result.diagnostics, result.files)
        _fixable(result.diagnostics, unsafe_fixes)
    failed = result.failed(strict=strict) and not exit_zero
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


def _fix(
    paths: tuple[Path, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    options: api.Options,
    config: Config | None,
    *,
    unsafe: bool,
    diff: bool,
) -> api.CheckResult:
    """`check --fix`: write the fixes and return what is left; `--diff`: print them and exit."""
    from .formats.fixes import fixed_summary, unified_diff

    result = api.fix(
        paths or (Path("."),),
        unsafe=unsafe,
        write=not diff,
        select=select,
        ignore=ignore,
        config=config,
        options=options,
    )
    if diff:
        for fixed in result.files:
            click.echo(unified_diff(fixed), nl=False)  # bytes: the file's own encoding
        click.echo(fixed_summary(result.files, written=False), err=True)
        sys.exit(EXIT_FAILED if result.files else EXIT_OK)
    if result.files:
        click.echo(fixed_summary(result.files, written=True), err=True)
    return result.remaining


def _fixable(diagnostics: Sequence[Diagnostic], unsafe: bool) -> None:
    from .formats.fixes import fixable_summary

    line = fixable_summary(diagnostics, unsafe)
    if line is not None:
        click.echo(line, err=True)


def _print_diagnostics(
    diagnostics: Sequence[Diagnostic], output_format: str, start: Path = Path(".")
) -> None:
    from .formats import FORMATTERS

    if output_format == "sarif":  # URIs relative to the repository of the checked paths
        from .formats.sarif import format_sarif, project_root

        text = format_sarif(diagnostics, project_root(start))
    else:
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
    click.echo(message, err=True)


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
@config_option
@version_option
@run_options
def generate(
    paths: tuple[Path, ...],
    check_only: bool,
    diff: bool,
    force: bool,
    exit_non_zero_on_fix: bool,
    config_file: Path | None,
    golem_version: str | None,
    no_cache: bool,
    jobs: int | None,
) -> None:
    """Write or refresh every golem_agents.py under PATHS."""
    from .generate.plan import unified_diff

    given = paths or (Path("."),)
    result = api.generate(
        given,
        check_only=check_only or diff,
        force=force,
        config=_config(config_file, given[0], golem_version),
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
    click.echo(_generated_summary(result, paths or (Path("."),)), err=True)
    fixed = exit_non_zero_on_fix and bool(result.written)
    sys.exit(EXIT_FAILED if fixed or (blocked and not force) else EXIT_OK)


_DONE = {
    "create": "created",
    "update": "updated",
    "refresh": "refreshed",
    "delete": "deleted",
    "edited": "overwritten",
}


def _generated_summary(result: api.GenerateResult, paths: Sequence[Path]) -> str:
    """What `generate` did, in one line: "1 file updated, 3 files unchanged"."""
    if not result.changes:
        return f"golem-codegen: no agents found under {', '.join(map(display_path, paths))}"
    counts: dict[str, int] = {}
    for change in result.written:
        done = _DONE.get(change.action, change.action)
        counts[done] = counts.get(done, 0) + 1
    unchanged = sum(c.action == "unchanged" for c in result.changes)
    parts = [f"{n} file{'s' * (n != 1)} {done}" for done, n in sorted(counts.items())]
    parts += [f"{unchanged} file{'s' * (unchanged != 1)} unchanged"] if unchanged else []
    return "golem-codegen: " + (", ".join(parts) or "nothing written")


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
@click.argument("code", required=False)
@click.option("--all", "every", is_flag=True, help="Every code's documentation, in code order.")
@click.option("--list", "listing", is_flag=True, help="One line per code: code, severity, title.")
def explain(code: str | None, every: bool, listing: bool) -> None:
    """Print the documentation of a diagnostic code, with a bad and a good example."""
    from .checks.rules import RULES
    from .checks.rules import explain as explain_code

    if listing or every:
        if code is not None:
            raise click.UsageError("give a CODE, or --all / --list, not both")
        if listing:
            for rule in RULES.values():
                click.echo(f"{rule.code}  {rule.severity.value:<7}  {rule.title}")
            return
        click.echo("\n".join(explain_code(rule) for rule in RULES), nl=False)
        return
    if code is None:
        raise click.UsageError("give a CODE (e.g. GLM003), or --all, or --list")
    try:
        click.echo(explain_code(code.strip().upper()))
    except KeyError as error:
        raise click.UsageError(str(error.args[0] if error.args else error)) from None


@main.command()
@click.argument("agent_id", required=False)
@click.option(
    "--store",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path(".golem/oplog.db"),
    show_default=True,
    help="SQLite oplog store of a local executor.",
)
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
        _fail(str(error))
    if text is None:
        close = suggest_ids(list_agents(store), agent_id)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise click.UsageError(
            f"no agent {agent_id!r} in {display_path(store)}{hint} (ids are the type name and "
            'the constructor arguments as JSON, e.g. PaymentAgent("acc-1"); --list lists them)'
        )
    click.echo(text, nl=not text.endswith("\n"))

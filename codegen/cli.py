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
from .discovery import Config, ConfigError, display_path, load_config, read_config

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


def _config(config_file: Path | None, start: Path) -> Config:
    """The configuration of a run: `--config FILE`, else the nearest pyproject.toml."""
    return read_config(config_file) if config_file else load_config(start)


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
    exit_zero: bool,
    statistics: bool,
    quiet: bool,
    no_cache: bool,
    jobs: int | None,
) -> None:
    """Scan PATHS, run every check, print diagnostics; writes nothing."""
    options = _options(no_cache, jobs)
    given = paths or (Path("."),)
    config = _config(config_file, given[0])
    if select:  # like ruff: --select replaces the configured selection, --extend-select adds
        config = replace(config, select=())
    if select or config.select:  # an empty selection is every code: extending it adds nothing
        select = (*select, *extend_select)
    result = api.check(given, select=select, ignore=ignore, config=config, options=options)
    if statistics:
        from .formats.text import format_statistics

        click.echo(format_statistics(result.diagnostics), nl=False)
    else:
        _print_diagnostics(result.diagnostics, output_format, given[0])
    if output_format == "text" and not quiet:
        _summary(result.diagnostics, result.files)
    failed = result.failed(strict=strict) and not exit_zero
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


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
@run_options
def generate(
    paths: tuple[Path, ...],
    check_only: bool,
    diff: bool,
    force: bool,
    exit_non_zero_on_fix: bool,
    config_file: Path | None,
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
        config=_config(config_file, given[0]),
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

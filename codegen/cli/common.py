"""What every command shares: options, configuration, printing diagnostics, exit statuses."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from .. import api
from ..diagnostics import Diagnostic, Severity, unscanned_hint
from ..discovery import GOLEM_VERSIONS, Config, load_config, read_config

if TYPE_CHECKING:
    pass


FORMATS = ("text", "json", "sarif", "github")


EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2


def debug() -> bool:
    import os

    return bool(os.environ.get("GOLEM_CODEGEN_DEBUG"))


def fail(message: str) -> NoReturn:
    click.echo(f"golem-codegen: {message}", err=True)
    sys.exit(EXIT_ERROR)


def selector_codes(
    _ctx: click.Context, _param: click.Parameter, value: Sequence[str]
) -> tuple[str, ...]:
    """The comma-separated selectors of every occurrence; one that selects nothing is bad usage."""
    selectors = [code.strip() for item in value for code in item.split(",") if code.strip()]
    for selector in selectors:
        _check_selector(selector)
    return tuple(selector.upper() for selector in selectors)


def _check_selector(selector: str) -> None:
    """Exit 2 for a typo such as `GLM999` instead of silently selecting (or ignoring) nothing."""
    from ..checks.rules import SELECTOR_FORMS, selector_problem

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


def config_from(config_file: Path | None, start: Path, golem_version: str | None = None) -> Config:
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


def options_from(no_cache: bool, jobs: int | None) -> api.Options:
    return api.Options(cache=not no_cache, jobs=jobs, progress=progress_bar())


def progress_bar() -> Callable[[int, int], None] | None:
    """A progress bar on stderr for long runs in a terminal; nothing otherwise."""
    if not sys.stderr.isatty() or debug():
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


def print_diagnostics(
    diagnostics: Sequence[Diagnostic], output_format: str, start: Path = Path(".")
) -> None:
    from ..formats import FORMATTERS

    if output_format == "sarif":  # URIs relative to the repository of the checked paths
        from ..formats.sarif import format_sarif, project_root

        text = format_sarif(diagnostics, project_root(start))
    else:
        text = FORMATTERS[output_format](diagnostics)
    if text:
        click.echo(text, nl=not text.endswith("\n"))


def summary(diagnostics: Sequence[Diagnostic], files: int) -> None:
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    noun = "file" if files == 1 else "files"
    if diagnostics:
        message = f"Found {errors} error(s) and {warnings} warning(s) in {files} {noun}."
    else:
        message = f"All checks passed ({files} {noun})."
    click.echo(message + unscanned_hint(diagnostics), err=True)

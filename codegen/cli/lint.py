"""The linter and the generator: `check` (and `--fix`), `generate`, `scan`, `explain`."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import api
from ..diagnostics import Diagnostic, Severity
from ..discovery import Config, display_path

if TYPE_CHECKING:
    from ..generate.plan import FileChange
from .common import (
    EXIT_FAILED,
    EXIT_OK,
    FORMATS,
    config_from,
    config_option,
    options_from,
    paths_argument,
    print_diagnostics,
    run_options,
    selector_codes,
    summary,
    version_option,
)
from .replay import pending as replayable_answers


@click.command()
@paths_argument
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text")
@click.option(
    "--select",
    multiple=True,
    callback=selector_codes,
    help="Only these codes (or prefixes), instead of the configured `select`.",
)
@click.option(
    "--extend-select",
    multiple=True,
    callback=selector_codes,
    help="These codes (or prefixes) on top of the configured `select`.",
)
@click.option(
    "--ignore", multiple=True, callback=selector_codes, help="Skip these codes (or prefixes)."
)
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
    from ..diagnostics import applicable

    options = options_from(no_cache, jobs)
    given = paths or (Path("."),)
    config = config_from(config_file, given[0], golem_version)
    if select:  # like ruff: --select replaces the configured selection, --extend-select adds
        config = replace(config, select=())
    if select or config.select:  # an empty selection is every code: extending it adds nothing
        select = (*select, *extend_select)
    if fix or diff:
        result = _fix(given, select, ignore, options, config, unsafe=unsafe_fixes, diff=diff)
    else:
        result = api.check(given, select=select, ignore=ignore, config=config, options=options)
        if result.inputs is not None and config_file is None:
            replayable_answers.append(result.inputs)
    shown = applicable(result.diagnostics, unsafe_fixes)
    if statistics:
        from ..formats.text import format_statistics

        click.echo(format_statistics(shown), nl=False)
    else:
        print_diagnostics(shown, output_format, given[0])
    if output_format == "text" and not quiet:
        summary(result.diagnostics, result.files)
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
    from ..formats.fixes import fixed_summary, unified_diff

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
    from ..formats.fixes import fixable_summary

    line = fixable_summary(diagnostics, unsafe)
    if line is not None:
        click.echo(line, err=True)


@click.command()
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
    from ..generate.plan import unified_diff

    given = paths or (Path("."),)
    result = api.generate(
        given,
        check_only=check_only or diff,
        force=force,
        config=config_from(config_file, given[0], golem_version),
        options=options_from(no_cache, jobs),
    )
    if result.inputs is not None and not result.written:
        replayable_answers.append(result.inputs)
    if result.refused:
        print_diagnostics(result.diagnostics, "text")
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


@click.command()
@paths_argument
@run_options
def scan(paths: tuple[Path, ...], no_cache: bool, jobs: int | None) -> None:
    """Print the scanned model (agents, constructors, methods, endpoints, snapshots) as JSON."""
    from ..formats.scan import project_json

    result = api.scan(paths or (Path("."),), options=options_from(no_cache, jobs))
    data = project_json(result.project)
    from ..formats import as_record

    data["diagnostics"] = [as_record(d) for d in result.diagnostics]
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@click.command()
@click.argument("code", required=False)
@click.option("--all", "every", is_flag=True, help="Every code's documentation, in code order.")
@click.option("--list", "listing", is_flag=True, help="One line per code: code, severity, title.")
def explain(code: str | None, every: bool, listing: bool) -> None:
    """Print the documentation of a diagnostic code, with a bad and a good example."""
    from ..checks.rules import RULES
    from ..checks.rules import explain as explain_code

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

"""The pipeline as functions: check, scan, generate. Pure results; never prints, never exits.

bytes -> (scanner) ModuleScan -> (resolve) Project -> (checks) Finding -> (locate) Diagnostic.
Heavy modules (libcst, jinja2) are imported only when a file actually needs parsing or rendering.
"""

from __future__ import annotations

import os
import re
import tokenize
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic, Finding, Severity
from .discovery import Config, Tree, discover, display_path, load_config
from .model import ModuleScan, Project, Span

if TYPE_CHECKING:
    from .generate import FileChange
    from .scanner import ScannedFile

__all__ = ["CheckResult", "GenerateResult", "ScanResult", "check", "generate", "scan"]

PathLike = str | os.PathLike[str]
RUNTIME_MARK = b"runtime_stub"
GENERATOR_CODES = frozenset({"GLM040", "GLM041"})
"""Codes `generate` itself repairs, so they do not stop it from writing."""


@dataclass(frozen=True, slots=True)
class CheckResult:
    """Diagnostics of a `check` run, sorted by path, line, column, code."""

    diagnostics: tuple[Diagnostic, ...]
    files: int

    def failed(self, *, strict: bool = False) -> bool:
        """Whether the run fails: any error, or any warning too when strict."""
        return any(strict or d.severity is Severity.ERROR for d in self.diagnostics)


@dataclass(frozen=True, slots=True)
class ScanResult:
    """The resolved model of the tree and the diagnostics found on the way."""

    project: Project
    diagnostics: tuple[Diagnostic, ...]


@dataclass(frozen=True, slots=True)
class GenerateResult:
    """What `generate` planned, what it wrote, and why it refused to write, if it did."""

    changes: tuple[FileChange, ...]
    written: tuple[FileChange, ...]
    diagnostics: tuple[Diagnostic, ...]
    refused: bool

    @property
    def pending(self) -> tuple[FileChange, ...]:
        """Changes that would modify the tree (everything but unchanged files)."""
        return tuple(change for change in self.changes if change.action != "unchanged")


def check(
    paths: Sequence[PathLike] = (".",),
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    config: Config | None = None,
) -> CheckResult:
    """Scan `paths`, run every check (generated files included), and return located diagnostics."""
    run = _Run(paths, config)
    project = run.project()
    findings = [*run.failures, *_run_checks(project)]
    if project.agents or run.tree.generated:
        findings += _generated_findings(_plan(project, run.tree))
    return CheckResult(run.diagnostics(findings, select, ignore), len(run.tree.sources))


def scan(paths: Sequence[PathLike] = (".",), *, config: Config | None = None) -> ScanResult:
    """Scan and resolve `paths` without running the checks."""
    run = _Run(paths, config)
    project = run.project()
    return ScanResult(project, run.diagnostics(run.failures, (), ()))


def generate(
    paths: Sequence[PathLike] = (".",),
    *,
    check_only: bool = False,
    force: bool = False,
    config: Config | None = None,
) -> GenerateResult:
    """Write or refresh every golem_agents.py; refuses (writes nothing) while the tree has errors."""
    run = _Run(paths, config)
    project = run.project()
    changes = _plan(project, run.tree)
    findings = [*run.failures, *_run_checks(project), *_generated_findings(changes)]
    diagnostics = run.diagnostics(findings, (), ())
    blocking = [
        d for d in diagnostics if d.severity is Severity.ERROR and d.code not in GENERATOR_CODES
    ]
    if blocking or check_only:
        return GenerateResult(changes, (), diagnostics, bool(blocking))
    from .generate import apply_changes

    written = apply_changes(changes, force=force)
    return GenerateResult(changes, written, diagnostics, False)


def _run_checks(project: Project) -> list[Finding]:
    if not project.agents:
        return []
    from .checks import run_checks

    return run_checks(project)


def _plan(project: Project, tree: Tree) -> tuple[FileChange, ...]:
    from .generate import plan_generation

    return plan_generation(project, tree.generated)


def _generated_findings(changes: Sequence[FileChange]) -> list[Finding]:
    from .checks.generated import generated_findings

    return generated_findings(changes)


class _Run:
    """One pass over a tree: reads each file once, scans on demand, locates at the end."""

    def __init__(self, paths: Sequence[PathLike], config: Config | None) -> None:
        given = [Path(p) for p in paths] or [Path(".")]
        missing = [p for p in given if not p.exists()]
        if missing:
            raise FileNotFoundError(f"no such file or directory: {display_path(missing[0])}")
        self.config = config if config is not None else load_config(given[0])
        self.tree = discover(given, self.config)
        self.failures: list[Finding] = []
        self.sources: dict[str, bytes] = {}
        self.scanned: dict[str, ScannedFile] = {}
        self._by_module: dict[str, ModuleScan | None] = {}

    def project(self) -> Project:
        """Scan every file that mentions the runtime, then resolve (loading type modules on demand)."""
        scans: list[ModuleScan] = []
        for source in self.tree.sources:
            data = self._read(source.path, source.display)
            if data is not None and RUNTIME_MARK in data:
                found = self._scan(data, source.display, source.module)
                if found is not None:
                    scans.append(found)
                    self._by_module.setdefault(source.module, found)
        if not scans:
            return Project(scans=(), agents=())
        from .resolve import resolve

        return resolve(scans, self._load_module)

    def _read(self, path: Path, display: str) -> bytes | None:
        try:
            data = path.read_bytes()
        except OSError as error:
            reason = error.strerror or str(error)
            self.failures.append(
                Finding("GLM901", f"cannot read {display}: {reason}", display, span=_START)
            )
            return None
        self.sources[display] = data
        return data

    def _scan(self, data: bytes, display: str, module: str) -> ModuleScan | None:
        from .scanner import ScanFailure, scan_source

        outcome = scan_source(data, display, module)
        if isinstance(outcome, ScanFailure):
            self.failures.append(outcome.finding)
            return None
        self.scanned[display] = outcome
        return outcome.scan

    def _load_module(self, module: str) -> ModuleScan | None:
        if module not in self._by_module:
            self._by_module[module] = self._find_and_scan(module)
        return self._by_module[module]

    def _find_and_scan(self, module: str) -> ModuleScan | None:
        relative = Path(*module.split("."))
        for root in self.tree.roots:
            for candidate in (root / relative.with_suffix(".py"), root / relative / "__init__.py"):
                if candidate.is_file():
                    display = display_path(candidate)
                    data = self.sources.get(display) or self._read(candidate, display)
                    return None if data is None else self._scan(data, display, module)
        return None

    def diagnostics(
        self, findings: Iterable[Finding], select: Sequence[str], ignore: Sequence[str]
    ) -> tuple[Diagnostic, ...]:
        """Locate, suppress, filter and sort."""
        from .diagnostics import selected
        from .rules import severity_of

        select = (*self.config.select, *select) if select or self.config.select else ()
        ignore = (*self.config.ignore, *ignore)
        findings = [f for f in findings if selected(f.code, select, ignore)]
        spans = self._locate(findings)
        result: set[Diagnostic] = set()
        for finding in findings:
            span = finding.span or spans.get((finding.path, finding.anchor), _START)
            if self._is_suppressed(finding, span, spans):
                continue
            result.add(
                Diagnostic(
                    finding.path,
                    span.line,
                    span.column,
                    finding.code,
                    span.end_line,
                    span.end_column,
                    severity_of(finding.code),
                    finding.message,
                )
            )
        return tuple(sorted(result))

    def _locate(self, findings: Sequence[Finding]) -> dict[tuple[str, int | None], Span]:
        wanted: dict[str, set[int]] = {}
        for finding in findings:
            for anchor in (finding.anchor, finding.suppress_anchor):
                if anchor is not None and finding.path in self.scanned:
                    wanted.setdefault(finding.path, set()).add(anchor)
        if not wanted:
            return {}
        from .positions import locate

        spans: dict[tuple[str, int | None], Span] = {}
        for path, anchors in wanted.items():
            for anchor, span in locate(self.scanned[path], anchors).items():
                spans[(path, anchor)] = span
        return spans

    def _is_suppressed(
        self, finding: Finding, span: Span, spans: dict[tuple[str, int | None], Span]
    ) -> bool:
        from .diagnostics import suppressed

        lines = self._lines(finding.path)
        candidates = [span.line]
        decorator = spans.get((finding.path, finding.suppress_anchor))
        if finding.suppress_anchor is not None and decorator is not None:
            candidates.append(decorator.line)
        return any(
            0 < line <= len(lines) and suppressed(finding.code, lines[line - 1])
            for line in candidates
        )

    def _lines(self, display: str) -> list[str]:
        data = self.sources.get(display)
        if data is None:
            return []
        try:
            encoding, _ = tokenize.detect_encoding(BytesIO(data).readline)
            text = data.decode(encoding, errors="replace")
        except (SyntaxError, LookupError):
            text = data.decode("utf-8", errors="replace")
        return _LINE_BREAK.split(text)


_START = Span(1, 1, 1, 1)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
"""Python's own line breaks (str.splitlines also splits on form feeds and U+2028)."""

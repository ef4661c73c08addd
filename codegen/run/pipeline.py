"""One pass over a tree: read each file once, scan (cached, in parallel when large), resolve, locate.

The api composes these steps; nothing here prints. Positions are computed only for files that end up
with diagnostics, from the CST when it is still in memory, else from the cache, else by re-scanning
(scans are deterministic, so the anchors match).
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from ..diagnostics import Diagnostic, Finding, sort_key
from ..discovery import Config, Walked, discover, display_path, load_config
from ..model import ModuleScan, Project, Span
from ..scan.text import check_decodable
from .cache import CacheEntry, PlannedChanges, RunResult, ScanCache, cache_directory, file_digest
from .grouping import Resolved, units_of
from .locate import START, anchors_by_path, related_locations, rescan, source_lines
from .pool import Counter, Job, gc_paused, scan_aside, scan_entry
from .runkey import run_digest

__all__ = ["DEFAULT_OPTIONS", "Options", "Run"]

RUNTIME_MARK = b"runtime_stub"
PARALLEL_THRESHOLD = 64
"""Below this many files to parse, worker start-up (a libcst import each) costs more than it saves."""

UNUSED_SUPPRESSION = "GLM902"
"""Not itself suppressed by comments: a bare `# golem: ignore` would always hide its own report."""

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Options:
    """How a run works, not what it checks: cache, worker processes, progress reporting."""

    cache: bool = True
    jobs: int | None = None
    """Processes that scan (this one included); None = one per CPU when the tree is large enough."""
    progress: Progress | None = None


DEFAULT_OPTIONS = Options()


class Run:
    """State of one run over the given paths."""

    def __init__(
        self,
        paths: Sequence[str | os.PathLike[str]],
        config: Config | None,
        options: Options,
        overlay: Mapping[str, bytes] | None = None,
    ) -> None:
        """`overlay`: file contents by display path that stand in for the files on disk (the
        rounds of `check --fix --diff`, which writes nothing)."""
        given = [Path(p) for p in paths] or [Path(".")]
        missing = [p for p in given if not p.exists()]
        if missing:
            raise FileNotFoundError(f"no such file or directory: {display_path(missing[0])}")
        self.given = tuple(given)
        self.config = config if config is not None else load_config(given[0])
        self.walked = Walked()
        self.tree = discover(given, self.config, self.walked)
        self.options = options
        root = self.config.root or Path.cwd()
        directory = cache_directory(root) if options.cache else None
        self.cache = ScanCache(directory, salt=str(root))
        self.failures: list[Finding] = []
        self.sources: dict[str, bytes] = {}
        self._overlay = dict(overlay) if overlay is not None else None
        self._used: set[tuple[str, int, str]] = set()
        """(path, line, entry) of each suppression that suppressed a finding (GLM902)."""
        self._entries: dict[str, tuple[str, CacheEntry]] = {}
        self._by_module: dict[str, ModuleScan | None] = {}
        self._located: dict[str, str] = {}
        """Module name -> the file that holds it, for every module looked up and found."""
        self._remembered: dict[str, str] = {}
        self._batch: dict[str, tuple[bytes, str]] = {}
        """Module name -> (bytes, display path) of the first file of the batch with that name."""
        self.broken: dict[str, str] = {}
        """Modules that did not scan (GLM900/GLM901) -> why, for the messages that need them."""
        self.meanwhile: list[Callable[[], object]] = []
        """Work to do while a forked child scans a few files (`scan_aside`)."""

    def run_key(self, *salt: str) -> str:
        """A key for the result of the whole run (`run_digest`); reads every file. Without a
        cache, or with an overlay, there is no key ("")."""
        if self.cache.directory is None or self._overlay is not None:
            return ""
        return self.cache.key(run_digest(self.config, self.tree, self._read, salt), "run", "")

    def store_result(
        self, key: str, found: tuple[Diagnostic, ...], changes: PlannedChanges = ()
    ) -> list[str]:
        """Remember a run's diagnostics (`generate`'s changes too) with the digests of the files
        read on demand, whose paths are returned."""
        discovered = {source.display for source in self.tree.sources}
        extra = tuple(
            (display, file_digest(data))
            for display, data in sorted(self.sources.items())
            if display not in discovered
        )
        result = RunResult(found, len(self.tree.sources), extra, changes)
        self.cache.put(key, CacheEntry(None, None, result=result))
        return [display for display, _ in extra]

    # ----------------------------------------------------------------------- scanning

    def project(self) -> Project:
        """Scan every file that mentions the runtime, then resolve (type modules load on demand)."""
        scans = self.scans()
        if not scans:
            return Project(scans=(), agents=())
        from ..resolve.project import merge

        return merge(scans, [self.resolve_unit(unit).project for unit in units_of(scans)])

    def scans(self) -> list[ModuleScan]:
        """The scans of every file that mentions the runtime (or was named), in tree order."""
        return self.scan_files(self.batch(), report=True)

    def batch(self) -> list[Job]:
        """The files to scan: those that mention the runtime (or were named), in tree order.
        The others are only decoded (GLM901 for each that cannot be)."""
        batch = []
        for source in self.tree.sources:
            data = self.sources.get(source.display) or self._read(source.path, source.display)
            if data is None:
                continue
            if RUNTIME_MARK in data or source.named:
                batch.append((data, source.display, source.module))
                self._batch.setdefault(source.module, (data, source.display))
                self._remembered.setdefault(source.display, source.module)
            elif (failure := check_decodable(data, source.display)) is not None:
                self.failures.append(failure)
        return batch

    def scan_files(self, jobs: Sequence[Job], *, report: bool = False) -> list[ModuleScan]:
        """The scans of `jobs` that scan (failures are recorded), from the cache when stored."""
        with gc_paused():
            scans = [scan for scan in self._scan_batch(jobs, report=report) if scan is not None]
        gc.freeze()  # the scans live as long as the run: later collections need not walk them
        for scan in scans:
            if self._batch.get(scan.module, (b"", scan.path))[1] == scan.path:
                self._by_module.setdefault(scan.module, scan)
                self._located.setdefault(scan.module, scan.path)
        return scans

    def entry(self, display: str) -> CacheEntry | None:
        """What scanning a file of this run gave, if it was scanned (or loaded)."""
        found = self._entries.get(display)
        return found[1] if found is not None else None

    def failed(self, failure: Finding, module: str) -> None:
        """Record the scan failure of a file whose scan was not loaded (known from a record)."""
        self._accept(CacheEntry(None, failure), module)

    def resolve_unit(self, scans: Sequence[ModuleScan]) -> Resolved:
        """Resolve the agents of one directory's modules, loading others on demand; what was
        read on the way (files, and module names not found) is returned with the project."""
        from ..resolve.project import resolve

        requested: list[str] = []

        def load(module: str) -> ModuleScan | None:
            requested.append(module)
            return self._load_module(module)

        project = resolve(scans, load, self.broken)
        files = {scan.path: scan.module for scan in scans}
        files.update((self._located[m], m) for m in requested if m in self._located)
        absent = {m for m in requested if m not in self._located}
        return Resolved(project, files, frozenset(absent))

    def remember(self, files: Iterable[tuple[str, str]]) -> None:
        """(display path, module) of files a reused result points into: read and located on
        demand (their positions and suppressions) although this run resolved nothing there."""
        for display, module in files:
            self._remembered.setdefault(display, module)

    def exists(self, module: str) -> bool:
        """Whether `module` is a file of the tree's roots (as `_find_and_scan` would find it)."""
        return self._file_of(module) is not None

    def _read(self, path: Path, display: str) -> bytes | None:
        if self._overlay is not None and display in self._overlay:
            self.sources[display] = self._overlay[display]
            return self.sources[display]
        try:
            data = path.read_bytes()
        except OSError as error:
            reason = error.strerror or str(error)
            message = f"cannot read {display}: {reason}; check that the file exists and is readable"
            self.failures.append(Finding("GLM901", message, display, span=START))
            return None
        self.sources[display] = data
        return data

    def _scan_batch(
        self, batch: Sequence[tuple[bytes, str, str]], *, report: bool = False
    ) -> list[ModuleScan | None]:
        misses = []
        for data, display, module in batch:
            known = self._entries.get(display)
            scan = known[1].scan if known is not None else None
            if known is not None and (scan is None or scan.module == module):
                continue  # scanned (or loaded) earlier in this run
            key = self.cache.key(data, display, module)
            entry = self.cache.get(key)
            if entry is None:
                misses.append((key, data, display, module))
            else:
                self._entries[display] = (key, entry)
        scanned = self._scan_misses(misses, self.options.progress if report else None)
        for (key, _, display, _), entry in zip(misses, scanned, strict=True):
            self.cache.put(key, entry)
            self._entries[display] = (key, entry)
        return [self._accept(self._entries[display][1], module) for _, display, module in batch]

    def _scan_misses(
        self, misses: Sequence[tuple[str, bytes, str, str]], progress: Progress | None
    ) -> list[CacheEntry]:
        """Scan in worker processes when there are many files, else here; CSTs are not kept
        (positions re-parse the few files that have diagnostics)."""
        jobs = self.jobs
        work = [(data, display, module) for _, data, display, module in misses]
        if not work:
            return []
        if jobs > 1 and len(work) < PARALLEL_THRESHOLD and "libcst" not in sys.modules:
            aside = scan_aside(work, self.meanwhile)  # a few files: libcst loads in a child
            if aside is not None:
                return aside
        from ..scan.parse import unvalidated

        counter = Counter(len(work), progress)
        with gc_paused(), unvalidated():  # forked workers inherit both
            if jobs > 1 and len(work) >= PARALLEL_THRESHOLD:
                from .pool import scan_in_parallel

                return scan_in_parallel(work, jobs, counter.done)
            entries = []
            for job in work:
                entries.append(scan_entry(job))
                counter.done()
            return entries

    def _accept(self, entry: CacheEntry, module: str) -> ModuleScan | None:
        failure = entry.failure
        if failure is not None:
            self.failures.append(failure)
            problem = "has a syntax error" if failure.code == "GLM900" else "cannot be read"
            self.broken.setdefault(module, f"`{failure.path}` {problem}")
        return entry.scan

    def _load_module(self, module: str) -> ModuleScan | None:
        if module not in self._by_module:
            if module in self._batch:  # the first file of the batch with that name
                self._by_module[module] = self._scan_module(module, *self._batch[module])
            else:
                self._by_module[module] = self._find_and_scan(module)
        return self._by_module[module]

    def _find_and_scan(self, module: str) -> ModuleScan | None:
        found = self._file_of(module)
        if found is None:
            return None
        candidate, display = found
        data = self.sources.get(display) or self._read(candidate, display)
        return None if data is None else self._scan_module(module, data, display)

    def _scan_module(self, module: str, data: bytes, display: str) -> ModuleScan | None:
        self._located[module] = display
        return self._scan_batch([(data, display, module)])[0]

    def _file_of(self, module: str) -> tuple[Path, str] | None:
        relative = Path(*module.split("."))
        for root in self.tree.roots:
            for candidate in (root / relative.with_suffix(".py"), root / relative / "__init__.py"):
                if candidate.is_file():
                    return candidate, display_path(candidate)
        return None

    @property
    def jobs(self) -> int:
        """Worker processes this run may use."""
        return self.options.jobs or os.cpu_count() or 1

    def content_key(self, path: str) -> str:
        """The content key under which `path` was scanned ("" if it was not)."""
        self._recall(path)
        return self._entries.get(path, ("", None))[0]

    # ----------------------------------------------------------------------- reporting

    def diagnostics(
        self, findings: Iterable[Finding], select: Sequence[str], ignore: Sequence[str]
    ) -> tuple[Diagnostic, ...]:
        """Locate, apply `# golem: ignore` and select/ignore, de-duplicate and sort."""
        from ..checks.rules import severity_of
        from ..diagnostics import selected

        select = (*self.config.select, *select)
        ignore = (*self.config.ignore, *ignore)
        ignored_in = self.config.ignored_in
        kept = [f for f in findings if selected(f.code, select, (*ignore, *ignored_in(f.path)))]
        spans = self._locate(kept)
        result: set[Diagnostic] = set()
        for finding in kept:
            span = finding.span or spans.get((finding.path, finding.anchor), START)
            decorator = spans.get((finding.path, finding.suppress_anchor))
            if finding.code != UNUSED_SUPPRESSION and self._suppressed(finding, span, decorator):
                continue
            result.add(
                Diagnostic(
                    finding.path,
                    span.line,
                    span.column,
                    finding.code,
                    span.end_line,
                    span.end_column,
                    severity_of(finding.code, self.config.golem_version),
                    finding.message,
                    related_locations(finding, spans),
                )
            )
        return tuple(sorted(result, key=sort_key))

    def _locate(self, findings: Sequence[Finding]) -> dict[tuple[str, int | None], Span]:
        spans: dict[tuple[str, int | None], Span] = {}
        for path, anchors in sorted(anchors_by_path(findings).items()):
            located = self._spans_of(path)
            spans.update({(path, a): located[a] for a in anchors if a in located})
        return spans

    def _spans_of(self, path: str) -> dict[int, Span]:
        """Spans of every anchor of a file: cached, or located from its (possibly re-parsed) CST."""
        self._recall(path)
        key, entry = self._entries.get(path, ("", CacheEntry(None, None)))
        if entry.spans is not None:
            return entry.spans
        scanned = None
        if path in self.sources and entry.scan is not None:
            scanned = rescan(self.sources[path], path, entry.scan.module)
        if scanned is None:
            return {}
        from ..scan.positions import locate

        entry.spans = locate(scanned, range(len(scanned.nodes)))
        if key:
            self.cache.put(key, entry)
        return entry.spans

    def _recall(self, path: str) -> None:
        """Read and scan (from the cache) a remembered file this run has not read yet."""
        module = self._remembered.get(path)
        if module is not None and path not in self._entries:
            data = self.sources.get(path) or self._read(Path(path), path)
            if data is not None:
                self._scan_batch([(data, path, module)])

    def _suppressed(self, finding: Finding, span: Span, decorator: Span | None) -> bool:
        """Whether a `# golem: ignore` covers the finding; each one that does is recorded."""
        from ..diagnostics import suppressing

        self._recall(finding.path)
        lines = source_lines(self.sources.get(finding.path))
        candidates = [span.line] if decorator is None else [span.line, decorator.line]
        found = False
        for line in candidates:
            if 0 < line <= len(lines):
                for entry in suppressing(finding.code, lines[line - 1]):
                    self._used.add((finding.path, line, entry))
                    found = True
        return found

    def unused_suppressions(self, select: Sequence[str], ignore: Sequence[str]) -> list[Finding]:
        """GLM902 for the suppressions of the checked files that no finding so far used
        (files that cannot be decoded or parsed are left out: their findings are unknown)."""
        from ..checks.suppressions import unused_in_files
        from ..diagnostics import selected

        reported = partial(
            selected, select=(*self.config.select, *select), ignore=(*self.config.ignore, *ignore)
        )
        failed = {f.path for f in self.failures}
        files = [
            (source.display, self.sources[source.display])
            for source in self.tree.sources
            if source.display in self.sources and source.display not in failed
        ]
        return unused_in_files(files, self._used, reported)

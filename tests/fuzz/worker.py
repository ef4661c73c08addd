"""Scans the files named on stdin, one per line, answering one line each on stdout.

The campaign runs it in a child process so that a crash (the process dies) or a hang (no answer in
time) is pinned on one file. `import runtime_stub` is prepended so that the scanner must parse it.
"""

from __future__ import annotations

import sys
import time

from codegen.scan.module import ScanFailure, scan_source
from codegen.scan.parse import unvalidated

FORCE = b"\nimport runtime_stub\n"


def answer(path: str) -> str:
    """`ok|glm900|internal SECONDS`: how the scan of one file ended."""
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as error:
        return f"unreadable 0 {error}"
    started = time.perf_counter()
    result = scan_source(data + FORCE, path, "fuzzed")
    spent = time.perf_counter() - started
    if isinstance(result, ScanFailure):
        finding = result.finding
        kind = "internal" if "internal scanner error" in finding.message else finding.code.lower()
        return f"{kind} {spent:.3f} {finding.message[:120]}"
    return f"ok {spent:.3f}"


def main() -> None:
    with unvalidated():
        for line in sys.stdin:
            print(answer(line.rstrip("\n")), flush=True)


if __name__ == "__main__":
    main()

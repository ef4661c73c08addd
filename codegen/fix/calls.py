"""GLM033: a non-deterministic call replaced by its durable stand-in, adding the import.

Safe where the stand-in returns the same type with the same meaning (`uuid.uuid4()` ->
`uuid4()`, `random.random()` -> `random()`, `time.time()` -> `now().timestamp()`,
`datetime.now(tz)` -> `now()` for UTC, else `now().astimezone(tz)`). Unsafe where the meaning
changes (naive local times become aware UTC ones, `uuid1` becomes `uuid4`), or where the call
is wrapped in `durable_call(f, ...)`, which also retries it under the agent's retry policy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import libcst as cst

from ..diagnostics import Applicability, Fix
from .imports import removed_import, runtime_name, taken_over
from .tree import SourceText

__all__ = ["durable_stand_in_fix"]

UTC_NAMES: Final = frozenset({"datetime.timezone.utc", "datetime.UTC"})
RECORDED: Final = frozenset(
    {
        *(f"time.{name}" for name in ("time_ns", "monotonic", "monotonic_ns", "perf_counter")),
        *(f"time.{name}" for name in ("perf_counter_ns", "process_time", "process_time_ns")),
        "os.urandom",
        "os.getrandom",
        *(f"random.{name}" for name in ("randint", "randrange", "choice", "choices", "uniform")),
        *(f"random.{name}" for name in ("sample", "getrandbits", "gauss", "triangular")),
        *(f"secrets.{name}" for name in ("token_bytes", "token_hex", "token_urlsafe", "choice")),
        *(f"secrets.{name}" for name in ("randbelow", "randbits")),
    }
)
"""Callees whose value `durable_call` records as it is (functions that return a fresh value;
`random.shuffle` works in place, so replaying its recorded None would not shuffle)."""

Rewrite = tuple[str, str, Applicability]
"""(runtime name, the replacement with `{}` for its local name, applicability)."""
_SIMPLE: Final[dict[str, Rewrite]] = {
    "uuid.uuid4": ("uuid4", "{}()", "safe"),
    "uuid.uuid1": ("uuid4", "{}()", "unsafe"),
    "random.random": ("random", "{}()", "safe"),
    "time.time": ("now", "{}().timestamp()", "safe"),
    "datetime.datetime.utcnow": ("now", "{}()", "unsafe"),
    "datetime.datetime.today": ("now", "{}()", "unsafe"),
    "datetime.date.today": ("now", "{}().date()", "unsafe"),
}


def durable_stand_in_fix(source: SourceText, call: cst.Call) -> Fix | None:
    """The rewrite of a non-deterministic `call`, or None when it has no one right form."""
    callee = _callee(source, call)
    if callee is None:
        return None
    rewrite = _rewrite(source, callee, call)
    if rewrite is None:
        return None
    name, render, applicability = rewrite
    imported = runtime_name(source, name, call)
    calls, removals = [call], []
    if callee in _SIMPLE and (imported is None or imported.local != name):
        takeover = taken_over(source, name, callee, call)
        if takeover is not None and (removals := removed_import(source, name)):
            calls, imported = takeover
    if imported is None:
        return None
    replacement = render(imported.local)
    edits = [source.span_edit(each, replacement) for each in calls]
    edits += [*removals, *([imported.edit] if imported.edit is not None else [])]
    return Fix(applicability, f"replace with `{_one_line(replacement)}`", tuple(edits))


def _callee(source: SourceText, call: cst.Call) -> str | None:
    names = source.qualified_names(call.func)
    known = [name for name in names if name in _SIMPLE or name in RECORDED]
    known += [name for name in names if name == "datetime.datetime.now"]
    return known[0] if len(known) == 1 else None


def _rewrite(
    source: SourceText, callee: str, call: cst.Call
) -> tuple[str, Callable[[str], str], Applicability] | None:
    if any(arg.star for arg in call.args):
        return None
    if callee == "datetime.datetime.now":
        return _now(source, call)
    if callee in _SIMPLE:
        name, template, applicability = _SIMPLE[callee]
        return (name, template.format, applicability) if not call.args else None

    def recorded(local: str) -> str:
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")) if call.args else None
        function = cst.Arg(call.func, comma=comma or cst.MaybeSentinel.DEFAULT)
        wrapped = cst.Call(
            cst.Name(local),
            [function, *call.args],
            whitespace_before_args=call.whitespace_before_args,
        )
        return source.code(wrapped)

    return "durable_call", recorded, "unsafe"


def _now(
    source: SourceText, call: cst.Call
) -> tuple[str, Callable[[str], str], Applicability] | None:
    """`datetime.now()` (naive local: unsafe), `datetime.now(UTC)`, `datetime.now(tz)`."""
    argument = call.args[0] if call.args else None
    if argument is None or (
        isinstance(argument.value, cst.Name) and argument.value.value == "None"
    ):
        return "now", "{}()".format, "unsafe"  # `tz=None` is the naive local time too
    if len(call.args) > 1 or (argument.keyword is not None and argument.keyword.value != "tz"):
        return None
    if source.qualified_names(argument.value) & UTC_NAMES:
        return "now", "{}()".format, "safe"
    zone = source.code(argument.value)
    return "now", lambda local: f"{local}().astimezone({zone})", "safe"


def _one_line(text: str) -> str:
    return " ".join(text.split())

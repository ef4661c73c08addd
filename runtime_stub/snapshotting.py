"""The snapshotting grammar (SPEC §3): the one implementation both the checks and the runtime use."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "MAX_EVERY",
    "Disabled",
    "Enabled",
    "EveryN",
    "Periodic",
    "SnapshottingError",
    "SnapshottingPolicy",
    "format_duration",
    "parse_duration",
    "parse_snapshotting",
]

MAX_EVERY = 65535
VALID_FORMS = '"disabled", "enabled", "every(N)" with 1 <= N <= 65535, or "periodic(D)" such as "periodic(30s)"'


@dataclass(frozen=True, slots=True)
class Disabled:
    """No snapshots during execution (a custom pair is still used for updates)."""

    def __str__(self) -> str:
        return "disabled"


@dataclass(frozen=True, slots=True)
class Enabled:
    """Snapshot support; the executor's default policy decides when."""

    def __str__(self) -> str:
        return "enabled"


@dataclass(frozen=True, slots=True)
class EveryN:
    """Snapshot after every `count` successfully completed invocations."""

    count: int

    def __str__(self) -> str:
        return f"every({self.count})"


@dataclass(frozen=True, slots=True)
class Periodic:
    """Snapshot at most once per `nanos` nanoseconds."""

    nanos: int

    def __str__(self) -> str:
        return f"periodic({format_duration(self.nanos)})"


SnapshottingPolicy = Disabled | Enabled | EveryN | Periodic


class SnapshottingError(ValueError):
    """An invalid snapshotting value; `suggestion` is the obvious intended value, if any."""

    def __init__(self, value: str, reason: str, suggestion: str | None = None) -> None:
        self.value = value
        self.reason = reason
        self.suggestion = suggestion
        hint = f'; did you mean "{suggestion}"?' if suggestion else ""
        super().__init__(
            f'invalid snapshotting value "{value}": {reason}{hint} (valid: {VALID_FORMS})'
        )


_NANOS_PER_UNIT: dict[str, int] = {}
for _names, _nanos in (
    (("nsec", "ns"), 1),
    (("usec", "us", "µs"), 1_000),
    (("msec", "ms"), 1_000_000),
    (("seconds", "second", "secs", "sec", "s"), 1_000_000_000),
    (("minutes", "minute", "mins", "min", "m"), 60 * 1_000_000_000),
    (("hours", "hour", "hrs", "hr", "h"), 3600 * 1_000_000_000),
    (("days", "day", "d"), 86400 * 1_000_000_000),
    (("weeks", "week", "w"), 7 * 86400 * 1_000_000_000),
    (("months", "month", "M"), 2_630_016 * 1_000_000_000),
    (("years", "year", "y"), 31_557_600 * 1_000_000_000),
):
    for _name in _names:
        _NANOS_PER_UNIT[_name] = _nanos

_DURATION_PART = re.compile(r"\s*(\d+)\s*([A-Za-zµ]+)")
_CALL = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\((.*)\)\s*$", re.DOTALL)


def parse_duration(text: str) -> int:
    """Parse a humantime duration (`30s`, `1h 30m`, `500ms`, `2days`) into integer nanoseconds."""
    pos, total, stripped = 0, 0, text.strip()
    if not stripped:
        raise ValueError("empty duration")
    while pos < len(stripped):
        match = _DURATION_PART.match(stripped, pos)
        if match is None:
            raise ValueError(f"cannot read a duration at {stripped[pos:]!r}")
        number, unit = match.groups()
        if unit not in _NANOS_PER_UNIT:
            raise ValueError(f"unknown time unit {unit!r}")
        total += int(number) * _NANOS_PER_UNIT[unit]
        pos = match.end()
    return total


def format_duration(nanos: int) -> str:
    """Render nanoseconds in the largest exact humantime units (`90_000_000_000` -> `1m 30s`)."""
    if nanos == 0:
        return "0s"
    parts: list[str] = []
    for unit, size in (("d", 86400 * 10**9), ("h", 3600 * 10**9), ("m", 60 * 10**9), ("s", 10**9),
                       ("ms", 10**6), ("us", 10**3), ("ns", 1)):  # fmt: skip
        count, nanos = divmod(nanos, size)
        if count:
            parts.append(f"{count}{unit}")
    return " ".join(parts)


def parse_snapshotting(value: str) -> SnapshottingPolicy:
    """Parse a snapshotting value; raises `SnapshottingError` with a suggestion where one is obvious."""
    bare = value.strip()
    if bare == "disabled":
        return Disabled()
    if bare == "enabled":
        return Enabled()
    call = _CALL.match(value)
    if call is None:
        raise SnapshottingError(value, "not a known form", _suggest_bare(bare))
    name, argument = call.group(1), call.group(2).strip()
    if name == "every":
        return _parse_every(value, argument)
    if name == "periodic":
        return _parse_periodic(value, argument)
    return _raise_unknown_call(value, name, argument)


def _parse_every(value: str, argument: str) -> EveryN:
    if not argument.isdigit():
        raise SnapshottingError(value, "every(N) takes a whole number of invocations")
    count = int(argument)
    if not 1 <= count <= MAX_EVERY:
        suggestion = f"every({min(max(count, 1), MAX_EVERY)})"
        raise SnapshottingError(value, f"N must be between 1 and {MAX_EVERY}", suggestion)
    return EveryN(count)


def _parse_periodic(value: str, argument: str) -> Periodic:
    if argument.isdigit():
        raise SnapshottingError(value, "the duration has no unit", f"periodic({argument}s)")
    try:
        nanos = parse_duration(argument)
    except ValueError as error:
        raise SnapshottingError(value, f"invalid duration: {error}") from None
    if nanos <= 0:
        raise SnapshottingError(value, "the duration must be greater than zero")
    return Periodic(nanos)


def _raise_unknown_call(value: str, name: str, argument: str) -> SnapshottingPolicy:
    lowered = name.lower()
    if lowered.startswith("every") or lowered in {"each", "count", "every_n", "everyn"}:
        suggestion = f"every({argument})" if argument.isdigit() else None
    elif lowered.startswith("period") or lowered in {"interval", "duration"}:
        suggestion = f"periodic({argument}s)" if argument.isdigit() else f"periodic({argument})"
    else:
        suggestion = None
    raise SnapshottingError(value, f"unknown form {name}(...)", suggestion)


def _suggest_bare(bare: str) -> str | None:
    lowered = bare.lower()
    if lowered in {"true", "on", "yes", "enable"}:
        return "enabled"
    if lowered in {"false", "off", "no", "disable", "none", ""}:
        return "disabled"
    if lowered.isdigit():
        return f"every({lowered})"
    return None

"""The snapshotting grammar (SPEC §3): the one implementation both the checks and the runtime use."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NoReturn

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

_DURATION_PART = re.compile(r"\s*([0-9]+)\s*([A-Za-zµ]+)")
_CALL = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\((.*)\)", re.DOTALL)
_LOOSE_CALL = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\((.*)\)", re.DOTALL)


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
    """Parse a snapshotting value; raises `SnapshottingError` with a suggestion where one is obvious.

    Only the exact spellings of SPEC §3 are valid: a value the runtime and the checks read more
    leniently than the platform would be a latent error, so near misses are refused, with the
    exact spelling as the suggestion.
    """
    try:
        return _parse_spelled(value)
    except SnapshottingError as error:
        suggestion = _usable(error.suggestion)
        if suggestion == error.suggestion:
            raise
        raise SnapshottingError(value, error.reason, suggestion) from None


def _parse_spelled(value: str) -> SnapshottingPolicy:
    respelled = _respell(value)
    if respelled != value:
        _raise_respelled(value, respelled)
    return _parse_exact(value)


def _usable(suggestion: str | None) -> str | None:
    """A suggestion that is itself valid: as made, or what it suggests in turn, or none at all.

    The rules below guess from the shape of a value (`every_n(0)` -> `every(0)`); following the
    guess's own suggestion (-> `every(1)`) keeps a user from being sent to another error.
    """
    for _ in range(3):
        if suggestion is None:
            return None
        try:
            _parse_spelled(suggestion)
        except SnapshottingError as error:
            suggestion = error.suggestion
        else:
            return suggestion
    return None


def _respell(value: str) -> str:
    """The value as probably meant: trimmed, the form's name lower-case and touching its "(".

    Idempotent, and it only removes whitespace outside the parentheses and lowers ASCII letters,
    which `_misspelling` relies on to tell what was off.
    """
    trimmed = value.strip()
    call = _LOOSE_CALL.fullmatch(trimmed)
    if call is not None:
        return f"{call.group(1).lower()}({call.group(2)})"
    return trimmed.lower() if trimmed.isascii() else trimmed


def _raise_respelled(value: str, respelled: str) -> NoReturn:
    """A misspelt value: suggest its exact spelling, or what that spelling's own error suggests."""
    try:
        _parse_exact(respelled)
    except SnapshottingError as error:
        raise SnapshottingError(value, error.reason, error.suggestion) from None
    raise SnapshottingError(value, _misspelling(value, respelled), respelled)


def _misspelling(value: str, respelled: str) -> str:
    """What respelling changed, so the message says why a near miss is refused."""
    problems = []
    if len(respelled) != len(value):
        problems.append("no whitespace is allowed outside the parentheses")
    if "".join(value.split()) != "".join(respelled.split()):
        problems.append("the forms are written in lower case")
    return " and ".join(problems)


def _parse_exact(value: str) -> SnapshottingPolicy:
    """Parse a value spelled as `_respell` would spell it (trimmed, lower-case name)."""
    if value == "disabled":
        return Disabled()
    if value == "enabled":
        return Enabled()
    call = _CALL.fullmatch(value)
    if call is None:
        raise SnapshottingError(value, "not a known form", _suggest_bare(value))
    name, argument = call.group(1), call.group(2).strip()
    if name == "every":
        return _parse_every(value, argument)
    if name == "periodic":
        return _parse_periodic(value, argument)
    return _raise_unknown_call(value, name, argument)


def _is_number(text: str) -> bool:
    """ASCII digits only: `str.isdigit` also accepts characters `int()` cannot read (`²`)."""
    return text.isascii() and text.isdigit()


def _is_duration(text: str) -> bool:
    try:
        return parse_duration(text) > 0
    except ValueError:
        return False


def _parse_every(value: str, argument: str) -> EveryN:
    if _is_number(argument):
        count = int(argument)
        if not 1 <= count <= MAX_EVERY:
            suggestion = f"every({min(max(count, 1), MAX_EVERY)})"
            raise SnapshottingError(value, f"N must be between 1 and {MAX_EVERY}", suggestion)
        return EveryN(count)
    if _is_duration(argument):
        reason = "every(N) counts invocations; a duration needs periodic(D)"
        raise SnapshottingError(value, reason, f"periodic({argument})")
    raise SnapshottingError(value, "every(N) takes a whole number of invocations")


def _parse_periodic(value: str, argument: str) -> Periodic:
    if _is_number(argument):
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
        suggestion = f"every({argument})" if _is_number(argument) else None
    elif lowered.startswith("period") or lowered in {"interval", "duration"}:
        suggestion = f"periodic({argument}s)" if _is_number(argument) else f"periodic({argument})"
    else:
        suggestion = None
    raise SnapshottingError(value, f"unknown form {name}(...)", suggestion)


def _suggest_bare(bare: str) -> str | None:
    lowered = bare.lower()
    if lowered in {"true", "on", "yes", "enable"}:
        return "enabled"
    if lowered in {"false", "off", "no", "disable", "none", "0", ""}:
        return "disabled"
    if _is_number(lowered):
        return f"every({lowered})"
    return None

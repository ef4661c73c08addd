"""GLM005-GLM007 and GLM012: the @agent declaration itself and type names across the tree."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from runtime_stub.snapshotting import Disabled, SnapshottingError, parse_snapshotting

from ..diagnostics import Finding
from ..model import Agent, Anchor, Option
from .common import finding, option

__all__ = [
    "AGENT_OPTIONS",
    "TypeName",
    "check_declaration",
    "check_type_names",
    "not_literal",
    "type_name_of",
    "unknown_option",
]

AGENT_OPTIONS = ("name", "mode", "snapshotting", "mount", "state_version")
MODES = ("durable", "ephemeral")


def check_declaration(agent: Agent) -> list[Finding]:
    """GLM005 (options), GLM006 (mode) and GLM007 (ephemeral + snapshotting) for one agent."""
    findings = [_option_problem(agent, given) for given in agent.decl.options]
    findings += [*_name_value(agent), *_mode_value(agent), *_ephemeral_snapshots(agent)]
    findings += _state_version_value(agent)
    return [f for f in findings if f is not None]


def unknown_option(
    agent: Agent, given: Option, accepted: Sequence[str], where: str, path: str = ""
) -> Finding:
    """GLM005 for a positional argument or an option name `where` (a decorator) does not take."""
    keywords = ", ".join(f"{name}=" for name in accepted)
    if not given.name:
        problem = f"{where} takes no positional argument ({given.text}); pass it by keyword"
    else:
        close = difflib.get_close_matches(given.name, accepted, n=1)
        hint = f'; did you mean "{close[0]}="?' if close else ""
        problem = f'{where} has no option "{given.name}"{hint}'
    return finding(agent, "GLM005", f"{problem} (accepted: {keywords})", given.anchor, path)


def not_literal(agent: Agent, given: Option, where: str, example: str, path: str = "") -> Finding:
    """GLM005 for an option whose value is computed, so it cannot be checked statically."""
    message = (
        f"{where} option {given.name}={given.text} is not a literal; options are read without "
        f"running your code, so write the value in place (e.g. {example})"
    )
    return finding(agent, "GLM005", message, given.anchor, path)


def _option_problem(agent: Agent, given: Option) -> Finding | None:
    if given.name not in AGENT_OPTIONS:
        return unknown_option(agent, given, AGENT_OPTIONS, "@agent")
    if not given.literal:
        examples = {
            "name": 'name="counter"',
            "mode": 'mode="durable"',
            "snapshotting": 'snapshotting="every(10)"',
            "mount": 'mount="/counters/{name}"',
            "state_version": "state_version=2",
        }
        return not_literal(agent, given, "@agent", examples[given.name])
    return None


def _name_value(agent: Agent) -> list[Finding]:
    given = option(agent.decl.options, "name")
    if given is None or not given.literal:
        return []
    if isinstance(given.value, str) and given.value.strip():
        return []
    message = f'@agent name must be a non-empty string, not {given.text} (e.g. name="counter")'
    return [finding(agent, "GLM005", message, given.anchor)]


def _state_version_value(agent: Agent) -> list[Finding]:
    """GLM005: state_version is a literal int >= 1 (a bool is not a version)."""
    given = option(agent.decl.options, "state_version")
    if given is None or not given.literal:
        return []
    if type(given.value) is int and given.value >= 1:
        return []
    message = (
        f"@agent state_version must be an int >= 1, not {given.text} (e.g. state_version=2: "
        "the version of the state schema of automatic JSON snapshots)"
    )
    return [finding(agent, "GLM005", message, given.anchor)]


def _mode_value(agent: Agent) -> list[Finding]:
    """GLM006: mode is "durable" or "ephemeral"."""
    given = option(agent.decl.options, "mode")
    if given is None or not given.literal or given.value in MODES:
        return []
    close = difflib.get_close_matches(str(given.value).strip().lower(), MODES, n=1, cutoff=0.5)
    hint = f'; did you mean "{close[0]}"?' if close else ""
    message = f'invalid mode {given.text}{hint} (use "durable", the default, or "ephemeral")'
    return [finding(agent, "GLM006", message, given.anchor)]


def _ephemeral_snapshots(agent: Agent) -> list[Finding]:
    """GLM007: ephemeral agents are never recovered, so snapshotting does nothing for them."""
    given = option(agent.decl.options, "snapshotting")
    if agent.mode != "ephemeral" or given is None or not isinstance(given.value, str):
        return []
    try:
        if isinstance(parse_snapshotting(given.value), Disabled):
            return []
    except SnapshottingError:
        return []  # GLM004 reports it
    message = (
        f'ephemeral agents are never recovered, so snapshotting="{given.value}" has no effect '
        "(Golem 1.6 refuses such an agent type); remove snapshotting, or make the agent durable "
        '(mode="durable")'
    )
    return [finding(agent, "GLM007", message, given.anchor)]


@dataclass(frozen=True, slots=True)
class TypeName:
    """An agent's type name, where it is declared, and what a clash report needs of the agent."""

    name: str
    cls: str
    path: str
    anchor: Anchor
    """The `name=` option when given, else the class."""
    suppress_anchor: Anchor


def type_name_of(agent: Agent) -> TypeName:
    """What GLM012 needs to know of one agent (the tree-wide check sees no Agent)."""
    named = option(agent.decl.options, "name")
    anchor = agent.cls.anchor if named is None else named.anchor
    return TypeName(agent.type_name, agent.cls.name, agent.scan.path, anchor, agent.decl.anchor)


def check_type_names(names: Sequence[TypeName]) -> list[Finding]:
    """GLM012: type names are unique in the tree; each agent of a clash names the others."""
    by_name: dict[str, list[TypeName]] = {}
    for named in names:
        by_name.setdefault(named.name, []).append(named)
    findings = []
    for name, group in by_name.items():
        for agent in group if len(group) > 1 else ():
            others = ", ".join(
                f"{other.cls} in {other.path}" for other in group if other is not agent
            )
            message = (
                f'{agent.cls}: agent type name "{name}" is also used by {others}; type names must '
                'be unique in the tree: rename the class or set another @agent(name="...")'
            )
            findings.append(
                Finding(
                    "GLM012",
                    message,
                    agent.path,
                    agent.anchor,
                    suppress_anchor=agent.suppress_anchor,
                )
            )
    return findings

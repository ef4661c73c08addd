"""The checks of SPEC §5 (GLM001-GLM033) over a resolved Project, one module per family.

`check_agents` checks the agents of one (part of a) project; `check_tree` adds the checks across
every agent of the tree (unique type names, one report per bad nested field, repeats merged), so a
run can check directories apart and still report as if it had checked the tree at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..diagnostics import Finding
from ..model import Project
from .agent import TypeName, check_declaration, check_type_names, type_name_of
from .common import merge_repeats
from .determinism import check_determinism
from .durability import check_durability
from .http import check_http
from .nested import NestedUse, check_nested_types, nested_uses
from .signatures import check_signatures
from .snapshot import check_snapshots

__all__ = ["AgentChecks", "check_agents", "check_tree"]


@dataclass(frozen=True, slots=True)
class AgentChecks:
    """The findings of some agents, and what the checks across the tree need of them."""

    findings: tuple[Finding, ...]
    names: tuple[TypeName, ...]
    nested: tuple[NestedUse, ...]


def check_agents(project: Project, golem_version: str = "1.6") -> AgentChecks:
    """Every finding of every agent of `project`, agent by agent.

    `golem_version` is the Golem release targeted (SPEC §12): 1.5 still has persistence levels.
    """
    findings: list[Finding] = []
    for agent in project.agents:
        findings += check_declaration(agent)
        findings += check_snapshots(agent, project)
        findings += check_signatures(agent, project)
        findings += check_http(agent)
        findings += check_durability(agent, project, golem_version)
        findings += check_determinism(agent, project)
    names = tuple(type_name_of(agent) for agent in project.agents)
    return AgentChecks(tuple(findings), names, tuple(nested_uses(project)))


def check_tree(parts: Sequence[AgentChecks]) -> list[Finding]:
    """The findings of every part, the tree-wide ones, and repeats merged into one report."""
    findings = [found for part in parts for found in part.findings]
    findings += check_type_names([named for part in parts for named in part.names])
    findings += check_nested_types([use for part in parts for use in part.nested])
    return merge_repeats(findings)

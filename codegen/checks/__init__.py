"""The checks of SPEC §5 (GLM001-GLM033) over a resolved Project, one module per family."""

from __future__ import annotations

from ..diagnostics import Finding
from ..model import Project
from .agent import check_declaration, check_type_names
from .common import merge_repeats
from .determinism import check_determinism
from .durability import check_durability
from .http import check_http
from .nested import check_nested_types
from .signatures import check_signatures
from .snapshot import check_snapshots

__all__ = ["run_checks"]


def run_checks(project: Project, golem_version: str = "1.6") -> list[Finding]:
    """Every finding of every agent of the project, agent by agent, then the tree-wide ones.

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
    findings += check_type_names(project.agents) + check_nested_types(project)
    return merge_repeats(findings)

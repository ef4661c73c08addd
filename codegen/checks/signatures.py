"""GLM010-GLM011: constructor and method signatures must be annotated with supported types."""

from __future__ import annotations

from dataclasses import replace

from ..diagnostics import Finding, Related
from ..model import Agent, Method, Param, Project
from .common import declared_in, describe_type_problems, finding

__all__ = ["check_signatures"]


def check_signatures(agent: Agent, project: Project) -> list[Finding]:
    """One finding per bad constructor parameter, method parameter and method return."""
    findings = [
        _constructor_finding(agent, project, param, f"constructor {problem}")
        for param in agent.constructor
        for problem in [_param_problem(param, project, "constructor", "GLM010")]
        if problem
    ]
    for method in agent.methods:
        findings += _method_findings(agent, method, project)
    return findings


def _constructor_finding(agent: Agent, project: Project, param: Param, message: str) -> Finding:
    """At the parameter; one a base class declares (an inherited dataclass field) at the agent's
    class name, with the base's declaration as a related location."""
    base = declared_in(agent, project, param.path, param.anchor)
    if base is None:
        return finding(agent, "GLM010", message, param.anchor, param.path)
    message = message.replace(f'"{param.name}"', f'"{param.name}" (inherited from {base.name})', 1)
    note = Related(f'{base.name} declares "{param.name}" here', param.path, param.anchor)
    return replace(finding(agent, "GLM010", message, agent.cls.anchor), related=(note,))


def _param_problem(param: Param, project: Project, owner: str, code: str) -> str | None:
    """What is wrong with one parameter, phrased after `constructor` / `method m`, or None."""
    if param.kind in ("var_positional", "var_keyword"):
        star, example = (
            ("*", "list[str]") if param.kind == "var_positional" else ("**", "dict[str, str]")
        )
        return (
            f'parameter "{star}{param.name}" is not supported: agent {owner} parameters need '
            f"fixed names; use a named parameter such as {param.name}: {example}"
        )
    if param.type is None:
        return (
            f'parameter "{param.name}" has no annotation; annotate it with a supported type '
            f"(e.g. {param.name}: str)"
        )
    problems = describe_type_problems(param.type, project, param.name)
    if not problems:
        return None
    return (
        f'parameter "{param.name}" has unsupported type {param.type.text}: {problems}; '
        f"use a supported type ({_supported(code)})"
    )


def _supported(code: str) -> str:
    return f"`golem-codegen explain {code}` lists the supported types"


def _method_findings(agent: Agent, method: Method, project: Project) -> list[Finding]:
    path = method.path or agent.scan.path
    owner = f'method "{method.name}"'
    findings = [
        finding(agent, "GLM011", f"{owner} {problem}", param.anchor, path)
        for param in method.params
        for problem in [_param_problem(param, project, "method", "GLM011")]
        if problem
    ]
    returns = method.returns
    if returns is None:
        problem = "has no return annotation; annotate it (`-> None` if it returns nothing)"
    else:
        reasons = describe_type_problems(returns, project, "return")
        problem = (
            f"returns unsupported type {returns.text}: {reasons}; "
            f"use a supported type ({_supported('GLM011')})"
            if reasons
            else ""
        )
    if problem:
        findings.append(finding(agent, "GLM011", f"{owner} {problem}", method.anchor, path))
    return findings

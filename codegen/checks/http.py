"""GLM020-GLM026 (and GLM005 for @endpoint options): HTTP mounts and endpoints."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..diagnostics import Finding
from ..model import Agent, EndpointDef, Method, Option, Param
from .agent import not_literal, unknown_option
from .common import finding, option

__all__ = ["VERBS", "check_http", "path_problems", "path_variables"]

VERBS = ("get", "post", "put", "delete", "patch")
NOT_IN_PATH = frozenset(
    {"list", "set", "frozenset", "tuple", "tuple_var", "dict", "dataclass", "bytes"}
)
"""Constructor parameter kinds that one path segment cannot carry."""
STARS = ("*", "**")
"""Option names of `*args`/`**kwargs` arguments, which may hold any verb."""
_VARIABLE = re.compile(r"\{([^{}]*)\}")


def path_problems(path: str) -> list[str]:
    """Why `path` is not a valid mount or endpoint path (SPEC §5 GLM020); [] when it is."""
    problems = []
    if not path.startswith("/"):
        problems.append('it must start with "/"')
    if "//" in path:
        problems.append('it has an empty segment ("//")')
    if any(char.isspace() for char in path):
        problems.append("it contains whitespace")
    if not _balanced(path):
        return [*problems, "its braces are unbalanced"]
    names: list[str] = []
    for segment in path.split("/"):
        if "{" not in segment and "}" not in segment:
            continue
        match = _VARIABLE.fullmatch(segment)
        if match is None:
            problems.append(f'segment "{segment}" must be literal text or exactly one {{variable}}')
        elif not match.group(1).isidentifier():
            problems.append(f'"{segment}" is not a valid variable (use a Python identifier)')
        elif match.group(1) in names:
            problems.append(f'variable "{match.group(1)}" appears twice')
        else:
            names.append(match.group(1))
    return problems


def _balanced(path: str) -> bool:
    depth = 0
    for char in path:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth not in (0, 1):
            return False
    return depth == 0


def path_variables(path: str) -> list[str]:
    """The `{variable}` names of a valid path, in order."""
    return _VARIABLE.findall(path)


def _suggestion(path: str) -> str:
    """The path with a leading "/" and without empty segments, when that alone repairs it."""
    repaired = "/" + "/".join(part for part in path.split("/") if part)
    return f'; did you mean "{repaired}"?' if not path_problems(repaired) else ""


def _malformed(agent: Agent, what: str, given: Option, path: str = "") -> Finding | None:
    """GLM020 for a literal path option, or None when it is a well-formed string."""
    if not isinstance(given.value, str):
        message = f'{what}={given.text} must be a string path such as "/items/{{id}}"'
        return finding(agent, "GLM020", message, given.anchor, path)
    problems = path_problems(given.value)
    if not problems:
        return None
    message = (
        f'{what}="{given.value}" is malformed: {"; ".join(problems)}{_suggestion(given.value)}'
    )
    return finding(agent, "GLM020", message, given.anchor, path)


@dataclass(frozen=True, slots=True)
class _Mount:
    """What the checks know about the mount: absent, unknown (not a literal), or its variables."""

    known: bool
    present: bool
    variables: tuple[str, ...] | None
    """None when the mount is malformed (then GLM021/GLM022 are not checked)."""
    misspelled: frozenset[str] = frozenset()
    """Parameters a mount variable misspells: GLM021 says did-you-mean, no GLM022 for them."""


def _mount(agent: Agent) -> tuple[_Mount, list[Finding]]:
    given = option(agent.decl.options, "mount")
    if given is None or (given.literal and given.value is None):
        return _Mount(True, False, ()), []
    if not given.literal:
        return _Mount(False, True, None), []  # GLM005 reports it
    malformed = _malformed(agent, "mount", given)
    if malformed is not None:
        return _Mount(True, True, None), [malformed]
    variables = path_variables(str(given.value))
    names = {p.name for p in agent.constructor}
    unbound = [p.name for p in agent.constructor if p.name not in variables]
    findings = []
    misspelled: set[str] = set()
    for name in variables:
        if name in names:
            continue
        meant = _spelled_alike(name, [n for n in unbound if n not in misspelled])
        if meant is None:
            fix = f"(parameters: {', '.join(sorted(names)) or 'none'}); rename it or add the parameter"
        else:
            misspelled.add(meant)
            fix = f'(parameters: {", ".join(sorted(names))}); did you mean "{{{meant}}}"? rename it'
        message = f'mount variable "{{{name}}}" is not a constructor parameter {fix}'
        findings.append(finding(agent, "GLM021", message, given.anchor))
    return _Mount(True, True, tuple(variables), frozenset(misspelled)), findings


def _spelled_alike(variable: str, parameters: list[str]) -> str | None:
    """The parameter a mount variable means when they differ only by spelling: case, `_`/`-`
    (`{warehouseId}` / `warehouse_id`), else a close typo."""
    folded = {name.replace("_", "").lower(): name for name in parameters}
    key = variable.replace("_", "").replace("-", "").lower()
    if key in folded:
        return folded[key]
    close = difflib.get_close_matches(variable, parameters, n=1, cutoff=0.8)
    return close[0] if close else None


def _unbound(agent: Agent, mount: _Mount) -> list[Finding]:
    """GLM022: every constructor parameter must be bound by a mount variable."""
    if mount.variables is None or not mount.present:
        return []
    return [
        finding(
            agent,
            "GLM022",
            f'constructor parameter "{param.name}" is not bound by the mount; add '
            f'"{{{param.name}}}" to the mount path or remove the parameter',
            param.anchor,
            param.path,
        )
        for param in agent.constructor
        if param.name not in mount.variables
        and param.name not in mount.misspelled
        and param.kind not in ("var_positional", "var_keyword")
    ]


def check_http(agent: Agent) -> list[Finding]:
    """Mount and endpoint problems of one agent."""
    mount, findings = _mount(agent)
    findings += _unbound(agent, mount)
    routes: dict[tuple[str, str], str] = {}
    for method in agent.methods:
        for endpoint in method.endpoints:
            findings += _endpoint(agent, method, endpoint, mount, routes)
    return findings


def _endpoint(
    agent: Agent,
    method: Method,
    endpoint: EndpointDef,
    mount: _Mount,
    routes: dict[tuple[str, str], str],
) -> list[Finding]:
    path = method.path or agent.scan.path
    verbs = [o for o in endpoint.options if o.name in VERBS and not (o.literal and o.value is None)]
    if verbs or any(o.name in STARS for o in endpoint.options):
        findings = _endpoint_options(agent, endpoint, path)
        if len(verbs) > 1:
            findings.append(_verb_count(agent, method, endpoint, verbs, path))
    else:
        # One problem, one diagnostic: with no verb named, an unknown keyword (`head=`, `gett=`) or
        # a positional path *is* the missing verb, misspelled or unnamed, so GLM026 explains it
        # and no GLM005 is added. Next to a real verb the same argument is a problem of its own
        # (GLM005); `*args`/`**kwargs` may hold a verb, so they get GLM005 (not a literal) alone.
        findings = [_verb_count(agent, method, endpoint, [], path)]
    if mount.known and not mount.present:
        message = (
            f'@endpoint on method "{method.name}" but the agent has no mount; add one, e.g. '
            f'@agent(mount="{_example_mount(agent)}"), or remove the @endpoint{_not_in_path(agent)}'
        )
        findings.append(finding(agent, "GLM023", message, endpoint.anchor, path))
    if len(verbs) == 1 and verbs[0].literal:
        findings += _route(agent, method, verbs[0], routes, path)
    return findings


def _example_mount(agent: Agent) -> str:
    """A mount that would fit: the kebab-cased class name, then every constructor parameter."""
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+", agent.cls.name)
    variables = "".join(f"/{{{p.name}}}" for p in agent.constructor if _in_path(p))
    return "/" + "-".join(word.lower() for word in words or [agent.cls.name]) + variables


def _in_path(param: Param) -> bool:
    """Whether a constructor parameter can be a path variable (one segment: a scalar value)."""
    if param.kind in ("var_positional", "var_keyword"):
        return False
    kind = param.type.kind if param.type is not None else "str"
    if kind == "optional" and param.type is not None:
        kind = param.type.args[0].kind
    return kind not in NOT_IN_PATH


def _not_in_path(agent: Agent) -> str:
    """The note for constructor parameters a path cannot carry (the example leaves them out)."""
    stars = ("var_positional", "var_keyword")
    left = [p.name for p in agent.constructor if p.kind not in stars and not _in_path(p)]
    if not left:
        return ""
    return (
        f" ({', '.join(left)}: a collection or dataclass cannot be a path segment; make it a "
        "method parameter instead)"
    )


def _endpoint_options(agent: Agent, endpoint: EndpointDef, path: str) -> list[Finding]:
    """GLM005 for positional arguments, unknown options and computed paths of an @endpoint that
    names a verb (without one, GLM026 reports the arguments that were meant as the verb)."""
    findings = []
    for given in endpoint.options:
        if given.name not in VERBS:
            findings.append(unknown_option(agent, given, VERBS, "@endpoint", path))
        elif not given.literal:
            example = f'{given.name}="/items/{{id}}"'
            findings.append(not_literal(agent, given, "@endpoint", example, path))
    return findings


def _verb_count(
    agent: Agent, method: Method, endpoint: EndpointDef, verbs: list[Option], path: str
) -> Finding:
    """GLM026: exactly one verb per @endpoint; without one, says what the arguments were instead."""
    if verbs:
        problem = f"has several verbs ({', '.join(o.name + '=' for o in verbs)})"
    else:
        strays = [_not_a_verb(o) for o in endpoint.options if o.name not in VERBS]
        problem = "has no verb" + (f" ({'; '.join(strays)})" if strays else "")
    message = (
        f'@endpoint on method "{method.name}" {problem}; write exactly one of get=, post=, put=, '
        "delete=, patch= (one route per method)"
    )
    return finding(agent, "GLM026", message, endpoint.anchor, path)


def _not_a_verb(given: Option) -> str:
    """Why an argument of a verb-less @endpoint names no verb, with the likely intended one."""
    if not given.name:
        return f"{given.text} is passed by position: name its verb, e.g. get={given.text}"
    close = difflib.get_close_matches(given.name, VERBS, n=1)
    hint = f'; did you mean "{close[0]}="?' if close else ""
    return f'"{given.name}" is not a verb{hint}'


def _route(
    agent: Agent, method: Method, verb: Option, routes: dict[tuple[str, str], str], path: str
) -> list[Finding]:
    """GLM020 / GLM024 / GLM025 for the one literal verb of an endpoint."""
    malformed = _malformed(agent, f"endpoint {verb.name}", verb, path)
    if malformed is not None:
        return [malformed]
    value = str(verb.value)
    params = {p.name for p in method.params}
    findings = [
        finding(
            agent,
            "GLM024",
            f'endpoint variable "{{{name}}}" is not a parameter of method "{method.name}"; '
            "rename the variable or the parameter so they match",
            verb.anchor,
            path,
        )
        for name in path_variables(value)
        if name not in params
    ]
    key = (verb.name, _VARIABLE.sub("{}", value))
    first = routes.get(key)
    if first is None:
        routes[key] = method.name
    else:
        message = (
            f'{verb.name.upper()} "{value}" on method "{method.name}" duplicates the endpoint of '
            f'method "{first}"; change the path or the verb of one of them'
        )
        findings.append(finding(agent, "GLM025", message, verb.anchor, path))
    return findings

"""GLM020-GLM026: mount and endpoint paths, their variables, verbs and duplicates."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codegen.checks.http import path_problems, path_variables
from tests.checks.support import Tree, line_of


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Tree:
    return Tree(tmp_path, monkeypatch)


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("counters/{name}", 'must start with "/"'),
        ("/a//b", '("//")'),
        ("/with space", "whitespace"),
        ("/tab\there", "whitespace"),
        ("/items/{id", "unbalanced"),
        ("/items/id}", "unbalanced"),
        ("/items/{{id}}", "unbalanced"),
        ("/items/x{id}", "exactly one {variable}"),
        ("/items/{a}{b}", "exactly one {variable}"),
        ("/items/{}", "not a valid variable"),
        ("/items/{1id}", "not a valid variable"),
        ("/items/{my-id}", "not a valid variable"),
        ("/items/{id}/{id}", "appears twice"),
    ],
)
def test_malformed_paths(path: str, problem: str) -> None:
    problems = path_problems(path)
    assert any(problem in p for p in problems), problems


@pytest.mark.parametrize("path", ["/", "/a", "/a/", "/counters/{name}", "/x/{a}/y/{b_2}", "/ü/{é}"])
def test_well_formed_paths(path: str) -> None:
    assert path_problems(path) == []


segment = st.one_of(
    st.from_regex(r"[A-Za-z0-9._~-]{1,8}", fullmatch=True),
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True).map(lambda name: f"{{{name}}}"),
)


@given(st.lists(segment, min_size=1, max_size=6, unique=True))
def test_joined_segments_are_well_formed_and_keep_their_variables(segments: list[str]) -> None:
    path = "/" + "/".join(segments)
    assert path_problems(path) == []
    assert path_variables(path) == [s[1:-1] for s in segments if s.startswith("{")]
    assert path_problems(path.replace("/", "//", 1)) != []
    assert path_problems(path[1:]) != []


MOUNTED = """\
from runtime_stub import agent, endpoint


@agent(mount={mount})
class StoreAgent:
    def __init__(self, name: str, region: str) -> None:
        self.name = name
{methods}"""


def test_glm020_for_a_mount_suggests_the_repaired_path(tree: Tree) -> None:
    tree.write({"agents.py": MOUNTED.format(mount='"stores//{region}/{name}"', methods="")})
    (found,) = tree.check()
    assert (found.code, found.line) == ("GLM020", 4)
    assert 'did you mean "/stores/{region}/{name}"?' in found.message


def test_glm021_and_glm022_compare_mount_variables_with_the_constructor(tree: Tree) -> None:
    tree.write({"agents.py": MOUNTED.format(mount='"/stores/{name}/{country}"', methods="")})
    found = tree.check()
    assert [(d.code, d.line) for d in found] == [("GLM021", 4), ("GLM022", 6)]
    assert 'mount variable "{country}" is not a constructor parameter' in found[0].message
    assert 'constructor parameter "region" is not bound by the mount' in found[1].message
    assert found[1].column == len("    def __init__(self, name: str, ") + 1


def test_no_mount_means_no_glm022(tree: Tree) -> None:
    tree.write({"a.py": MOUNTED.format(mount="None", methods="")})
    assert tree.check() == []


def test_glm022_for_dataclass_fields_skips_transient_and_non_init(tree: Tree) -> None:
    source = """\
        from dataclasses import dataclass, field

        from runtime_stub import agent, transient


        @agent(mount="/sessions/{user}")
        @dataclass
        class SessionAgent:
            user: str
            device: str
            count: int = field(default=0, init=False)
            cache: dict[str, str] = transient(default_factory=dict)
        """
    tree.write({"agents.py": source})
    assert tree.codes() == [("agents.py", 10, "GLM022")]


ENDPOINTS = """
    @endpoint(get="/prices/{sku}")
    def price(self, item: str) -> int:
        return 0

    @endpoint(put="/prices/{sku}")
    def set_price(self, sku: str, amount: int) -> None:
        pass

    @endpoint(get="/prices/{code}")
    def other_price(self, code: str) -> int:
        return 0

    @endpoint()
    def nothing(self) -> None:
        pass

    @endpoint(get="/a", post="/a")
    def both(self) -> None:
        pass

    @endpoint(get="/b", post=None)
    def one(self) -> None:
        pass

    @endpoint(patch="no-slash")
    def bad(self) -> None:
        pass
"""


def test_endpoint_checks(tree: Tree) -> None:
    source = MOUNTED.format(mount='"/stores/{region}/{name}"', methods=ENDPOINTS)
    tree.write({"agents.py": source})
    found = tree.check()
    assert [(d.code, d.line) for d in found] == [
        ("GLM024", line_of(source, '"/prices/{sku}"')),
        ("GLM025", line_of(source, '"/prices/{code}"')),
        ("GLM026", line_of(source, "@endpoint()")),
        ("GLM026", line_of(source, 'get="/a"')),
        ("GLM020", line_of(source, "no-slash")),
    ]
    assert 'endpoint variable "{sku}" is not a parameter of method "price"' in found[0].message
    assert 'duplicates the endpoint of method "price"' in found[1].message
    assert "has no verb" in found[2].message and "several verbs (get=, post=)" in found[3].message


def test_glm023_for_endpoints_of_an_agent_without_mount(tree: Tree) -> None:
    source = MOUNTED.format(
        mount="None", methods=ENDPOINTS.split('@endpoint(get="/prices/{code}')[0]
    )
    tree.write({"agents.py": source})
    codes = [d.code for d in tree.check()]
    assert codes.count("GLM023") == 2 and "GLM024" in codes


def test_glm005_for_endpoint_options_next_to_a_verb(tree: Tree) -> None:
    methods = """
    @endpoint(get=PATH)
    def a(self) -> None:
        pass

    @endpoint("/b", get="/b")
    def b(self) -> None:
        pass

    @endpoint(get="/c", head="/c")
    def c(self) -> None:
        pass
"""
    source = "PATH = '/a'\n" + MOUNTED.format(mount='"/s/{region}/{name}"', methods=methods)
    tree.write({"agents.py": source})
    found = tree.check()
    assert [d.code for d in found] == ["GLM005"] * 3
    assert "is not a literal" in found[0].message
    assert "takes no positional argument" in found[1].message
    assert '@endpoint has no option "head"' in found[2].message


NO_VERB = """
    @endpoint(head="/a")
    def a(self) -> None:
        pass

    @endpoint("/b")
    def b(self) -> None:
        pass

    @endpoint(gett="/c")
    def c(self) -> None:
        pass

    @endpoint(get=None, head="/d")
    def d(self) -> None:
        pass

    @endpoint(PATH)
    def e(self) -> None:
        pass
"""


def test_glm026_alone_when_the_arguments_name_no_verb(tree: Tree) -> None:
    source = "PATH = '/e'\n" + MOUNTED.format(mount='"/s/{region}/{name}"', methods=NO_VERB)
    tree.write({"agents.py": source})
    found = tree.check()
    assert [(d.code, d.line) for d in found] == [
        ("GLM026", line_of(source, needle))
        for needle in ('head="/a"', '"/b")', "gett=", "get=None", "(PATH)")
    ]
    verbs = "write exactly one of get=, post=, put=, delete=, patch="
    assert all(verbs in d.message for d in found)
    assert 'has no verb ("head" is not a verb);' in found[0].message
    assert '"/b" is passed by position: name its verb, e.g. get="/b"' in found[1].message
    assert '"gett" is not a verb; did you mean "get="?' in found[2].message
    assert '("head" is not a verb)' in found[3].message
    assert "PATH is passed by position" in found[4].message


def test_star_arguments_may_hold_a_verb_so_only_glm005(tree: Tree) -> None:
    methods = """
    @endpoint(**ROUTES)
    def a(self) -> None:
        pass
"""
    source = "ROUTES = {}\n" + MOUNTED.format(mount='"/s/{region}/{name}"', methods=methods)
    tree.write({"agents.py": source})
    assert [d.code for d in tree.check()] == ["GLM005"]

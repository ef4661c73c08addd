"""Which files a run covers, their module names, and the [tool.golem-codegen] configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen.discovery import Config, ConfigError, discover, load_config, module_name


def touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("", encoding="utf-8")


def test_module_names_follow_the_package_layout(tmp_path: Path) -> None:
    touch(tmp_path, "pkg/__init__.py", "pkg/sub/__init__.py", "pkg/sub/mod.py", "loose.py")
    assert module_name(tmp_path / "pkg/sub/mod.py") == "pkg.sub.mod"
    assert module_name(tmp_path / "pkg/sub/__init__.py") == "pkg.sub"
    assert module_name(tmp_path / "pkg/__init__.py") == "pkg"
    assert module_name(tmp_path / "loose.py") == "loose"


def test_walk_skips_tool_and_virtualenv_directories(tmp_path: Path) -> None:
    touch(
        tmp_path,
        "app/agents.py",
        ".git/hooks/x.py",
        ".tox/py/x.py",
        ".golem/x.py",
        "__pycache__/x.py",
        "build/x.py",
        "dist/x.py",
        "node_modules/x.py",
        "myenv/pyvenv.cfg",
        "myenv/lib/x.py",
        "app/golem_agents.py",
    )
    tree = discover([tmp_path], Config())
    assert [s.path.relative_to(tmp_path).as_posix() for s in tree.sources] == ["app/agents.py"]
    assert [p.relative_to(tmp_path).as_posix() for p in tree.generated] == ["app/golem_agents.py"]


def test_exclude_globs_are_relative_to_the_configuration(tmp_path: Path) -> None:
    touch(tmp_path, "src/a.py", "src/legacy/b.py", "tests/c.py")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.golem-codegen]\nexclude = ["src/legacy", "tests/*"]\nignore = ["GLM033"]\n',
        encoding="utf-8",
    )
    config = load_config(tmp_path / "src")
    assert config.ignore == ("GLM033",)
    tree = discover([tmp_path], config)
    assert [s.path.relative_to(tmp_path).as_posix() for s in tree.sources] == ["src/a.py"]


def test_files_given_twice_are_covered_once_and_in_order(tmp_path: Path) -> None:
    touch(tmp_path, "b.py", "a.py")
    tree = discover([tmp_path / "b.py", tmp_path, tmp_path / "a.py"], Config())
    assert [s.path.name for s in tree.sources] == ["b.py", "a.py"]


@pytest.mark.parametrize(
    "body",
    [
        "[tool.golem-codegen]\nexclude = 'x'\n",
        "[tool.golem-codegen]\nselcet = ['GLM001']\n",
        "[tool.golem-codegen\n",
    ],
)
def test_bad_configuration_is_a_config_error_naming_the_file(tmp_path: Path, body: str) -> None:
    (tmp_path / "pyproject.toml").write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"pyproject\.toml"):
        load_config(tmp_path)


def test_no_pyproject_means_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path).exclude == ()


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ('select = ["GLM999"]', r"select: 'GLM999' is not a diagnostic code"),
        ('ignore = ["GLM030 GLM031"]', r'one selector per item: \["GLM030", "GLM031"\]'),
        ('ignore = ["GLM0,GLM1"]', r"ignore: 'GLM0,GLM1' is not"),
        ('select = [""]', r"select: an empty selector"),
    ],
)
def test_selectors_that_select_nothing_are_config_errors(
    tmp_path: Path, entry: str, expected: str
) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.golem-codegen]\n{entry}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"pyproject\.toml: \[tool\.golem-codegen\] ") as raised:
        load_config(tmp_path)
    assert raised.match(expected)
    assert "a prefix of codes (GLM0, GLM03, GLM) or ALL" in str(raised.value)


def test_codes_prefixes_and_all_are_valid_configured_selectors(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.golem-codegen]\nselect = ["GLM0", "glm900", "GLM"]\nignore = ["ALL", " GLM03 "]\n',
        encoding="utf-8",
    )
    config = load_config(tmp_path)
    assert config.select == ("GLM0", "glm900", "GLM") and config.ignore == ("ALL", " GLM03 ")

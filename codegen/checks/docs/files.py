"""GLM040-GLM042 (generated files), GLM900-GLM901 (files that cannot be read), GLM902 (suppressions)."""

from __future__ import annotations

from ...diagnostics import Rule, Severity

ERROR = Severity.ERROR

RULES = (
    Rule(
        code="GLM040",
        severity=ERROR,
        name="generated-stale",
        title="a generated golem_agents.py is stale",
        summary=(
            "golem_agents.py wires the agents of its directory into the runtime; it is generated "
            "from the agent sources. When regenerating it would change it, the wiring no longer "
            "matches the agents (a method, an endpoint or a state field changed)."
        ),
        fix="Run `golem-codegen generate` and commit the result.",
        bad=(
            "An agent gained a method `reset` after golem_agents.py was generated; the generated "
            "module still lists only the old methods."
        ),
        good="`golem-codegen generate` was run after the change, so golem_agents.py lists `reset`.",
        examples="prose",
    ),
    Rule(
        code="GLM041",
        severity=ERROR,
        name="generated-edited",
        title="a generated golem_agents.py was edited by hand",
        summary=(
            "Generated modules carry a hash of their code; when it does not match, someone "
            "edited the file, and regenerating it would silently throw that edit away. "
            "Formatting (ruff format, import sorting, comments) is not an edit."
        ),
        fix=(
            "Move the change into the agent sources and run `golem-codegen generate --force` to "
            "overwrite the edited file."
        ),
        bad="A line was added by hand to golem_agents.py; its content hash no longer matches.",
        good="golem_agents.py is left as generated; changes are made in the agent modules.",
        examples="prose",
    ),
    Rule(
        code="GLM042",
        severity=ERROR,
        name="generated-in-the-way",
        title="a golem_agents.py that this tool did not generate is in the way",
        summary=(
            "The generator only writes golem_agents.py files it generated itself; a file of that "
            "name without the generated header belongs to someone else and is never overwritten, "
            "so the agents of its directory cannot be wired."
        ),
        fix="Rename or remove your own golem_agents.py, then run `golem-codegen generate`.",
        bad="A hand-written golem_agents.py (no generated header) sits next to the agent modules.",
        good="The hand-written module is renamed (e.g. wiring.py); golem_agents.py is generated.",
        examples="prose",
    ),
    Rule(
        code="GLM900",
        severity=ERROR,
        name="syntax-error",
        title="the file cannot be parsed",
        summary=(
            "The file has a syntax error, or nests expressions too deeply for the parser. It is "
            "skipped; the other files are still checked."
        ),
        fix="Fix the syntax error (run `python -m py_compile FILE` to see it the way Python does).",
        bad="""\
from runtime_stub import agent


@agent
class BrokenAgent:
    def hello(self -> str:  # expect: GLM900
        return "hello"
""",
        good="""\
from runtime_stub import agent


@agent
class BrokenAgent:
    def hello(self) -> str:
        return "hello"
""",
    ),
    Rule(
        code="GLM901",
        severity=ERROR,
        name="unreadable-file",
        title="the file cannot be read or decoded",
        summary=(
            "The file could not be read (permissions, a broken link) or its bytes are not valid in "
            "its encoding: UTF-8 unless a PEP 263 coding comment says otherwise."
        ),
        fix="Save the file as UTF-8 (or declare its encoding with `# -*- coding: latin-1 -*-`).",
        bad="agents.py saved as Latin-1 without a coding comment: the bytes b\"name = 'caf\\xe9'\".",
        good="The same file saved as UTF-8: b\"name = 'caf\\xc3\\xa9'\".",
        examples="prose",
    ),
    Rule(
        code="GLM902",
        severity=Severity.WARNING,
        name="unused-suppression",
        title="a `# golem: ignore[...]` that suppresses nothing, or names no diagnostic code",
        summary=(
            "A suppression that no longer suppresses anything (the problem was fixed, or the code "
            "moved to another line) would silently hide the next problem on its line; one that "
            "names a code that does not exist (a typo such as GLM33) never worked. Suppressions "
            "of codes the run does not report (--select, ignore) are not judged."
        ),
        fix="Remove the suppression, or the codes of it that suppress nothing (`--fix` does).",
        bad="""\
from runtime_stub import agent


@agent
class ClockAgent:
    def __init__(self, name: str) -> None:
        self.name = name

    def tick(self) -> int:
        return len(self.name)  # golem: ignore[GLM033]  # expect: GLM902
""",
        good="""\
import time

from runtime_stub import agent


@agent
class ClockAgent:
    def __init__(self, name: str) -> None:
        self.name = name

    def tick(self) -> float:
        return time.time()  # golem: ignore[GLM033]
""",
    ),
)

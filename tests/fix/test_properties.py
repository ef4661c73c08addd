"""Properties of `check --fix` over generated agent files: a file without an applicable fix is
never changed (byte for byte), fixed files still parse and compile, and a second run changes nothing."""

from __future__ import annotations

import tempfile
from pathlib import Path

import libcst as cst
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegen.api import check
from codegen.diagnostics import applicable

from .support import NO_CACHE, fixed_in, inside

HEADER = """\
import random
import time
import uuid
from datetime import datetime, timezone

from runtime_stub import agent, atomically, durable_call, idempotence_mode

"""
FIXABLE = [
    ["with idempotence_mode(True):", "    self.items.append(1)"],
    ["idempotence_mode(True)  # restore"],
    ["self.items.append(len(str(uuid.uuid4())))"],
    ["stamp = datetime.now(timezone.utc)", "self.items.append(stamp.second)"],
    ["with atomically():", "    self.items.append(2)", "    # inside"],
    ["self.items.append(int(random.random() * 10))"],
    ["self.items.append(int(time.time()))"],
    ["self.items.append(3)  # golem: ignore[GLM031]"],
    ["self.items.append(random.randint(1, 6))"],
    ["if self.items:", "    with idempotence_mode(True):", "        self.items.pop()"],
    ["with atomically():", "    with idempotence_mode(True):", "        self.items.append(4)"],
]
PLAIN = [
    ["self.items.append(len(self.items))"],
    ["durable_call(str, 1)"],
    ["# a comment of its own"],
    [""],
    ["if self.items:", "    self.items.pop()"],
    ["random.shuffle(self.items)"],
    ["self.items.append(int(time.time()))  # golem: ignore[GLM033]"],
    ["with atomically():", "    durable_call(print, 'sent')"],
]

statements = st.lists(st.sampled_from(FIXABLE + PLAIN), min_size=1, max_size=6)
plain_statements = st.lists(st.sampled_from(PLAIN), min_size=1, max_size=6)


@st.composite
def agent_file(draw: st.DrawFn, index: int) -> str:
    """One agent module: methods of drawn statements, LF or CRLF, 4- or 2-space indents."""
    pool = draw(st.sampled_from([statements, plain_statements]))
    indent = draw(st.sampled_from(["    ", "  "]))
    methods = draw(st.lists(pool, min_size=1, max_size=3))
    lines = [f"@agent(name='agent-{index}')", f"class Agent{index}:"]
    lines += [f"{indent}def __init__(self, name: str) -> None:", f"{indent * 2}self.name = name"]
    lines += [f"{indent * 2}self.items: list[int] = []"]
    for number, body in enumerate(methods):
        lines += ["", f"{indent}def method{number}(self) -> int:"]
        for statement in body:
            lines += [
                f"{indent * 2}{line.replace('    ', indent)}" if line else "" for line in statement
            ]
        lines.append(f"{indent * 2}return len(self.items)")
    text = HEADER + "\n" + "\n".join(lines) + "\n"
    return text.replace("\n", "\r\n") if draw(st.booleans()) else text


trees = st.integers(1, 3).flatmap(lambda n: st.tuples(*(agent_file(i) for i in range(n))))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sources=trees, unsafe=st.booleans())
def test_fix_touches_only_fixable_files_keeps_them_valid_and_is_idempotent(
    sources: tuple[str, ...], unsafe: bool
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        paths = [root / f"agent{i}.py" for i in range(len(sources))]
        for path, source in zip(paths, sources, strict=True):
            path.write_bytes(source.encode())
        with inside(root):
            found = applicable(check(["."], options=NO_CACHE).diagnostics, unsafe)
        fixable = {d.path for d in found if d.fix is not None}
        first = fixed_in(root, unsafe=unsafe)
        for path, source in zip(paths, sources, strict=True):
            after = path.read_bytes()
            if path.name not in fixable:
                assert after == source.encode()
            cst.parse_module(after)
            compile(after, path.name, "exec", dont_inherit=True)
            assert (b"\r\n" in after) == ("\r\n" in source)
        assert {f.path for f in first.files} <= fixable
        snapshot = [path.read_bytes() for path in paths]
        second = fixed_in(root, unsafe=unsafe)
        assert second.files == ()
        assert [path.read_bytes() for path in paths] == snapshot
        left = applicable(second.remaining.diagnostics, unsafe)
        assert [d for d in left if d.fix is not None] == []

"""Files that nest or chain one construct `n` times: what crashed or hung libcst-based scanners."""

from __future__ import annotations

from collections.abc import Callable

HEADER = "import runtime_stub\na = b = x = 1\n"


def _joined(separator: str) -> Callable[[int], str]:
    return lambda n: "y = " + separator.join(["a"] * n) + "\n"


def _bracketed(term: str) -> Callable[[int], str]:
    """A chain split over lines inside brackets: no long line betrays it."""
    return lambda n: "y = (a\n" + "".join(f"    {term}\n" for _ in range(n)) + ")\n"


def _elifs(n: int) -> str:
    return "if x == 0:\n    pass\n" + "".join(f"elif x == {i}:\n    pass\n" for i in range(1, n))


def _backslashed(n: int) -> str:
    return "y = a \\\n" + "".join("    + a \\\n" for _ in range(n)) + "    + a\n"


CHAINS: dict[str, Callable[[int], str]] = {
    "elif": _elifs,
    "lambda": lambda n: "f = " + "lambda: " * n + "0\n",
    "not": lambda n: "y = " + "not " * n + "x\n",
    "or": _joined(" or "),
    "and": _joined(" and "),
    "plus": _joined(" + "),
    "power": _joined("**"),
    "compare": _joined(" < "),
    "attribute": lambda n: "y = a" + ".b" * n + "\n",
    "call": lambda n: "y = a" + "()" * n + "\n",
    "subscript": lambda n: "y = a" + "[0]" * n + "\n",
    "conditional": lambda n: "y = " + "a if a else " * n + "a\n",
    "minus": lambda n: "y = " + "-" * n + "a\n",
    "import": lambda n: "import " + ".".join(["a"] * n) + "\n",
    "lines-plus": _bracketed("+ a"),
    "lines-attribute": _bracketed(".b"),
    "lines-subscript": _bracketed("[0]"),
    "lines-call": _bracketed("()"),
    "backslash-plus": _backslashed,
    "decorators": lambda n: "@a\n" * n + "def f(): pass\n",
    "list": lambda n: "y = [\n" + "    1,\n" * n + "]\n",
    "fstring": lambda n: "y = f'" + "{a}" * n + "'\n",
}
"""Each maker: n -> module source nesting or chaining one construct n times."""


def deep_file(kind: str, n: int) -> bytes:
    """One file of `kind` chained `n` times, mentioning runtime_stub so scanners must parse it."""
    return (HEADER + CHAINS[kind](n)).encode()

"""Python source fragments the generator emits already formatted the way `ruff format` would.

Generated modules must pass `ruff format --check`. Rather than running a formatter (its output
would depend on the installed version), every construct is emitted in a shape ruff leaves alone:
a bracketed construct stays on one line when it fits in `WIDTH` columns and is otherwise exploded
one item per line with a magic trailing comma, which ruff keeps at any line length. `WIDTH` is
below ruff's default (88), so the output is stable for every configured line length >= 79.
"""

from __future__ import annotations

import keyword
import re
import textwrap
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "WIDTH",
    "Fragment",
    "Group",
    "call",
    "comment_text",
    "docstring",
    "fits",
    "list_of",
    "long_str",
    "py_literal",
    "py_str",
    "render",
    "tuple_of",
    "width",
]

WIDTH = 79


def width(text: str) -> int:
    """Display width as ruff measures it: East Asian wide characters count twice."""
    if text.isascii():
        return len(text)
    total = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        total += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return total


def fits(line: str, indent: int = 0) -> bool:
    """Whether `line`, indented by `indent` spaces, stays within the layout width."""
    return indent + width(line) <= WIDTH and "\n" not in line


DOC_WIDTH = 84
"""Docstrings of functions (indented by 4) stay within 88 columns, ruff's default line length."""


def docstring(text: str) -> str:
    """A function's docstring: one line when it fits, else wrapped at word boundaries (a long
    name stays whole on its own line, which line-length checks accept)."""
    if width(text) + 6 <= DOC_WIDTH:
        return f'"""{text}"""'
    lines = textwrap.wrap(text, DOC_WIDTH - 4, break_long_words=False, break_on_hyphens=False)
    if len(lines) == 1 and " " in text:  # one line of text: ruff joins the quotes at 120 columns
        lines = text.rsplit(" ", 1)
    return '"""' + "\n    ".join(lines) + '\n    """'


JOINED_WIDTH = 120
"""Beyond this, ruff keeps an implicit concatenation split at every usual line length."""


def long_str(value: str, indent: int) -> str:
    """A string literal at `indent`, split over lines (implicit concatenation) when it could not
    fit any usual line length on one line: ruff's E501 at 88 columns, and ruff format leaves it."""
    whole = py_str(value)
    if indent + width(whole) + 1 <= JOINED_WIDTH:
        return whole
    chunks, current = [], ""
    for word in re.findall(r"\S+\s*", value):
        if current and indent + width(py_str(current + word)) > WIDTH - 1:
            chunks.append(current)
            current = ""
        current += word
    chunks.append(current)
    return ("\n" + " " * indent).join(py_str(chunk) for chunk in chunks)


def py_str(value: str) -> str:
    """A Python string literal in ruff's preferred form (double quotes unless more escapes)."""
    if value.isascii() and value.isprintable() and '"' not in value and "\\" not in value:
        return '"' + value + '"'  # nothing to escape: the common case, kept cheap
    quote = "'" if value.count('"') > value.count("'") else '"'
    parts = [quote]
    for char in value:
        parts.append(_escape(char, quote))
    parts.append(quote)
    return "".join(parts)


_NAMED_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str, quote: str) -> str:
    if char == quote:
        return "\\" + quote
    named = _NAMED_ESCAPES.get(char)
    if named is not None:
        return named
    if char.isprintable():
        return char
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def py_literal(value: str | int | bool | None) -> str:
    """A literal value as Python source (str, int, bool or None)."""
    if isinstance(value, str):
        return py_str(value)
    return repr(value)


def comment_text(value: str) -> str:
    """Text that is safe inside a `#` comment: no line breaks, no unprintable characters."""
    return "".join(char if char.isprintable() else _escape(char, "") for char in value)


@dataclass(frozen=True, slots=True, repr=False)
class Group:
    """A bracketed construct: `head(item, item)`, `(a, b)`, `{a, b}`; items may be Groups."""

    head: str
    items: tuple[Fragment, ...]
    brackets: str = "()"
    one_tuple: bool = False
    """A one-item tuple display needs its comma even on one line: `(x,)`."""

    def __repr__(self) -> str:
        """Without dataclass's recursion guard: model hashes repr thousands of groups."""
        return f"Group({self.head!r}, {self.items!r}, {self.brackets!r}, {self.one_tuple!r})"

    def flat(self) -> str | None:
        """The one-line form, or None when an item cannot be on one line."""
        parts = [item if isinstance(item, str) else item.flat() for item in self.items]
        if any(part is None or "\n" in part for part in parts):
            return None
        inner = ", ".join(p for p in parts if p is not None)
        if self.one_tuple and len(parts) == 1:
            inner += ","
        return f"{self.head}{self.brackets[0]}{inner}{self.brackets[1]}"


Fragment = str | Group


def render(
    fragment: Fragment, indent: int, suffix: str = "", prefix: str = "", *, force: bool = False
) -> str:
    """`prefix`, `fragment`, `suffix`: on one line when it fits, else exploded (magic comma).

    The result has no leading indentation (the caller's line supplies it) and no final newline.
    A one-item tuple is the exception ruff makes: its comma is not magic, so it only breaks when
    its item does (which is then forced to explode), and stays on one line around an atom.
    """
    if isinstance(fragment, str):
        return prefix + fragment + suffix
    if prefix:
        fragment = Group(
            prefix + fragment.head, fragment.items, fragment.brackets, fragment.one_tuple
        )
    flat = fragment.flat()
    if flat is not None and not force and fits(flat + suffix, indent):
        return flat + suffix
    opening, closing = fragment.brackets[0], fragment.brackets[1]
    pad = " " * (indent + 4)
    if fragment.one_tuple and len(fragment.items) == 1:
        item = fragment.items[0]
        if isinstance(item, str):
            return (flat or "") + suffix
        inner = render(item, indent + 4, ",", force=True)
        return f"{fragment.head}{opening}\n{pad}{inner}\n{' ' * indent}{closing}{suffix}"
    body = "".join(f"{pad}{render(item, indent + 4, ',')}\n" for item in fragment.items)
    return f"{fragment.head}{opening}\n{body}{' ' * indent}{closing}{suffix}"


def call(head: str, *args: Fragment) -> Group:
    """A call `head(args...)`."""
    return Group(head, args)


def tuple_of(items: Sequence[Fragment], head: str = "") -> Group:
    """A tuple display `(a, b)` (`(a,)` for one item)."""
    return Group(head, tuple(items), "()", one_tuple=True)


def list_of(items: Sequence[Fragment], head: str = "") -> Group:
    """A list display `[a, b]` (its trailing comma is magic even for one item, unlike a tuple's)."""
    return Group(head, tuple(items), "[]")


def is_identifier(name: str) -> bool:
    """A name Python accepts as a variable (non-ASCII letters included, keywords excluded)."""
    return name.isidentifier() and not keyword.iskeyword(name)

"""Random agent projects of every supported type (SPEC §4): what `generate` must turn into wiring
that passes `mypy --strict`, whatever values the scanner accepts (Literal text, NewType chains)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

SCALARS = {
    "str": '""',
    "int": "0",
    "float": "0.0",
    "bool": "False",
    "bytes": 'b""',
    "datetime": "datetime(2000, 1, 1)",
    "date": "date(2000, 1, 1)",
    "time": "time()",
    "timedelta": "timedelta()",
    "Decimal": 'Decimal("0")',
    "UUID": "UUID(int=0)",
}
HASHABLE_KEYS = ("str", "int", "UUID")
_TEXT = "a\"'\\\n\t\x00\x7f\u2028é\N{BULLET}\U0001f600{}%#;"


@dataclass
class _Module:
    """What one generated module declares before its agent."""

    rng: random.Random
    lines: list[str] = field(default_factory=list)
    enums: list[str] = field(default_factory=list)
    newtypes: dict[str, str] = field(default_factory=dict)  # name -> default expression
    classes: list[str] = field(default_factory=list)
    serial: int = 0

    def name(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}{self.serial}"

    def literal_value(self) -> str:
        roll = self.rng.random()
        if roll < 0.45:
            size = self.rng.randint(0, 6)
            return repr("".join(self.rng.choice(_TEXT) for _ in range(size)))
        if roll < 0.8:
            return str(self.rng.randint(-300, 300))
        if roll < 0.9:
            return self.rng.choice(["True", "False"])
        if roll < 0.98:  # the edges type checkers still accept
            return str(self.rng.choice([-1, 1]) * self.rng.choice([2**63 - 1, 2**62, 2**32]))
        return str(self.rng.choice([-1, 1]) * self.rng.randint(2**63, 2**80))  # a diagnostic

    def literal(self) -> tuple[str, str]:
        values: list[str] = []
        for _ in range(self.rng.randint(1, 5)):
            value = self.literal_value()
            if value not in values and not _clashes(value, values):
                values.append(value)
        return f"Literal[{', '.join(values)}]", values[0]

    def enum(self) -> tuple[str, str]:
        name = self.name("Color")
        base = self.rng.choice(["str", "int"])
        members = [f"    M{i} = {repr(f'v{i}') if base == 'str' else i}" for i in range(3)]
        self.lines += [f"class {name}(Enum):", *members, "", ""]
        self.enums.append(name)
        return name, f"{name}.M0"

    def newtype(self, depth: int) -> tuple[str, str]:
        if self.newtypes and self.rng.random() < 0.4:
            name = self.rng.choice(sorted(self.newtypes))
            base, base_default = name, self.newtypes[name]
        else:
            base = self.rng.choice(["str", "int", "float", "bytes", "UUID"])
            base_default = SCALARS[base]
        name = self.name("Nt")
        self.lines += [f'{name} = NewType("{name}", {base})', "", ""]
        self.newtypes[name] = f"{name}({base_default})"
        return name, self.newtypes[name]

    def key(self) -> tuple[str, str]:
        choice = self.rng.choice(["plain", "plain", "enum", "newtype", "literal"])
        if choice == "enum":
            return self.enum()
        if choice == "newtype":
            base = self.rng.choice(["str", "int"])
            name = self.name("Key")
            self.lines += [f'{name} = NewType("{name}", {base})', "", ""]
            return name, f"{name}({SCALARS[base]})"
        if choice == "literal":
            values = sorted({repr(f"k{self.rng.randint(0, 9)}") for _ in range(3)})
            return f"Literal[{', '.join(values)}]", values[0]
        kind = self.rng.choice(HASHABLE_KEYS)
        return kind, SCALARS[kind]

    def type(self, depth: int) -> tuple[str, str]:
        """A type expression and a default value expression of it."""
        kinds = ["scalar"] * 4 + ["literal", "enum", "newtype", "optional"]
        if depth < 3:
            kinds += ["list", "dict", "set", "tuple", "tuple_var", "dataclass"]
        kind = self.rng.choice(kinds)
        if kind == "scalar":
            name = self.rng.choice(sorted(SCALARS))
            return name, SCALARS[name]
        if kind == "literal":
            return self.literal()
        if kind == "enum":
            return self.enum()
        if kind == "newtype":
            return self.newtype(depth)
        if kind == "optional":
            inner, _ = self.type(depth + 1)
            return f"{inner} | None", "None"
        if kind == "list":
            return f"list[{self.type(depth + 1)[0]}]", "[]"
        if kind == "dict":
            key, _ = self.key()
            return f"dict[{key}, {self.type(depth + 1)[0]}]", "{}"
        if kind in ("set", "tuple_var"):
            item, _ = self.hashable(depth + 1)
            return (f"set[{item}]", "set()") if kind == "set" else (f"tuple[{item}, ...]", "()")
        if kind == "tuple":
            parts = [self.type(depth + 1) for _ in range(self.rng.randint(1, 3))]
            default = "(" + ", ".join(d for _, d in parts) + ",)"
            return "tuple[" + ", ".join(t for t, _ in parts) + "]", default
        return self.dataclass(depth + 1)

    def hashable(self, depth: int) -> tuple[str, str]:
        choice = self.rng.choice(["scalar", "literal", "enum", "newtype"])
        if choice == "literal":
            return self.literal()
        if choice == "enum":
            return self.enum()
        if choice == "newtype":
            return self.newtype(depth)
        name = self.rng.choice(sorted(SCALARS))
        return name, SCALARS[name]

    def dataclass(self, depth: int) -> tuple[str, str]:
        name = self.name("Rec")
        fields = [self.type(depth + 1) for _ in range(self.rng.randint(1, 4))]
        body = [
            f"    f{i}: {kind} = field(default_factory=lambda: {default})"
            for i, (kind, default) in enumerate(fields)
        ]
        if self.rng.random() < 0.2:
            body.append(f"    children: list[{name}] = field(default_factory=list)")
        self.lines += ["@dataclass", f"class {name}:", *body, "", ""]
        self.classes.append(name)
        return name, f"{name}()"


def _clashes(value: str, values: list[str]) -> bool:
    """`Literal[1, True]` repeats a value for `==`: the scanner refuses it, so do not ask."""
    return value in ("True", "False", "0", "1") and any(
        v in ("True", "False", "0", "1") for v in values
    )


HEADER = """\
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Literal, NewType
from uuid import UUID

from runtime_stub import agent

"""


def agent_module(seed: int) -> str:
    """One module: random enums, NewTypes and dataclasses, and an agent holding them."""
    module = _Module(random.Random(seed))
    fields = [module.type(0) for _ in range(module.rng.randint(1, 6))]
    params = [module.type(1) for _ in range(module.rng.randint(0, 3))]
    result, _ = module.type(1)
    lines = [HEADER, *module.lines]
    lines += [
        '@agent(snapshotting="every(1)")',
        "@dataclass",
        f"class Agent{seed}:",
        "    key: str",
    ]
    lines += [
        f"    s{i}: {kind} = field(default_factory=lambda: {default})"
        for i, (kind, default) in enumerate(fields)
    ]
    signature = ", ".join(f"p{i}: {kind}" for i, (kind, _) in enumerate(params))
    lines += [
        "",
        f"    def run(self{', ' if signature else ''}{signature}) -> {result}:",
        "        raise NotImplementedError",
        "",
    ]
    return "\n".join(lines)

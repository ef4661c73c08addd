"""Which calls can have an external effect (GLM030), decided from a documented allow-list.

A call is *in-memory* (no external effect) when its callee is:

* a method of a builtin container or string (`append`, `update`, `add`, `pop`, `get`, `join`, ...)
  called on an attribute of `self` or on a local name. When the agent is a dataclass and the
  attribute is one of its fields, the field's type decides instead: only builtin containers and
  primitives count (a field holding a client object does not);
* a pure builtin (`len`, `min`, `max`, `sorted`, `range`, `enumerate`, `str`, `int`, ...) or a
  pure standard-library helper (`math.*`, `itertools.*`, `copy.deepcopy`, `decimal.Decimal`, ...);
* a constructor of a project dataclass or enum;
* a durable stand-in or control of the runtime (`now`, `random`, `uuid4`, `persistence_level`, ...):
  durable, but not an effect on the outside world;
* a private or public method of the agent class or of a base class, in any module of the tree
  (`self.helper()`), whose own calls are all in-memory.

Everything else counts as external: `runtime_stub.durable_call`, functions of other modules and of
this module, methods of imported objects, calls through expressions the scanner cannot name.
Limit: a local variable holding a client object (`client.get(url)` with `client` local) looks like
a container and counts as in-memory.
"""

from __future__ import annotations

from ..model import Agent, CallSite, MethodDef, ModuleScan, Project
from .common import own_and_base_classes

__all__ = ["EffectModel"]

CONTAINER_METHODS = frozenset(
    [
        "append",
        "extend",
        "insert",
        "pop",
        "popitem",
        "remove",
        "clear",
        "update",
        "add",
        "discard",
        "setdefault",
        "get",
        "keys",
        "values",
        "items",
        "copy",
        "sort",
        "reverse",
        "count",
        "index",
        "union",
        "intersection",
        "difference",
        "symmetric_difference",
        "issubset",
        "issuperset",
        "isdisjoint",
        "intersection_update",
        "difference_update",
        "symmetric_difference_update",
        "fromkeys",
        "join",
        "split",
        "rsplit",
        "strip",
        "lstrip",
        "rstrip",
        "lower",
        "upper",
        "format",
        "replace",
        "startswith",
        "endswith",
        "encode",
        "decode",
    ]
)
PURE_BUILTINS = frozenset(
    [
        "len",
        "min",
        "max",
        "sorted",
        "range",
        "enumerate",
        "str",
        "int",
        "float",
        "bool",
        "list",
        "dict",
        "set",
        "frozenset",
        "tuple",
        "abs",
        "sum",
        "any",
        "all",
        "zip",
        "map",
        "filter",
        "reversed",
        "isinstance",
        "issubclass",
        "round",
        "repr",
        "hash",
        "divmod",
        "iter",
        "next",
        "bytes",
        "bytearray",
        "hex",
        "ord",
        "chr",
        "format",
        "hasattr",
        "type",
    ]
)
PURE_STDLIB = frozenset(
    [
        "datetime.timedelta",
        "datetime.datetime",
        "datetime.date",
        "datetime.time",
        "decimal.Decimal",
        "uuid.UUID",
        "dataclasses.replace",
        "dataclasses.asdict",
        "copy.copy",
        "copy.deepcopy",
        "json.dumps",
        "json.loads",
        "collections.Counter",
        "collections.defaultdict",
        "collections.OrderedDict",
        "collections.deque",
        "functools.reduce",
    ]
)
PURE_PREFIXES = ("math.", "itertools.", "operator.", "statistics.", "string.")
RUNTIME_NOT_EXTERNAL = frozenset(
    [
        "now",
        "random",
        "uuid4",
        "generate_idempotency_key",
        "atomically",
        "persistence_level",
        "idempotence_mode",
        "retry_policy",
        "oplog_commit",
        "transient",
        "PersistenceLevel",
        "RetryPolicy",
    ]
)
IN_MEMORY_KINDS = frozenset(
    [
        "str",
        "int",
        "float",
        "bool",
        "none",
        "bytes",
        "datetime",
        "date",
        "time",
        "timedelta",
        "decimal",
        "uuid",
        "list",
        "set",
        "frozenset",
        "tuple",
        "tuple_var",
        "dict",
        "optional",
        "literal",
        "enum",
    ]
)


class EffectModel:
    """Classifies the calls of one agent's methods as in-memory or possibly external."""

    def __init__(self, agent: Agent, project: Project) -> None:
        self._module = agent.scan.module
        self._imported = {qualified for _, qualified in agent.scan.imports}
        self._methods: dict[str, tuple[MethodDef, ModuleScan]] = {}
        for scan, cls in own_and_base_classes(agent, project):  # the nearest definition wins
            for method in cls.methods:
                self._methods.setdefault(method.name, (method, scan))
        self._fields = {f.name: f.type.kind for f in agent.state.fields} if agent.state else {}
        self._project = project
        self._visiting: set[str] = set()

    def normalize(self, name: str) -> str:
        """`builtins.len` -> `len`; `runtime_stub.durability.now` -> `runtime_stub.now`."""
        for prefix, replacement in (
            ("builtins.", ""),
            ("runtime_stub.durability.", "runtime_stub."),
            ("runtime_stub.decorators.", "runtime_stub."),
        ):
            if name.startswith(prefix):
                return replacement + name[len(prefix) :]
        return name

    def external(self, call: CallSite) -> bool:
        """Whether `call` may have an effect outside the agent's memory."""
        name = self.normalize(call.name)
        if not name:
            return True
        if name.startswith("runtime_stub."):
            return name.removeprefix("runtime_stub.") not in RUNTIME_NOT_EXTERNAL
        if name in PURE_BUILTINS or name in PURE_STDLIB or name.startswith(PURE_PREFIXES):
            return False
        if name in self._project.dataclasses or name in self._project.enums:
            return False
        if name.startswith("self."):
            return self._self_call(name.split(".")[1:])
        return self._other_call(name)

    def _self_call(self, parts: list[str]) -> bool:
        if len(parts) == 1:
            found = self._methods.get(parts[0])
            return found is None or self._method_external(*found)
        if parts[-1] not in CONTAINER_METHODS:
            return True
        kind = self._fields.get(parts[0])
        if kind is None:
            return False  # an attribute set in __init__: judged by the method name alone
        if kind == "dataclass":
            return len(parts) == 2  # a method of the project dataclass itself may do anything
        return kind not in IN_MEMORY_KINDS

    def _other_call(self, name: str) -> bool:
        local = name.removeprefix(f"{self._module}.")
        if "." not in local:
            return True  # a function of this module, or an unknown one
        if any(name == q or name.startswith(f"{q}.") for q in self._imported):
            return True  # reached through an import: another module's function or object
        return local.rpartition(".")[2] not in CONTAINER_METHODS

    def _method_external(self, method: MethodDef, scan: ModuleScan) -> bool:
        """Whether a method of the agent or of a base class (whose calls are named in its own
        module, maybe another) may have an external effect."""
        if method.name in self._visiting:
            return False
        self._visiting.add(method.name)
        home = self._module, self._imported
        self._module, self._imported = scan.module, {q for _, q in scan.imports}
        try:
            return any(self.external(call) for call in method.calls)
        finally:
            self._module, self._imported = home
            self._visiting.discard(method.name)

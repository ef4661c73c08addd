"""What generated golem_agents.py modules call for snapshots (as `_sj`): one namespace of codecs.

`envelope` holds what is the same for every agent (the JSON envelope, the binary one of custom
pairs, the two JSON back ends, field-path errors); `values` the scalar codecs; `containers` the
container and dataclass helpers. Generated code reaches every one of them as `_sj.<name>`.
"""

from __future__ import annotations

from .containers import *  # noqa: F403 - the generated code reaches every codec as `_sj.<name>`
from .containers import __all__ as _containers
from .envelope import *  # noqa: F403
from .envelope import __all__ as _envelope
from .values import *  # noqa: F403
from .values import __all__ as _values

__all__ = [*_containers, *_envelope, *_values]

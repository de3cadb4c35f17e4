"""Total, type-safe ordering of arbitrary stored values (conventions §11.3).

Values are mapped to ``(rank, comparable)`` pairs so mixed types never raise: booleans
(false < true) < numbers < strings < timestamps < arrays < objects < anything else.
``None``/``MISSING``/NaN are "absent" and sort last in both directions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from functools import total_ordering
from typing import Any, Final

from .values import MISSING, as_aware, is_nan

RankedValue = tuple[int, Any]

_ABSENT_LAST: Final = (1,)


def _json_text(value: object) -> str:
    def default(obj: object) -> object:
        if isinstance(obj, set | frozenset):
            return sorted(obj, key=repr)
        if isinstance(obj, datetime):
            return as_aware(obj).isoformat()
        return repr(obj)

    return json.dumps(value, sort_keys=True, default=default, separators=(",", ":"))


def ranked(value: object) -> RankedValue | None:
    """``(rank, comparable)`` for a present value; ``None`` for an absent one."""
    if value is None or value is MISSING:
        return None
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, int | float):
        return None if is_nan(value) else (1, value)
    if isinstance(value, str):
        return (2, value)
    if isinstance(value, datetime):
        return (3, as_aware(value))
    if isinstance(value, list | tuple | set | frozenset):
        return (4, _json_text(value))
    if isinstance(value, dict):
        return (5, _json_text(value))
    return (6, f"{type(value).__name__}:{value!r}")


def ascending_key(value: object) -> tuple[Any, ...]:
    """Key for an ascending ``list.sort``: absent values last."""
    rank = ranked(value)
    return _ABSENT_LAST if rank is None else (0, *rank)


def descending_key(value: object) -> tuple[Any, ...]:
    """Key for a ``list.sort(reverse=True)``: present values descending, absent values last."""
    rank = ranked(value)
    return (0,) if rank is None else (1, *rank)


@total_ordering
class _Reversed:
    """Wraps a comparable so that its order is inverted (for descending components)."""

    __slots__ = ("inner",)

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and bool(self.inner == other.inner)

    def __lt__(self, other: _Reversed) -> bool:
        return bool(other.inner < self.inner)

    def __hash__(self) -> int:
        return hash(self.inner)


def position_key(values: Sequence[object], directions: Sequence[int]) -> tuple[Any, ...]:
    """A single ascending-comparable key consistent with sorting by ``values`` component-wise
    in ``directions`` (1 / -1) with absent values last — used to bisect sorted lists."""
    parts: list[Any] = []
    for value, direction in zip(values, directions, strict=True):
        rank = ranked(value)
        if rank is None:
            parts.append(_ABSENT_LAST)
        elif direction >= 0:
            parts.append((0, rank))
        else:
            parts.append((0, _Reversed(rank)))
    return tuple(parts)

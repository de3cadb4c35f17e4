"""``compile_sort``: validate a wire sort spec (conventions §11) and build a stable sorter."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ..errors import input_error
from .ordering import ascending_key, descending_key, position_key
from .paths import custom_getter
from .values import MISSING, json_kind

T = TypeVar("T")


@dataclass(frozen=True)
class SortField(Generic[T]):
    """A built-in sortable field; ``get`` returns the value or ``MISSING``/``None``."""

    name: str
    get: Callable[[T], object]
    # Every item has the same value (e.g. search relevance without a relevance model): a
    # stable sort on it changes nothing, so sorting skips it; cursors still carry it.
    constant: bool = False


def _keyed(
    get: Callable[[T], object], to_key: Callable[[object], tuple[Any, ...]]
) -> Callable[[T], tuple[Any, ...]]:
    return lambda item: to_key(get(item))


class Sorter(Generic[T]):
    """A compiled sort order. Calling it returns a new, stably sorted list.

    ``order`` is the effective ``(field, direction)`` chain (request or default, then the
    tiebreak); ``key(item)`` returns the item's raw values along that chain (``MISSING`` →
    ``None``), ready for cursors; ``directions`` pairs with it for :func:`keyset_page`.
    """

    def __init__(
        self, chain: Sequence[tuple[str, int, Callable[[T], object]]], constant: frozenset[str] = frozenset()
    ) -> None:
        self._chain = tuple(chain)
        self._sorted_by = tuple(link for link in reversed(self._chain) if link[0] not in constant)
        self.order: tuple[tuple[str, int], ...] = tuple((name, d) for name, d, _ in chain)
        self.directions: tuple[int, ...] = tuple(d for _, d, _ in chain)

    def __call__(self, items: Iterable[T]) -> list[T]:
        result = list(items)
        for _, direction, get in self._sorted_by:
            if direction == 1:
                result.sort(key=_keyed(get, ascending_key))
            else:
                result.sort(key=_keyed(get, descending_key), reverse=True)
        return result

    def key(self, item: T) -> tuple[object, ...]:
        values: list[object] = []
        for _, _, get in self._chain:
            value = get(item)
            values.append(None if value is MISSING else value)
        return tuple(values)

    def position(self, item: T) -> tuple[Any, ...]:
        """Ascending-comparable key consistent with this order (for bisecting)."""
        return position_key(self.key(item), self.directions)


def _parse_spec(spec: object, max_fields: int | None) -> list[tuple[str, int]]:
    if spec is None:
        return []
    if not isinstance(spec, list):
        raise input_error(
            f'sort must be an array of {{"field", "direction"}} objects, got {json_kind(spec)}'
        )
    if max_fields is not None and len(spec) > max_fields:
        raise input_error(
            f"sort accepts at most {max_fields} field{'s' if max_fields != 1 else ''}, "
            f"got {len(spec)}"
        )
    parsed: list[tuple[str, int]] = []
    for entry in spec:
        if not isinstance(entry, dict):
            raise input_error(
                'sort must be an array of {"field", "direction"} objects, '
                f"got an element of type {json_kind(entry)}"
            )
        name = entry.get("field")
        if not isinstance(name, str) or not name:
            raise input_error('each sort entry needs a non-empty string "field"')
        direction = entry.get("direction")
        if direction is None:
            direction = 1
        if (
            isinstance(direction, bool)
            or not isinstance(direction, int)
            or direction not in (1, -1)
        ):
            raise input_error(
                f'sort direction for field "{name}" must be 1 or -1, got {direction!r}'
            )
        parsed.append((name, direction))
    return parsed


def compile_sort(
    spec: object,
    fields: Mapping[str, SortField[T]],
    *,
    default: Sequence[tuple[str, int]],
    tiebreak: Sequence[tuple[str, int]] = (),
    custom_get: Callable[[T, str], object] | None = None,
    max_fields: int | None = None,
) -> Sorter[T]:
    """Validate ``spec`` (wire form ``[{"field", "direction"}]``; ``None``/``[]`` → ``default``)
    and return a :class:`Sorter`. ``tiebreak`` entries are appended unless their field is
    already in the chain. Unknown fields (without ``custom_get``), bad directions, malformed
    entries and more than ``max_fields`` entries → 400/4. Numbers sort numerically, strings
    lexicographically (by code point), datetimes chronologically, false < true; absent values
    last in both directions; mixed types are ordered by a fixed type rank.
    """
    requested = _parse_spec(spec, max_fields)

    def resolve(name: str, *, from_request: bool) -> Callable[[T], object]:
        known = fields.get(name)
        if known is not None:
            return known.get
        if custom_get is not None:
            return custom_getter(custom_get, name)
        if from_request:
            raise input_error(f'sort field "{name}" is not supported')
        raise ValueError(f"default/tiebreak sort field {name!r} is not defined")

    chain: list[tuple[str, int, Callable[[T], object]]] = []
    constant = frozenset(name for name, known in fields.items() if known.constant)
    seen: set[str] = set()
    base = requested or [(name, direction) for name, direction in default]
    for name, direction in base:
        chain.append((name, direction, resolve(name, from_request=bool(requested))))
        seen.add(name)
    for name, direction in tiebreak:
        if name not in seen:
            chain.append((name, direction, resolve(name, from_request=False)))
            seen.add(name)
    return Sorter(chain, constant)

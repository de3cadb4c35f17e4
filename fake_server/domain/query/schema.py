"""Per-endpoint filter configuration: operator names, :class:`Field` and :class:`Schema`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final, Generic, TypeVar

from .values import FieldType

T = TypeVar("T")

ORDERED_OPERATORS: Final = frozenset({"$gt", "$gte", "$lt", "$lte"})
FIELD_OPERATORS: Final = frozenset(
    {"$eq", "$ne", "$in", "$nin", "$exists", "$contains", "$autocomplete", "$q"} | ORDERED_OPERATORS
)
LOGICAL_OPERATORS: Final = frozenset({"$and", "$or", "$nor"})
ALL_OPERATORS: Final = FIELD_OPERATORS | LOGICAL_OPERATORS

# Convenient operator sets for schema tables.
EQ: Final = frozenset({"$eq"})
EQ_IN: Final = frozenset({"$eq", "$in"})
COMPARISONS: Final = frozenset({"$eq"}) | ORDERED_OPERATORS
COMPARISONS_IN: Final = COMPARISONS | {"$in"}
COMPARISONS_IN_EXISTS: Final = COMPARISONS_IN | {"$exists"}
DEFAULT_CUSTOM_OPERATORS: Final = FIELD_OPERATORS


@dataclass(frozen=True)
class Field(Generic[T]):
    """A built-in filterable field.

    ``get`` returns the stored value or ``MISSING``. ``custom_match(op, operand)`` (optional)
    replaces the engine's semantics for this field: it is called once per operator at compile
    time (after the operator was checked against ``ops``; implicit equality arrives as
    ``"$eq"``) with the raw operand, and returns an item predicate, or ``None`` to fall back to
    the engine's standard handling of that operator. It may raise ``APIError``.
    """

    name: str
    type: FieldType
    ops: frozenset[str]
    get: Callable[[T], object]
    custom_match: Callable[[str, object], Callable[[T], bool] | None] | None = None

    def __post_init__(self) -> None:
        unknown = self.ops - FIELD_OPERATORS
        if unknown:
            raise ValueError(f"field {self.name!r}: unknown operators {sorted(unknown)}")


@dataclass(frozen=True)
class Schema(Generic[T]):
    """The filterable fields of one endpoint.

    ``custom_get(item, key)`` serves keys that are not built-in fields (``None`` → unknown
    fields are rejected with 400/4). For a dotted key such as ``"details.color"`` it is called
    with the first segment (``"details"``) and the engine walks the remaining segments through
    nested objects (and maps over arrays of objects). Custom fields are typed ``ANY``.
    """

    fields: Mapping[str, Field[T]]
    custom_get: Callable[[T, str], object] | None = None
    custom_ops: frozenset[str] = field(default=DEFAULT_CUSTOM_OPERATORS)
    name: str = "filter_conditions"

    def __post_init__(self) -> None:
        unknown = self.custom_ops - FIELD_OPERATORS
        if unknown:
            raise ValueError(f"custom_ops: unknown operators {sorted(unknown)}")

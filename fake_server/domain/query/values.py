"""Value model shared by filters, sorting and cursors: the MISSING sentinel, field types and
JSON-kind helpers (strict about ``bool`` never being a number)."""

from __future__ import annotations

import enum
import math
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Final, Literal


class _Missing(enum.Enum):
    MISSING = "MISSING"

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final = _Missing.MISSING
"""Returned by a getter when a field is absent (distinct from ``None`` = JSON null)."""

Missing = Literal[_Missing.MISSING]

ARRAY_TYPES: Final = (list, tuple, set, frozenset)
"""Python containers treated as JSON arrays when matching stored values."""

CONTAINER_TYPES: Final = (list, tuple, set, frozenset, dict)
"""JSON arrays and objects."""

ValueTest = Callable[[object], bool]
"""A compiled test on a field's raw value (which may be MISSING)."""


class FieldType(enum.Enum):
    """How the engine validates operands and compares stored values of a field."""

    STRING = "string"
    NUMBER = "number"
    BOOL = "boolean"
    DATE = "date"
    STRING_LIST = "string list"
    ANY = "any"


def is_absent(value: object) -> bool:
    """True for MISSING and None (null)."""
    return value is None or value is MISSING


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_nan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)


def json_kind(value: object) -> str:
    """The JSON type name of a value, as used in error details."""
    if value is None:
        return "null"
    if value is MISSING:
        return "missing"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, datetime):
        return "timestamp"
    if isinstance(value, ARRAY_TYPES):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def as_aware(value: datetime) -> datetime:
    """Treat a naive datetime as UTC; aware ones are returned unchanged."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def json_equal(a: object, b: object) -> bool:
    """Deep equality that respects JSON kinds (``True`` != ``1``, ``1`` == ``1.0``)."""
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and a == b
    kind_a, kind_b = json_kind(a), json_kind(b)
    if kind_a != kind_b:
        return False
    if kind_a == "array":
        assert isinstance(a, ARRAY_TYPES) and isinstance(b, ARRAY_TYPES)
        left, right = list(a), list(b)
        return len(left) == len(right) and all(
            json_equal(x, y) for x, y in zip(left, right, strict=True)
        )
    if kind_a == "object":
        assert isinstance(a, dict) and isinstance(b, dict)
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if kind_a == "timestamp":
        assert isinstance(a, datetime) and isinstance(b, datetime)
        return as_aware(a) == as_aware(b)
    return a == b

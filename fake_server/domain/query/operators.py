"""Compile one field operator and its operand into a test on the field's raw value.

Operands are validated and normalised (dates parsed) here, once, at compile time; the
returned closures only inspect the stored value. Every test is array-tolerant: a stored array
matches when the whole array or any element satisfies the operator (Mongo semantics).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Final

from ..errors import APIError, input_error
from .dates import parse_timestamp
from .schema import ORDERED_OPERATORS
from .text import autocomplete_matcher, has_tokens, text_query_matcher
from .values import (
    ARRAY_TYPES,
    CONTAINER_TYPES,
    MISSING,
    FieldType,
    ValueTest,
    as_aware,
    is_absent,
    is_number,
    json_equal,
    json_kind,
)

_EXPECTED: Final = {
    FieldType.STRING: "string",
    FieldType.STRING_LIST: "string",
    FieldType.NUMBER: "number",
    FieldType.BOOL: "boolean",
    FieldType.DATE: "timestamp (RFC 3339 string)",
    FieldType.ANY: "JSON value",
}

_COMPARE: Final[dict[str, Callable[[Any, Any], bool]]] = {
    "$gt": operator.gt,
    "$gte": operator.ge,
    "$lt": operator.lt,
    "$lte": operator.le,
}


def type_error(name: str, operand: object, expected: str) -> APIError:
    return input_error(f"field `{name}` contains type {json_kind(operand)}. expecting {expected}")


def _normalize_operand(
    name: str, ftype: FieldType, value: object, *, allow_null: bool, allow_complex: bool
) -> object:
    """Validate one equality-style operand for the field type; dates become datetimes."""
    if value is None:
        if ftype is FieldType.BOOL or not allow_null:
            raise type_error(name, value, _EXPECTED[ftype])
        return None
    if ftype is FieldType.STRING or ftype is FieldType.STRING_LIST:
        if isinstance(value, str):
            return value
    elif ftype is FieldType.NUMBER:
        if is_number(value):
            return value
    elif ftype is FieldType.BOOL:
        if isinstance(value, bool):
            return value
    elif ftype is FieldType.DATE:
        if isinstance(value, str | datetime):
            parsed = parse_timestamp(value)
            if parsed is None:
                raise input_error(
                    f'field `{name}` contains invalid timestamp "{value}". '
                    "expecting RFC 3339 timestamp"
                )
            return parsed
    else:  # ANY
        if allow_complex or not isinstance(value, CONTAINER_TYPES):
            return value
    raise type_error(name, value, _EXPECTED[ftype])


def _any_element(single: ValueTest) -> ValueTest:
    def test(value: object) -> bool:
        if single(value):
            return True
        return isinstance(value, ARRAY_TYPES) and any(single(element) for element in value)

    return test


def _negate(test: ValueTest) -> ValueTest:
    return lambda value: not test(value)


def membership_test(values: Iterable[object], *, parse_strings: bool) -> ValueTest:
    """Equals any of ``values`` (already normalised), by JSON kind; arrays match on any element.
    ``None`` in ``values`` matches null and MISSING. With ``parse_strings`` a timestamp-like
    string also matches a stored datetime of the same instant."""
    strings: set[str] = set()
    numbers: set[int | float] = set()
    booleans: set[bool] = set()
    dates: set[datetime] = set()
    complex_values: list[object] = []
    null = False
    for value in values:
        if value is None:
            null = True
        elif isinstance(value, bool):
            booleans.add(value)
        elif isinstance(value, int | float):
            numbers.add(value)
        elif isinstance(value, str):
            strings.add(value)
            if parse_strings:
                parsed = parse_timestamp(value)
                if parsed is not None:
                    dates.add(parsed)
        elif isinstance(value, datetime):
            dates.add(as_aware(value))
        else:
            complex_values.append(value)

    if not (numbers or booleans or dates or complex_values or null):
        # The common case: string equality / $in over strings.
        if len(strings) == 1:
            (wanted,) = strings

            def one_string(value: object) -> bool:
                if isinstance(value, str):
                    return value == wanted
                return isinstance(value, ARRAY_TYPES) and any(
                    isinstance(element, str) and element == wanted for element in value
                )

            return one_string

        def some_string(value: object) -> bool:
            if isinstance(value, str):
                return value in strings
            return isinstance(value, ARRAY_TYPES) and any(
                isinstance(element, str) and element in strings for element in value
            )

        return some_string

    def single(value: object) -> bool:
        if isinstance(value, str):
            return value in strings
        if isinstance(value, bool):
            return value in booleans
        if isinstance(value, int | float):
            return value in numbers
        if value is None or value is MISSING:
            return null
        if isinstance(value, datetime):
            return as_aware(value) in dates
        return any(json_equal(value, candidate) for candidate in complex_values)

    return _any_element(single)


def _string_set_equal(wanted: frozenset[str]) -> ValueTest:
    def test(value: object) -> bool:
        return (
            isinstance(value, ARRAY_TYPES)
            and all(isinstance(element, str) for element in value)
            and frozenset(value) == wanted
        )

    return test


def _eq_test(name: str, ftype: FieldType, operand: object) -> ValueTest:
    if isinstance(operand, ARRAY_TYPES):
        if ftype is FieldType.STRING_LIST:
            elements = [
                _normalize_operand(name, ftype, e, allow_null=False, allow_complex=False)
                for e in operand
            ]
            return _string_set_equal(frozenset(str(e) for e in elements))
        if ftype is not FieldType.ANY:
            raise type_error(name, operand, _EXPECTED[ftype])
    normalized = _normalize_operand(name, ftype, operand, allow_null=True, allow_complex=True)
    return membership_test([normalized], parse_strings=ftype is FieldType.ANY)


def _in_test(name: str, op: str, ftype: FieldType, operand: object) -> ValueTest:
    if not isinstance(operand, list | tuple):
        raise input_error(
            f'operator "{op}" on field "{name}" expects an array, got {json_kind(operand)}'
        )
    allow_complex = ftype is FieldType.ANY
    elements = [
        _normalize_operand(name, ftype, e, allow_null=True, allow_complex=allow_complex)
        for e in operand
    ]
    return membership_test(elements, parse_strings=ftype is FieldType.ANY)


def _ordered_test(name: str, ftype: FieldType, op: str, operand: object) -> ValueTest:
    compare = _COMPARE[op]
    single: ValueTest
    if ftype is FieldType.STRING or ftype is FieldType.STRING_LIST:
        if not isinstance(operand, str):
            raise type_error(name, operand, "string")
        text = operand

        def single(value: object) -> bool:
            return isinstance(value, str) and compare(value, text)

    elif ftype is FieldType.NUMBER:
        if not is_number(operand):
            raise type_error(name, operand, "number")
        number = operand

        def single(value: object) -> bool:
            return is_number(value) and compare(value, number)

    elif ftype is FieldType.BOOL:
        if not isinstance(operand, bool):
            raise type_error(name, operand, "boolean")
        flag = operand

        def single(value: object) -> bool:
            return isinstance(value, bool) and compare(value, flag)

    elif ftype is FieldType.DATE:
        instant = _normalize_operand(name, ftype, operand, allow_null=False, allow_complex=False)

        def single(value: object) -> bool:
            return isinstance(value, datetime) and compare(as_aware(value), instant)

    else:  # ANY: compare with values of the operand's own JSON type
        if is_number(operand):
            number = operand

            def single(value: object) -> bool:
                return is_number(value) and compare(value, number)

        elif isinstance(operand, str):
            text = operand
            instant_or_none = parse_timestamp(operand)

            def single(value: object) -> bool:
                if isinstance(value, str):
                    return compare(value, text)
                if instant_or_none is not None and isinstance(value, datetime):
                    return compare(as_aware(value), instant_or_none)
                return False

        else:
            raise type_error(name, operand, "number, string or timestamp")
    return _any_element(single)


def _text_test(name: str, op: str, operand: object) -> ValueTest:
    if not isinstance(operand, str):
        raise input_error(
            f'operator "{op}" on field "{name}" expects a string, got {json_kind(operand)}'
        )
    if not has_tokens(operand):
        raise input_error(
            f'operator "{op}" on field "{name}" needs a non-empty search text '
            "(empty or symbols-only queries are not allowed)"
        )
    matcher = (
        autocomplete_matcher(operand) if op == "$autocomplete" else text_query_matcher(operand)
    )

    def single(value: object) -> bool:
        return isinstance(value, str) and matcher(value)

    return _any_element(single)


def build_value_test(name: str, ftype: FieldType, op: str, operand: object) -> ValueTest:
    """Compile ``{name: {op: operand}}`` for a field of type ``ftype`` (operator already known
    to be allowed). Raises 400/4 ``APIError`` for a badly typed operand."""
    if op == "$eq":
        return _eq_test(name, ftype, operand)
    if op == "$ne":
        return _negate(_eq_test(name, ftype, operand))
    if op == "$in":
        return _in_test(name, op, ftype, operand)
    if op == "$nin":
        return _negate(_in_test(name, op, ftype, operand))
    if op in ORDERED_OPERATORS:
        return _ordered_test(name, ftype, op, operand)
    if op == "$exists":
        if not isinstance(operand, bool):
            raise input_error(
                f'operator "$exists" on field "{name}" only accepts a boolean, '
                f"got {json_kind(operand)}"
            )
        if operand:
            return lambda value: not is_absent(value)
        return is_absent
    if op == "$contains":
        if operand is None or isinstance(operand, CONTAINER_TYPES):
            raise input_error(
                f'operator "$contains" on field "{name}" expects a single value, '
                f"got {json_kind(operand)}"
            )
        element = _normalize_operand(name, ftype, operand, allow_null=False, allow_complex=False)
        return membership_test([element], parse_strings=ftype is FieldType.ANY)
    if op == "$autocomplete" or op == "$q":
        return _text_test(name, op, operand)
    raise input_error(f'unknown operator "{op}"')  # pragma: no cover - filtered by the caller

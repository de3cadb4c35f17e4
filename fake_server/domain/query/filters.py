"""``compile_filter``: turn a filter document (conventions §10) into a predicate, once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final, TypeVar

from ..errors import input_error
from .operators import build_value_test
from .paths import custom_getter
from .schema import FIELD_OPERATORS, LOGICAL_OPERATORS, Field, Schema
from .values import FieldType, ValueTest, json_kind

T = TypeVar("T")

Predicate = Callable[[T], bool]

MAX_DEPTH: Final = 32
"""Deepest nesting of ``$and``/``$or``/``$nor`` accepted (deeper → 400/4)."""


def _always(item: object) -> bool:
    return True


def all_of(predicates: Sequence[Callable[[T], bool]]) -> Callable[[T], bool]:
    if not predicates:
        return _always
    if len(predicates) == 1:
        return predicates[0]
    if len(predicates) == 2:
        first, second = predicates
        return lambda item: first(item) and second(item)
    chain = tuple(predicates)
    return lambda item: all(predicate(item) for predicate in chain)


def any_of(predicates: Sequence[Callable[[T], bool]]) -> Callable[[T], bool]:
    if len(predicates) == 1:
        return predicates[0]
    chain = tuple(predicates)
    return lambda item: any(predicate(item) for predicate in chain)


def _all_values(tests: Sequence[ValueTest]) -> ValueTest:
    if len(tests) == 1:
        return tests[0]
    chain = tuple(tests)
    return lambda value: all(test(value) for test in chain)


def compile_filter(schema: Schema[T], conditions: object) -> Callable[[T], bool]:
    """Compile ``conditions`` against ``schema`` into a predicate over items.

    Raises ``APIError`` 400/4 for: a non-object filter, an unknown ``$operator``, an unknown
    field (when the schema has no ``custom_get``), an operator not allowed for the field, a
    wrongly typed operand, malformed ``$and``/``$or``/``$nor`` (must be non-empty arrays of
    objects) and empty or symbols-only ``$autocomplete``/``$q`` texts. ``{}`` matches
    everything; several keys are AND-ed; ``{"f": v}`` means ``{"f": {"$eq": v}}``; an empty
    operator object ``{"f": {}}`` places no condition on ``f``.
    """
    if not isinstance(conditions, dict):
        raise input_error(f"{schema.name} must be an object, got {json_kind(conditions)}")
    return _compile_object(schema, conditions, depth=0)


def _compile_object(schema: Schema[T], conditions: dict[str, object], depth: int) -> Predicate[T]:
    predicates: list[Predicate[T]] = []
    for key, value in conditions.items():
        if key.startswith("$"):
            if key in LOGICAL_OPERATORS:
                predicates.append(_compile_logical(schema, key, value, depth))
            elif key in FIELD_OPERATORS:
                raise input_error(
                    f'operator "{key}" must be applied to a field, e.g. {{"<field>": {{"{key}": …}}}}'
                )
            else:
                raise input_error(f'unknown operator "{key}" in {schema.name}')
        else:
            predicates.append(_compile_field(schema, key, value))
    return all_of(predicates)


def _compile_logical(schema: Schema[T], op: str, value: object, depth: int) -> Predicate[T]:
    if depth >= MAX_DEPTH:
        raise input_error(f"{schema.name} is nested too deeply (at most {MAX_DEPTH} levels)")
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(element, dict) for element in value)
    ):
        raise input_error(
            f'operator "{op}" expects a non-empty array of filter objects, got {json_kind(value)}'
            if not isinstance(value, list)
            else f'operator "{op}" expects a non-empty array of filter objects'
        )
    children = [_compile_object(schema, element, depth + 1) for element in value]
    if op == "$and":
        return all_of(children)
    either = any_of(children)
    if op == "$or":
        return either
    return lambda item: not either(item)


def _resolve_field(schema: Schema[T], key: str) -> Field[T]:
    known = schema.fields.get(key)
    if known is not None:
        return known
    if schema.custom_get is None or not key:
        raise input_error(f'field "{key}" is not a supported filter field in {schema.name}')
    return Field(
        name=key,
        type=FieldType.ANY,
        ops=schema.custom_ops,
        get=custom_getter(schema.custom_get, key),
    )


def _field_conditions(key: str, value: object) -> list[tuple[str, object]]:
    if isinstance(value, dict) and value:
        operators = [name for name in value if name.startswith("$")]
        if len(operators) == len(value):
            return list(value.items())
        if operators:
            raise input_error(
                f'field "{key}" mixes operators with plain keys; use either '
                '{"$op": value} or an object value'
            )
    if isinstance(value, dict) and not value:
        return []
    return [("$eq", value)]


def _compile_field(schema: Schema[T], key: str, value: object) -> Predicate[T]:
    field = _resolve_field(schema, key)
    value_tests: list[ValueTest] = []
    item_tests: list[Predicate[T]] = []
    for op, operand in _field_conditions(key, value):
        if op not in FIELD_OPERATORS:
            if op in LOGICAL_OPERATORS:
                raise input_error(
                    f'operator "{op}" cannot be applied to field "{field.name}"; '
                    "use it at the top level of a filter"
                )
            raise input_error(f'unknown operator "{op}" for field "{field.name}"')
        if op not in field.ops:
            raise input_error(f'operator "{op}" is not allowed for field "{field.name}"')
        if field.custom_match is not None:
            special = field.custom_match(op, operand)
            if special is not None:
                item_tests.append(special)
                continue
        value_tests.append(build_value_test(field.name, field.type, op, operand))
    if value_tests:
        test = _all_values(value_tests)
        get = field.get
        item_tests.insert(0, lambda item: test(get(item)))
    return all_of(item_tests)

"""Small typed validators shared by the configuration areas (400/4 on every violation)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from fake_server.domain.errors import APIError, input_error
from fake_server.domain.query import json_kind


def type_error(field: str, expected: str, value: object) -> APIError:
    return input_error(
        f'field "{field}" must be {expected}, got {json_kind(value)}', **{field: f"must be {expected}"}
    )


def as_bool(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise type_error(field, "a boolean", value)
    return value


def as_str(value: object, field: str, *, max_length: int | None = None) -> str:
    if not isinstance(value, str):
        raise type_error(field, "a string", value)
    if max_length is not None and len(value) > max_length:
        raise input_error(
            f'field "{field}" must be at most {max_length} characters long',
            **{field: f"longer than {max_length}"},
        )
    return value


def as_required_str(value: object, field: str, *, max_length: int | None = None) -> str:
    if value is None or value == "":
        raise input_error(f'field "{field}" is required', **{field: "is required"})
    return as_str(value, field, max_length=max_length)


def as_int(value: object, field: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
        raise type_error(field, "an integer", value)
    number = int(value)
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        bounds = (
            f"between {minimum} and {maximum}" if minimum is not None and maximum is not None
            else f"at least {minimum}" if minimum is not None
            else f"at most {maximum}"
        )
        raise input_error(f'field "{field}" must be {bounds}, got {number}', **{field: f"must be {bounds}"})
    return number


def as_number(value: object, field: str, *, minimum: float, maximum: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise type_error(field, "a number", value)
    if not minimum <= value <= maximum:
        raise input_error(
            f'field "{field}" must be between {minimum} and {maximum}, got {value}',
            **{field: f"must be between {minimum} and {maximum}"},
        )
    return float(value)


def as_enum(value: object, field: str, allowed: Iterable[str]) -> str:
    choices = list(allowed)
    if not isinstance(value, str) or value not in choices:
        listed = ", ".join(choices)
        raise input_error(
            f'field "{field}" must be one of [{listed}], got {value!r}', **{field: f"must be one of [{listed}]"}
        )
    return value


def as_object(value: object, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise type_error(field, "an object", value)
    return value


def as_str_list(value: object, field: str, *, max_items: int | None = None) -> list[str]:
    if not isinstance(value, list):
        raise type_error(field, "an array of strings", value)
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise type_error(f"{field}[{index}]", "a string", item)
    if max_items is not None and len(value) > max_items:
        raise input_error(
            f'field "{field}" accepts at most {max_items} items, got {len(value)}',
            **{field: f"more than {max_items} items"},
        )
    return list(value)


def as_url(value: object, field: str) -> str:
    """An http(s) URL or ``""`` (which clears the setting)."""
    text = as_str(value, field)
    if text == "":
        return text
    # "{type}" placeholders (custom_action_handler_url) are part of valid settings.
    parts = urlsplit(text.replace("{type}", "type"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise input_error(
            f'field "{field}" must be an http(s) URL, got "{text}"', **{field: "invalid URL"}
        )
    return text


def dedupe(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
